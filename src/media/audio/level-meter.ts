// How loud a stream is, frame by frame: the same meter for what we send and
// what we receive, for plain RTP and for WebRTC, so both report alike.
// Energy follows the W3C webrtc-stats definition of totalAudioEnergy: the sum
// over frames of (level)² × duration, level being linear in [0, 1].
import { FULL_SCALE, rms } from './audio-frame.js';

/** Below this a frame counts as silence (digital silence, comfort noise, a muted line). */
export const SILENCE_THRESHOLD_DBOV = -50;

export interface AudioLevel {
  /** Seconds of audio measured. */
  readonly seconds: number;
  /** Seconds of it above the silence threshold. */
  readonly audibleSeconds: number;
  /** RMS level over the audible frames, in dBov (undefined when none was audible). */
  readonly meanDbov?: number;
  /** The loudest frame's RMS level, in dBov. */
  readonly peakDbov?: number;
  /** Σ (RMS / full scale)² · duration, as webrtc-stats' totalAudioEnergy. */
  readonly energy: number;
  /** Clock time (ms) of the first audible frame. */
  readonly firstAudibleAt?: number;
}

const dbov = (linear: number) => 20 * Math.log10(linear);

export class LevelMeter {
  private seconds = 0;
  private audibleSeconds = 0;
  private audibleEnergy = 0;
  private energy = 0;
  private peak = 0;
  private firstAudibleAt: number | undefined;

  constructor(private readonly now: () => number) {}

  /** Measures one frame (any length and rate). */
  add(samples: Int16Array, sampleRate: number): void {
    if (samples.length === 0) return;
    const duration = samples.length / sampleRate;
    const level = rms(samples) / FULL_SCALE;
    this.seconds += duration;
    this.energy += level * level * duration;
    if (level > this.peak) this.peak = level;
    if (dbov(level) > SILENCE_THRESHOLD_DBOV) {
      this.audibleSeconds += duration;
      this.audibleEnergy += level * level * duration;
      this.firstAudibleAt ??= this.now();
    }
  }

  snapshot(): AudioLevel {
    return {
      seconds: round3(this.seconds),
      audibleSeconds: round3(this.audibleSeconds),
      ...(this.audibleSeconds > 0 ? { meanDbov: round1(dbov(Math.sqrt(this.audibleEnergy / this.audibleSeconds))) } : {}),
      ...(this.peak > 0 ? { peakDbov: round1(dbov(this.peak)) } : {}),
      energy: round6(this.energy),
      ...(this.firstAudibleAt === undefined ? {} : { firstAudibleAt: this.firstAudibleAt }),
    };
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
