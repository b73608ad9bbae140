// Export as classic pcap (Ethernet link type, µs timestamps), readable by
// Wireshark, tshark and sngrep: each SIP message in a synthesised
// Ethernet + IPv4/IPv6 + UDP frame, or TCP segments with per-direction
// sequence numbers (after a synthesised handshake) for TCP, TLS, WS and WSS
// (the SIP text itself, as the endpoints saw it, not re-encrypted or re-framed).
import { isIP } from 'node:net';
import type { Endpoint, TraceMessage, TraceModel } from '../model-types.js';
import { selectMessages, type ExportSelection } from './select.js';

export interface PcapExportOptions extends ExportSelection {
  /** Address recorded for this user agent when the model does not know it (live models); default 127.0.0.1:5060. */
  readonly local?: Endpoint;
  /**
   * Live models count time on a monotonic clock: this is the Unix time (ms) of
   * their time 0. Default: now minus the last message's time. Imports keep their own times.
   */
  readonly epochMs?: number;
}

const MAX_SEGMENT = 1400;

function checksum(parts: readonly Uint8Array[]): number {
  let sum = 0;
  for (const part of parts) {
    for (let i = 0; i + 1 < part.length; i += 2) sum += (part[i]! << 8) | part[i + 1]!;
    if (part.length % 2 === 1) sum += part[part.length - 1]! << 8;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ipBytes(address: string): { version: 4 | 6; bytes: Uint8Array } {
  const bare = address.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4) return { version: 4, bytes: Uint8Array.from(bare.split('.').map(Number)) };
  if (isIP(bare) === 6) {
    const [head, tail] = bare.includes('::') ? bare.split('::') as [string, string] : [bare, undefined];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    const out = new Uint8Array(16);
    groups.forEach((g, i) => {
      const v = parseInt(g, 16);
      out[i * 2] = v >> 8;
      out[i * 2 + 1] = v & 0xff;
    });
    return { version: 6, bytes: out };
  }
  // Not an IP (a host name, a .invalid WebSocket host): a documentation address stands in.
  return { version: 4, bytes: Uint8Array.of(192, 0, 2, 1) };
}

interface Flow {
  seq: number;
  peerSeq: number;
  started: boolean;
}

class PcapWriter {
  private ipId = 1;

  constructor(private readonly sink: (bytes: Uint8Array) => void) {
    const header = new DataView(new ArrayBuffer(24));
    header.setUint32(0, 0xa1b2c3d4, true);
    header.setUint16(4, 2, true);
    header.setUint16(6, 4, true);
    header.setUint32(16, 262144, true);
    header.setUint32(20, 1, true); // LINKTYPE_ETHERNET
    sink(new Uint8Array(header.buffer));
  }

  frame(atMs: number, src: Endpoint, dst: Endpoint, protocol: 'UDP' | 'TCP', payload: Uint8Array, tcp?: { seq: number; ack: number; flags: number }): void {
    const s = ipBytes(src.address);
    let d = ipBytes(dst.address);
    if (d.version !== s.version) d = s.version === 4 ? { version: 4, bytes: Uint8Array.of(192, 0, 2, 2) } : d;
    const l4 = protocol === 'UDP' ? this.udp(src.port, dst.port, payload, s.bytes, d.bytes) : this.tcp(src.port, dst.port, payload, s.bytes, d.bytes, tcp!);
    const ip = s.version === 4 ? this.ipv4(s.bytes, d.bytes, protocol === 'UDP' ? 17 : 6, l4) : this.ipv6(s.bytes, d.bytes, protocol === 'UDP' ? 17 : 6, l4);
    const eth = new Uint8Array(14 + ip.length);
    eth.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01]);
    eth[12] = s.version === 4 ? 0x08 : 0x86;
    eth[13] = s.version === 4 ? 0x00 : 0xdd;
    eth.set(ip, 14);
    const record = new DataView(new ArrayBuffer(16));
    const micros = Math.max(0, Math.round(atMs * 1000));
    record.setUint32(0, Math.floor(micros / 1e6), true);
    record.setUint32(4, micros % 1e6, true);
    record.setUint32(8, eth.length, true);
    record.setUint32(12, eth.length, true);
    this.sink(new Uint8Array(record.buffer));
    this.sink(eth);
  }

  private udp(sp: number, dp: number, payload: Uint8Array, src: Uint8Array, dst: Uint8Array): Uint8Array {
    const out = new Uint8Array(8 + payload.length);
    const dv = new DataView(out.buffer);
    dv.setUint16(0, sp);
    dv.setUint16(2, dp);
    dv.setUint16(4, out.length);
    out.set(payload, 8);
    dv.setUint16(6, checksum([pseudo(src, dst, 17, out.length), out]) || 0xffff);
    return out;
  }

  private tcp(sp: number, dp: number, payload: Uint8Array, src: Uint8Array, dst: Uint8Array, t: { seq: number; ack: number; flags: number }): Uint8Array {
    const out = new Uint8Array(20 + payload.length);
    const dv = new DataView(out.buffer);
    dv.setUint16(0, sp);
    dv.setUint16(2, dp);
    dv.setUint32(4, t.seq >>> 0);
    dv.setUint32(8, t.ack >>> 0);
    out[12] = 5 << 4;
    out[13] = t.flags;
    dv.setUint16(14, 65535);
    out.set(payload, 20);
    dv.setUint16(16, checksum([pseudo(src, dst, 6, out.length), out]));
    return out;
  }

  private ipv4(src: Uint8Array, dst: Uint8Array, protocol: number, payload: Uint8Array): Uint8Array {
    const out = new Uint8Array(20 + payload.length);
    const dv = new DataView(out.buffer);
    out[0] = 0x45;
    dv.setUint16(2, out.length);
    dv.setUint16(4, this.ipId++ & 0xffff);
    out[6] = 0x40; // don't fragment
    out[8] = 64;
    out[9] = protocol;
    out.set(src, 12);
    out.set(dst, 16);
    dv.setUint16(10, checksum([out.subarray(0, 20)]));
    out.set(payload, 20);
    return out;
  }

  private ipv6(src: Uint8Array, dst: Uint8Array, protocol: number, payload: Uint8Array): Uint8Array {
    const out = new Uint8Array(40 + payload.length);
    const dv = new DataView(out.buffer);
    out[0] = 0x60;
    dv.setUint16(4, payload.length);
    out[6] = protocol;
    out[7] = 64;
    out.set(src, 8);
    out.set(dst, 24);
    out.set(payload, 40);
    return out;
  }

}

