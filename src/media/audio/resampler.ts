// Sample-rate conversion between the rates the engine meets (8, 16, 44.1,
// 48 kHz): linear interpolation, with a moving-average pre-filter when going
// down, so a 48 kHz tone recorded at 8 kHz keeps its level. Good enough for
// test calls, recordings and echo; not a studio converter.

/** Converts a stream of chunks from one rate to another, keeping state across chunks. */
export class Resampler {
  /** Position of the next output sample, in input samples from the current chunk's start (-1 = the previous chunk's last). */
  private position = 0;
  private previous = 0;
  private readonly step: number;
  private readonly window: number;
  private readonly history: number[] = [];

  constructor(readonly from: number, readonly to: number) {
    this.step = from / to;
    this.window = from > to ? Math.max(1, Math.round(from / to)) : 1;
  }

  process(input: Int16Array): Int16Array {
    if (this.from === this.to) return input;
    const source = this.window > 1 ? this.smooth(input) : input;
    const last = source.length - 1;
    if (last < 0) return new Int16Array(0);
    const count = this.position > last ? 0 : Math.floor((last - this.position) / this.step) + 1;
    const out = new Int16Array(count);
    let t = this.position;
    for (let i = 0; i < count; i++, t += this.step) {
      const index = Math.floor(t);
      const fraction = t - index;
      const a = index < 0 ? this.previous : source[index]!;
      const b = source[index + 1] ?? source[last]!;
      out[i] = Math.round(a + (b - a) * fraction);
    }
    this.position = t - source.length;
    this.previous = source[last]!;
    return out;
  }

  /** Moving average over `window` input samples (a simple low-pass against aliasing when decimating). */
  private smooth(input: Int16Array): Int16Array {
    const out = new Int16Array(input.length);
    const history = this.history;
    let sum = history.reduce((a, b) => a + b, 0);
    for (let i = 0; i < input.length; i++) {
      history.push(input[i]!);
      sum += input[i]!;
      if (history.length > this.window) sum -= history.shift()!;
      out[i] = Math.round(sum / history.length);
    }
    return out;
  }
}

/** A whole buffer at another rate (for files loaded once). */
export function resampleAll(samples: Int16Array, from: number, to: number): Int16Array {
  if (from === to) return samples;
  const resampler = new Resampler(from, to);
  return resampler.process(samples);
}
