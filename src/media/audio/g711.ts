// ITU-T G.711 companding: µ-law (PCMU, RTP payload type 0) and A-law (PCMA,
// payload type 8), RFC 3551 §4.5.14. One byte per 8 kHz sample. Decoding
// goes through 256-entry tables; encoding follows the reference algorithm.

const MU_LAW_BIAS = 0x84;
const MU_LAW_CLIP = 32635;

/** One 16-bit linear sample to µ-law. */
export function linearToMuLaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), MU_LAW_CLIP) + MU_LAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = ~(sign | (exponent << 4) | mantissa);
  return magnitude & 0xff;
}

function muLawToLinearSlow(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + MU_LAW_BIAS) << exponent) - MU_LAW_BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

/** Segment ends of the 13-bit A-law input (the reference implementation's seg_aend). */
const A_LAW_SEGMENT_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

/** One 16-bit linear sample to A-law (even bits inverted, G.711 §A). */
export function linearToALaw(sample: number): number {
  let value = sample >> 3;
  let mask = 0xd5;
  if (value < 0) {
    mask = 0x55;
    value = -value - 1;
  }
  let segment = 0;
  while (segment < 8 && value > A_LAW_SEGMENT_END[segment]!) segment++;
  if (segment >= 8) return 0x7f ^ mask;
  const quantized = segment < 2 ? (value >> 1) & 0x0f : (value >> segment) & 0x0f;
  return ((segment << 4) | quantized) ^ mask;
}

function aLawToLinearSlow(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

const MU_LAW_TABLE = Int16Array.from({ length: 256 }, (_, i) => muLawToLinearSlow(i));
const A_LAW_TABLE = Int16Array.from({ length: 256 }, (_, i) => aLawToLinearSlow(i));

export type G711Law = 'PCMU' | 'PCMA';

/** Encodes 16-bit linear samples as G.711 bytes. */
export function encodeG711(law: G711Law, samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  const encode = law === 'PCMU' ? linearToMuLaw : linearToALaw;
  for (let i = 0; i < samples.length; i++) out[i] = encode(samples[i]!);
  return out;
}

/** Decodes G.711 bytes to 16-bit linear samples. */
export function decodeG711(law: G711Law, bytes: Uint8Array): Int16Array {
  const table = law === 'PCMU' ? MU_LAW_TABLE : A_LAW_TABLE;
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i]!]!;
  return out;
}
