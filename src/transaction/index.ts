// The transaction layer's public API (RFC 3261 §17, RFC 6026).
export { TransactionLayer } from './transaction-layer.js';
export type { ClientTransaction, RequestTarget, ServerTransaction, TransactionLayerOptions, TransactionUser } from './transaction-layer.js';
export type { ClientTransactionUser } from './client-transaction.js';
export type { RespondOptions, ServerTransactionFailure } from './server-transaction.js';
export { InviteClientTransaction, type InviteClientState } from './invite-client-transaction.js';
export { NonInviteClientTransaction, type NonInviteClientState } from './non-invite-client-transaction.js';
export { InviteServerTransaction, type InviteServerState } from './invite-server-transaction.js';
export { NonInviteServerTransaction, type NonInviteServerState } from './non-invite-server-transaction.js';
export { DEFAULT_TIMERS, TRYING_DELAY_MS, timerDuration, type TimerName, type TimerSettings } from './timers.js';
