// Public library entry: `import { ... } from 'callscope/sip'`.
// Each layer re-exports its public API here as it lands.
export {};
