// The media of a live call from the media owner's summaries (getStats, a few
// times a second), folded as they come into constant memory: the last
// counters per direction, when packets first and last grew, how many of the
// received packets came while the audio energy did not grow (silence), and
// when each ICE and DTLS state was first reported.
import type { CallMedia, MediaSample, MediaSampleCounters, MediaTransportHistory, RtpStreamSummary } from './media-types.js';

/**
 * Energy growing slower than this per second while packets arrive is silence: getStats'
 * totalAudioEnergy sums level² · seconds, so this is a level below 10⁻⁴ (-80 dBFS).
 */
const SILENT_ENERGY_PER_SECOND = 1e-8;
/** Without energy, an audio level below this (0-1) counts as silence. */
const SILENT_LEVEL = 0.001;

class DirectionTrack {
  last: MediaSampleCounters | undefined;
  lastAt = 0;
  firstPacketAt: number | undefined;
  lastGrowthAt: number | undefined;
  levelPackets = 0;
  silentPackets = 0;
  maxGapMs = 0;

  add(at: number, counters: MediaSampleCounters): void {
    const previous = this.last;
    const grew = counters.packets - (previous?.packets ?? 0);
    if (grew > 0) {
      this.firstPacketAt ??= at;
      if (this.lastGrowthAt !== undefined) this.maxGapMs = Math.max(this.maxGapMs, this.lastAt - this.lastGrowthAt);
      this.lastGrowthAt = at;
      if (previous && this.judgeable(counters)) {
        this.levelPackets += grew;
        if (this.silent(previous, counters, (at - this.lastAt) / 1000)) this.silentPackets += grew;
      }
    }
    this.last = counters;
    this.lastAt = at;
  }

  private judgeable(c: MediaSampleCounters): boolean {
    return c.totalAudioEnergy !== undefined || c.audioLevel !== undefined;
  }

  private silent(previous: MediaSampleCounters, c: MediaSampleCounters, seconds: number): boolean {
    if (c.totalAudioEnergy !== undefined && previous.totalAudioEnergy !== undefined && seconds > 0) {
      return (c.totalAudioEnergy - previous.totalAudioEnergy) / seconds < SILENT_ENERGY_PER_SECOND;
    }
    return (c.audioLevel ?? 1) < SILENT_LEVEL;
  }

  summary(way: RtpStreamSummary['way'], local: 'sent' | 'received', codec: string | undefined): RtpStreamSummary {
    const c = this.last ?? { packets: 0, bytes: 0 };
    return {
      way, kind: 'audio', local, packets: c.packets, bytes: c.bytes,
      ...(codec === undefined ? {} : { codec }),
      ...(this.firstPacketAt === undefined ? {} : { firstAt: this.firstPacketAt }),
      ...(this.lastGrowthAt === undefined ? {} : { lastAt: this.lastGrowthAt, maxGapMs: this.maxGapMs }),
      ...(c.lost === undefined ? {} : { lost: Math.max(0, c.lost), expected: c.packets + Math.max(0, c.lost) }),
      ...(c.jitterMs === undefined ? {} : { jitterMs: c.jitterMs }),
      ...(c.audioLevel === undefined ? {} : { audioLevel: c.audioLevel }),
      ...(c.totalAudioEnergy === undefined ? {} : { totalAudioEnergy: c.totalAudioEnergy }),
      ...(this.levelPackets > 0 ? { levelPackets: this.levelPackets, silentPackets: this.silentPackets } : {}),
    };
  }
}

/** One call's media summaries, folded. */
/** ICE or DTLS state changes kept per call: the first, and the latest ones (a flapping path cannot grow it). */
const STATE_CHANGES_KEPT = 32;

function pushBounded(history: Array<{ at: number; state: string }>, change: { at: number; state: string }): void {
  if (history.length >= STATE_CHANGES_KEPT) history.splice(1, 1);
  history.push(change);
}

export class LiveMediaTrack {
  private readonly outbound = new DirectionTrack();
  private readonly inbound = new DirectionTrack();
  private readonly ice: Array<{ at: number; state: string }> = [];
  private readonly dtls: Array<{ at: number; state: string }> = [];
  private last: MediaSample | undefined;
  private first: number | undefined;

  add(sample: MediaSample): void {
    this.first ??= sample.at;
    this.outbound.add(sample.at, sample.outbound);
    this.inbound.add(sample.at, sample.inbound);
    if (this.ice.at(-1)?.state !== sample.iceState) pushBounded(this.ice, { at: sample.at, state: sample.iceState });
    if (sample.dtlsState !== undefined && this.dtls.at(-1)?.state !== sample.dtlsState) pushBounded(this.dtls, { at: sample.at, state: sample.dtlsState });
    this.last = sample;
  }

  /** The call's media; `weCalled` says whether this user agent is the caller (outbound flows to the callee). */
  media(weCalled: boolean): CallMedia {
    const last = this.last;
    const transport: MediaTransportHistory = {
      ice: [...this.ice], dtls: [...this.dtls], muted: last?.muted ?? false,
      ...(last?.dtlsRole === undefined ? {} : { dtlsRole: last.dtlsRole }),
      ...(last?.localCandidate === undefined ? {} : { localCandidate: last.localCandidate }),
      ...(last?.remoteCandidate === undefined ? {} : { remoteCandidate: last.remoteCandidate }),
      ...(last?.rttMs === undefined ? {} : { rttMs: last.rttMs }),
    };
    return {
      source: 'media-owner',
      streams: [
        this.outbound.summary(weCalled ? 'to-callee' : 'to-caller', 'sent', last?.codec),
        this.inbound.summary(weCalled ? 'to-caller' : 'to-callee', 'received', last?.codec),
      ],
      transport,
      ...(this.first === undefined ? {} : { reportedFrom: this.first, reportedUntil: last!.at }),
    };
  }
}
