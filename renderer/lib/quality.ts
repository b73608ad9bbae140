// Live call quality from the media summaries the page reports twice a second: loss over the
// last interval, an estimated MOS, and warnings a person can act on (audio flowing one way
// only, inbound audio that is silence). Pure: summaries in, a state out.
import type { MediaSummary } from '../../main/contract/media.js';
import { estimateMos } from '../media/media-stats.js';

export interface QualityPoint {
  readonly at: number;
  readonly mos: number;
  readonly lossPct: number;
  readonly levelIn: number;
  readonly levelOut: number;
}

export type QualityWarning = 'no-inbound' | 'no-outbound' | 'inbound-silence';

export interface QualityState {
  readonly latest: MediaSummary;
  readonly previous?: MediaSummary;
  readonly points: readonly QualityPoint[];
  /** Loss over the last interval, percent. */
  readonly lossPct: number;
  readonly mos: number;
  readonly warnings: readonly QualityWarning[];
  /** Consecutive intervals without inbound packets / outbound packets / inbound energy. */
  readonly streaks: { readonly noIn: number; readonly noOut: number; readonly silentIn: number };
}

export const MAX_POINTS = 120;
/** Intervals (of ~0.5 s) before a warning shows: two seconds. */
export const WARN_AFTER = 4;
const SILENCE_ENERGY = 1e-7;

export function nextQuality(state: QualityState | undefined, summary: MediaSummary): QualityState {
  const previous = state?.latest;
  const dIn = previous ? summary.inbound.packets - previous.inbound.packets : summary.inbound.packets;
  const dOut = previous ? summary.outbound.packets - previous.outbound.packets : summary.outbound.packets;
  const dLost = previous ? (summary.inbound.lost ?? 0) - (previous.inbound.lost ?? 0) : (summary.inbound.lost ?? 0);
  const expected = Math.max(0, dIn) + Math.max(0, dLost);
  const lossFraction = expected > 0 ? Math.max(0, dLost) / expected : 0;
  const dEnergy = previous ? (summary.inbound.totalAudioEnergy ?? 0) - (previous.inbound.totalAudioEnergy ?? 0) : (summary.inbound.totalAudioEnergy ?? 0);
  const flowing = summary.iceState === 'connected' || summary.iceState === 'completed';
  const streaks = {
    noIn: flowing && dIn <= 0 ? (state?.streaks.noIn ?? 0) + 1 : 0,
    noOut: flowing && dOut <= 0 && !summary.muted ? (state?.streaks.noOut ?? 0) + 1 : 0,
    silentIn: flowing && dIn > 0 && dEnergy <= SILENCE_ENERGY ? (state?.streaks.silentIn ?? 0) + 1 : 0,
  };
  const warnings: QualityWarning[] = [];
  if (streaks.noIn >= WARN_AFTER && streaks.noOut === 0) warnings.push('no-inbound');
  if (streaks.noOut >= WARN_AFTER && streaks.noIn === 0) warnings.push('no-outbound');
  if (streaks.silentIn >= WARN_AFTER) warnings.push('inbound-silence');
  const mos = estimateMos(summary.rttMs, summary.inbound.jitterMs, lossFraction);
  const point: QualityPoint = {
    at: summary.at, mos, lossPct: Math.round(lossFraction * 1000) / 10,
    levelIn: summary.inbound.audioLevel ?? 0, levelOut: summary.outbound.audioLevel ?? 0,
  };
  return {
    latest: summary, ...(previous === undefined ? {} : { previous }),
    points: [...(state?.points ?? []), point].slice(-MAX_POINTS),
    lossPct: point.lossPct, mos, warnings, streaks,
  };
}

export const WARNING_WORDS: Readonly<Record<QualityWarning, string>> = {
  'no-inbound': 'One-way audio: you are sending, but no audio arrives from the other side.',
  'no-outbound': 'One-way audio: audio arrives, but none is being sent from your microphone.',
  'inbound-silence': 'Audio from the other side arrives, but it is silence.',
};

/** "4.3 (good)": the MOS with a word. */
export function mosWords(mos: number): string {
  const word = mos >= 4 ? 'good' : mos >= 3.6 ? 'fair' : mos >= 3.1 ? 'poor' : 'bad';
  return `${mos.toFixed(1)} (${word})`;
}

/** SVG polyline points for values in [0, max] over a width × height box, newest at the right. */
export function sparkline(values: readonly number[], width: number, height: number, max: number, slots = MAX_POINTS): string {
  const step = width / Math.max(1, slots - 1);
  const start = width - (values.length - 1) * step;
  return values.map((v, i) => {
    const y = height - (Math.min(max, Math.max(0, v)) / max) * height;
    return `${(start + i * step).toFixed(1)},${y.toFixed(1)}`;
  }).join(' ');
}
