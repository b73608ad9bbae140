// RTP statistics of one stream, packet by packet, in constant memory (counters
// only, never payloads): RFC 3550 A.1 sequence number tracking (extended
// highest sequence number over wrap-arounds, restarts after a big jump),
// A.3 expected and lost, A.8 interarrival jitter; the longest gap; and, for
// G.711, whether each payload held any audible sample.
import type { RtpStreamSummary } from './media-types.js';

const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const SEQ_MOD = 0x10000;
/** Peak below this (of 32767, about -54 dBFS) is silence. */
const AUDIBLE_PEAK = 64;

/** ITU-T G.711: |linear value| of each µ-law and A-law code, for the silence check. */
const MU_LAW_MAGNITUDE = new Uint16Array(256);
const A_LAW_MAGNITUDE = new Uint16Array(256);
for (let code = 0; code < 256; code++) {
  const mu = ~code & 0xff;
  MU_LAW_MAGNITUDE[code] = ((((mu & 0x0f) << 3) + 0x84) << ((mu & 0x70) >> 4)) - 0x84;
  const a = code ^ 0x55;
  const segment = (a & 0x70) >> 4;
  const mantissa = ((a & 0x0f) << 4) + 8;
  A_LAW_MAGNITUDE[code] = segment === 0 ? mantissa : (mantissa + 0x100) << (segment - 1);
}

/** How a stream's payload can be judged for silence: G.711 µ-law or A-law, comfort noise, or not at all. */
export type LevelCodec = 'PCMU' | 'PCMA' | 'CN' | undefined;

export interface RtpPacketHeader {
  readonly payloadType: number;
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
  /** Where the payload starts (after CSRCs and the header extension). */
  readonly payloadOffset: number;
  /** Payload length without RTP padding. */
  readonly payloadLength: number;
}

/** Reads an RTP header (version 2), or undefined when it is not one. */
export function readRtpHeader(data: Uint8Array): RtpPacketHeader | undefined {
  if (data.length < 12 || data[0]! >> 6 !== 2) return undefined;
  const csrcs = data[0]! & 0x0f;
  let offset = 12 + csrcs * 4;
  if ((data[0]! & 0x10) !== 0) {
    if (offset + 4 > data.length) return undefined;
    offset += 4 + ((data[offset + 2]! << 8) | data[offset + 3]!) * 4;
  }
  let end = data.length;
  if ((data[0]! & 0x20) !== 0) end -= data[data.length - 1]!;
  if (offset > end) return undefined;
  return {
    payloadType: data[1]! & 0x7f,
    sequence: (data[2]! << 8) | data[3]!,
    timestamp: ((data[4]! << 24) | (data[5]! << 16) | (data[6]! << 8) | data[7]!) >>> 0,
    ssrc: ((data[8]! << 24) | (data[9]! << 16) | (data[10]! << 8) | data[11]!) >>> 0,
    payloadOffset: offset, payloadLength: end - offset,
  };
}

export class RtpStatistics {
  private packets = 0;
  private bytes = 0;
  private firstAt = 0;
  private lastAt = 0;
  private baseSeq = 0;
  private maxSeq = 0;
  private cycles = 0;
  private badSeq = SEQ_MOD + 1;
  private outOfOrder = 0;
  private jitter = 0;
  private maxJitter = 0;
  private lastTransit: number | undefined;
  private maxGap = 0;
  private expectedBeforeRestart = 0;
  private jitterClock = 0;
  private levelPackets = 0;
  private silentPackets = 0;
  private readonly payloadTypes = new Map<number, number>();

  constructor(readonly ssrc: number) {}

  /**
   * One packet that arrived at `at` (ms). `clockRate` is the RTP clock of its payload
   * type (undefined: no jitter for it); `level` says how to judge its payload's level.
   */
  add(at: number, header: RtpPacketHeader, data: Uint8Array, clockRate: number | undefined, level: LevelCodec): void {
    const seq = header.sequence;
    if (this.packets === 0) {
      this.baseSeq = seq;
      this.maxSeq = seq;
      this.firstAt = at;
    } else {
      this.maxGap = Math.max(this.maxGap, at - this.lastAt);
      this.updateSequence(seq);
    }
    this.packets++;
    this.bytes += header.payloadLength;
    this.lastAt = at;
    this.payloadTypes.set(header.payloadType, (this.payloadTypes.get(header.payloadType) ?? 0) + 1);
    if (clockRate !== undefined && clockRate > 0) this.updateJitter(at, header.timestamp, clockRate);
    if (level !== undefined) this.judgeLevel(data, header, level);
  }

