// Sends every event of an account's diagnostics stream to the call it belongs to, by SIP
// Call-ID: messages by their own Call-ID, transaction events by the Call-ID their
// transaction was created with, a malformed datagram with the message it failed as (or
// its Call-ID line). Call-IDs no call has claimed yet are kept briefly and boundedly (the
// INVITE of an incoming call arrives before the host knows the call); malformed bytes
// that name no Call-ID become a count and a few samples. Every budget is checked here.
import { parseMessage } from '../../../src/message/index.js';
import { bytesToByteString } from '../../../src/message/bytes.js';
import type { DiagnosticsEvent, DiagnosticsStream } from '../../../src/trace/events.js';
import type { Clock, TimerHandle } from '../../../src/util/clock.js';
import { CallBucket, type DropReason } from './call-bucket.js';
import { MESSAGE_EVENT_COST, OTHER_EVENT_COST, type DiagnosticsLimits } from './limits.js';
import type { LiveCallInfo } from './types.js';

/** Slack for a call's transaction events after its byte budget is spent, so its transactions can still finish. */
const EVENT_SLACK_BYTES = 64 * 1024;
const CALL_ID_LINE = /^(?:Call-ID|i)[ \t]*:[ \t]*(\S+)/im;

/** Messages and new transactions count against a call's message limit; other events only against its bytes. */
type EventKind = 'message' | 'transaction' | 'event';

export interface RouterHooks {
  /** Something was recorded for a claimed call. */
  changed(bucket: CallBucket): void;
  /** A claimed call dropped its first message for this reason. */
  firstDrop(bucket: CallBucket, reason: DropReason): void;
}

export interface StraySample {
  readonly callId: string;
  readonly firstLine: string;
  readonly messages: number;
}

export interface MalformedSample {
  readonly at: number;
  readonly peer: string;
  readonly reason: string;
  /** The first bytes, as latin1 text. */
  readonly head: string;
}

interface AccountState {
  readonly transactions: Map<string, CallBucket>;
  lastReceived?: { raw: Uint8Array; bucket?: CallBucket; sample?: MalformedSample & { reason: string } };
  readonly stop: () => void;
}

function bucketKey(accountId: string, callId: string): string {
  return `${accountId}\n${callId}`;
}

/** The bytes as an array of their own: a view into a transport's larger buffer would keep all of it alive. */
function ownBytes(raw: Uint8Array): Uint8Array {
  return raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength ? raw : raw.slice();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}

export class CallRouter {
  private readonly buckets = new Map<string, CallBucket>();
  /** Unclaimed Call-IDs, least recently active first. */
  private readonly pending = new Map<string, CallBucket>();
  private readonly accounts = new Map<string, AccountState>();
  private sweepTimer: TimerHandle | undefined;
  totalBytes = 0;
  pendingBytes = 0;
  readonly strays = { callIds: 0, messages: 0, events: 0, samples: [] as StraySample[] };
  readonly malformed = { count: 0, samples: [] as MalformedSample[] };

  constructor(private readonly options: {
    readonly limits: DiagnosticsLimits;
    readonly clock: Clock;
    readonly now: () => number;
    readonly hooks: RouterHooks;
  }) {}

  attach(accountId: string, stream: DiagnosticsStream): () => void {
    this.accounts.get(accountId)?.stop();
    const state: AccountState = {
      transactions: new Map(),
      stop: stream.subscribe((event) => this.route(accountId, state, event)),
    };
    this.accounts.set(accountId, state);
    return () => {
      state.stop();
      if (this.accounts.get(accountId) === state) this.accounts.delete(accountId);
    };
  }

  /** The Call-ID's bucket, claimed for a host call (what was seen before counts). */
  claim(info: LiveCallInfo): CallBucket {
    const key = bucketKey(info.accountId, info.sipCallId);
    const bucket = this.buckets.get(key) ?? this.create(info.accountId, info.sipCallId);
    if (this.pending.delete(key)) this.pendingBytes -= bucket.bytes;
    bucket.calls.set(info.id, info);
    return bucket;
  }

  /** Forgets a bucket (saved, or given up): its memory is free again. */
  release(bucket: CallBucket): void {
    const key = bucketKey(bucket.accountId, bucket.sipCallId);
    if (this.buckets.get(key) !== bucket) return;
    this.buckets.delete(key);
    if (this.pending.delete(key)) this.pendingBytes -= bucket.bytes;
    this.totalBytes -= bucket.bytes;
    const account = this.accounts.get(bucket.accountId);
    if (account) {
      for (const id of bucket.view.transactionIds()) if (account.transactions.get(id) === bucket) account.transactions.delete(id);
      if (account.lastReceived?.bucket === bucket) account.lastReceived = undefined;
    }
  }

