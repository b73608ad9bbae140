// The media of a capture's calls while it streams past: each non-SIP UDP datagram
// (RTP, RTCP, STUN, DTLS) is matched, as it is read, to the calls still open by the
// addresses their SDPs announced so far, with the whole-file import's matcher and
// counters (media/media-matcher.ts). What it holds is counters per open call and
// stream, never payloads, except for a short wait:
//
// - A datagram whose destination no call claims yet may be media that came a little
//   before the SIP message announcing that address (the import allows it
//   ANNOUNCE_LEEWAY_MS): it waits that long (a copy of it) for a claim, then goes by its
//   source, as the import matches it. At most MAX_WAITING wait; more go at once.
// - A call's media is taken when the call is finished and its claims released; for a
//   while its addresses are remembered, so that media coming after it (which the
//   import would still have counted in it) is counted in a note, not silently lost.
import { announcedIn, initialInvite } from '../media/announced-media.js';
import type { CallMedia } from '../media/media-types.js';
import { addressKey, ANNOUNCE_LEEWAY_MS, MediaMatcher, type MediaDatagram } from '../media/media-matcher.js';
import type { TraceMessage } from '../model-types.js';

/** Datagrams waiting for a claim on their destination, at most. */
const MAX_WAITING = 20_000;
/** How long a finished call's addresses are remembered, to count media that comes after it. */
const REMEMBER_MS = 120_000;
/** Calls named in the note about late media. */
const NAMED = 5;

export interface StreamMediaOptions {
  /** A datagram of this open call was read (its time): the call is not quiet. */
  readonly onMedia?: (callId: string, at: number) => void;
}

/** A call's SDPs as its messages are read: whose side each speaks for needs the initial INVITE's From tag. */
export interface CallSdp {
  callerTag?: string;
  /** SDPs read before the initial INVITE (a capture started mid-call). */
  early?: Array<Pick<TraceMessage, 'index' | 'at' | 'sip'>>;
  /** Fingerprints of the SDP messages read: a retransmission announces nothing new. */
  readonly seen: Set<string>;
}

export class StreamMedia {
  private readonly matcher = new MediaMatcher<string>();
  private waiting: MediaDatagram[] = [];
  private waitingHead = 0;
  /** Addresses of finished calls: address → (Call-ID, until). */
  private readonly remembered = new Map<string, { callId: string; until: number }>();
  private rememberedOrder: Array<{ key: string; until: number }> = [];
  private rememberedHead = 0;
  private readonly late = new Map<string, number>();
  private lateCount = 0;
  private unmatched = 0;
  private matched = 0;
  private now = -Infinity;

  constructor(private readonly options: StreamMediaOptions = {}) {}

  /** What is held: the matcher's calls, claims, streams and flows, datagrams waiting, addresses remembered. */
  get held(): { calls: number; claims: number; streams: number; flows: number; waiting: number; remembered: number } {
    return { ...this.matcher.held, waiting: this.waiting.length - this.waitingHead, remembered: this.remembered.size };
  }

  /**
   * A SIP message of an open call, parsed (the caller parses only INVITEs and messages
   * with a body that may be SDP). `retransmission`: the same bytes were read before.
   */
  message(callId: string, sdp: CallSdp, m: Pick<TraceMessage, 'index' | 'at' | 'sip'>, retransmission: boolean): void {
    const sip = m.sip;
    if (!sip) return;
    if (sdp.callerTag === undefined && sip.kind === 'request' && initialInvite([m as TraceMessage])) {
      sdp.callerTag = sip.from.tag;
      if (sdp.callerTag !== undefined) {
        const early = sdp.early ?? [];
        delete sdp.early;
        for (const e of early) this.announce(callId, e, sdp.callerTag);
      }
    }
    if (retransmission) return;
    if (sdp.callerTag === undefined) {
      (sdp.early ??= []).push(m);
      return;
    }
    this.announce(callId, m, sdp.callerTag);
  }