  /** RFC 3550 A.1 update_seq, without probation (a capture holds the stream from its start). */
  private updateSequence(seq: number): void {
    const delta = (seq - this.maxSeq + SEQ_MOD) % SEQ_MOD;
    if (delta > 0 && delta < MAX_DROPOUT) {
      if (seq < this.maxSeq) this.cycles += SEQ_MOD;
      this.maxSeq = seq;
    } else if (delta === 0 || delta >= SEQ_MOD - MAX_MISORDER) {
      this.outOfOrder++;
    } else if (seq === this.badSeq) {
      // Two packets in a row after a big jump: the sender restarted its sequence (the
      // first of the two was not out of order after all).
      this.expectedBeforeRestart += this.cycles + this.maxSeq - this.baseSeq + 1;
      this.baseSeq = (seq + SEQ_MOD - 1) % SEQ_MOD;
      this.maxSeq = seq;
      this.cycles = seq === 0 ? SEQ_MOD : 0;
      this.outOfOrder--;
      this.badSeq = SEQ_MOD + 1;
    } else {
      this.badSeq = (seq + 1) % SEQ_MOD;
      this.outOfOrder++;
    }
  }

  /** RFC 3550 A.8: J += (|D| - J) / 16, with D the change in transit time, in timestamp units. */
  private updateJitter(at: number, timestamp: number, clockRate: number): void {
    const arrival = (at * clockRate) / 1000;
    const transit = arrival - timestamp;
    if (this.lastTransit !== undefined) {
      let d = transit - this.lastTransit;
      // RTP timestamps wrap at 2^32.
      if (d > 2 ** 31) d -= 2 ** 32;
      else if (d < -(2 ** 31)) d += 2 ** 32;
      this.jitter += (Math.abs(d) - this.jitter) / 16;
      this.maxJitter = Math.max(this.maxJitter, (this.jitter * 1000) / clockRate);
    }
    this.lastTransit = transit;
    this.jitterClock = clockRate;
  }

  private judgeLevel(data: Uint8Array, header: RtpPacketHeader, level: Exclude<LevelCodec, undefined>): void {
    this.levelPackets++;
    if (level === 'CN') {
      this.silentPackets++;
      return;
    }
    const table = level === 'PCMU' ? MU_LAW_MAGNITUDE : A_LAW_MAGNITUDE;
    const end = header.payloadOffset + header.payloadLength;
    for (let i = header.payloadOffset; i < end; i++) if (table[data[i]!]! >= AUDIBLE_PEAK) return;
    this.silentPackets++;
  }

  /** How many of its packets carried one of these payload types. */
  packetsOf(payloadTypes: readonly number[]): number {
    return payloadTypes.reduce((n, pt) => n + (this.payloadTypes.get(pt) ?? 0), 0);
  }

  /** The payload type most of its packets carried. */
  get mainPayloadType(): number | undefined {
    let best: number | undefined;
    let most = 0;
    for (const [pt, n] of this.payloadTypes) if (n > most) [best, most] = [pt, n];
    return best;
  }

  get packetCount(): number {
    return this.packets;
  }

  summary(): Omit<RtpStreamSummary, 'way'> {
    const expected = this.expectedBeforeRestart + this.cycles + this.maxSeq - this.baseSeq + 1;
    const round = (n: number) => Math.round(n * 1000) / 1000;
    const payloadType = this.mainPayloadType;
    return {
      ssrc: this.ssrc, packets: this.packets, bytes: this.bytes,
      ...(payloadType === undefined ? {} : { payloadType }),
      ...(this.packets > 0 ? { firstAt: this.firstAt, lastAt: this.lastAt, expected, lost: Math.max(0, expected - this.packets) } : {}),
      ...(this.jitterClock > 0 ? { jitterMs: round((this.jitter * 1000) / this.jitterClock), maxJitterMs: round(this.maxJitter) } : {}),
      maxGapMs: round(this.maxGap), outOfOrder: this.outOfOrder,
      ...(this.levelPackets > 0 ? { levelPackets: this.levelPackets, silentPackets: this.silentPackets } : {}),
    };
  }
}
