// The media of a capture's calls: a second pass over the capture's UDP
// datagrams that keeps, for the addresses the calls' SDPs announced (c=/m=,
// the RTCP port, ICE candidates), counters per RTP stream (RtpStatistics)
// and per STUN/DTLS flow, never the payloads. A datagram goes to the call
// whose SDP announced its destination (else its source, RTP being
// symmetric in practice) most recently before it, preferring a call that
// announced both ends: far ends reuse ports from call to call.
import type { TraceMessage } from '../model-types.js';
import { announcedMedia, wayTowards, type AnnouncedMedia } from './announced-media.js';
import type { CallMedia, MediaAddress, MediaFlowSummary, RtpStreamSummary } from './media-types.js';
import { readRtpHeader, RtpStatistics, type LevelCodec } from './rtp-statistics.js';

/** A UDP datagram of the capture. */
export interface MediaDatagram {
  readonly at: number;
  readonly src: MediaAddress;
  readonly dst: MediaAddress;
  readonly payload: Uint8Array;
}

/** The calls the media is matched to: their Call-IDs and messages. */
export interface MediaCallView {
  readonly callId: string;
  readonly messages: readonly number[];
}

/** Builds each call's media from its messages and whatever media evidence the source has. */
export type MediaEvidence = (calls: readonly MediaCallView[], messages: readonly TraceMessage[]) => ReadonlyMap<string, CallMedia>;

/** Leeway for media that shows up a little before the SIP message announcing its address was captured. */
const ANNOUNCE_LEEWAY_MS = 1000;
/** At most this many streams and flows per call are kept (a capture full of port scans stays bounded). */
const MAX_PER_CALL = 64;

interface Claim {
  readonly call: number;
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
  rtcpPackets: number;
}

type FlowEntry = { -readonly [K in keyof MediaFlowSummary]: MediaFlowSummary[K] };

const key = (a: MediaAddress) => `${a.address}|${a.port}`;

function claimsByAddress(calls: readonly MediaCallView[], messages: readonly TraceMessage[]): Map<string, Claim[]> {
  const byAddress = new Map<string, Claim[]>();
  const add = (address: string | undefined, port: number, claim: Claim) => {
    if (address === undefined || port <= 0 || address === '0.0.0.0' || address === '::') return;
    const k = key({ address: address.toLowerCase(), port });
    const list = byAddress.get(k);
    if (list) list.push(claim);
    else byAddress.set(k, [claim]);
  };
  calls.forEach((call, index) => {
    for (const announced of announcedMedia(call.messages.map((i) => messages[i]!))) {
      const media = announced.media;
      add(announced.address, media.port, { call: index, announced, rtcp: false });
      if (!media.rtcpMux) add(announced.address, media.rtcpPort, { call: index, announced, rtcp: true });
      for (const c of media.candidates) if (c.transport === 'UDP') add(c.address, c.port, { call: index, announced, rtcp: c.component === 2 });
    }
  });
  for (const list of byAddress.values()) list.sort((a, b) => a.announced.at - b.announced.at);
  return byAddress;
}

/** The claims on one address, sorted by when they were announced, and each call's first announcement of it. */
interface AddressClaims {
  readonly claims: readonly Claim[];
  readonly firstByCall: ReadonlyMap<number, number>;
}

function indexClaims(byAddress: Map<string, Claim[]>): Map<string, AddressClaims> {
  const out = new Map<string, AddressClaims>();
  for (const [k, claims] of byAddress) {
    const firstByCall = new Map<number, number>();
    for (const c of claims) if (!firstByCall.has(c.call)) firstByCall.set(c.call, c.announced.at);
    out.set(k, { claims, firstByCall });
  }
  return out;
}

/**
 * The claim on an address announced most recently before `at`; among them, the latest one whose
 * call also announced the other end of the datagram: a relay still sending the last packets of
 * an ended call to a port the next call reuses keeps them in the ended call. Binary search: a
 * capture of thousands of calls that all announce one media address stays fast.
 */
