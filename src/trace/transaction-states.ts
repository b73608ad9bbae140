// The states of the four RFC 3261 §17 transaction machines (with RFC 6026's
// Accepted), as the diagnostics stream names them. Their legal moves are
// transaction/states.ts's.

export type InviteClientState = 'Calling' | 'Proceeding' | 'Completed' | 'Accepted' | 'Terminated';
export type NonInviteClientState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';
export type InviteServerState = 'Proceeding' | 'Completed' | 'Confirmed' | 'Accepted' | 'Terminated';
export type NonInviteServerState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';
export type TransactionState = InviteClientState | NonInviteClientState | InviteServerState | NonInviteServerState;
