// Reads the two capture containers chunk by chunk, so a capture of any size
// passes through in constant memory (hand-written: they are small):
// - pcap (libpcap): magic a1b2c3d4 (µs) or a1b23c4d (ns), either byte order.
// - pcapng: Section Header (byte-order magic 1a2b3c4d), Interface Description
//   (link type, if_tsresol), Enhanced Packet, Simple Packet and the obsolete
//   Packet block; every other block type is skipped by its length.
// A truncated file yields the frames before the damage and a note saying where.
// A frame's `data` is a view of the reader's buffer, valid until the next push:
// whoever keeps it copies it.

export interface CaptureFrame {
  /** Frame number, from 1, as Wireshark counts them. */
  readonly number: number;
  /** Milliseconds since the Unix epoch (fraction keeps µs/ns). */
  readonly at: number;
  readonly linkType: number;
  readonly data: Uint8Array;
  /** The frame was cut by the snap length (captured < original). */
  readonly truncated: boolean;
}

interface Interface {
  readonly linkType: number;
  /** Seconds per timestamp unit. */
  readonly unit: number;
}

function tsResolution(value: number): number {
  const exponent = value & 0x7f;
  return value & 0x80 ? 2 ** -exponent : 10 ** -exponent;
}

export function captureFormatOf(bytes: Uint8Array): 'pcap' | 'pcapng' | undefined {
  if (bytes.length < 4) return undefined;
  const m = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, false);
  if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) return 'pcap';
  if (m === 0x0a0d0d0a) return 'pcapng';
  return undefined;
}

/** Bytes of a new chunk joined to what was left of the last one, to finish a record cut in two. */
const BRIDGE_BYTES = 256 * 1024;

export class CaptureReader {
  readonly notes: string[] = [];
  /** Set when the file cannot be read at all (then nothing more is read). */
  error: string | undefined;
  frames = 0;
  private buffer: Uint8Array = new Uint8Array(0);
  /** File offset of buffer[0]. */
  private base = 0;
  private stopped = false;
  // pcap
  private pcapHeader: { little: boolean; nano: boolean; linkType: number } | undefined;
  // pcapng
  private little = true;
  private interfaces: Interface[] = [];
  private sawSection = false;

  constructor(readonly format: 'pcap' | 'pcapng', private readonly onFrame: (frame: CaptureFrame) => void) {}

  push(chunk: Uint8Array): void {
    if (this.stopped) return;
    let left = this.buffer;
    if (left.length > 0 && chunk.length > BRIDGE_BYTES) {
      // The record cut at the chunk boundary is read from a small bridge (what was left plus
      // the chunk's first bytes); the rest is read from the chunk itself, without copying it.
      this.buffer = concat(left, chunk.subarray(0, BRIDGE_BYTES));
      const used = this.read(false);
      this.base += used;
      if (this.stopped) return;
      if (used >= left.length) {
        this.buffer = chunk.subarray(used - left.length);
        this.consume();
        return;
      }
      left = left.subarray(used);
    }
    this.buffer = left.length === 0 ? chunk : concat(left, chunk);
    this.consume();
  }

  private read(last: boolean): number {
    return this.format === 'pcap' ? this.readPcap(last) : this.readPcapng(last);
  }

  private consume(): void {
    const used = this.read(false);
    this.buffer = this.buffer.subarray(used);
    this.base += used;
  }

  /** No more bytes: what is left is a truncated record, said in a note. */
  end(): void {
    if (this.stopped) return;
    this.read(true);
    this.stopped = true;
  }

  private stop(note: string): number {
    this.notes.push(note);
    this.stopped = true;
    return this.buffer.length;
  }

  private readPcap(last: boolean): number {
    const bytes = this.buffer;
    const dv = view(bytes);
    let p = 0;
    if (!this.pcapHeader) {
      if (bytes.length < 24) {
        if (last) this.error = `pcap file too short for its 24-byte header (${bytes.length} bytes)`;
        return 0;
      }
      const magic = dv.getUint32(0, false);
      const little = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1;
      this.pcapHeader = { little, nano: magic === 0xa1b23c4d || magic === 0x4d3cb2a1, linkType: dv.getUint32(20, little) & 0x0fffffff };
      p = 24;
    }
    const { little, nano, linkType } = this.pcapHeader;
    while (p < bytes.length) {
      const at = this.base + p;
      if (p + 16 > bytes.length) {
        if (last) this.notes.push(`truncated pcap: ${bytes.length - p} bytes of a record header at offset ${at} skipped`);
        return p;
      }
      const caplen = dv.getUint32(p + 8, little);
      if (caplen > 0x4000000) return this.stop(`corrupt pcap: record at offset ${at} claims ${caplen} bytes; reading stopped`);
      if (p + 16 + caplen > bytes.length) {
        if (last) this.notes.push(`truncated pcap: frame ${this.frames + 1} at offset ${at} needs ${caplen} bytes, ${bytes.length - p - 16} left; skipped`);
        return p;
      }
      const sec = dv.getUint32(p, little);
      const frac = dv.getUint32(p + 4, little);
      const origlen = dv.getUint32(p + 12, little);
      this.onFrame({
        number: ++this.frames, at: sec * 1000 + (nano ? frac / 1e6 : frac / 1e3), linkType,
        data: bytes.subarray(p + 16, p + 16 + caplen), truncated: caplen < origlen,
      });
      p += 16 + caplen;
    }
    return p;
  }

