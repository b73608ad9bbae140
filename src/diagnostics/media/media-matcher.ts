// Matching a capture's UDP datagrams to calls by the addresses their SDPs
// announced (c=/m=, the RTCP port, ICE candidates), with counters per RTP
// stream (RtpStatistics) and per STUN/DTLS flow, never the payloads. Shared by
// the whole-file import (capture-media.ts: every call's SDPs are known before
// the first datagram) and the streaming analysis (stream/stream-media.ts: SDPs
// are announced as they are read, and a call's state is released with it).
// A datagram goes to the call whose SDP announced its destination (else its
// source, RTP being symmetric in practice) most recently before it, preferring
// a call that announced both ends: far ends reuse ports from call to call.
import type { AnnouncedMedia } from './announced-media.js';
import { wayTowards } from './announced-media.js';
import type { CallMedia, MediaAddress, MediaFlowSummary, RtpStreamSummary } from './media-types.js';
import { readRtpHeader, RtpStatistics, type LevelCodec } from './rtp-statistics.js';

/** A UDP datagram of the capture. */
export interface MediaDatagram {
  readonly at: number;
  readonly src: MediaAddress;
  readonly dst: MediaAddress;
  readonly payload: Uint8Array;
  /** Its frame number in the capture: a call's streams are listed in the order of their first frames. */
  readonly frame?: number;
}

/** Leeway for media that shows up a little before the SIP message announcing its address was captured. */
export const ANNOUNCE_LEEWAY_MS = 1000;
/** At most this many streams and flows per call are kept (a capture full of port scans stays bounded). */
const MAX_PER_CALL = 64;

interface Claim<K> {
  readonly call: K;
  readonly announced: AnnouncedMedia;
  readonly rtcp: boolean;
}

interface StreamEntry {
  readonly way: RtpStreamSummary['way'];
  readonly kind: string;
  readonly src: MediaAddress;
  readonly dst: MediaAddress;
  readonly stats: RtpStatistics;
  readonly announced: AnnouncedMedia;
  /** Its first datagram's frame. */
  readonly order: number;
  rtcpPackets: number;
}

type FlowEntry = { -readonly [K in keyof MediaFlowSummary]: MediaFlowSummary[K] };

/** What the matcher holds for one call: its streams and flows, and the addresses it claimed. */
interface CallState {
  readonly streams: Map<string, StreamEntry>;
  readonly flows: Map<string, { readonly flow: FlowEntry; readonly order: number }>;
  /** The addresses it claimed, and how many claims it has on each. */
  readonly addresses: Map<string, number>;
}

/** `address|port`, the address in lower case: the key claims are held by. */
export const addressKey = (a: MediaAddress) => `${a.address.toLowerCase()}|${a.port}`;

