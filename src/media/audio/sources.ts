// What a media session sends: a tone, a WAV file (looped, or once as an
// announcement), silence, or the echo of what it receives. A source fills
// whatever frame the sender asks for, at the sender's rate.
import { readFileSync } from 'node:fs';
import { sineAmplitudeFor } from './audio-frame.js';
import type { EchoBuffer } from './echo-buffer.js';
import { resampleAll } from './resampler.js';
import { parseWav, type WavAudio } from './wav.js';

export interface AudioSource {
  /** Fills `out` with the next samples at `sampleRate`. */
  read(out: Int16Array, sampleRate: number): void;
  /** True once a source that plays once (an announcement) has played to its end. */
  readonly finished: boolean;
  /** What it is, for the report ("tone 440 Hz at -15 dBov", "file x.wav", "echo"). */
  readonly description: string;
}

/** What to send, as options say it. */
export type AudioSourceSpec =
  | { readonly kind: 'tone'; readonly frequencyHz?: number; readonly levelDbov?: number }
  | { readonly kind: 'wav'; readonly path: string; readonly loop?: boolean }
  | { readonly kind: 'silence' }
  | { readonly kind: 'echo' };

export const DEFAULT_TONE_HZ = 440;
export const DEFAULT_TONE_DBOV = -15;

export class ToneSource implements AudioSource {
  readonly finished = false;
  private phase = 0;
  private readonly amplitude: number;

  constructor(readonly frequencyHz = DEFAULT_TONE_HZ, readonly levelDbov = DEFAULT_TONE_DBOV) {
    this.amplitude = sineAmplitudeFor(levelDbov);
  }

  get description(): string {
    return `tone ${this.frequencyHz} Hz at ${this.levelDbov} dBov`;
  }

  read(out: Int16Array, sampleRate: number): void {
    const increment = (2 * Math.PI * this.frequencyHz) / sampleRate;
    for (let i = 0; i < out.length; i++) {
      out[i] = Math.round(this.amplitude * Math.sin(this.phase));
      this.phase += increment;
    }
    this.phase %= 2 * Math.PI;
  }
}

export class SilenceSource implements AudioSource {
  readonly finished = false;
  readonly description = 'silence';

  read(out: Int16Array): void {
    out.fill(0);
  }
}

/** A WAV file's audio, looped or played once (then silence). */
export class WavSource implements AudioSource {
  private position = 0;
  private ended = false;
  private readonly byRate = new Map<number, Int16Array>();

  constructor(private readonly audio: WavAudio, readonly name: string, private readonly loop = true) {
    this.byRate.set(audio.sampleRate, audio.samples);
  }

  /** Loads a WAV file; a file it cannot use comes back as one sentence. */
  static load(path: string, loop = true): WavSource | string {
    let data: Uint8Array;
    try {
      data = readFileSync(path);
    } catch (error) {
      return `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
    }
    const audio = parseWav(data);
    if (typeof audio === 'string') return `${path}: ${audio}`;
    if (audio.samples.length === 0) return `${path}: the WAV file holds no audio`;
    return new WavSource(audio, path, loop);
  }

  get finished(): boolean {
    return this.ended;
  }

  get description(): string {
    return `file ${this.name} (${(this.audio.samples.length / this.audio.sampleRate).toFixed(1)} s${this.loop ? ', looped' : ', once'})`;
  }

  read(out: Int16Array, sampleRate: number): void {
    const samples = this.at(sampleRate);
    // The position is kept in seconds' worth of the file's own rate, so a change of rate keeps the place.
    let index = Math.round((this.position * sampleRate) / this.audio.sampleRate);
    for (let i = 0; i < out.length; i++) {
      if (index >= samples.length) {
        if (!this.loop) {
          this.ended = true;
          out.fill(0, i);
          break;
        }
        index = 0;
      }
      out[i] = samples[index++]!;
    }
    this.position = (index * this.audio.sampleRate) / sampleRate;
  }

  private at(sampleRate: number): Int16Array {
    let samples = this.byRate.get(sampleRate);
    if (!samples) {
      samples = resampleAll(this.audio.samples, this.audio.sampleRate, sampleRate);
      this.byRate.set(sampleRate, samples);
    }
    return samples;
  }
}

/** Sends back what the session receives (through its echo buffer). */
export class EchoSource implements AudioSource {
  readonly finished = false;
  readonly description = 'echo of the received audio';

  constructor(private readonly buffer: EchoBuffer) {}

  read(out: Int16Array, sampleRate: number): void {
    this.buffer.read(out, sampleRate);
  }
}

/** A source for a spec; the echo spec needs the session's echo buffer. A WAV file that cannot be used is one sentence. */
export function createSource(spec: AudioSourceSpec, echo: () => EchoBuffer): AudioSource | string {
  switch (spec.kind) {
    case 'tone': return new ToneSource(spec.frequencyHz, spec.levelDbov);
    case 'silence': return new SilenceSource();
    case 'echo': return new EchoSource(echo());
    case 'wav': return WavSource.load(spec.path, spec.loop ?? true);
  }
}
