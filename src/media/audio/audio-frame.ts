// Audio inside the engine: mono 16-bit linear PCM at a stated rate, the form
// G.711 decodes to and libwebrtc's RTCAudioSource/RTCAudioSink exchange.

/** A run of mono 16-bit samples at `sampleRate` Hz. */
export interface AudioFrame {
  readonly samples: Int16Array;
  readonly sampleRate: number;
}

/** G.711 and RFC 3551 audio run at 8 kHz; Opus in WebRTC at 48 kHz (RFC 7587 §4.1). */
export const NARROWBAND_RATE = 8000;
export const OPUS_RATE = 48000;

/** Full scale of a 16-bit sample: levels are given relative to it (dBov, the overload point). */
export const FULL_SCALE = 32767;

/** The level of a run of samples in dBov: 20·log10(RMS / full scale); -Infinity for digital silence. */
export function rmsDbov(samples: Int16Array): number {
  return 20 * Math.log10(rms(samples) / FULL_SCALE);
}

/** Runs of samples one after the other, as one run (what a sink received, in order). */
export function concatSamples(chunks: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function rms(samples: Int16Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / samples.length);
}

/** The amplitude (sample value) of a sine whose RMS is `dbov`. */
export function sineAmplitudeFor(dbov: number): number {
  return Math.min(FULL_SCALE, Math.SQRT2 * FULL_SCALE * 10 ** (dbov / 20));
}
