// Reads the two capture containers, written by hand (they are small):
// - pcap (libpcap): magic a1b2c3d4 (µs) or a1b23c4d (ns), either byte order.
// - pcapng: Section Header (byte-order magic 1a2b3c4d), Interface Description
//   (link type, if_tsresol), Enhanced Packet, Simple Packet and the obsolete
//   Packet block; every other block type is skipped by its length.
// A truncated file yields the frames before the damage and a note saying where.

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

export interface CaptureFile {
  readonly format: 'pcap' | 'pcapng';
  readonly frames: readonly CaptureFrame[];
  readonly notes: readonly string[];
}

export function captureFormatOf(bytes: Uint8Array): 'pcap' | 'pcapng' | undefined {
  if (bytes.length < 4) return undefined;
  const m = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, false);
  if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) return 'pcap';
  if (m === 0x0a0d0d0a) return 'pcapng';
  return undefined;
}

export function readCaptureFile(bytes: Uint8Array): CaptureFile | string {
  const format = captureFormatOf(bytes);
  if (format === 'pcap') return readPcap(bytes);
  if (format === 'pcapng') return readPcapng(bytes);
  return 'not a pcap or pcapng file';
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function readPcap(bytes: Uint8Array): CaptureFile | string {
  if (bytes.length < 24) return `pcap file too short for its 24-byte header (${bytes.length} bytes)`;
  const dv = view(bytes);
  const magic = dv.getUint32(0, false);
  const little = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1;
  const nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  const linkType = dv.getUint32(20, little) & 0x0fffffff;
  const frames: CaptureFrame[] = [];
  const notes: string[] = [];
  let p = 24;
  while (p < bytes.length) {
    if (p + 16 > bytes.length) {
      notes.push(`truncated pcap: ${bytes.length - p} bytes of a record header at offset ${p} skipped`);
      break;
    }
    const sec = dv.getUint32(p, little);
    const frac = dv.getUint32(p + 4, little);
    const caplen = dv.getUint32(p + 8, little);
    const origlen = dv.getUint32(p + 12, little);
    if (caplen > 0x4000000) {
      notes.push(`corrupt pcap: record at offset ${p} claims ${caplen} bytes; reading stopped`);
      break;
    }
    if (p + 16 + caplen > bytes.length) {
      notes.push(`truncated pcap: frame ${frames.length + 1} at offset ${p} needs ${caplen} bytes, ${bytes.length - p - 16} left; skipped`);
      break;
    }
    frames.push({
      number: frames.length + 1, at: sec * 1000 + (nano ? frac / 1e6 : frac / 1e3), linkType,
      data: bytes.subarray(p + 16, p + 16 + caplen), truncated: caplen < origlen,
    });
    p += 16 + caplen;
  }
  return { format: 'pcap', frames, notes };
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

function readPcapng(bytes: Uint8Array): CaptureFile | string {
  const dv = view(bytes);
  const frames: CaptureFrame[] = [];
  const notes: string[] = [];
  let little = true;
  let interfaces: Interface[] = [];
  let p = 0;
  let sawSection = false;
  while (p < bytes.length) {
    if (p + 12 > bytes.length) {
      notes.push(`truncated pcapng: ${bytes.length - p} bytes of a block header at offset ${p} skipped`);
      break;
    }
    const type = dv.getUint32(p, little);
    if (type === 0x0a0d0d0a) {
      const bom = dv.getUint32(p + 8, true);
      if (bom === 0x1a2b3c4d) little = true;
      else if (bom === 0x4d3c2b1a) little = false;
      else return sawSection ? (notes.push(`corrupt pcapng: bad byte-order magic at offset ${p}`), { format: 'pcapng', frames, notes }) : 'pcapng section header has no valid byte-order magic';
      sawSection = true;
      interfaces = [];
    } else if (!sawSection) {
      return 'pcapng file does not start with a section header block';
    }
    const length = dv.getUint32(p + 4, little);
    if (length < 12 || length % 4 !== 0) {
      notes.push(`corrupt pcapng: block at offset ${p} has length ${length}; reading stopped`);
      break;
    }
    if (p + length > bytes.length) {
      notes.push(`truncated pcapng: block at offset ${p} needs ${length} bytes, ${bytes.length - p} left; skipped`);
      break;
    }
    const body = bytes.subarray(p + 8, p + length - 4);
    const bv = view(body);
    switch (type) {
      case 0x00000001: { // Interface Description Block
        if (body.length < 8) break;
        const linkType = bv.getUint16(0, little);
        let unit = 1e-6;
        for (let o = 8; o + 4 <= body.length;) {
          const code = bv.getUint16(o, little);
          const len = bv.getUint16(o + 2, little);
          if (code === 0) break;
          if (code === 9 && len >= 1 && o + 4 < body.length) unit = tsResolution(body[o + 4]!);
          o += 4 + Math.ceil(len / 4) * 4;
        }
        interfaces.push({ linkType, unit });
        break;
      }
      case 0x00000006: // Enhanced Packet Block
      case 0x00000002: { // Packet Block (obsolete)
        if (body.length < 20) break;
        const enhanced = type === 6;
        const ifIndex = enhanced ? bv.getUint32(0, little) : bv.getUint16(0, little);
        const iface = interfaces[ifIndex];
        if (!iface) {
          notes.push(`pcapng packet at offset ${p} names interface ${ifIndex}, which was not described; skipped`);
          break;
        }
        const ts = bv.getUint32(4, little) * 2 ** 32 + bv.getUint32(8, little);
        const caplen = bv.getUint32(12, little);
        const origlen = bv.getUint32(16, little);
        if (20 + caplen > body.length) {
          notes.push(`corrupt pcapng: packet at offset ${p} claims ${caplen} bytes; skipped`);
          break;
        }
        frames.push({
          number: frames.length + 1, at: ts * iface.unit * 1000, linkType: iface.linkType,
          data: body.subarray(20, 20 + caplen), truncated: caplen < origlen,
        });
        break;
      }
      case 0x00000003: { // Simple Packet Block: no timestamp, interface 0
        const iface = interfaces[0];
        if (!iface || body.length < 4) break;
        const origlen = bv.getUint32(0, little);
        const data = body.subarray(4, 4 + Math.min(origlen, body.length - 4));
        frames.push({ number: frames.length + 1, at: 0, linkType: iface.linkType, data, truncated: data.length < origlen });
        break;
      }
      default:
        break;
    }
    p += length;
  }
  return { format: 'pcapng', frames, notes };
}
