// From a captured frame to a UDP datagram or TCP segment: link layer
// (Ethernet with 802.1Q tags, Linux cooked SLL and SLL2, BSD loopback/NULL,
// OpenBSD LOOP, raw IP), then IPv4 or IPv6 (extension headers skipped), then
// UDP or TCP. Anything else is reported as skipped, with the reason.
import type { CaptureFrame } from './capture-file.js';

export const LINKTYPE = {
  NULL: 0, ETHERNET: 1, RAW_OLD: 12, RAW_OLD2: 14, RAW: 101, LOOP: 108, LINUX_SLL: 113, IPV4: 228, IPV6: 229, LINUX_SLL2: 276,
} as const;

export interface Segment {
  readonly frame: number;
  readonly at: number;
  readonly protocol: 'UDP' | 'TCP';
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
  /** TCP only. */
  readonly seq?: number;
  readonly flags?: number;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;

export type Decoded = { readonly ok: true; readonly segment: Segment } | { readonly ok: false; readonly skip: string };

const skip = (reason: string): Decoded => ({ ok: false, skip: reason });

function etherType(type: number, data: Uint8Array, offset: number): { version: 4 | 6; offset: number } | string {
  let t = type;
  let o = offset;
  while (t === 0x8100 || t === 0x88a8) { // 802.1Q / 802.1ad tags
    if (o + 4 > data.length) return 'truncated VLAN tag';
    t = (data[o + 2]! << 8) | data[o + 3]!;
    o += 4;
  }
  if (t === 0x0800) return { version: 4, offset: o };
  if (t === 0x86dd) return { version: 6, offset: o };
  return `not IP (EtherType 0x${t.toString(16).padStart(4, '0')})`;
}

function linkPayload(frame: CaptureFrame): { version: 4 | 6; offset: number } | string {
  const d = frame.data;
  switch (frame.linkType) {
    case LINKTYPE.ETHERNET:
      if (d.length < 14) return 'truncated Ethernet header';
      return etherType((d[12]! << 8) | d[13]!, d, 14);
    case LINKTYPE.LINUX_SLL:
      if (d.length < 16) return 'truncated Linux cooked header';
      return etherType((d[14]! << 8) | d[15]!, d, 16);
    case LINKTYPE.LINUX_SLL2:
      if (d.length < 20) return 'truncated Linux cooked v2 header';
      return etherType((d[0]! << 8) | d[1]!, d, 20);
    case LINKTYPE.NULL:
    case LINKTYPE.LOOP: {
      if (d.length < 4) return 'truncated loopback header';
      // NULL: the family in the capturing host's byte order; LOOP: network order.
      const le = d[0]! | (d[1]! << 8) | (d[2]! << 16) | (d[3]! << 24);
      const be = (d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!;
      const family = frame.linkType === LINKTYPE.LOOP ? be : (le > 0 && le < 256 ? le : be);
      if (family === 2) return { version: 4, offset: 4 };
      if (family === 10 || family === 24 || family === 28 || family === 30) return { version: 6, offset: 4 };
      return `not IP (loopback family ${family})`;
    }
    case LINKTYPE.RAW:
    case LINKTYPE.RAW_OLD:
    case LINKTYPE.RAW_OLD2:
    case LINKTYPE.IPV4:
    case LINKTYPE.IPV6: {
      const v = (d[0] ?? 0) >> 4;
      if (v === 4 || v === 6) return { version: v, offset: 0 };
      return `not IP (version ${v})`;
    }
    default:
      return `link type ${frame.linkType} is not supported`;
  }
}

function ipv4Text(d: Uint8Array, o: number): string {
  return `${d[o]}.${d[o + 1]}.${d[o + 2]}.${d[o + 3]}`;
}

function ipv6Text(d: Uint8Array, o: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((d[o + i]! << 8) | d[o + i + 1]!).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

export function decodeFrame(frame: CaptureFrame): Decoded {
  const link = linkPayload(frame);
  if (typeof link === 'string') return skip(link);
  const d = frame.data;
  let o = link.offset;
  let protocol: number;
  let src: string;
  let dst: string;
  let end: number;
  if (link.version === 4) {
    if (o + 20 > d.length) return skip('truncated IPv4 header');
    const ihl = (d[o]! & 0x0f) * 4;
    const total = (d[o + 2]! << 8) | d[o + 3]!;
    const fragment = ((d[o + 6]! & 0x1f) << 8) | d[o + 7]!;
    const more = (d[o + 6]! & 0x20) !== 0;
    if (ihl < 20 || o + ihl > d.length) return skip('bad IPv4 header length');
    if (fragment !== 0 || more) return skip('IPv4 fragment (reassembly of IP fragments is not supported)');
    protocol = d[o + 9]!;
    src = ipv4Text(d, o + 12);
    dst = ipv4Text(d, o + 16);
    end = Math.min(d.length, o + (total >= ihl ? total : d.length - o));
    o += ihl;
  } else {
    if (o + 40 > d.length) return skip('truncated IPv6 header');
    const payloadLength = (d[o + 4]! << 8) | d[o + 5]!;
    protocol = d[o + 6]!;
    src = ipv6Text(d, o + 8);
    dst = ipv6Text(d, o + 24);
    end = Math.min(d.length, o + 40 + payloadLength);
    o += 40;
    for (let hops = 0; protocol === 0 || protocol === 43 || protocol === 60 || protocol === 44; hops++) {
      if (protocol === 44) return skip('IPv6 fragment (reassembly of IP fragments is not supported)');
      if (o + 8 > end || hops > 8) return skip('truncated IPv6 extension header');
      const next = d[o]!;
      o += (d[o + 1]! + 1) * 8;
      protocol = next;
    }
  }
  if (protocol === 17) {
    if (o + 8 > end) return skip('truncated UDP header');
    const length = (d[o + 4]! << 8) | d[o + 5]!;
    const stop = length >= 8 ? Math.min(end, o + length) : end;
    return {
      ok: true,
      segment: {
        frame: frame.number, at: frame.at, protocol: 'UDP', src, dst,
        srcPort: (d[o]! << 8) | d[o + 1]!, dstPort: (d[o + 2]! << 8) | d[o + 3]!, payload: d.subarray(o + 8, stop),
      },
    };
  }
  if (protocol === 6) {
    if (o + 20 > end) return skip('truncated TCP header');
    const offset = (d[o + 12]! >> 4) * 4;
    if (offset < 20 || o + offset > end) return skip('bad TCP header length');
    return {
      ok: true,
      segment: {
        frame: frame.number, at: frame.at, protocol: 'TCP', src, dst,
        srcPort: (d[o]! << 8) | d[o + 1]!, dstPort: (d[o + 2]! << 8) | d[o + 3]!, payload: d.subarray(o + offset, end),
        seq: ((d[o + 4]! << 24) | (d[o + 5]! << 16) | (d[o + 6]! << 8) | d[o + 7]!) >>> 0, flags: d[o + 13]!,
      },
    };
  }
  return skip(`IP protocol ${protocol} (neither UDP nor TCP)`);
}
