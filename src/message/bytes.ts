// Conversions between the wire (bytes), the parser's working form (a "byte string":
// one JS char per octet, so string offsets are byte offsets) and readable text (UTF-8).

interface NodeBufferLike {
  from(array: ArrayBufferLike, byteOffset: number, length: number): { toString(encoding: 'latin1'): string };
  from(text: string, encoding: 'latin1'): Uint8Array;
  byteLength(text: string, encoding: 'utf8'): number;
}
const NodeBuffer = (globalThis as { Buffer?: NodeBufferLike }).Buffer;
// ignoreBOM: a leading U+FEFF is content (RFC 4475 §3.1.1.2 puts one in a header value), not a marker
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const utf8Encoder = new TextEncoder();
const NON_ASCII = /[\u0080-\uffff]/;

/** Bytes to byte string (latin1: each octet becomes the char with the same code). */
export function bytesToByteString(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 8192)));
  }
  return out;
}

/** Byte string back to bytes. */
export function byteStringToBytes(s: string): Uint8Array {
  if (NodeBuffer) {
    const b = NodeBuffer.from(s, 'latin1');
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** True when every char of `s` is 7-bit ASCII. */
export function isAscii(s: string): boolean {
  // Node's native UTF-8 length is an order of magnitude faster than any JS scan.
  return NodeBuffer ? NodeBuffer.byteLength(s, 'utf8') === s.length : !NON_ASCII.test(s);
}

/** Text (any Unicode) to the byte string of its UTF-8 encoding. ASCII text is returned as is. */
export function textToByteString(text: string): string {
  return isAscii(text) ? text : bytesToByteString(utf8Encoder.encode(text));
}

/** Byte string holding UTF-8 to readable text (invalid sequences become U+FFFD). */
export function byteStringToText(s: string): string {
  return isAscii(s) ? s : utf8Decoder.decode(byteStringToBytes(s));
}

export function textToBytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

export function bytesToText(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}
