// Small capture files built byte by byte for the importer tests: every link
// type the importer reads, IPv4 and IPv6, UDP and TCP, pcap and pcapng.
// Checksums are left zero (readers, ours included, do not need them).

export const LINK = { NULL: 0, ETHERNET: 1, RAW: 101, LOOP: 108, SLL: 113, SLL2: 276 } as const;

function concat(...parts: Uint8Array[]): Uint8Array {
  return concatAll(parts);
}

function concatAll(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function ip6(text: string): Uint8Array {
  const [h, t] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const head = h ? h.split(':') : [];
  const tail = t ? t.split(':') : [];
  const groups = t === undefined ? head : [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { out[2 * i] = parseInt(g, 16) >> 8; out[2 * i + 1] = parseInt(g, 16) & 255; });
  return out;
}

export function udp(sp: number, dp: number, payload: Uint8Array): { proto: number; bytes: Uint8Array } {
  const h = new Uint8Array(8);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, sp);
  dv.setUint16(2, dp);
  dv.setUint16(4, 8 + payload.length);
  return { proto: 17, bytes: concat(h, payload) };
}

export function tcp(sp: number, dp: number, seq: number, payload: Uint8Array, flags = 0x18): { proto: number; bytes: Uint8Array } {
  const h = new Uint8Array(20);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, sp);
  dv.setUint16(2, dp);
  dv.setUint32(4, seq >>> 0);
  h[12] = 5 << 4;
  h[13] = flags;
  dv.setUint16(14, 65535);
  return { proto: 6, bytes: concat(h, payload) };
}

export function ip(src: string, dst: string, l4: { proto: number; bytes: Uint8Array }): Uint8Array {
  if (src.includes(':')) {
    const h = new Uint8Array(40);
    h[0] = 0x60;
    new DataView(h.buffer).setUint16(4, l4.bytes.length);
    h[6] = l4.proto;
    h[7] = 64;
    h.set(ip6(src), 8);
    h.set(ip6(dst), 24);
    return concat(h, l4.bytes);
  }
  const h = new Uint8Array(20);
  h[0] = 0x45;
  new DataView(h.buffer).setUint16(2, 20 + l4.bytes.length);
  h[8] = 64;
  h[9] = l4.proto;
  h.set(src.split('.').map(Number), 12);
  h.set(dst.split('.').map(Number), 16);
  return concat(h, l4.bytes);
}

/** Wraps an IP packet in the link layer header of `link`. */
export function linkFrame(link: number, packet: Uint8Array): Uint8Array {
  const v6 = packet[0]! >> 4 === 6;
  const etherType = v6 ? [0x86, 0xdd] : [0x08, 0x00];
  switch (link) {
    case LINK.ETHERNET:
      return concat(Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ...etherType), packet);
    case LINK.SLL:
      return concat(Uint8Array.of(0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, ...etherType), packet);
    case LINK.SLL2:
      return concat(Uint8Array.of(...etherType, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0), packet);
    case LINK.NULL: // host byte order (little-endian here)
      return concat(Uint8Array.of(v6 ? 30 : 2, 0, 0, 0), packet);
    case LINK.LOOP: // network byte order
      return concat(Uint8Array.of(0, 0, 0, v6 ? 24 : 2), packet);
    case LINK.RAW:
      return packet;
    default:
      throw new Error(`no fixture for link type ${link}`);
  }
}

export interface FixtureFrame {
  readonly atMs: number;
  readonly data: Uint8Array;
  /** Original length, when the frame was cut by the snap length. */
  readonly origLen?: number;
}

export function pcapFile(link: number, frames: readonly FixtureFrame[], options: { nano?: boolean; bigEndian?: boolean } = {}): Uint8Array {
  const le = !options.bigEndian;
  const header = new DataView(new ArrayBuffer(24));
  header.setUint32(0, options.nano ? 0xa1b23c4d : 0xa1b2c3d4, le);
  header.setUint16(4, 2, le);
  header.setUint16(6, 4, le);
  header.setUint32(16, 65535, le);
  header.setUint32(20, link, le);
  const parts: Uint8Array[] = [new Uint8Array(header.buffer)];
  for (const f of frames) {
    const r = new DataView(new ArrayBuffer(16));
    const sec = Math.floor(f.atMs / 1000);
    r.setUint32(0, sec, le);
    r.setUint32(4, Math.round((f.atMs - sec * 1000) * (options.nano ? 1e6 : 1e3)), le);
    r.setUint32(8, f.data.length, le);
    r.setUint32(12, f.origLen ?? f.data.length, le);
    parts.push(new Uint8Array(r.buffer), f.data);
  }
  return concatAll(parts);
}

function block(type: number, body: Uint8Array): Uint8Array {
  const padded = Math.ceil(body.length / 4) * 4;
  const out = new Uint8Array(12 + padded);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, type, true);
  dv.setUint32(4, out.length, true);
  out.set(body, 8);
  dv.setUint32(out.length - 4, out.length, true);
  return out;
}

/** pcapng, little-endian, one interface; `tsresol` as in if_tsresol (default 6: µs). */
export function pcapngFile(link: number, frames: readonly FixtureFrame[], options: { tsresol?: number } = {}): Uint8Array {
  const shb = new Uint8Array(16);
  const s = new DataView(shb.buffer);
  s.setUint32(0, 0x1a2b3c4d, true);
  s.setUint16(4, 1, true);
  s.setBigInt64(8, -1n, true);
  const idbBody: number[] = [link & 255, link >> 8, 0, 0, 0, 0, 1, 0];
  if (options.tsresol !== undefined) idbBody.push(9, 0, 1, 0, options.tsresol, 0, 0, 0);
  idbBody.push(0, 0, 0, 0);
  const unitsPerMs = (options.tsresol ?? 6) & 0x80 ? 2 ** (options.tsresol! & 0x7f) / 1000 : 10 ** (options.tsresol ?? 6) / 1000;
  const parts = [block(0x0a0d0d0a, shb), block(1, Uint8Array.from(idbBody)),
    // A block type the reader does not know (custom), to be skipped.
    block(0x00000bad, Uint8Array.of(1, 2, 3, 4))];
  for (const f of frames) {
    const head = new Uint8Array(20);
    const dv = new DataView(head.buffer);
    const ts = BigInt(Math.round(f.atMs * unitsPerMs));
    dv.setUint32(0, 0, true);
    dv.setUint32(4, Number(ts >> 32n), true);
    dv.setUint32(8, Number(ts & 0xffffffffn), true);
    dv.setUint32(12, f.data.length, true);
    dv.setUint32(16, f.origLen ?? f.data.length, true);
    parts.push(block(6, concat(head, f.data)));
  }
  return concat(...parts);
}

export const enc = (s: string) => new TextEncoder().encode(s);
export { concat };
