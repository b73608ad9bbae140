// What the live recorder holds of one call (one Call-ID): its messages, the
// transactions the stream announced for it with their states and timers, the
// calls (ua/call) that live on it, and what had to be dropped. The group
// knows when it is finished: every transaction terminated and every call on
// it ended — nothing more can happen to it but stray retransmissions.
import { LiveMediaTrack } from '../media/live-media.js';
import type { MediaSample } from '../media/media-types.js';
import type { MessageInput, StreamTransaction } from '../model-builder.js';
import type { StateChange, TimerRecord } from '../model-types.js';
import type { TransactionKind, TransactionRole } from '../../trace/events.js';
import { MEDIA_TRACK_BYTES, MESSAGE_OVERHEAD_BYTES, type LiveRecorderLimits } from './recorder-limits.js';

export type RecordedMessage = { -readonly [K in keyof MessageInput]: MessageInput[K] } & {
  /** Order of arrival on the stream, across all calls. */
  readonly seq: number;
};

export interface RecordedTransaction {
  readonly id: string;
  readonly key: string;
  readonly method: string;
  readonly role: TransactionRole;
  readonly kind: TransactionKind;
  readonly transport: string;
  readonly callId: string;
  callTag?: string;
  readonly createdAt: number;
  /** How many messages the stream had carried (all calls) when it was created. */
  readonly createdSeq: number;
  readonly states: StateChange[];
  readonly timers: TimerRecord[];
  terminated: boolean;
}

/** Notes a call keeps about itself (malformed messages, transport choices); later ones are counted. */
const NOTES_PER_CALL = 20;

export class CallGroup {
  readonly messages: RecordedMessage[] = [];
  readonly transactions = new Map<string, RecordedTransaction>();
  /** Call tags of calls (ua/call) on this Call-ID that have not ended. */
  readonly liveCalls = new Set<string>();
  /** The media owner's summaries of this call, folded (constant memory); undefined until the first. */
  media: LiveMediaTrack | undefined;
  bytes = 0;
  hadCall = false;
  finished = false;
  private openTransactions = 0;
  private droppedMessages = 0;
  private droppedBytes = 0;
  private droppedWhy = '';
  private readonly notes: string[] = [];
  private notesDropped = 0;
  private releasedEarly: string | undefined;

  constructor(readonly callId: string, readonly firstSeq: number) {}

  /** Keeps a message unless the call is over its limits; false when it was dropped (and counted). */
  add(message: RecordedMessage, limits: LiveRecorderLimits): boolean {
    const cost = message.raw.length + MESSAGE_OVERHEAD_BYTES;
    if (this.messages.length >= limits.messagesPerCall || this.bytes + cost > limits.bytesPerCall) {
      this.droppedMessages++;
      this.droppedBytes += message.raw.length;
      this.droppedWhy = this.messages.length >= limits.messagesPerCall
        ? `per-call limit of ${limits.messagesPerCall} messages` : `per-call limit of ${limits.bytesPerCall} bytes`;
      return false;
    }
    this.messages.push(message);
    this.bytes += cost;
    return true;
  }

  /** Counts a message that was not kept for a reason outside this call (the recorder's total limit). */
  dropped(raw: Uint8Array, why: string): void {
    this.droppedMessages++;
    this.droppedBytes += raw.length;
    this.droppedWhy = why;
  }

  /** Folds one media summary into the call's media (a fixed cost, paid once). */
  addMedia(sample: MediaSample): void {
    if (!this.media) {
      this.media = new LiveMediaTrack();
      this.bytes += MEDIA_TRACK_BYTES;
    }
    this.media.add(sample);
  }

  addTransaction(tx: RecordedTransaction): void {
    this.transactions.set(tx.id, tx);
    this.openTransactions++;
    this.bytes += MESSAGE_OVERHEAD_BYTES;
  }

  transactionTerminated(id: string): void {
    const tx = this.transactions.get(id);
    if (!tx || tx.terminated) return;
    tx.terminated = true;
    this.openTransactions--;
  }

  note(text: string): void {
    if (this.notes.length >= NOTES_PER_CALL) {
      this.notesDropped++;
      return;
    }
    this.notes.push(text);
    this.bytes += text.length;
  }

  /** The recorder let this call go before it finished (a total limit): said in its notes. */
  releaseEarly(why: string): void {
    this.releasedEarly = why;
  }

  /** Nothing more can happen to it: its transactions terminated, its calls ended. */
  get isFinished(): boolean {
    return this.openTransactions === 0 && this.liveCalls.size === 0 && (this.transactions.size > 0 || this.hadCall);
  }

  /** No call on it is still going (only transactions' timers may be): the first to let go under pressure. */
  get isLingering(): boolean {
    return this.liveCalls.size === 0;
  }

  allNotes(): string[] {
    const out = [...this.notes];
    if (this.notesDropped > 0) out.push(`${this.notesDropped} more note(s) on call ${this.callId} not kept`);
    if (this.droppedMessages > 0) {
      out.push(`${this.droppedMessages} message(s) of call ${this.callId} dropped (${this.droppedBytes} bytes): ${this.droppedWhy}`);
    }
    if (this.releasedEarly !== undefined) out.push(`call ${this.callId} was released before it finished: ${this.releasedEarly}`);
    return out;
  }

  /** The stream transactions, with `messagesBefore` counted among this call's messages. */
  streamTransactions(): StreamTransaction[] {
    return [...this.transactions.values()].map((tx) => ({
      id: tx.id, key: tx.key, method: tx.method, role: tx.role, kind: tx.kind, transport: tx.transport, callId: tx.callId,
      createdAt: tx.createdAt, messagesBefore: countBelow(this.messages, tx.createdSeq), states: tx.states, timers: tx.timers,
      ...(tx.callTag === undefined ? {} : { callTag: tx.callTag }),
    }));
  }
}

/** How many messages (ordered by seq) have a seq below `seq`. */
function countBelow(messages: readonly RecordedMessage[], seq: number): number {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (messages[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
