// The echo: received audio goes in (at whatever rate the decoder gives), the
// sender takes it out at its own rate. Bounded, so a sender that falls behind
// never builds up seconds of delay: the oldest audio is dropped instead.
import { Resampler } from './resampler.js';

export class EchoBuffer {
  private readonly chunks: Int16Array[] = [];
  private buffered = 0;
  private offset = 0;
  private readonly resamplers = new Map<number, Resampler>();
  private readonly limit: number;

  /** Holds audio at `sampleRate`, at most `maxMs` of it. */
  constructor(readonly sampleRate: number, maxMs = 500) {
    this.limit = Math.round((sampleRate * maxMs) / 1000);
  }

  write(samples: Int16Array, sampleRate: number): void {
    let resampler = this.resamplers.get(sampleRate);
    if (!resampler) {
      resampler = new Resampler(sampleRate, this.sampleRate);
      this.resamplers.set(sampleRate, resampler);
    }
    const converted = resampler.process(samples);
    if (converted.length === 0) return;
    this.chunks.push(converted === samples ? samples.slice() : converted);
    this.buffered += converted.length;
    while (this.buffered - this.offset > this.limit && this.chunks.length > 1) {
      this.buffered -= this.chunks.shift()!.length;
      this.offset = 0;
    }
  }

  /** Fills `out` with the oldest audio; silence where there is none. */
  read(out: Int16Array, sampleRate: number): void {
    if (sampleRate !== this.sampleRate) throw new Error(`echo buffer holds ${this.sampleRate} Hz audio, not ${sampleRate} Hz`);
    let filled = 0;
    while (filled < out.length && this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const take = Math.min(out.length - filled, chunk.length - this.offset);
      out.set(chunk.subarray(this.offset, this.offset + take), filled);
      filled += take;
      this.offset += take;
      if (this.offset === chunk.length) {
        this.chunks.shift();
        this.buffered -= chunk.length;
        this.offset = 0;
      }
    }
    out.fill(0, filled);
  }
}
