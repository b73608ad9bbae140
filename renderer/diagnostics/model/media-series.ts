// The call's media summaries (what the page reported from getStats a few times a second)
// as chart series over time: packets per second each way, packets lost per second,
// jitter, and audio level each way. Counters are cumulative, so rates come from the
// difference between two summaries; a counter that went back (a new stream) restarts.
import type { MediaSummary } from '../../../main/contract/media.js';

export interface MediaSeries {
  /** Seconds since the first summary. */
  readonly t: number[];
  readonly packetsIn: Array<number | null>;
  readonly packetsOut: Array<number | null>;
  readonly lostPerSecond: Array<number | null>;
  readonly jitterMs: Array<number | null>;
  readonly levelIn: Array<number | null>;
  readonly levelOut: Array<number | null>;
}

export interface MediaTotals {
  readonly samples: number;
  readonly durationS: number;
  readonly packetsIn: number;
  readonly packetsOut: number;
  readonly lost: number;
  /** Lost / (received + lost), as a percentage. */
  readonly lossPercent: number;
  readonly maxJitterMs?: number;
  readonly codec?: string;
  readonly iceState?: string;
  readonly dtlsState?: string;
}

function rate(now: number, before: number | undefined, seconds: number): number | null {
  if (before === undefined || seconds <= 0) return null;
  return now >= before ? (now - before) / seconds : null;
}

/** Only the summaries of one call (a recent call may hold another id's after a replace), sorted. */
export function mediaSeries(media: readonly MediaSummary[]): MediaSeries {
  const sorted = [...media].sort((a, b) => a.at - b.at);
  const out: MediaSeries = { t: [], packetsIn: [], packetsOut: [], lostPerSecond: [], jitterMs: [], levelIn: [], levelOut: [] };
  const t0 = sorted[0]?.at ?? 0;
  let previous: MediaSummary | undefined;
  for (const s of sorted) {
    const dt = previous === undefined ? 0 : (s.at - previous.at) / 1000;
    out.t.push((s.at - t0) / 1000);
    out.packetsIn.push(rate(s.inbound.packets, previous?.inbound.packets, dt));
    out.packetsOut.push(rate(s.outbound.packets, previous?.outbound.packets, dt));
    out.lostPerSecond.push(s.inbound.lost === undefined ? null : rate(Math.max(0, s.inbound.lost), previous?.inbound.lost === undefined ? undefined : Math.max(0, previous.inbound.lost), dt));
    out.jitterMs.push(s.inbound.jitterMs ?? null);
    out.levelIn.push(s.inbound.audioLevel ?? null);
    out.levelOut.push(s.outbound.audioLevel ?? null);
    previous = s;
  }
  return out;
}

export function mediaTotals(media: readonly MediaSummary[]): MediaTotals | undefined {
  if (media.length === 0) return undefined;
  const sorted = [...media].sort((a, b) => a.at - b.at);
  const last = sorted[sorted.length - 1]!;
  const lost = Math.max(0, last.inbound.lost ?? 0);
  const jitters = sorted.map((s) => s.inbound.jitterMs).filter((j): j is number => j !== undefined);
  return {
    samples: sorted.length,
    durationS: (last.at - sorted[0]!.at) / 1000,
    packetsIn: last.inbound.packets,
    packetsOut: last.outbound.packets,
    lost,
    lossPercent: last.inbound.packets + lost === 0 ? 0 : (100 * lost) / (last.inbound.packets + lost),
    ...(jitters.length > 0 ? { maxJitterMs: Math.max(...jitters) } : {}),
    ...(last.codec === undefined ? {} : { codec: last.codec }),
    iceState: last.iceState,
    ...(last.dtlsState === undefined ? {} : { dtlsState: last.dtlsState }),
  };
}
