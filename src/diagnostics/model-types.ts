// The per-call diagnostics model: what every call's SIP transactions did.
// It is built either from the live diagnostics stream (live-recorder.ts) or
// from imported messages (model-builder.ts via an importer), and both paths
// give the same shapes, so findings, reports and exports are views of one model.
import type { SipMessage } from '../message/index.js';
import type { TransactionKind } from '../trace/events.js';
import type { FindingCode } from '../trace/finding-codes.js';
import type { TimerName } from '../trace/timer-names.js';
import type { TransactionState } from '../trace/transaction-states.js';
import type { CallMedia } from './media/media-types.js';

export type { FindingCode };
export type {
  CallMedia, MediaAddress, MediaFlowSummary, MediaSample, MediaSampleCounters, MediaTransportHistory, MediaWay, RtpStreamSummary,
} from './media/media-types.js';

/** A transport address as seen on the wire. */
export interface Endpoint {
  /** `UDP`, `TCP`, `TLS`, `WS`, `WSS`. */
  readonly transport: string;
  readonly address: string;
  readonly port: number;
}

/**
 * `sent` / `received`: from one user agent's point of view (the live stream, or an
 * import told which addresses are local). `observed`: from a capture point in the
 * network, with both ends known but no side taken.
 */
export type MessageDirection = 'sent' | 'received' | 'observed';

/** One SIP message of the trace. */
export interface TraceMessage {
  /** Position in the whole trace, from 0: findings point at messages by this index. */
  readonly index: number;
  /**
   * Milliseconds. Live: the stack's monotonic clock. Imported: since the Unix epoch
   * (the capture's timestamps, microsecond precision kept as a fraction).
   */
  readonly at: number;
  readonly direction: MessageDirection;
  /** Sender, when known (always for imports; for live `received` it is the peer). */
  readonly src?: Endpoint;
  /** Receiver, when known (always for imports; for live `sent` it is the peer). */
  readonly dst?: Endpoint;
  readonly transport: string;
  /** Exactly the bytes on the wire. */
  readonly raw: Uint8Array;
  /** First line, for display (also for messages that failed to parse). */
  readonly startLine: string;
  /** The parsed message; undefined when it is malformed (see `parseError`). */
  readonly sip?: SipMessage;
  readonly parseError?: string;
  readonly callId?: string;
  /** The model transaction it belongs to (none for an ACK to a 2xx, or a stray message). */
  readonly transactionId?: string;
  /** A retransmission of an earlier message of the same transaction (or of the same 2xx). */
  readonly retransmission: boolean;
}

export interface StateChange {
  readonly at: number;
  readonly from: TransactionState;
  readonly to: TransactionState;
  readonly cause: string;
}

export interface TimerRecord {
  readonly at: number;
  readonly timer: TimerName;
  readonly event: 'started' | 'fired' | 'cancelled';
  readonly durationMs: number;
}

export interface TransactionModel {
  /** `tx1`, ... from the stack when live; `t1`, ... when derived from messages. */
  readonly id: string;
  /** The stack's own matching key (live), or the §17.2.3 key (derived). */
  readonly key: string;
  /**
   * Key in one canonical form for both paths: RFC 3261 §17.2.3 branch, sent-by and
   * method (what a server, or any observer, matches on).
   */
  readonly matchKey: string;
  readonly method: string;
  /** `observed` for a transaction seen from the network (both sides). */
  readonly role: 'client' | 'server' | 'observed';
  readonly kind: TransactionKind;
  readonly transport: string;
  readonly callId: string;
  readonly callTag?: string;
  readonly branch?: string;
  readonly cseq?: number;
  /** Client and server ends, when known. */
  readonly client?: Endpoint;
  readonly server?: Endpoint;
  /** From the stream (live) or replayed from the messages by the §17 rules (import). */
  readonly source: 'stream' | 'derived';
  readonly states: readonly StateChange[];
  readonly state: TransactionState;
  /** Live only: timers are not visible in a capture. */
  readonly timers: readonly TimerRecord[];
  /** Retransmissions of the request (by the client) and of responses (by the server). */
  readonly retransmissions: { readonly requests: number; readonly responses: number };
  readonly finalStatus?: number;
  /** Indices of its messages, in order. */
  readonly messages: readonly number[];
}

export interface DialogModel {
  /** Call-ID, local (caller's From) tag, remote (callee's To) tag. */
  readonly id: string;
  readonly callId: string;
  readonly callerTag: string;
  readonly calleeTag: string;
  readonly state: 'early' | 'confirmed' | 'terminated';
  /** Record-Route of the dialog-creating response, in header order (what the callee keeps). */
  readonly recordRoute: readonly string[];
  /** The caller's route set: the Record-Route reversed (§12.1.2). */
  readonly callerRouteSet: readonly string[];
  /** The callee's remote target (the caller's Contact) and the caller's (the callee's Contact). */
  readonly callerContact?: string;
  readonly calleeContact?: string;
  /** Message indices: the response that created it, the one that confirmed it, the BYE. */
  readonly createdBy: number;
  readonly confirmedBy?: number;
  readonly terminatedBy?: number;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  readonly code: FindingCode;
  readonly severity: Severity;
  readonly title: string;
  /** Indices (TraceMessage.index) of the messages that show it. */
  readonly messages: readonly number[];
  /** e.g. `RFC 3261 §13.3.1.4`. */
  readonly rfc: string;
  readonly explanation: string;
  readonly nextSteps: readonly string[];
}


export interface CallModel {
  readonly callId: string;
  /** Call tags the stack gave its transactions (live), if any. */
  readonly callTags: readonly string[];
  readonly messages: readonly number[];
  readonly transactions: readonly TransactionModel[];
  readonly dialogs: readonly DialogModel[];
  /** Messages that belong to no transaction: ACKs for 2xx, stray responses. */
  readonly unmatched: readonly number[];
  /**
   * Its media, when the source has any: the RTP streams of a capture matched to the call's
   * SDPs, or the media owner's reports (live). Absent when nothing was seen.
   */
  readonly media?: CallMedia;
  readonly findings: readonly Finding[];
}

export interface TraceModel {
  readonly source: 'live' | 'import';
  /** What an importer skipped or could not read (empty when live). */
  readonly notes: readonly string[];
  readonly messages: readonly TraceMessage[];
  readonly calls: readonly CallModel[];
  /** RFC 3261 T1 in ms used for timing judgements (from the stream's timers when live). */
  readonly t1: number;
}
