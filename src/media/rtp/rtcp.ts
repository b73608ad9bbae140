// RTCP (RFC 3550 §6): the compound packets a session sends — a sender report
// (SR) when we sent since the last report, else a receiver report (RR), then
// SDES with our CNAME (§6.1: "Each individual RTCP packet in the compound
// packet ... MUST contain ... an SDES CNAME"), and BYE when leaving (§6.6) —
// and what we read from the peer's: its SR times (for LSR/DLSR) and the
// report blocks about our stream.
import type { ReceptionReport } from './receive-stats.js';

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;

/** A report block: what a receiver says about one source (§6.4.1). */
export interface ReportBlock extends ReceptionReport {
  readonly ssrc: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received from that source (0: none). */
  readonly lastSr: number;
  /** Delay since that SR, in 1/65536 s. */
  readonly delaySinceLastSr: number;
}

export interface SenderInfo {
  readonly ntp: bigint;
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
}

/** One RTCP packet of a compound, as far as the engine reads it. */
export type RtcpPacket =
  | { readonly type: 'sr'; readonly ssrc: number; readonly sender: SenderInfo; readonly reports: readonly ReportBlock[] }
  | { readonly type: 'rr'; readonly ssrc: number; readonly reports: readonly ReportBlock[] }
  | { readonly type: 'bye'; readonly ssrcs: readonly number[] }
  | { readonly type: 'other'; readonly packetType: number };

/** Seconds between 1900 (NTP's epoch) and 1970 (Unix time). */
const NTP_UNIX_OFFSET = 2208988800n;

/** NTP time as 64-bit fixed point (§4: "seconds relative to 0h UTC on 1 January 1900", 32.32). */
export function ntpNow(unixMs = Date.now()): bigint {
  const ms = BigInt(Math.floor(unixMs));
  const seconds = ms / 1000n + NTP_UNIX_OFFSET;
  const fraction = ((ms % 1000n) << 32n) / 1000n;
  return (seconds << 32n) | fraction;
}

/** The middle 32 bits of an NTP timestamp (the LSR field, and what RTT is computed in). */
export function ntpMiddle(ntp: bigint): number {
  return Number((ntp >> 16n) & 0xffffffffn);
}

/**
 * §6.4.1: the round trip, from a report block about our stream: "A - LSR - DLSR",
 * A being the arrival time of the report, all in 1/65536 s. Undefined without an SR to refer to.
 */
export function roundTripMs(block: ReportBlock, arrivalNtp: bigint): number | undefined {
  if (block.lastSr === 0) return undefined;
  const units = (ntpMiddle(arrivalNtp) - block.lastSr - block.delaySinceLastSr + 2 ** 32) % 2 ** 32;
  // A report older than a minute's wrap means clocks that do not line up: not an RTT.
  return units > 65536 * 60 ? undefined : (units / 65536) * 1000;
}

function header(view: DataView, at: number, count: number, type: number, words: number): void {
  view.setUint8(at, 0x80 | count); // V=2, no padding
  view.setUint8(at + 1, type);
  view.setUint16(at + 2, words - 1); // "length in 32-bit words minus one, including the header"
}

function writeBlock(view: DataView, at: number, block: ReportBlock): void {
  view.setUint32(at, block.ssrc >>> 0);
  view.setUint32(at + 4, ((block.fractionLost & 0xff) << 24 | (block.cumulativeLost & 0xffffff)) >>> 0);
  view.setUint32(at + 8, block.extendedHighestSequence >>> 0);
  view.setUint32(at + 12, block.jitter >>> 0);
  view.setUint32(at + 16, block.lastSr >>> 0);
  view.setUint32(at + 20, block.delaySinceLastSr >>> 0);
}

export interface CompoundSpec {
  readonly ssrc: number;
  readonly cname: string;
  /** Our sender info, when we sent RTP since the last report (then it is an SR). */
  readonly sender?: SenderInfo;
  readonly reports: readonly ReportBlock[];
  /** Append a BYE (leaving the session). */
  readonly bye?: boolean;
}

