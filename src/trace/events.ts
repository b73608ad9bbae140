// The diagnostics stream: every SIP-level event is emitted here once, with a
// monotonic timestamp (ms, from the stack's Clock). The transport, transaction
// and UA layers write it; diagnostics/ (the call panel's model, the CLI
// report, exports) only reads it and re-derives no protocol state. This file is
// the stream's vocabulary and imports nothing above util/.
import type { CallState } from './call-states.js';
import type { TimerName } from './timer-names.js';
import type { TransactionState } from './transaction-states.js';

export type TransactionRole = 'client' | 'server';
export type TransactionKind = 'invite' | 'non-invite';

/** Where a message went or came from. */
export interface Peer {
  /** `UDP`, `TCP`, `TLS`, `WS`, `WSS`. */
  readonly transport: string;
  readonly address: string;
  readonly port: number;
}

interface EventBase {
  /** Monotonic milliseconds (Clock.now()). */
  readonly at: number;
}

export interface TransactionCreated extends EventBase {
  readonly type: 'transaction-created';
  readonly transactionId: string;
  /** Matching key (§17.1.3 / §17.2.3), e.g. branch + method (+ sent-by for servers). */
  readonly key: string;
  readonly method: string;
  readonly role: TransactionRole;
  readonly kind: TransactionKind;
  readonly transport: string;
  readonly callId: string;
  /** The call (dialog group) this transaction belongs to, when its user said. */
  readonly callTag?: string;
}

/**
 * A server transaction adopted by a call after it was created (the request
 * had to arrive before anyone knew which call it belonged to).
 */
export interface TransactionTagged extends EventBase {
  readonly type: 'transaction-tagged';
  readonly transactionId: string;
  readonly callTag: string;
}

export interface TransactionStateChanged extends EventBase {
  readonly type: 'transaction-state';
  readonly transactionId: string;
  readonly from: TransactionState;
  readonly to: TransactionState;
  /** What caused it: "1xx received", "Timer B fired", "transport error", ... */
  readonly cause: string;
}

export interface TimerEvent extends EventBase {
  readonly type: 'timer-started' | 'timer-fired' | 'timer-cancelled';
  readonly transactionId: string;
  readonly timer: TimerName;
  readonly durationMs: number;
}

export interface RetransmissionEvent extends EventBase {
  /** sent: we retransmitted; absorbed: a retransmission from the peer was matched and not passed up. */
  readonly type: 'retransmission-sent' | 'retransmission-absorbed';
  readonly transactionId: string;
  /** First line of the retransmitted message. */
  readonly startLine: string;
}

export interface MessageEvent extends EventBase {
  readonly type: 'message-sent' | 'message-received';
  readonly peer: Peer;
  /** Exactly the bytes that went over the wire. */
  readonly raw: Uint8Array;
  readonly transactionId?: string;
}

/** Bytes that arrived but are not a valid SIP message (RFC 3261 §7, §18.3). */
export interface MessageMalformedEvent extends EventBase {
  readonly type: 'message-malformed';
  readonly peer: Peer;
  readonly raw: Uint8Array;
  /** What is wrong, naming the header and position when known. */
  readonly reason: string;
  /** The status of the error response sent back (requests only), when one could be sent. */
  readonly answeredWith?: number;
}

/** A request over 1300 bytes meant for UDP (RFC 3261 §18.1.1): where it went, and why. */
export interface TransportChoiceEvent extends EventBase {
  readonly type: 'transport-choice';
  readonly transactionId: string;
  /** The transport it went over: the congestion-controlled one, or UDP when none was configured. */
  readonly transport: string;
  readonly note: string;
}

export interface TransportErrorEvent extends EventBase {
  readonly type: 'transport-error';
  readonly transport: string;
  readonly peer?: Peer;
  readonly reason: string;
  readonly transactionId?: string;
}

export type TransportState = 'connecting' | 'connected' | 'failed' | 'reconnecting' | 'closed';

export interface TransportStateEvent extends EventBase {
  readonly type: 'transport-state';
  readonly transport: string;
  /** The server or flow, e.g. `wss://proxy.example.com`. */
  readonly target: string;
  readonly state: TransportState;
  /** Failure reason, or "in 2.4 s" for reconnecting. */
  readonly detail?: string;
  readonly retryInMs?: number;
}

/** An account's registration (RFC 3261 §10) changed state: what a status bar shows. */
export interface RegistrationStateEvent extends EventBase {
  readonly type: 'registration-state';
  /** The address of record, e.g. `sip:alice@example.com`. */
  readonly aor: string;
  readonly state: 'unregistered' | 'registering' | 'registered' | 'failed';
  /** Registered: clock time the binding lapses unless refreshed. */
  readonly until?: number;
  /** Failed: the final status, if a response said so. */
  readonly status?: number;
  /** Failed: why, in words a user can act on. */
  readonly reason?: string;
  /** Failed: when the next attempt starts. */
  readonly retryInMs?: number;
}

/** A call (ua/call) changed state; the first event of a call has no `from`. */
export interface CallStateEvent extends EventBase {
  readonly type: 'call-state';
  /** The call tag its transactions carry. */
  readonly callTag: string;
  readonly callId: string;
  readonly direction: 'outgoing' | 'incoming';
  readonly from?: CallState;
  readonly to: CallState;
  /** What moved it: "180 received", "answer()", "ACK received", ... */
  readonly cause: string;
}

export type DiagnosticsEvent =
  | TransactionCreated
  | TransactionTagged
  | TransactionStateChanged
  | TimerEvent
  | RetransmissionEvent
  | MessageEvent
  | MessageMalformedEvent
  | TransportChoiceEvent
  | TransportErrorEvent
  | TransportStateEvent
  | RegistrationStateEvent
  | CallStateEvent;

export type DiagnosticsListener = (event: DiagnosticsEvent) => void;

/** One stream per user agent; listeners are called synchronously, in order. */
export class DiagnosticsStream {
  private readonly listeners = new Set<DiagnosticsListener>();

  /** Returns a function that removes the listener. */
  subscribe(listener: DiagnosticsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: DiagnosticsEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken view must not break the SIP stack.
      }
    }
  }
}
