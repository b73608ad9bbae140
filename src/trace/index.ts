// The diagnostics stream's vocabulary: its events, the names of the timers it
// reports, and the finding codes. A leaf: it imports nothing above util/.
export * from './events.js';
export type { TimerName } from './timer-names.js';
export type * from './transaction-states.js';
export type { CallState } from './call-states.js';
export { FINDING_CODES, type FindingCode } from './finding-codes.js';
