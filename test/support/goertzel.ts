// How much of a signal is one frequency (the Goertzel algorithm): enough to
// tell which tone a recording holds.

/** Power of `hz` in `samples` relative to the signal's total power (0..1; a pure tone of that frequency is ~1). */
export function toneShare(samples: Int16Array, sampleRate: number, hz: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * hz) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  let total = 0;
  for (const x of samples) {
    const s0 = x + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
    total += x * x;
  }
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  // A sine of amplitude A over N samples gives power (A·N/2)²; its total power is N·A²/2.
  return total === 0 ? 0 : (2 * power) / (samples.length * total);
}
