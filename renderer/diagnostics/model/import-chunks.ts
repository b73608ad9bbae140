// A trace file as the host takes it: base64 chunks of at most IMPORT_CHUNK_BYTES bytes,
// the last one flagged. A file the host would refuse for its size is refused here first.
import { IMPORT_CHUNK_BYTES, IMPORT_MAX_BYTES } from '../../../main/contract/diagnostics.js';

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) binary += String.fromCharCode(...bytes.subarray(i, i + step));
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export interface ImportChunk {
  readonly data: string;
  readonly last: boolean;
}

/** The chunks of `bytes`, lazily (one at a time, so a big file is not held twice as base64). An empty file is one empty last chunk. */
export function* importChunks(bytes: Uint8Array, size = IMPORT_CHUNK_BYTES): Generator<ImportChunk> {
  if (bytes.length === 0) {
    yield { data: '', last: true };
    return;
  }
  for (let offset = 0; offset < bytes.length; offset += size) {
    yield { data: toBase64(bytes.subarray(offset, offset + size)), last: offset + size >= bytes.length };
  }
}

/** Why a file cannot be imported before it is sent, or undefined. */
export function importRefusal(name: string, size: number): string | undefined {
  if (size === 0) return `${name} is empty.`;
  if (size > IMPORT_MAX_BYTES) return `${name} is ${Math.round(size / (1024 * 1024))} MiB; Callscope imports at most ${IMPORT_MAX_BYTES / (1024 * 1024)} MiB. Cut the capture to the calls you need (e.g. tshark -Y sip -w smaller.pcap), or read it whole with \`callscope analyze ${name}\`, which streams files of any size.`;
  return undefined;
}

/** A file name the host accepts (no control characters or slashes, at most 255 characters). */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const cleaned = name.replace(/[\u0000-\u001f\u007f/\\]+/g, '_').trim().slice(0, 255);
  return cleaned === '' ? 'trace' : cleaned;
}
