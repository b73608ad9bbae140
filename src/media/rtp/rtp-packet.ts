// RTP packets (RFC 3550 §5.1): the fixed 12-byte header, CSRCs, a header
// extension we skip, padding, and the payload.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
// |                           timestamp                           |
// |           synchronization source (SSRC) identifier            |

export interface RtpPacket {
  readonly marker: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly payload: Uint8Array;
}

const HEADER = 12;

/** An RTP packet from a datagram, or undefined when it is not one (wrong version, too short, bad lengths). */
export function parseRtp(data: Uint8Array): RtpPacket | undefined {
  if (data.length < HEADER || data[0]! >> 6 !== 2) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const padding = (data[0]! & 0x20) !== 0;
  const extension = (data[0]! & 0x10) !== 0;
  const csrcCount = data[0]! & 0x0f;
  let start = HEADER + 4 * csrcCount;
  if (extension) {
    // §5.3.1: 16 bits profile-defined, 16 bits length in 32-bit words, then the extension.
    if (data.length < start + 4) return undefined;
    start += 4 + 4 * view.getUint16(start + 2);
  }
  let end = data.length;
  // §5.1: "The last octet of the padding contains a count of how many padding octets should be ignored, including itself."
  if (padding) end -= data[data.length - 1]!;
  if (start > end) return undefined;
  return {
    marker: (data[1]! & 0x80) !== 0,
    payloadType: data[1]! & 0x7f,
    sequenceNumber: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    payload: data.subarray(start, end),
  };
}

export function serializeRtp(packet: RtpPacket): Uint8Array {
  const out = new Uint8Array(HEADER + packet.payload.length);
  const view = new DataView(out.buffer);
  out[0] = 0x80; // V=2, no padding, no extension, no CSRC
  out[1] = (packet.marker ? 0x80 : 0) | (packet.payloadType & 0x7f);
  view.setUint16(2, packet.sequenceNumber & 0xffff);
  view.setUint32(4, packet.timestamp >>> 0);
  view.setUint32(8, packet.ssrc >>> 0);
  out.set(packet.payload, HEADER);
  return out;
}

/**
 * RFC 5761 §4: with RTP and RTCP on one port, a packet whose second octet is
 * 192-223 (payload type 64-95 with the marker bit) is RTCP.
 */
export function looksLikeRtcp(data: Uint8Array): boolean {
  return data.length >= 2 && data[1]! >= 192 && data[1]! <= 223;
}

/** A random 32-bit value for an SSRC or initial timestamp, 16-bit for a sequence number (RFC 3550 §5.1: "SHOULD be random"). */
export function randomUint32(): number {
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}
