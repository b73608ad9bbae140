// The test line's announcement: a short rising chime of three notes (C5, E5, G5), played
// once. Tonal rather than spoken, so it needs no recording and is easy to tell from an
// echo: none of its notes is near the 1 kHz a test caller sends.
import type { AudioSource } from '../media/audio/sources.js';
import { sineAmplitudeFor } from '../media/audio/audio-frame.js';

export interface ChimeNote {
  readonly frequencyHz: number;
  readonly ms: number;
}

export const CHIME_NOTES: readonly ChimeNote[] = [
  { frequencyHz: 523.25, ms: 220 }, { frequencyHz: 0, ms: 60 },
  { frequencyHz: 659.25, ms: 220 }, { frequencyHz: 0, ms: 60 },
  { frequencyHz: 783.99, ms: 440 },
];

export class ChimeSource implements AudioSource {
  readonly description: string;
  private readonly amplitude: number;
  /** Seconds played so far (the sender's clock drives this). */
  private played = 0;
  private phase = 0;
  private readonly totalSeconds: number;

  constructor(private readonly notes: readonly ChimeNote[] = CHIME_NOTES, levelDbov = -16) {
    this.amplitude = sineAmplitudeFor(levelDbov);
    this.totalSeconds = notes.reduce((s, n) => s + n.ms, 0) / 1000;
    this.description = `chime (${notes.filter((n) => n.frequencyHz > 0).map((n) => `${Math.round(n.frequencyHz)} Hz`).join(', ')})`;
  }

  get finished(): boolean {
    return this.played >= this.totalSeconds;
  }

  read(out: Int16Array, sampleRate: number): void {
    for (let i = 0; i < out.length; i++) {
      const note = this.noteAt(this.played);
      if (note === undefined || note.frequencyHz === 0) {
        out[i] = 0;
      } else {
        out[i] = Math.round(this.amplitude * Math.sin(this.phase));
        this.phase = (this.phase + (2 * Math.PI * note.frequencyHz) / sampleRate) % (2 * Math.PI);
      }
      this.played += 1 / sampleRate;
    }
  }

  private noteAt(seconds: number): ChimeNote | undefined {
    let start = 0;
    for (const note of this.notes) {
      const end = start + note.ms / 1000;
      if (seconds < end) return note;
      start = end;
    }
    return undefined;
  }
}
