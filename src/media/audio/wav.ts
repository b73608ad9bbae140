// WAV files (RIFF WAVE): read what a user gives to --play (PCM 8/16/24/32
// bit, 32-bit float, G.711 A-law/µ-law, WAVE_FORMAT_EXTENSIBLE; any rate;
// channels mixed down to mono) and write what was received (16-bit mono PCM).
// The writer streams to disk and fills in the RIFF and data sizes on close.
import { closeSync, openSync, writeSync } from 'node:fs';
import { decodeG711 } from './g711.js';

export interface WavAudio {
  readonly sampleRate: number;
  /** Mono 16-bit samples. */
  readonly samples: Int16Array;
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_ALAW = 6;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;

/** Reads a WAV file's audio; a file it cannot use comes back as one sentence. */
export function parseWav(data: Uint8Array): WavAudio | string {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tag = (at: number) => String.fromCharCode(...data.subarray(at, at + 4));
  if (data.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') return 'not a WAV file (no RIFF/WAVE header)';
  let format: { code: number; channels: number; rate: number; bits: number } | undefined;
  let body: Uint8Array | undefined;
  // RIFF chunks: a four-letter id, a little-endian size, the data, padded to an even length.
  for (let at = 12; at + 8 <= data.length;) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const start = at + 8;
    const end = Math.min(start + size, data.length);
    if (id === 'fmt ' && size >= 16) {
      let code = view.getUint16(start, true);
      if (code === FORMAT_EXTENSIBLE && size >= 26) code = view.getUint16(start + 24, true);
      format = { code, channels: view.getUint16(start + 2, true), rate: view.getUint32(start + 4, true), bits: view.getUint16(start + 14, true) };
    } else if (id === 'data') {
      body = data.subarray(start, end);
    }
    at = start + size + (size % 2);
  }
  if (!format) return 'the WAV file has no fmt chunk';
  if (!body) return 'the WAV file has no data chunk';
  if (format.channels < 1 || format.rate < 1000) return `the WAV file's format is not usable (${format.channels} channels at ${format.rate} Hz)`;
  const decoded = decodeSamples(format.code, format.bits, body);
  if (typeof decoded === 'string') return decoded;
  return { sampleRate: format.rate, samples: mixDown(decoded, format.channels) };
}

/** Interleaved samples as floats in [-1, 1]. */
function decodeSamples(code: number, bits: number, body: Uint8Array): Float32Array | string {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  if (code === FORMAT_ALAW || code === FORMAT_MULAW) {
    const linear = decodeG711(code === FORMAT_ALAW ? 'PCMA' : 'PCMU', body);
    return Float32Array.from(linear, (s) => s / 32768);
  }
  const bytes = bits / 8;
  const count = Math.floor(body.length / bytes);
  const out = new Float32Array(count);
  if (code === FORMAT_FLOAT && bits === 32) {
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  if (code !== FORMAT_PCM) return `the WAV file's encoding (format ${code}) is not supported: use PCM, float, A-law or µ-law`;
  for (let i = 0; i < count; i++) {
    const at = i * bytes;
    switch (bits) {
      case 8: out[i] = (body[at]! - 128) / 128; break; // 8-bit WAV is unsigned
      case 16: out[i] = view.getInt16(at, true) / 32768; break;
      case 24: out[i] = ((body[at]! | (body[at + 1]! << 8) | (body[at + 2]! << 16)) << 8 >> 8) / 8388608; break;
      case 32: out[i] = view.getInt32(at, true) / 2147483648; break;
      default: return `the WAV file has ${bits}-bit samples: 8, 16, 24 or 32 are supported`;
    }
  }
  return out;
}

function mixDown(interleaved: Float32Array, channels: number): Int16Array {
  const frames = Math.floor(interleaved.length / channels);
  const out = new Int16Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += interleaved[f * channels + c]!;
    out[f] = Math.max(-32768, Math.min(32767, Math.round((sum / channels) * 32768)));
  }
  return out;
}

/** The 44-byte header of a 16-bit mono PCM WAV file with `dataBytes` of samples. */
export function wavHeader(sampleRate: number, dataBytes: number): Uint8Array {
  const header = new Uint8Array(44);
  const view = new DataView(header.buffer);
  const text = (at: number, s: string) => { for (let i = 0; i < 4; i++) header[at + i] = s.charCodeAt(i); };
  text(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, FORMAT_PCM, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, dataBytes, true);
  return header;
}

/** A WAV file written as samples come: 16-bit mono PCM at one rate. */
export class WavWriter {
  private readonly fd: number;
  private dataBytes = 0;
  private pending: Int16Array[] = [];
  private pendingSamples = 0;
  private closed = false;

  /** Opens (creates or truncates) `path`; throws the file system's error. */
  constructor(readonly path: string, readonly sampleRate: number) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, wavHeader(sampleRate, 0));
  }

  write(samples: Int16Array): void {
    if (this.closed) return;
    this.pending.push(samples);
    this.pendingSamples += samples.length;
    // Half a second at a time: few small writes, little held in memory.
    if (this.pendingSamples >= this.sampleRate / 2) this.flush();
  }

  /** Writes what is left and the final sizes; the file is complete afterwards. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    writeSync(this.fd, wavHeader(this.sampleRate, this.dataBytes), 0, 44, 0);
    closeSync(this.fd);
  }

  get seconds(): number {
    return (this.dataBytes / 2 + this.pendingSamples) / this.sampleRate;
  }

  private flush(): void {
    if (this.pendingSamples === 0) return;
    const chunk = new Int16Array(this.pendingSamples);
    let at = 0;
    for (const part of this.pending) {
      chunk.set(part, at);
      at += part.length;
    }
    this.pending = [];
    this.pendingSamples = 0;
    // WAV samples are little-endian, as Int16Array is on every platform Node runs on here (x64, arm64).
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    writeSync(this.fd, bytes);
    this.dataBytes += bytes.length;
  }
}
