// The four transaction machines' states and legal transitions, as data: RFC
// 3261 Figures 5-8, with the Accepted state of RFC 6026 §7.1-7.2. The
// machines refuse any move not listed here (Transaction.transition throws),
// and diagnostics/transaction-replay.ts replays imported traces over the same
// tables, so a live model and an imported one speak the same states. The
// state names are the stream's vocabulary (trace/transaction-states.ts).

/** The states each may move to next; `Terminated` is final in every machine. */
export type TransitionTable<State extends string> = { readonly [S in State]: readonly State[] };

import type {
  InviteClientState, InviteServerState, NonInviteClientState, NonInviteServerState,
} from '../trace/transaction-states.js';

export type { InviteClientState, InviteServerState, NonInviteClientState, NonInviteServerState };

/**
 * Figure 5 + RFC 6026 Figure 5: Calling -> Proceeding on a 1xx; a 300-699 ->
 * Completed; a 2xx -> Accepted; Timer B or a transport error -> Terminated;
 * Completed ends on Timer D, Accepted on Timer M.
 */
export const INVITE_CLIENT_TRANSITIONS: TransitionTable<InviteClientState> = {
  Calling: ['Proceeding', 'Completed', 'Accepted', 'Terminated'],
  Proceeding: ['Completed', 'Accepted', 'Terminated'],
  Completed: ['Terminated'],
  Accepted: ['Terminated'],
  Terminated: [],
};

/** Figure 6: Trying -> Proceeding on a 1xx; a final response -> Completed (Timer K ends it); Timer F or a transport error -> Terminated. */
export const NON_INVITE_CLIENT_TRANSITIONS: TransitionTable<NonInviteClientState> = {
  Trying: ['Proceeding', 'Completed', 'Terminated'],
  Proceeding: ['Completed', 'Terminated'],
  Completed: ['Terminated'],
  Terminated: [],
};

/**
 * Figure 7 + RFC 6026 Figure 7: a 2xx from the TU -> Accepted (Timer L ends
 * it); a 300-699 -> Completed; its ACK -> Confirmed (Timer I ends it); Timer
 * H or a transport error -> Terminated.
 */
export const INVITE_SERVER_TRANSITIONS: TransitionTable<InviteServerState> = {
  Proceeding: ['Completed', 'Accepted', 'Terminated'],
  Completed: ['Confirmed', 'Terminated'],
  Confirmed: ['Terminated'],
  Accepted: ['Terminated'],
  Terminated: [],
};

/** Figure 8: a 1xx from the TU -> Proceeding; a final response -> Completed (Timer J ends it); a transport error -> Terminated. */
export const NON_INVITE_SERVER_TRANSITIONS: TransitionTable<NonInviteServerState> = {
  Trying: ['Proceeding', 'Completed', 'Terminated'],
  Proceeding: ['Completed', 'Terminated'],
  Completed: ['Terminated'],
  Terminated: [],
};

/** A move the machine's figure does not have: a bug in the stack, never a peer's fault. */
export class IllegalTransitionError extends Error {
  constructor(readonly machine: string, readonly from: string, readonly to: string, readonly why: string) {
    super(`illegal ${machine} transaction transition ${from} -> ${to} (${why}): not in RFC 3261 §17's figure`);
    this.name = 'IllegalTransitionError';
  }
}

/** True when `table` allows `from` -> `to`. */
export function isLegalTransition<State extends string>(table: TransitionTable<State>, from: State, to: State): boolean {
  return table[from].includes(to);
}