function pseudo(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): Uint8Array {
  if (src.length === 4) {
    const p = new Uint8Array(12);
    p.set(src, 0);
    p.set(dst, 4);
    p[9] = protocol;
    p[10] = length >> 8;
    p[11] = length & 0xff;
    return p;
  }
  const p = new Uint8Array(40);
  p.set(src, 0);
  p.set(dst, 16);
  new DataView(p.buffer).setUint32(32, length);
  p[39] = protocol;
  return p;
}

const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;

/** What a pcap writer needs of a message (a TraceMessage, or a message being streamed). */
export type PcapMessage = Pick<TraceMessage, 'at' | 'src' | 'dst' | 'transport' | 'raw'>;

/**
 * Writes messages as pcap records as they come (the file header first), to a
 * sink: for exports of traces too large to hold. `local` stands in for an
 * address a live model does not know; `offsetMs` is added to every time.
 */
export class PcapStreamWriter {
  private readonly writer: PcapWriter;
  private readonly flows = new Map<string, Flow>();
  private readonly local: Endpoint;

  constructor(sink: (bytes: Uint8Array) => void, private readonly options: { local?: Endpoint; offsetMs?: number } = {}) {
    this.writer = new PcapWriter(sink);
    this.local = options.local ?? { transport: 'UDP', address: '127.0.0.1', port: 5060 };
  }

  write(m: PcapMessage): void {
    const src = m.src ?? { ...this.local, transport: m.transport };
    const dst = m.dst ?? { ...this.local, transport: m.transport };
    const at = m.at + (this.options.offsetMs ?? 0);
    if (m.transport === 'UDP') this.writer.frame(at, src, dst, 'UDP', m.raw);
    else writeTcp(this.writer, this.flows, at, src, dst, m);
  }
}

/** The messages of the model (one call, or all) as a pcap file. */
export function exportPcap(model: TraceModel, options: PcapExportOptions = {}): Uint8Array {
  const messages = selectMessages(model, options);
  const last = model.messages[model.messages.length - 1]?.at ?? 0;
  const offsetMs = model.source === 'live' ? (options.epochMs ?? Date.now() - last) : 0;
  const chunks: Uint8Array[] = [];
  const writer = new PcapStreamWriter((bytes) => chunks.push(bytes), { offsetMs, ...(options.local ? { local: options.local } : {}) });
  for (const m of messages) writer.write(m);
  return Buffer.concat(chunks);
}

function writeTcp(writer: PcapWriter, flows: Map<string, Flow>, at: number, src: Endpoint, dst: Endpoint, m: PcapMessage): void {
  const a = `${src.address}|${src.port}`;
  const b = `${dst.address}|${dst.port}`;
  const key = a < b ? `${a}|${b}` : `${b}|${a}`;
  const forward = a < b;
  let flow = flows.get(key);
  if (!flow) {
    // A handshake, so that readers see where the connection starts (the opener is the first sender).
    flow = { seq: 1000, peerSeq: 5000, started: true };
    flows.set(key, flow);
    const opener = { seq: forward ? flow.seq : flow.peerSeq, peer: forward ? flow.peerSeq : flow.seq };
    writer.frame(at, src, dst, 'TCP', new Uint8Array(0), { seq: opener.seq - 1, ack: 0, flags: SYN });
    writer.frame(at, dst, src, 'TCP', new Uint8Array(0), { seq: opener.peer - 1, ack: opener.seq, flags: SYN | ACK });
    writer.frame(at, src, dst, 'TCP', new Uint8Array(0), { seq: opener.seq, ack: opener.peer, flags: ACK });
  }
  for (let p = 0; p < m.raw.length || p === 0; p += MAX_SEGMENT) {
    const chunk = m.raw.subarray(p, p + MAX_SEGMENT);
    const seq = forward ? flow.seq : flow.peerSeq;
    const ack = forward ? flow.peerSeq : flow.seq;
    writer.frame(at, src, dst, 'TCP', chunk, { seq, ack, flags: PSH | ACK });
    if (forward) flow.seq = (flow.seq + chunk.length) >>> 0;
    else flow.peerSeq = (flow.peerSeq + chunk.length) >>> 0;
    if (m.raw.length === 0) break;
  }
}
