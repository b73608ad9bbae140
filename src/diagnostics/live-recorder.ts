// The live path into the model: a listener on a user agent's diagnostics
// stream that keeps what the stream says (messages, transactions, their
// states, timers and retransmissions) call by call, and builds models from it
// on demand. It derives nothing the stream states; it only links received
// messages to the transactions they matched, with the same §17 keys the layer
// used.
//
// Bounded: it runs as long as its user agent (a desk phone for days,
// `callscope listen` under a flood), so everything it holds has a limit
// (LiveRecorderLimits; DESK_PHONE_LIMITS by default, LISTEN_LIMITS for the
// CLI):
// - a call (one Call-ID) keeps at most `messagesPerCall` messages and
//   `bytesPerCall` bytes; what it drops is counted in its notes ("N
//   message(s) of call X dropped: per-call limit ...");
// - a call is finished once every transaction on it terminated and every call
//   (ua/call) on it ended; it is then handed to `onCallFinished` with its final
//   model (a host persists it there) and kept for `model()` among the last
//   `finishedCalls`; traffic for a finished call still kept re-opens it (and
//   `onCallFinished` comes again with the fuller model);
// - beyond `totalBytes` or `calls`, the oldest calls are released early
//   (finished ones first, then ones whose calls ended, then the oldest), handed
//   to `onCallFinished` with a note saying so; their later messages are counted;
// - traffic that belongs to no call (malformed bytes, stray responses) is kept
//   as counts plus the last `samples` samples, said in `model().notes`;
// - a call's media (the media owner's summaries, `recordMedia`) is folded into
//   constant memory in its call's group and let go with it; summaries for a
//   Call-ID not held are counted, not kept.
//
// API: `attach(stream)`; `recordMedia(sample)`; `callModel(callId)` — one call's model, live or kept,
// cheap; `model()` — every call still held, merged in stream order, as before;
// `flush()` — hand every call still held to `onCallFinished` (a run's end);
// `stats` — what it holds and what it let go.
import type { DiagnosticsEvent, DiagnosticsStream, MessageEvent, Peer } from '../trace/events.js';
import { scanCallId } from './call-id-scan.js';
import type { FindingOptions } from './findings/run-findings.js';
import { CallGroup, type RecordedMessage } from './live/call-group.js';
import { initialInvite } from './media/announced-media.js';
import type { MediaEvidence } from './media/capture-media.js';
import type { CallMedia, MediaSample } from './media/media-types.js';
import { OutsideCalls } from './live/outside-calls.js';
import { resolveLimits, type LiveRecorderLimits } from './live/recorder-limits.js';
import { buildTraceModel } from './model-builder.js';
import { mergeModels } from './model-merge.js';
import type { Endpoint, TraceModel } from './model-types.js';

export { DESK_PHONE_LIMITS, LISTEN_LIMITS, type LiveRecorderLimits } from './live/recorder-limits.js';

/** A call handed over: finished, released early under a limit, or flushed at the end of a run. */
export interface FinishedCall {
  readonly callId: string;
  /** This call's model alone (its messages indexed from 0); built when first read, so a listener that skips it costs nothing. */
  readonly model: TraceModel;
  readonly why: 'finished' | 'released' | 'flushed';
}

export interface LiveRecorderOptions {
  /** This user agent's own address, recorded as the source of what it sends (for exports). */
  readonly local?: Endpoint;
  /** Finding thresholds; T1 defaults to the stream's first retransmission timer (A/E/G), else 500 ms. */
  readonly findings?: FindingOptions;
  /** What it may hold (default DESK_PHONE_LIMITS); any field may be given alone. */
  readonly limits?: Partial<LiveRecorderLimits>;
  /** Called once a call is finished (or released, or flushed), with that call's model. */
  readonly onCallFinished?: (call: FinishedCall) => void;
}

