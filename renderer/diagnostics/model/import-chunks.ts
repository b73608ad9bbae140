// A trace file as the host takes it: base64 chunks of at most IMPORT_CHUNK_BYTES bytes,
// the last one flagged, read from the file as they are sent. A file the host would refuse
// for its size is refused here first.
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

/** The part of the DOM's FileReader used here (this file is also compiled, and unit-tested, without the DOM). */
interface DataUrlReader {
  result: unknown;
  error: Error | null;
  onload: (() => void) | null;
  onerror: (() => void) | null;
  readAsDataURL(blob: Blob): void;
}

/** Base64 of a part of a file: the browser's own encoder (FileReader) where there is one. */
async function base64Of(part: Blob): Promise<string> {
  const Reader = (globalThis as { FileReader?: new () => DataUrlReader }).FileReader;
  if (Reader === undefined) return toBase64(new Uint8Array(await part.arrayBuffer()));
  const url = await new Promise<string>((resolve, reject) => {
    const reader = new Reader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(part);
  });
  return url.slice(url.indexOf(',') + 1);
}

/**
 * The chunks of `file`, one at a time: each part is read from the file only when the one
 * before it is being sent (so reading and sending overlap), and neither the file nor its
 * base64 is held whole. An empty file is one empty last chunk.
 */
export async function* importChunks(file: Blob, size = IMPORT_CHUNK_BYTES): AsyncGenerator<ImportChunk> {
  if (file.size === 0) {
    yield { data: '', last: true };
    return;
  }
  const read = (offset: number): Promise<string> => {
    const part = base64Of(file.slice(offset, offset + size));
    // Not waited for when the import stops early: that is no unhandled rejection.
    part.catch(() => undefined);
    return part;
  };
  let next = read(0);
  for (let offset = 0; offset < file.size; offset += size) {
    const data = await next;
    const following = offset + size;
    if (following < file.size) next = read(following);
    yield { data, last: following >= file.size };
  }
}

/** Why a file cannot be imported before it is sent, or undefined. */
export function importRefusal(name: string, size: number): string | undefined {
  if (size === 0) return `${name} is empty.`;
  if (size > IMPORT_MAX_BYTES) return `${name} is ${Math.round(size / (1024 * 1024))} MiB; Callscope imports at most ${IMPORT_MAX_BYTES / (1024 * 1024)} MiB. Cut the capture to the calls you need (e.g. tshark -Y sip -w smaller.pcap), or read it whole with \`callscope analyze ${name}\`, which streams files of any size.`;
  return undefined;
}

function megabytes(bytes: number): string {
  const mb = bytes / 1e6;
  return mb < 100 ? mb.toFixed(1) : String(Math.round(mb));
}

/** "12.5 of 120 MB read (10 %), about 40 s left" (MB of 10⁶ bytes) — the time once there is enough to go on. */
export function importProgress(sent: number, total: number, elapsedMs: number): string {
  const percent = total === 0 ? 100 : Math.floor((sent / total) * 100);
  const read = `${megabytes(sent)} of ${megabytes(total)} MB read (${percent} %)`;
  if (sent === 0 || elapsedMs < 2000 || sent >= total) return `${read}…`;
  const leftS = Math.ceil(((total - sent) / sent) * elapsedMs / 1000);
  return `${read}, about ${leftS < 60 ? `${leftS} s` : `${Math.ceil(leftS / 60)} min`} left…`;
}

/** A file name the host accepts (no control characters or slashes, at most 255 characters). */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const cleaned = name.replace(/[\u0000-\u001f\u007f/\\]+/g, '_').trim().slice(0, 255);
  return cleaned === '' ? 'trace' : cleaned;
}