function latestBefore(on: AddressClaims | undefined, at: number, otherEnd: AddressClaims | undefined): Claim | undefined {
  if (!on) return undefined;
  const bound = at + ANNOUNCE_LEEWAY_MS;
  const { claims } = on;
  let lo = 0;
  let hi = claims.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (claims[mid]!.announced.at <= bound) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return undefined;
  if (otherEnd) {
    for (let i = lo - 1; i >= 0; i--) {
      const first = otherEnd.firstByCall.get(claims[i]!.call);
      if (first !== undefined && first <= bound) return claims[i];
    }
  }
  return claims[lo - 1];
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

/** Reads the datagrams (a second pass over the capture) and returns each call's media. */
export function captureMediaEvidence(datagrams: () => Iterable<MediaDatagram>): MediaEvidence {
  return (calls, messages) => {
    const claims = indexClaims(claimsByAddress(calls, messages));
    const out = new Map<string, CallMedia>();
    if (claims.size === 0) return out;
    const streams = new Map<string, StreamEntry>();
    const flows = new Map<string, FlowEntry>();
    /** Each call's streams, for RTCP to find its own without a look at every other call's. */
    const callStreams = new Map<number, StreamEntry[]>();
    const perCall = new Map<number, number>();
    const room = (call: number) => {
      const n = perCall.get(call) ?? 0;
      if (n >= MAX_PER_CALL) return false;
      perCall.set(call, n + 1);
      return true;
    };
    for (const d of datagrams()) {
      const dstClaims = claims.get(key(d.dst));
      const srcClaims = claims.get(key(d.src));
      const towards = latestBefore(dstClaims, d.at, srcClaims);
      const from = towards ? undefined : latestBefore(srcClaims, d.at, undefined);
      const claim = towards ?? from;
      if (!claim) continue;
      // Towards an address: flows to that side. From it: flows from that side, to the other.
      const side = towards ? claim.announced.side : claim.announced.side === 'caller' ? 'callee' : 'caller';
      const kind = packetKind(d.payload);
      const flowKey = `${claim.call}|${key(d.src)}|${key(d.dst)}`;
      if (kind === 'stun' || kind === 'dtls') {
        let flow = flows.get(flowKey);
        if (!flow) {
          if (!room(claim.call)) continue;
          flow = { src: d.src, dst: d.dst, stunRequests: 0, stunResponses: 0, stunErrors: 0, dtlsPackets: 0, firstAt: d.at, lastAt: d.at };
          flows.set(flowKey, flow);
        }
        flow.lastAt = d.at;
        if (kind === 'dtls') flow.dtlsPackets++;
        else if (d.payload[0] === 0x00 && d.payload[1] === 0x01) flow.stunRequests++;
        else if (d.payload[0] === 0x01 && d.payload[1] === 0x01) flow.stunResponses++;
        else if (d.payload[0] === 0x01 && d.payload[1] === 0x11) flow.stunErrors++;
        continue;
      }
      if (kind === 'rtcp') {
        // Multiplexed (same port) or from the port above the RTP one (RFC 3550 §11).
        for (const s of callStreams.get(claim.call) ?? []) {
          if (s.src.address === d.src.address && (s.src.port === d.src.port || s.src.port + 1 === d.src.port)) s.rtcpPackets++;
        }
        continue;
      }
      if (kind !== 'rtp' || claim.rtcp) continue;
      const header = readRtpHeader(d.payload);
      if (!header) continue;
      const streamKey = `${flowKey}|${header.ssrc}`;
      let stream = streams.get(streamKey);
      if (!stream) {
        if (!room(claim.call)) continue;
        stream = {
          way: wayTowards(side), kind: claim.announced.media.kind, src: d.src, dst: d.dst,
          stats: new RtpStatistics(header.ssrc), announced: claim.announced, rtcpPackets: 0,
        };
        streams.set(streamKey, stream);
        const ofCall = callStreams.get(claim.call);
        if (ofCall) ofCall.push(stream);
        else callStreams.set(claim.call, [stream]);
      }
      const format = stream.announced.media.formats.get(header.payloadType);
      const encrypted = /SAVP/i.test(stream.announced.media.protocol);
      stream.stats.add(d.at, header, d.payload, format?.clockRate, levelCodecOf(format?.name, encrypted));
    }
    const byCall = <T>(entries: Map<string, T>): Map<number, T[]> => {
      const grouped = new Map<number, T[]>();
      for (const [k, v] of entries) {
        const call = Number(k.slice(0, k.indexOf('|')));
        const list = grouped.get(call);
        if (list) list.push(v);
        else grouped.set(call, [v]);
      }
      return grouped;
    };
    const streamsByCall = byCall(streams);
    const flowsByCall = byCall(flows);
    calls.forEach((call, index) => {
      const own = streamsByCall.get(index) ?? [];
      const ownFlows = (flowsByCall.get(index) ?? []).map((f) => ({ ...f }));
      if (own.length === 0 && ownFlows.length === 0) return;
      out.set(call.callId, { source: 'capture', streams: own.map(streamSummary), flows: ownFlows });
    });
    return out;
  };
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