export interface LiveRecorderStats {
  /** Calls held: live, and finished but still kept. */
  readonly calls: number;
  readonly liveCalls: number;
  /** Bytes held (messages on the wire plus bookkeeping). */
  readonly bytes: number;
  readonly malformedOutsideCalls: number;
  readonly strayOutsideCalls: number;
  /** Calls handed to onCallFinished so far. */
  readonly handedOver: number;
  /** Media summaries for a Call-ID the recorder did not hold (counted, not kept). */
  readonly mediaOutsideCalls: number;
}

/** Global notes (transport failures, registration) kept; later ones are counted. */
const GLOBAL_NOTES = 50;
/** Released Call-IDs remembered, so their late messages are counted rather than open a new call. */
const RELEASED_REMEMBERED = 10_000;

function endpoint(peer: Peer): Endpoint {
  return { transport: peer.transport, address: peer.address, port: peer.port };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The bytes alone, not a view that keeps a larger buffer (a TCP read, a capture chunk) alive. */
function ownBytes(raw: Uint8Array): Uint8Array {
  return raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength ? raw : raw.slice();
}

/** The media evidence of a group's call: its folded summaries, seen from our side of its first INVITE. */
function groupMedia(group: CallGroup): MediaEvidence {
  return (calls, messages) => {
    const out = new Map<string, CallMedia>();
    const track = group.media;
    if (!track) return out;
    for (const call of calls) {
      if (call.callId !== group.callId) continue;
      const invite = initialInvite(call.messages.map((i) => messages[i]!));
      out.set(call.callId, track.media(invite?.direction !== 'received'));
    }
    return out;
  };
}

export class LiveRecorder {
  private readonly limits: LiveRecorderLimits;
  /** Live and finished-but-kept calls, in order of creation. */
  private readonly groups = new Map<string, CallGroup>();
  /** Finished calls still kept, oldest first. */
  private readonly finished = new Set<CallGroup>();
  /** Live calls with no call going (only timers left), in the order they became so. */
  private readonly lingering = new Set<CallGroup>();
  private readonly byTransaction = new Map<string, CallGroup>();
  private readonly released = new Set<string>();
  private readonly outside: OutsideCalls;
  private readonly notes: string[] = [];
  private notesDropped = 0;
  private releasedMessages = 0;
  private handedOver = 0;
  private mediaOutsideCalls = 0;
  private bytes = 0;
  private seq = 0;
  private t1: number | undefined;
  /** A received message whose call is not known yet: the next event says (a new transaction, or malformed). */
  private pending: { message: RecordedMessage; raw: Uint8Array; callId: string | undefined; peer: Peer } | undefined;
  /** The last received message kept, and the bytes the stream reported (a malformed report refers to them). */
  private lastReceived: { message: RecordedMessage; raw: Uint8Array; group: CallGroup } | undefined;
  private readonly pendingRetransmission = new Set<string>();

  constructor(private readonly options: LiveRecorderOptions = {}) {
    this.limits = resolveLimits(options.limits);
    this.outside = new OutsideCalls(this.limits.samples);
  }

  /** Starts recording a stream; returns the function that stops. */
  attach(stream: DiagnosticsStream): () => void {
    return stream.subscribe((event) => this.record(event));
  }

  get stats(): LiveRecorderStats {
    return {
      calls: this.groups.size, liveCalls: this.groups.size - this.finished.size, bytes: this.bytes,
      malformedOutsideCalls: this.outside.count('malformed'), strayOutsideCalls: this.outside.count('stray'), handedOver: this.handedOver,
      mediaOutsideCalls: this.mediaOutsideCalls,
    };
  }

  /** Feeds one event (the stream calls this; tests and replays may too). */
  record(event: DiagnosticsEvent): void {
    if (this.pending && !(event.type === 'transaction-created' || event.type === 'message-malformed')) this.settlePending();
    switch (event.type) {
      case 'message-sent': return this.sent(event);
      case 'message-received': return this.received(event);
      case 'message-malformed': {
        const pending = this.pending;
        if (pending && sameBytes(pending.raw, event.raw)) {
          this.pending = undefined;
          this.outside.add('malformed', event.at, 'received', event.peer, event.raw, event.reason);
          return;
        }
        const last = this.lastReceived;
        if (last && sameBytes(last.raw, event.raw)) {
          last.message.malformedReason = event.reason;
          this.account(last.group, () => last.group.note(`${event.peer.address}:${event.peer.port}: ${event.reason}`));
        } else {
          this.outside.add('malformed', event.at, 'received', event.peer, event.raw, event.reason);
        }
        return;
      }
      case 'retransmission-sent':
        this.pendingRetransmission.add(event.transactionId);
        return;
      case 'retransmission-absorbed':
        if (this.lastReceived) this.lastReceived.message.statedRetransmission = true;
        return;
      case 'transaction-created': return this.transactionCreated(event);
      case 'transaction-tagged': {
        const tx = this.byTransaction.get(event.transactionId)?.transactions.get(event.transactionId);
        if (tx) tx.callTag = event.callTag;
        return;
      }
      case 'transaction-state': {
        const group = this.byTransaction.get(event.transactionId);
        group?.transactions.get(event.transactionId)?.states.push({ at: event.at, from: event.from, to: event.to, cause: event.cause });
        if (group && event.to === 'Terminated') {
          group.transactionTerminated(event.transactionId);
          this.checkFinished(group);
        }
        return;
      }
      case 'timer-started':
      case 'timer-fired':
      case 'timer-cancelled': {
        const kind = event.type === 'timer-started' ? 'started' : event.type === 'timer-fired' ? 'fired' : 'cancelled';
        this.byTransaction.get(event.transactionId)?.transactions.get(event.transactionId)?.timers
          .push({ at: event.at, timer: event.timer, event: kind, durationMs: event.durationMs });
        if (kind === 'started' && this.t1 === undefined && (event.timer === 'A' || event.timer === 'E' || event.timer === 'G')) {
          this.t1 = event.durationMs;
        }
        return;
      }
      case 'transport-error':
        this.note(`transport error (${event.transport}${event.peer ? ` ${event.peer.address}:${event.peer.port}` : ''}): ${event.reason}`);
        return;
      case 'transport-choice': {
        const group = this.byTransaction.get(event.transactionId);
        if (group) this.account(group, () => group.note(`${event.transactionId}: ${event.note}`));
        return;
      }
      case 'transport-state':
        if (event.state === 'failed') this.note(`${event.transport} ${event.target} failed${event.detail ? `: ${event.detail}` : ''}`);
        return;
      case 'registration-state':
        if (event.state === 'failed') this.note(`registration of ${event.aor} failed${event.status ? ` (${event.status})` : ''}: ${event.reason ?? 'no reason given'}`);
        return;
      case 'call-state': {
        // The call's own states are the call's view (ua/call); the model is built from its transactions.
        // Here they only say whether a call still lives on this Call-ID.
        const group = this.groups.get(event.callId) ?? (event.to === 'ended' ? undefined : this.open(event.callId));
        if (!group) return;
        group.hadCall = true;
        if (event.to === 'ended') {
          group.liveCalls.delete(event.callTag);
          if (group.isLingering && !group.finished) this.lingering.add(group);
          this.checkFinished(group);
        } else if (!group.liveCalls.has(event.callTag)) {
          group.liveCalls.add(event.callTag);
          this.lingering.delete(group);
          if (group.finished) this.reopen(group);
        }
        return;
      }
    }
  }

  /**
   * Feeds one media summary of a call, as the media owner reports it (getStats, a few times
   * a second); the host maps the app's MediaSummary to a MediaSample (SIP Call-ID, and the
   * time on the stream's clock). Folded into the call's group (counters and state changes,
   * not the series) and let go with it; a summary for a Call-ID not held is only counted.
   */
  recordMedia(sample: MediaSample): void {
    this.settlePending();
    const group = this.groups.get(sample.callId);
    if (!group) {
      this.mediaOutsideCalls++;
      return;
    }
    this.account(group, () => group.addMedia(sample));
  }

  /** One call's model (live or kept), or undefined when it is not held. */
  callModel(callId: string): TraceModel | undefined {
    this.settlePending();
    const group = this.groups.get(callId);
    return group ? this.groupModel(group) : undefined;
  }

  /** The Call-IDs held, oldest first. */
  callIds(): string[] {
    return [...this.groups.keys()];
  }

  /** The model of everything still held: every call, in stream order, and the notes. */
  model(): TraceModel {
    this.settlePending();
    const t1 = this.currentT1();
    const parts = [...this.groups.values()].map((g) => ({ model: this.groupModel(g), keys: g.messages.map((m) => m.seq) }));
    return mergeModels(parts, { source: 'live', t1, notes: this.allNotes(parts.flatMap((p) => p.model.notes)) });
  }

  /** Hands every call still held to onCallFinished and lets them go (the end of a run). */
  flush(): void {
    this.settlePending();
    for (const group of [...this.groups.values()]) {
      if (!this.finished.has(group)) this.handOver(group, 'flushed');
      this.forget(group);
    }
  }

  private currentT1(): number {
    return this.options.findings?.t1 ?? this.t1 ?? 500;
  }

  private groupModel(group: CallGroup): TraceModel {
    const t1 = this.currentT1();
    return buildTraceModel({
      source: 'live', messages: group.messages, transactions: group.streamTransactions(), notes: group.allNotes(),
      t1, findings: { ...this.options.findings, t1 },
      ...(group.media ? { media: groupMedia(group) } : {}),
    });
  }

  private allNotes(callNotes: readonly string[]): string[] {
    const out = [...this.notes];
    if (this.notesDropped > 0) out.push(`${this.notesDropped} more transport or registration note(s) not kept`);
    if (this.releasedMessages > 0) out.push(`${this.releasedMessages} message(s) of calls already released were counted, not kept`);
    return [...out, ...this.outside.notes(), ...callNotes];
  }

  private note(text: string): void {
    if (this.notes.length >= GLOBAL_NOTES) this.notesDropped++;
    else this.notes.push(text);
  }

  private message(event: MessageEvent, direction: 'sent' | 'received'): RecordedMessage {
    const peer = endpoint(event.peer);
    const local = this.options.local;
    return {
      seq: this.seq++, at: event.at, direction, transport: event.peer.transport, raw: ownBytes(event.raw),
      ...(direction === 'sent' ? { dst: peer, ...(local ? { src: local } : {}) } : { src: peer, ...(local ? { dst: local } : {}) }),
    };
  }

  private sent(event: MessageEvent): void {
    const message = this.message(event, 'sent');
    if (event.transactionId !== undefined) {
      message.stackTransactionId = event.transactionId;
      if (this.pendingRetransmission.delete(event.transactionId)) message.statedRetransmission = true;
    }
    const group = (event.transactionId === undefined ? undefined : this.byTransaction.get(event.transactionId))
      ?? this.groupFor(scanCallId(event.raw));
    if (group) this.keep(group, message);
    else this.outsideOrReleased(scanCallId(event.raw), 'stray', message, event.peer);
  }

  private received(event: MessageEvent): void {
    const message = this.message(event, 'received');
    const callId = scanCallId(event.raw);
    const group = this.groupFor(callId);
    if (group) {
      this.keep(group, message);
      this.lastReceived = { message, raw: event.raw, group };
      return;
    }
    // A new request makes a transaction next; anything else (a stray, junk) is settled by the next event.
    this.pending = { message, raw: event.raw, callId, peer: event.peer };
    this.lastReceived = undefined;
  }

  private settlePending(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    this.outsideOrReleased(pending.callId, 'stray', pending.message, pending.peer);
  }

  private outsideOrReleased(callId: string | undefined, kind: 'stray', message: RecordedMessage, peer: Peer): void {
    if (callId !== undefined && this.released.has(callId)) {
      this.releasedMessages++;
      return;
    }
    this.outside.add(kind, message.at, message.direction === 'sent' ? 'sent' : 'received', peer, message.raw);
  }

  private transactionCreated(event: Extract<DiagnosticsEvent, { type: 'transaction-created' }>): void {
    const pending = this.pending;
    this.pending = undefined;
    // A new transaction is a new exchange: it opens its call again even if that was released.
    const group = this.groups.get(event.callId) ?? this.open(event.callId);
    if (pending) {
      if (pending.callId === event.callId) {
        this.keep(group, pending.message);
        this.lastReceived = { message: pending.message, raw: pending.raw, group };
      } else {
        this.outsideOrReleased(pending.callId, 'stray', pending.message, pending.peer);
      }
    }
    if (group.finished) this.reopen(group);
    this.account(group, () => group.addTransaction({
      id: event.transactionId, key: event.key, method: event.method, role: event.role, kind: event.kind,
      transport: event.transport, callId: event.callId, createdAt: event.at, createdSeq: this.seq,
      states: [], timers: [], terminated: false, ...(event.callTag === undefined ? {} : { callTag: event.callTag }),
    }));
    this.byTransaction.set(event.transactionId, group);
    this.enforceTotals(group);
  }

  /** The group a message with this Call-ID joins: one held (re-opened if finished). */
  private groupFor(callId: string | undefined): CallGroup | undefined {
    if (callId === undefined) return undefined;
    const group = this.groups.get(callId);
    if (group?.finished) this.reopen(group);
    return group;
  }

  /** A new group for a new transaction or call (a released Call-ID's late messages alone open none). */
  private open(callId: string): CallGroup {
    this.released.delete(callId);
    const group = new CallGroup(callId, this.seq);
    this.groups.set(callId, group);
    this.lingering.add(group);
    return group;
  }

  private keep(group: CallGroup, message: RecordedMessage): void {
    this.account(group, () => group.add(message, this.limits));
    this.enforceTotals(group);
  }

  /** Runs a change to a group and adds what it cost to the total. */
  private account(group: CallGroup, change: () => unknown): void {
    const before = group.bytes;
    change();
    this.bytes += group.bytes - before;
  }

  private checkFinished(group: CallGroup): void {
    if (group.finished || !group.isFinished) return;
    group.finished = true;
    this.lingering.delete(group);
    this.finished.add(group);
    this.handOver(group, 'finished');
    while (this.finished.size > this.limits.finishedCalls) this.forget(this.finished.values().next().value!);
  }

  private reopen(group: CallGroup): void {
    group.finished = false;
    this.finished.delete(group);
    if (group.isLingering) this.lingering.add(group);
  }

  private handOver(group: CallGroup, why: FinishedCall['why']): void {
    this.handedOver++;
    const listener = this.options.onCallFinished;
    if (!listener) return;
    let model: TraceModel | undefined;
    const build = () => (model ??= this.groupModel(group));
    try {
      listener({ callId: group.callId, why, get model() { return build(); } });
    } catch {
      // A listener's failure is its own; recording goes on.
    }
  }

  /** Lets a group go (it was handed over already, or is now). */
  private forget(group: CallGroup): void {
    this.groups.delete(group.callId);
    this.finished.delete(group);
    this.lingering.delete(group);
    for (const id of group.transactions.keys()) if (this.byTransaction.get(id) === group) this.byTransaction.delete(id);
    this.bytes -= group.bytes;
    this.released.add(group.callId);
    if (this.released.size > RELEASED_REMEMBERED) this.released.delete(this.released.values().next().value!);
  }

  /** Over a total limit: finished calls go first, then calls with nothing going on, then the oldest. */
  private enforceTotals(current: CallGroup): void {
    const over = () => this.bytes > this.limits.totalBytes || this.groups.size > this.limits.calls;
    while (over()) {
      const victim = this.finished.values().next().value ?? this.lingering.values().next().value ?? this.groups.values().next().value;
      if (!victim) return;
      if (victim === current && this.groups.size === 1) return;
      if (!this.finished.has(victim)) {
        victim.releaseEarly(`the recorder's total limit (${this.limits.totalBytes} bytes, ${this.limits.calls} calls) was reached`);
        this.handOver(victim, 'released');
      }
      this.forget(victim);
    }
  }
}