  get pendingCallIds(): number {
    return this.pending.size;
  }

  get retainedEvents(): number {
    let total = 0;
    for (const bucket of this.buckets.values()) total += bucket.events;
    return total;
  }

  close(): void {
    for (const account of this.accounts.values()) account.stop();
    this.accounts.clear();
    this.sweepTimer?.cancel();
    this.sweepTimer = undefined;
  }

  private route(accountId: string, account: AccountState, event: DiagnosticsEvent): void {
    switch (event.type) {
      case 'message-sent':
      case 'message-received': {
        const raw = ownBytes(event.raw);
        const parsed = parseMessage(raw);
        const callId = parsed.ok ? parsed.value.callId : callIdLine(raw);
        let bucket: CallBucket | undefined;
        let sample: (MalformedSample & { reason: string }) | undefined;
        if (callId === undefined) {
          sample = this.malformedSample(event.at, `${event.peer.address}:${event.peer.port}`, raw, parsed.ok ? '' : parsed.error.message);
        } else {
          const candidate = this.bucketFor(accountId, callId);
          const cost = raw.byteLength + MESSAGE_EVENT_COST;
          if (this.admit(candidate, cost, 'message')) {
            candidate.record({ ...event, raw }, cost, this.options.clock.now(), this.options.now(), parsed);
            bucket = candidate;
            this.changed(candidate);
          }
        }
        if (event.type === 'message-received') account.lastReceived = { raw, ...(bucket ? { bucket } : {}), ...(sample ? { sample } : {}) };
        return;
      }
      case 'message-malformed': {
        const last = account.lastReceived;
        if (last && sameBytes(last.raw, event.raw)) {
          // The message just received failed (or was discarded): it is already counted, with the reason now.
          if (last.sample) last.sample.reason = event.reason;
          if (last.bucket) this.recordEvent(last.bucket, event, OTHER_EVENT_COST + event.reason.length, 'event');
          return;
        }
        const raw = ownBytes(event.raw);
        const callId = callIdLine(raw);
        if (callId === undefined) {
          this.malformedSample(event.at, `${event.peer.address}:${event.peer.port}`, raw, event.reason);
          return;
        }
        this.recordEvent(this.bucketFor(accountId, callId), { ...event, raw }, raw.byteLength + MESSAGE_EVENT_COST, 'message');
        return;
      }
      case 'transaction-created': {
        const bucket = this.bucketFor(accountId, event.callId);
        if (this.recordEvent(bucket, event, OTHER_EVENT_COST, 'transaction')) account.transactions.set(event.transactionId, bucket);
        return;
      }
      case 'transaction-tagged':
      case 'transaction-state':
      case 'timer-started':
      case 'timer-fired':
      case 'timer-cancelled':
      case 'retransmission-sent':
      case 'retransmission-absorbed':
      case 'transport-choice':
        this.toTransaction(account, event.transactionId, event);
        return;
      case 'transport-error':
        if (event.transactionId !== undefined) this.toTransaction(account, event.transactionId, event);
        else this.toActiveCalls(accountId, event);
        return;
      case 'transport-state':
        if (event.state === 'failed') this.toActiveCalls(accountId, event);
        return;
      case 'registration-state':
        if (event.state === 'failed') this.toActiveCalls(accountId, event);
        return;
      case 'call-state':
        return;
    }
  }

  private toTransaction(account: AccountState, transactionId: string, event: DiagnosticsEvent): void {
    const bucket = account.transactions.get(transactionId);
    if (bucket) this.recordEvent(bucket, event, OTHER_EVENT_COST, 'event');
    else this.strays.events++;
  }

  /** An account-wide failure is part of every call of that account still up. */
  private toActiveCalls(accountId: string, event: DiagnosticsEvent): void {
    for (const bucket of this.buckets.values()) {
      if (bucket.accountId === accountId && bucket.claimed && !bucket.finished) this.recordEvent(bucket, event, OTHER_EVENT_COST, 'event');
    }
  }

  private recordEvent(bucket: CallBucket, event: DiagnosticsEvent, cost: number, kind: EventKind): boolean {
    if (!this.admit(bucket, cost, kind)) return false;
    bucket.record(event, cost, this.options.clock.now(), this.options.now());
    this.changed(bucket);
    return true;
  }