/** A compound RTCP packet: SR or RR, SDES CNAME, optionally BYE. */
export function buildCompound(spec: CompoundSpec): Uint8Array {
  const reports = spec.reports.slice(0, 31);
  const reportWords = (spec.sender ? 7 : 2) + 6 * reports.length;
  const cname = new TextEncoder().encode(spec.cname).subarray(0, 255);
  // SDES chunk: SSRC, item (type, length, text), a null item, padded to 32 bits.
  const sdesWords = 2 + Math.ceil((2 + cname.length + 1) / 4);
  const byeWords = spec.bye ? 2 : 0;
  const out = new Uint8Array(4 * (reportWords + sdesWords + byeWords));
  const view = new DataView(out.buffer);
  header(view, 0, reports.length, spec.sender ? RTCP_SR : RTCP_RR, reportWords);
  view.setUint32(4, spec.ssrc >>> 0);
  let at = 8;
  if (spec.sender) {
    view.setBigUint64(8, spec.sender.ntp);
    view.setUint32(16, spec.sender.rtpTimestamp >>> 0);
    view.setUint32(20, spec.sender.packetCount >>> 0);
    view.setUint32(24, spec.sender.octetCount >>> 0);
    at = 28;
  }
  for (const block of reports) {
    writeBlock(view, at, block);
    at += 24;
  }
  header(view, at, 1, RTCP_SDES, sdesWords);
  view.setUint32(at + 4, spec.ssrc >>> 0);
  out[at + 8] = 1; // CNAME
  out[at + 9] = cname.length;
  out.set(cname, at + 10);
  at += 4 * sdesWords;
  if (spec.bye) {
    header(view, at, 1, RTCP_BYE, byeWords);
    view.setUint32(at + 4, spec.ssrc >>> 0);
  }
  return out;
}

function readBlocks(view: DataView, at: number, count: number, end: number): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  for (let i = 0; i < count && at + 24 <= end; i++, at += 24) {
    const word = view.getUint32(at + 4);
    blocks.push({
      ssrc: view.getUint32(at),
      fractionLost: word >>> 24,
      cumulativeLost: (word & 0xffffff) << 8 >> 8, // 24-bit signed
      extendedHighestSequence: view.getUint32(at + 8),
      jitter: view.getUint32(at + 12),
      lastSr: view.getUint32(at + 16),
      delaySinceLastSr: view.getUint32(at + 20),
    });
  }
  return blocks;
}

/** The packets of a compound RTCP datagram; undefined when it is not RTCP (§6.4.1 header checks). */
export function parseCompound(data: Uint8Array): RtcpPacket[] | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const packets: RtcpPacket[] = [];
  for (let at = 0; at + 4 <= data.length;) {
    if (data[at]! >> 6 !== 2) return undefined;
    const count = data[at]! & 0x1f;
    const type = data[at + 1]!;
    const end = at + 4 * (view.getUint16(at + 2) + 1);
    if (end > data.length) return undefined;
    if (type === RTCP_SR && end >= at + 28) {
      packets.push({
        type: 'sr', ssrc: view.getUint32(at + 4),
        sender: { ntp: view.getBigUint64(at + 8), rtpTimestamp: view.getUint32(at + 16), packetCount: view.getUint32(at + 20), octetCount: view.getUint32(at + 24) },
        reports: readBlocks(view, at + 28, count, end),
      });
    } else if (type === RTCP_RR && end >= at + 8) {
      packets.push({ type: 'rr', ssrc: view.getUint32(at + 4), reports: readBlocks(view, at + 8, count, end) });
    } else if (type === RTCP_BYE) {
      const ssrcs: number[] = [];
      for (let i = 0; i < count && at + 8 + 4 * i <= end; i++) ssrcs.push(view.getUint32(at + 4 + 4 * i));
      packets.push({ type: 'bye', ssrcs });
    } else {
      packets.push({ type: 'other', packetType: type });
    }
    at = end;
  }
  return packets.length > 0 ? packets : undefined;
}
