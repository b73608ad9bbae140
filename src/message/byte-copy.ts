// The byte copy of a message that the fast path scans (fast-scan.ts): indexing a
// Uint8Array costs a fraction of String.prototype.charCodeAt. One scratch buffer, reused
// by every parse (parsing is synchronous); valid until the next parse.

interface Latin1Writer {
  latin1Write(s: string, offset: number, length?: number): number;
}
const NodeBuffer = (globalThis as unknown as { Buffer?: { from(buffer: ArrayBuffer, byteOffset: number, length: number): Latin1Writer } }).Buffer;

/** Messages up to this size are copied whole; larger ones only up to the end of their header section. */
const SMALL = 4096;

let bytes = new Uint8Array(SMALL + 8);
let writer = NodeBuffer?.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function ensure(size: number): void {
  if (bytes.length >= size) return;
  let n = bytes.length;
  while (n < size) n *= 2;
  bytes = new Uint8Array(n);
  writer = NodeBuffer?.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Copy of the byte string's first n chars into the scratch buffer, then CRLFCRLF. */
function load(s: string, n: number): Uint8Array {
  ensure(n + 4);
  const b = bytes;
  if (writer) writer.latin1Write(s, 0, n === s.length ? undefined : n);
  else for (let i = 0; i < n; i++) b[i] = s.charCodeAt(i);
  // a sentinel: every scanner stops at a CR, so none can run past the copy
  b[n] = 0x0d;
  b[n + 1] = 0x0a;
  b[n + 2] = 0x0d;
  b[n + 3] = 0x0a;
  return b;
}

/**
 * The scratch copy of byte string `s` for the fast path: all of it (a small message), or
 * its header section up to and including the empty line; undefined when a large message
 * has no empty line ending its header section (the reference path then reads it all).
 */
export function bytesOf(s: string): Uint8Array | undefined {
  if (s.length <= SMALL) return load(s, s.length);
  const end = s.indexOf('\r\n\r\n');
  return end < 0 ? undefined : load(s, end + 4);
}
