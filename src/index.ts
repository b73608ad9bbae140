// Public library entry: `import { ... } from 'callscope/sip'`.
// Each layer re-exports its public API here as it lands.

// SIP message layer: parse, build, serialize, frame, UAS pre-checks.
export * from './message/index.js';

// Transports: UDP, TCP, TLS, WS/WSS, and an in-memory pair for tests.
export * from './transport/index.js';
export * from './transaction/index.js';
export * from './diagnostics/index.js';
export { backgroundClock, systemClock, type Clock, type TimerHandle } from './util/clock.js';
export { FakeClock } from './util/fake-clock.js';

// Dialogs (RFC 3261 §12) and the user agent: registration, calls, SDP handler.
export { Dialog, dialogKey, dialogKeyOfRequest, dialogKeyOfResponse, type DialogId, type DialogState } from './dialog/dialog.js';
export * from './ua/index.js';