/** How many of the claims (ordered by announcement) were announced by `bound`: a binary search. */
function announcedBy<K>(claims: readonly Claim<K>[], bound: number): number {
  let lo = 0;
  let hi = claims.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (claims[mid]!.announced.at <= bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The claim on an address announced most recently before `at`; among them, the latest one whose
 * call also announced the other end of the datagram: a relay still sending the last packets of
 * an ended call to a port the next call reuses keeps them in the ended call. Both lists are
 * walked from their newest claim back, so thousands of calls announcing one address (a relay,
 * a far end's reused port) cost a binary search and a step or two, not a pass over them all.
 */
function latestBefore<K>(claims: readonly Claim<K>[] | undefined, at: number, otherEnd: readonly Claim<K>[] | undefined): Claim<K> | undefined {
  if (!claims) return undefined;
  const bound = at + ANNOUNCE_LEEWAY_MS;
  const n = announcedBy(claims, bound);
  if (n === 0) return undefined;
  if (otherEnd) {
    // The calls that announced the other end by then, gathered newest first only as far as needed.
    const seen = new Set<K>();
    let j = announcedBy(otherEnd, bound) - 1;
    const announcedOtherEnd = (call: K): boolean => {
      while (!seen.has(call) && j >= 0) seen.add(otherEnd[j--]!.call);
      return seen.has(call);
    };
    for (let i = n - 1; i >= 0; i--) if (announcedOtherEnd(claims[i]!.call)) return claims[i];
  }
  return claims[n - 1];
}

type PacketKind = 'rtp' | 'rtcp' | 'stun' | 'dtls' | 'other';

/** RFC 7983 §7 demultiplexing by the first byte; RFC 5761 §4 tells RTCP from RTP by the payload type. */
function packetKind(payload: Uint8Array): PacketKind {
  const first = payload[0];
  if (first === undefined) return 'other';
  if (first <= 3) {
    const cookie = payload.length >= 20 && payload[4] === 0x21 && payload[5] === 0x12 && payload[6] === 0xa4 && payload[7] === 0x42;
    return cookie ? 'stun' : 'other';
  }
  if (first >= 20 && first <= 63) return 'dtls';
  if (first >= 128 && first <= 191 && payload.length >= 8) {
    const pt = payload[1]! & 0x7f;
    return pt >= 72 && pt <= 76 ? 'rtcp' : 'rtp';
  }
  return 'other';
}

function levelCodecOf(name: string | undefined, encrypted: boolean): LevelCodec {
  if (encrypted || name === undefined) return undefined;
  const upper = name.toUpperCase();
  return upper === 'PCMU' || upper === 'PCMA' || upper === 'CN' ? upper : undefined;
}

/** Calls (keyed by K) and the media matched to them so far. */
export class MediaMatcher<K> {
  private readonly claims = new Map<string, Array<Claim<K>>>();
  private readonly calls = new Map<K, CallState>();
  private datagrams = 0;

  /** Whether any call claimed an address yet. */
  get empty(): boolean {
    return this.claims.size === 0;
  }

  /** Whether some call claims this address (`addressKey`). */
  claimed(key: string): boolean {
    return this.claims.has(key);
  }

  /** What is held: calls, claims, streams and flows (each a few counters). */
  get held(): { calls: number; claims: number; streams: number; flows: number } {
    let claims = 0;
    for (const list of this.claims.values()) claims += list.length;
    let streams = 0;
    let flows = 0;
    for (const state of this.calls.values()) {
      streams += state.streams.size;
      flows += state.flows.size;
    }
    return { calls: this.calls.size, claims, streams, flows };
  }

  /** One m= line of the call's SDPs: its RTP address, RTCP port and UDP candidates become the call's. Returns the addresses claimed. */
  announce(call: K, announced: AnnouncedMedia): string[] {
    const state = this.state(call);
    const keys: string[] = [];
    const add = (address: string | undefined, port: number, rtcp: boolean) => {
      if (address === undefined || port <= 0 || address === '0.0.0.0' || address === '::') return;
      const k = addressKey({ address, port });
      const claim: Claim<K> = { call, announced, rtcp };
      const list = this.claims.get(k);
      if (!list) this.claims.set(k, [claim]);
      else {
        // Ordered by announcement time; equal times keep their order of arrival.
        let i = list.length;
        while (i > 0 && list[i - 1]!.announced.at > announced.at) i--;
        list.splice(i, 0, claim);
      }
      state.addresses.set(k, (state.addresses.get(k) ?? 0) + 1);
      keys.push(k);
    };
    const media = announced.media;
    add(announced.address, media.port, false);
    if (!media.rtcpMux) add(announced.address, media.rtcpPort, true);
    for (const c of media.candidates) if (c.transport === 'UDP') add(c.address, c.port, c.component === 2);
    return keys;
  }

  /**
   * Counts one datagram in the call it belongs to; returns that call, or undefined (no call
   * claims either end). `towardsOnly`: only by its destination's claim (see stream-media.ts).
   */
  add(d: MediaDatagram, towardsOnly = false): K | undefined {
    const dstClaims = this.claims.get(addressKey(d.dst));
    const srcClaims = this.claims.get(addressKey(d.src));
    const towards = latestBefore(dstClaims, d.at, srcClaims);
    if (!towards && towardsOnly) return undefined;
    const claim = towards ?? latestBefore(srcClaims, d.at, undefined);
    if (!claim) return undefined;
    const state = this.state(claim.call);
    const order = d.frame ?? ++this.datagrams;
    // Towards an address: flows to that side. From it: flows from that side, to the other.
    const side = towards ? claim.announced.side : claim.announced.side === 'caller' ? 'callee' : 'caller';
    const kind = packetKind(d.payload);
    const flowKey = `${addressKey(d.src)}|${addressKey(d.dst)}`;
    const room = () => state.streams.size + state.flows.size < MAX_PER_CALL;
    if (kind === 'stun' || kind === 'dtls') {
      let flow = state.flows.get(flowKey)?.flow;
      if (!flow) {
        if (!room()) return claim.call;
        flow = { src: d.src, dst: d.dst, stunRequests: 0, stunResponses: 0, stunErrors: 0, dtlsPackets: 0, firstAt: d.at, lastAt: d.at };
        state.flows.set(flowKey, { flow, order });
      }
      flow.lastAt = d.at;
      if (kind === 'dtls') flow.dtlsPackets++;
      else if (d.payload[0] === 0x00 && d.payload[1] === 0x01) flow.stunRequests++;
      else if (d.payload[0] === 0x01 && d.payload[1] === 0x01) flow.stunResponses++;
      else if (d.payload[0] === 0x01 && d.payload[1] === 0x11) flow.stunErrors++;
      return claim.call;
    }
    if (kind === 'rtcp') {
      // Multiplexed (same port) or from the port above the RTP one (RFC 3550 §11).
      for (const s of state.streams.values()) {
        if (s.src.address === d.src.address && (s.src.port === d.src.port || s.src.port + 1 === d.src.port)) s.rtcpPackets++;
      }
      return claim.call;
    }
    if (kind !== 'rtp' || claim.rtcp) return claim.call;
    const header = readRtpHeader(d.payload);
    if (!header) return claim.call;
    const streamKey = `${flowKey}|${header.ssrc}`;
    let stream = state.streams.get(streamKey);
    if (!stream) {
      if (!room()) return claim.call;
      stream = {
        way: wayTowards(side), kind: claim.announced.media.kind, src: d.src, dst: d.dst,
        stats: new RtpStatistics(header.ssrc), announced: claim.announced, order, rtcpPackets: 0,
      };
      state.streams.set(streamKey, stream);
    }
    const format = stream.announced.media.formats.get(header.payloadType);
    const encrypted = /SAVP/i.test(stream.announced.media.protocol);
    stream.stats.add(d.at, header, d.payload, format?.clockRate, levelCodecOf(format?.name, encrypted));
    return claim.call;
  }

  /** The call's media so far (undefined: no stream and no flow). */
  media(call: K): CallMedia | undefined {
    const state = this.calls.get(call);
    if (!state || (state.streams.size === 0 && state.flows.size === 0)) return undefined;
    // In the order of their first frames: the streaming analysis may count a datagram that waited for its claim after a later one.
    const byOrder = (a: { order: number }, b: { order: number }) => a.order - b.order;
    return {
      source: 'capture',
      streams: [...state.streams.values()].sort(byOrder).map(streamSummary),
      flows: [...state.flows.values()].sort(byOrder).map(({ flow }) => ({ ...flow })),
    };
  }

  /** Lets the call go: its claims, streams and flows. Returns the addresses it had claimed. */
  release(call: K): string[] {
    const state = this.calls.get(call);
    if (!state) return [];
    this.calls.delete(call);
    for (const [k, count] of state.addresses) {
      const list = this.claims.get(k);
      if (!list) continue;
      // Many calls may claim one address (a relay's, a far end's reused port), and calls are
      // mostly released oldest first: look from the front only as far as this call's claims go.
      let left = count;
      let kept = 0;
      let i = 0;
      for (; i < list.length && left > 0; i++) {
        if (list[i]!.call === call) left--;
        else list[kept++] = list[i]!;
      }
      if (i > kept) list.splice(kept, i - kept);
      if (list.length === 0) this.claims.delete(k);
    }
    return [...state.addresses.keys()];
  }

  private state(call: K): CallState {
    let state = this.calls.get(call);
    if (!state) this.calls.set(call, state = { streams: new Map(), flows: new Map(), addresses: new Map() });
    return state;
  }
}

function streamSummary(s: StreamEntry): RtpStreamSummary {
  const stats = s.stats.summary();
  const format = stats.payloadType === undefined ? undefined : s.announced.media.formats.get(stats.payloadType);
  const encrypted = /SAVP/i.test(s.announced.media.protocol);
  const comfortNoise = s.stats.packetsOf([...s.announced.media.formats].filter(([, f]) => f.name.toUpperCase() === 'CN').map(([pt]) => pt));
  return {
    way: s.way, kind: s.kind, src: s.src, dst: s.dst, ...stats,
    ...(format ? { codec: `${format.name}/${format.clockRate}` } : {}),
    ...(comfortNoise > 0 ? { comfortNoisePackets: comfortNoise } : {}),
    ...(s.rtcpPackets > 0 ? { rtcpPackets: s.rtcpPackets } : {}),
    ...(encrypted ? { encrypted: true } : {}),
  };
}
