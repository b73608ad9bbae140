// Captures with media for the media tests: SIP messages and RTP/RTCP/STUN/DTLS
// datagrams between named addresses at chosen times, written as a pcap and
// imported exactly as a real capture is. Every model is also read by the
// streaming analysis (`callscope analyze`), which must give each call the same
// media and the same findings.
import { expect } from 'vitest';
import { importTrace } from '../../../src/diagnostics/import/trace-import.js';
import type { FindingOptions } from '../../../src/diagnostics/findings/run-findings.js';
import type { CallModel, TraceModel } from '../../../src/diagnostics/model-types.js';
import { TraceAnalysis, type AssembledCall } from '../../../src/diagnostics/stream/trace-analysis.js';
import { enc, ip, LINK, linkFrame, pcapFile, udp, type FixtureFrame } from './pcap-fixtures.js';

export interface Addr {
  readonly address: string;
  readonly port: number;
}

export const at = (address: string, port: number): Addr => ({ address, port });

/** A 160-byte PCMU payload: a 440 Hz tone, or silence (0xFF, the µ-law code for 0). */
export function pcmu(silent = false): Uint8Array {
  const out = new Uint8Array(160);
  for (let i = 0; i < out.length; i++) {
    if (silent) out[i] = 0xff;
    else {
      const sample = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000));
      out[i] = muLaw(sample);
    }
  }
  return out;
}

function muLaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), 32635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  magnitude = ~(sign | (exponent << 4) | ((magnitude >> (exponent + 3)) & 0x0f));
  return magnitude & 0xff;
}

export function rtpPacket(pt: number, seq: number, timestamp: number, ssrc: number, payload: Uint8Array, marker = false): Uint8Array {
  const out = new Uint8Array(12 + payload.length);
  const dv = new DataView(out.buffer);
  out[0] = 0x80;
  out[1] = (marker ? 0x80 : 0) | pt;
  dv.setUint16(2, seq & 0xffff);
  dv.setUint32(4, timestamp >>> 0);
  dv.setUint32(8, ssrc >>> 0);
  out.set(payload, 12);
  return out;
}

/** An RTCP receiver report (PT 201) with no report blocks. */
export function rtcpReceiverReport(ssrc: number): Uint8Array {
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  out[0] = 0x80;
  out[1] = 201;
  dv.setUint16(2, 1);
  dv.setUint32(4, ssrc);
  return out;
}

/** A STUN binding request (0x0001) or success response (0x0101), header only. */
export function stun(kind: 'request' | 'response'): Uint8Array {
  const out = new Uint8Array(20);
  out[0] = kind === 'request' ? 0x00 : 0x01;
  out[1] = 0x01;
  out.set([0x21, 0x12, 0xa4, 0x42], 4);
  return out;
}

/** A DTLS 1.2 handshake record header and a few bytes. */
export function dtlsHandshake(): Uint8Array {
  return Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4);
}

export interface StreamSpec {
  readonly from: Addr;
  readonly to: Addr;
  readonly startMs: number;
  readonly count: number;
  readonly ssrc: number;
  readonly pt?: number;
  readonly intervalMs?: number;
  readonly silent?: boolean;
  readonly firstSeq?: number;
  /** Packet numbers (0-based) that are never sent. */
  readonly drop?: readonly number[];
  /** Extra arrival delay in ms per packet number. */
  readonly delay?: Readonly<Record<number, number>>;
}

export class MediaCapture {
  private readonly datagrams: Array<{ at: number; from: Addr; to: Addr; payload: Uint8Array }> = [];

  sip(atMs: number, from: Addr, to: Addr, text: string): this {
    this.datagrams.push({ at: atMs, from, to, payload: enc(text) });
    return this;
  }

  datagram(atMs: number, from: Addr, to: Addr, payload: Uint8Array): this {
    this.datagrams.push({ at: atMs, from, to, payload });
    return this;
  }

  /** A PCMU stream, one packet every 20 ms (timestamp +160 each). */
  rtp(spec: StreamSpec): this {
    const interval = spec.intervalMs ?? 20;
    const payload = pcmu(spec.silent);
    for (let n = 0; n < spec.count; n++) {
      if (spec.drop?.includes(n)) continue;
      const arrival = spec.startMs + n * interval + (spec.delay?.[n] ?? 0);
      this.datagrams.push({
        at: arrival, from: spec.from, to: spec.to,
        payload: rtpPacket(spec.pt ?? 0, (spec.firstSeq ?? 1000) + n, 8000 + n * 160, spec.ssrc, payload, n === 0),
      });
    }
    return this;
  }

  pcap(): Uint8Array {
    const frames: FixtureFrame[] = [...this.datagrams].sort((a, b) => a.at - b.at).map((d) => ({
      atMs: 1_700_000_000_000 + d.at,
      data: linkFrame(LINK.RAW, ip(d.from.address, d.to.address, udp(d.from.port, d.to.port, d.payload))),
    }));
    return pcapFile(LINK.RAW, frames);
  }

  model(findings: FindingOptions = {}): TraceModel {
    const imported = importTrace(this.pcap(), { findings });
    if (!imported.ok) throw new Error(imported.reason);
    expect(mediaAndFindings(this.streamed(findings).calls.map((c) => c.call)), 'streaming analysis vs importTrace')
      .toEqual(mediaAndFindings(imported.model.calls));
    return imported.model;
  }

  /** The capture read by the streaming analysis (as `callscope analyze` reads it), in chunks of `chunk` bytes. */
  streamed(findings: FindingOptions = {}, chunk = 1000): { calls: AssembledCall[]; analysis: TraceAnalysis } {
    const calls: AssembledCall[] = [];
    const analysis = new TraceAnalysis({ findings, onCall: (c) => calls.push(c) });
    const bytes = this.pcap();
    for (let p = 0; p < bytes.length; p += chunk) analysis.push(bytes.subarray(p, p + chunk));
    analysis.end();
    return { calls, analysis };
  }

  /** The call that has an INVITE. */
  call(findings: FindingOptions = {}): CallModel {
    const calls = this.model(findings).calls.filter((c) => c.transactions.some((t) => t.method === 'INVITE'));
    if (calls.length !== 1) throw new Error(`expected one call, got ${calls.length}`);
    return calls[0]!;
  }
}

/** Each call's media and findings, by Call-ID. */
export function mediaAndFindings(calls: readonly CallModel[]) {
  return [...calls].sort((a, b) => a.callId.localeCompare(b.callId) || a.messages[0]! - b.messages[0]!).map((c) => ({
    callId: c.callId, media: c.media,
    findings: c.findings.map((f) => ({ code: f.code, severity: f.severity, messages: f.messages, explanation: f.explanation })),
  }));
}

/** An SDP offering PCMU (and telephone-event) at an address. */
export function audioSdp(address: string, port: number, extra: readonly string[] = []): string {
  return ['v=0', `o=- 1 1 IN IP4 ${address}`, 's=-', `c=IN IP4 ${address}`, 't=0 0', `m=audio ${port} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', ...extra, ''].join('\r\n');
}