  private announce(callId: string, m: Pick<TraceMessage, 'index' | 'at' | 'sip'>, callerTag: string): void {
    const keys = new Set<string>();
    for (const announced of announcedIn(m, callerTag)) for (const k of this.matcher.announce(callId, announced)) keys.add(k);
    if (keys.size === 0 || this.waitingHead === this.waiting.length) return;
    // Datagrams waiting for these addresses are the call's, in the order they came.
    const still: MediaDatagram[] = [];
    for (let i = this.waitingHead; i < this.waiting.length; i++) {
      const d = this.waiting[i]!;
      if (keys.has(addressKey(d.dst)) && this.count(d, true)) continue;
      still.push(d);
    }
    this.waiting = still;
    this.waitingHead = 0;
  }

  /** Time moves on (any frame's time): datagrams that waited long enough go by their source. */
  advance(at: number): void {
    if (at <= this.now) return;
    this.now = at;
    while (this.waitingHead < this.waiting.length && at - this.waiting[this.waitingHead]!.at > ANNOUNCE_LEEWAY_MS) {
      this.settle(this.waiting[this.waitingHead++]!);
    }
    if (this.waitingHead > 4096 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.waitingHead);
      this.waitingHead = 0;
    }
    while (this.rememberedHead < this.rememberedOrder.length && this.rememberedOrder[this.rememberedHead]!.until < at) {
      const { key, until } = this.rememberedOrder[this.rememberedHead++]!;
      if (this.remembered.get(key)?.until === until) this.remembered.delete(key);
    }
    if (this.rememberedHead > 4096 && this.rememberedHead * 2 > this.rememberedOrder.length) {
      this.rememberedOrder = this.rememberedOrder.slice(this.rememberedHead);
      this.rememberedHead = 0;
    }
  }

  /** A UDP datagram that is not SIP. Its payload may be a view of the reader's buffer: kept, it is copied. */
  datagram(d: MediaDatagram): void {
    this.advance(d.at);
    if (this.count(d, true)) return;
    // Nothing waits when no call claims either end: it can still be claimed within the leeway.
    if (this.waiting.length - this.waitingHead >= MAX_WAITING) {
      this.settle(d);
      return;
    }
    this.waiting.push({ ...d, payload: d.payload.slice() });
  }

  /** The file ended: what waits goes by its source. */
  end(): void {
    while (this.waitingHead < this.waiting.length) this.settle(this.waiting[this.waitingHead++]!);
    this.waiting = [];
    this.waitingHead = 0;
  }

  /** The call is finished: its media, and its state is let go. */
  take(callId: string): CallMedia | undefined {
    const media = this.matcher.media(callId);
    const until = this.now + REMEMBER_MS;
    for (const key of this.matcher.release(callId)) {
      this.remembered.set(key, { callId, until });
      this.rememberedOrder.push({ key, until });
    }
    return media;
  }

  notes(): string[] {
    const notes: string[] = [];
    if (this.lateCount > 0) {
      const named = [...this.late].slice(0, NAMED).map(([id, n]) => `${id} (${n})`).join(', ');
      notes.push(`${this.lateCount} media datagram(s) came after their call was finished and reported, and are not in its media: ${named}${this.late.size > NAMED ? `, and ${this.late.size - NAMED} more call(s)` : ''}`);
    }
    if (this.unmatched > 0) notes.push(`${this.unmatched} UDP datagram(s) that are not SIP went to no call's media address (${this.matched} did)`);
    return notes;
  }

  private count(d: MediaDatagram, towardsOnly: boolean): boolean {
    const callId = this.matcher.add(d, towardsOnly);
    if (callId === undefined) return false;
    this.matched++;
    this.options.onMedia?.(callId, d.at);
    return true;
  }

  /** By its destination or its source, or counted as late (a finished call's) or as no call's. */
  private settle(d: MediaDatagram): void {
    if (this.count(d, false)) return;
    const gone = this.remembered.get(addressKey(d.dst)) ?? this.remembered.get(addressKey(d.src));
    if (!gone) {
      this.unmatched++;
      return;
    }
    this.lateCount++;
    if (this.late.has(gone.callId) || this.late.size < 1000) this.late.set(gone.callId, (this.late.get(gone.callId) ?? 0) + 1);
  }
}
