// The far ends' audio: one second of a 440 Hz tone as raw G.711 µ-law
// (PCMU, 8 kHz), the format SIPp's rtp_stream plays.
import { writeFileSync } from 'node:fs';

/** ITU-T G.711 µ-law encoding of one 16-bit linear sample. */
function linearToMuLaw(sample: number): number {
  const BIAS = 0x84;
  const CLIP = 32635;
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), CLIP) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = ~(sign | (exponent << 4) | mantissa);
  return magnitude & 0xff;
}

export function writeToneFile(path: string, { hz = 440, seconds = 1, amplitude = 8000 } = {}): void {
  const rate = 8000;
  const samples = Buffer.alloc(rate * seconds);
  for (let i = 0; i < samples.length; i++) {
    samples[i] = linearToMuLaw(Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate)));
  }
  writeFileSync(path, samples);
}
