// Replays the RFC 3261 §17 state machines (with RFC 6026) over the messages
// of one transaction seen in a trace, for imports, where no stream states
// them. Only what messages drive is replayed, with the same state names and
// causes the machines in src/transaction emit, so that a live model and an
// imported one agree; transitions on timers that are zero on a reliable
// transport (D, I, J, K) follow at once, as in the machines. Timer-driven
// transitions (A, B, E, F, G, H, L, M) cannot be seen in a capture. Every
// move is checked against the machine's figure (transaction/states.ts).
import type { TransactionState } from '../trace/transaction-states.js';
import {
  IllegalTransitionError, INVITE_CLIENT_TRANSITIONS, INVITE_SERVER_TRANSITIONS, NON_INVITE_CLIENT_TRANSITIONS,
  NON_INVITE_SERVER_TRANSITIONS, type TransitionTable,
} from '../transaction/states.js';
import { isReliable, type TransportProtocol } from '../transport/transport.js';
import type { StateChange } from './model-types.js';

export type ReplayRole = 'client' | 'server' | 'observed';

/** One message of the transaction, as the replay needs it. */
export interface ReplayStep {
  readonly at: number;
  readonly kind: 'request' | 'ack' | 'response';
  /** Response status. */
  readonly status?: number;
  readonly retransmission: boolean;
}

function reliableTransport(transport: string): boolean {
  const known = ['UDP', 'TCP', 'TLS', 'WS', 'WSS'];
  return known.includes(transport) ? isReliable(transport as TransportProtocol) : transport !== 'UDP';
}

/** The initial state of each machine (Figures 5-8). */
export function initialState(method: string, role: ReplayRole): TransactionState {
  if (method === 'INVITE') return role === 'client' ? 'Calling' : 'Proceeding';
  return 'Trying';
}

/** The figure a replay follows: observed transactions are replayed as their server sees them. */
function figureOf(method: string, role: ReplayRole): TransitionTable<TransactionState> {
  const client = role === 'client';
  const table = method === 'INVITE'
    ? client ? INVITE_CLIENT_TRANSITIONS : INVITE_SERVER_TRANSITIONS
    : client ? NON_INVITE_CLIENT_TRANSITIONS : NON_INVITE_SERVER_TRANSITIONS;
  return table as TransitionTable<TransactionState>;
}

/**
 * The state history of a transaction replayed from its messages. Observed
 * transactions are replayed as the server machine sees them (the ACK of a
 * non-2xx is visible on the wire), with causes "N seen".
 */
export function replayStates(method: string, role: ReplayRole, transport: string, steps: readonly ReplayStep[]): StateChange[] {
  const out: StateChange[] = [];
  const reliable = reliableTransport(transport);
  const verb = role === 'client' ? 'received' : role === 'server' ? 'sent' : 'seen';
  const serverSide = role !== 'client';
  let state = initialState(method, role);
  const figure = figureOf(method, role);
  const go = (at: number, to: TransactionState, cause: string) => {
    if (state === to) return;
    if (!(figure[state] ?? []).includes(to)) throw new IllegalTransitionError(`replayed ${method} ${role}`, state, to, cause);
    out.push({ at, from: state, to, cause });
    state = to;
  };
  for (const step of steps) {
    if (step.retransmission || state === 'Terminated') continue;
    if (step.kind === 'response') {
      const status = step.status ?? 0;
      const cause = `${status} ${verb}`;
      if (method === 'INVITE') {
        const open = serverSide ? state === 'Proceeding' : state === 'Calling' || state === 'Proceeding';
        if (!open) continue;
        if (status < 200) {
          if (!serverSide) go(step.at, 'Proceeding', cause);
        } else if (status < 300) {
          go(step.at, 'Accepted', cause);
        } else {
          go(step.at, 'Completed', cause);
          if (!serverSide && reliable) go(step.at, 'Terminated', 'Completed on a reliable transport (Timer D = 0)');
        }
      } else {
        if (state !== 'Trying' && state !== 'Proceeding') continue;
        if (status < 200) {
          go(step.at, 'Proceeding', cause);
        } else {
          go(step.at, 'Completed', cause);
          if (reliable) {
            // §17.1.2.2 / §17.2.2: Timer K (client) and Timer J (server) are zero on a reliable transport.
            // An observer sees both ends finish at once: it names both, not the server's alone.
            const timers = role === 'client' ? 'Timer K' : role === 'server' ? 'Timer J' : 'Timers J and K';
            go(step.at, 'Terminated', `Completed on a reliable transport (${timers} = 0)`);
          }
        }
      }
    } else if (step.kind === 'ack' && serverSide && method === 'INVITE' && state === 'Completed') {
      go(step.at, 'Confirmed', role === 'server' ? 'ACK received' : 'ACK seen');
      if (reliable) go(step.at, 'Terminated', 'Confirmed on a reliable transport (Timer I = 0)');
    }
  }
  return out;
}

/** Transitions that messages (not timers or transport failures) caused: comparable across live and import. */
export function isMessageDriven(change: StateChange): boolean {
  return / (received|sent|seen)$/.test(change.cause) || /\(Timers? [DIJK](?: and [DIJK])? = 0\)$/.test(change.cause);
}