  private readPcapng(last: boolean): number {
    const bytes = this.buffer;
    const dv = view(bytes);
    let p = 0;
    while (p < bytes.length) {
      const at = this.base + p;
      if (p + 12 > bytes.length) {
        if (last) this.notes.push(`truncated pcapng: ${bytes.length - p} bytes of a block header at offset ${at} skipped`);
        return p;
      }
      const type = dv.getUint32(p, this.little);
      if (type === 0x0a0d0d0a) {
        const bom = dv.getUint32(p + 8, true);
        if (bom === 0x1a2b3c4d) this.little = true;
        else if (bom === 0x4d3c2b1a) this.little = false;
        else if (this.sawSection) return this.stop(`corrupt pcapng: bad byte-order magic at offset ${at}`);
        else {
          this.error = 'pcapng section header has no valid byte-order magic';
          return this.stop(this.error);
        }
        this.sawSection = true;
        this.interfaces = [];
      } else if (!this.sawSection) {
        this.error = 'pcapng file does not start with a section header block';
        return this.stop(this.error);
      }
      const length = dv.getUint32(p + 4, this.little);
      if (length < 12 || length % 4 !== 0) return this.stop(`corrupt pcapng: block at offset ${at} has length ${length}; reading stopped`);
      if (p + length > bytes.length) {
        if (last) this.notes.push(`truncated pcapng: block at offset ${at} needs ${length} bytes, ${bytes.length - p} left; skipped`);
        return p;
      }
      this.block(type, bytes.subarray(p + 8, p + length - 4), at);
      p += length;
    }
    return p;
  }

  private block(type: number, body: Uint8Array, at: number): void {
    const bv = view(body);
    const little = this.little;
    switch (type) {
      case 0x00000001: { // Interface Description Block
        if (body.length < 8) return;
        const linkType = bv.getUint16(0, little);
        let unit = 1e-6;
        for (let o = 8; o + 4 <= body.length;) {
          const code = bv.getUint16(o, little);
          const len = bv.getUint16(o + 2, little);
          if (code === 0) break;
          if (code === 9 && len >= 1 && o + 4 < body.length) unit = tsResolution(body[o + 4]!);
          o += 4 + Math.ceil(len / 4) * 4;
        }
        this.interfaces.push({ linkType, unit });
        return;
      }
      case 0x00000006: // Enhanced Packet Block
      case 0x00000002: { // Packet Block (obsolete)
        if (body.length < 20) return;
        const enhanced = type === 6;
        const ifIndex = enhanced ? bv.getUint32(0, little) : bv.getUint16(0, little);
        const iface = this.interfaces[ifIndex];
        if (!iface) {
          this.notes.push(`pcapng packet at offset ${at} names interface ${ifIndex}, which was not described; skipped`);
          return;
        }
        const ts = bv.getUint32(4, little) * 2 ** 32 + bv.getUint32(8, little);
        const caplen = bv.getUint32(12, little);
        const origlen = bv.getUint32(16, little);
        if (20 + caplen > body.length) {
          this.notes.push(`corrupt pcapng: packet at offset ${at} claims ${caplen} bytes; skipped`);
          return;
        }
        this.onFrame({
          number: ++this.frames, at: ts * iface.unit * 1000, linkType: iface.linkType,
          data: body.subarray(20, 20 + caplen), truncated: caplen < origlen,
        });
        return;
      }
      case 0x00000003: { // Simple Packet Block: no timestamp, interface 0
        const iface = this.interfaces[0];
        if (!iface || body.length < 4) return;
        const origlen = bv.getUint32(0, little);
        const data = body.subarray(4, 4 + Math.min(origlen, body.length - 4));
        this.onFrame({ number: ++this.frames, at: 0, linkType: iface.linkType, data, truncated: data.length < origlen });
        return;
      }
      default:
        return;
    }
  }
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