  private changed(bucket: CallBucket): void {
    if (bucket.claimed) this.options.hooks.changed(bucket);
    else {
      // Least recently active last.
      const key = bucketKey(bucket.accountId, bucket.sipCallId);
      this.pending.delete(key);
      this.pending.set(key, bucket);
    }
  }

  /** Whether the budgets have room for `cost` more bytes in `bucket` (making room by forgetting unclaimed Call-IDs). */
  private admit(bucket: CallBucket, cost: number, kind: EventKind): boolean {
    const { limits } = this.options;
    const own = bucket.claimed ? 'per-call' : 'unclaimed';
    // A new transaction takes room like a message (its request will); later events of known ones get some slack.
    const full = kind !== 'event'
      ? bucket.view.messageCount >= bucket.messageLimit || bucket.bytes + cost > bucket.byteLimit
      : bucket.bytes + cost > bucket.byteLimit + EVENT_SLACK_BYTES;
    if (full) return this.refuse(bucket, own, kind);
    if (!bucket.claimed) {
      this.evictPending(bucket, () => this.pendingBytes + cost <= limits.pendingTotalBytes);
      if (this.pendingBytes + cost > limits.pendingTotalBytes) return this.refuse(bucket, 'unclaimed', kind);
    }
    this.evictPending(bucket, () => this.totalBytes + cost <= limits.totalBytes);
    if (this.totalBytes + cost > limits.totalBytes) return this.refuse(bucket, 'total', kind);
    this.totalBytes += cost;
    if (!bucket.claimed) this.pendingBytes += cost;
    return true;
  }

  private refuse(bucket: CallBucket, reason: DropReason, kind: EventKind): false {
    const first = kind === 'message' && bucket.dropped[reason] === 0;
    bucket.drop(reason, kind === 'message');
    if (first && bucket.claimed) this.options.hooks.firstDrop(bucket, reason);
    return false;
  }

  private bucketFor(accountId: string, callId: string): CallBucket {
    return this.buckets.get(bucketKey(accountId, callId)) ?? this.create(accountId, callId);
  }

  private create(accountId: string, callId: string): CallBucket {
    const bucket = new CallBucket(accountId, callId, this.options.clock.now(), this.options.limits);
    const key = bucketKey(accountId, callId);
    this.buckets.set(key, bucket);
    this.pending.set(key, bucket);
    this.evictPending(bucket, () => this.pending.size <= this.options.limits.pendingCallIds);
    this.scheduleSweep();
    return bucket;
  }

  /** Forgets unclaimed Call-IDs, least recently active first (never `keep`), until `enough()`. */
  private evictPending(keep: CallBucket, enough: () => boolean): void {
    for (const bucket of this.pending.values()) {
      if (enough()) return;
      if (bucket !== keep) this.forgetPending(bucket);
    }
  }

  private forgetPending(bucket: CallBucket): void {
    const first = bucket.view.firstStartLine();
    this.release(bucket);
    this.strays.callIds++;
    this.strays.messages += bucket.view.messageCount + bucket.droppedMessages;
    this.strays.samples.push({ callId: bucket.sipCallId.slice(0, 200), firstLine: (first ?? '').slice(0, 200), messages: bucket.view.messageCount });
    if (this.strays.samples.length > this.options.limits.malformedSamples) this.strays.samples.shift();
  }

  private malformedSample(at: number, peer: string, raw: Uint8Array, reason: string): MalformedSample & { reason: string } {
    const sample = { at, peer, reason, head: bytesToByteString(raw.subarray(0, this.options.limits.sampleBytes)) };
    this.malformed.count++;
    this.malformed.samples.push(sample);
    if (this.malformed.samples.length > this.options.limits.malformedSamples) this.malformed.samples.shift();
    return sample;
  }

  /** Unclaimed Call-IDs quiet for pendingIdleMs are forgotten. */
  private scheduleSweep(): void {
    if (this.sweepTimer || this.pending.size === 0) return;
    const idle = this.options.limits.pendingIdleMs;
    this.sweepTimer = this.options.clock.setTimer(idle / 2, () => {
      this.sweepTimer = undefined;
      const now = this.options.clock.now();
      for (const bucket of [...this.pending.values()]) if (now - bucket.lastActivity >= idle) this.forgetPending(bucket);
      this.scheduleSweep();
    });
  }
}

/** The Call-ID line of bytes that do not parse (what the model builder reads from them too). */
function callIdLine(raw: Uint8Array): string | undefined {
  return CALL_ID_LINE.exec(bytesToByteString(raw.subarray(0, 4096)))?.[1];
}

