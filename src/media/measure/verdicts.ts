// What the measurements say about the call's audio, as verdicts a person can
// act on: two-way audio, one-way (which way), no media, silence received,
// ICE failed, DTLS did not complete (with the roles), early media announced
// but no RTP before the answer. Pure functions over a MediaMeasurement and
// the call's moments, so they are tested with made-up numbers.
import { SILENCE_THRESHOLD_DBOV } from '../audio/level-meter.js';
import type { MediaMeasurement, TransportMeasurement } from './measurements.js';

export type MediaVerdictCode =
  | 'two-way-audio'
  | 'one-way-audio'
  | 'no-media'
  | 'silence-received'
  | 'ice-failed'
  | 'dtls-failed'
  | 'early-media-without-rtp';

export interface MediaVerdict {
  readonly code: MediaVerdictCode;
  /** ok: audio flowed as a call needs; warning: worth knowing, audio may still be fine; error: it did not flow. */
  readonly severity: 'ok' | 'warning' | 'error';
  /** One line, with the numbers behind it. */
  readonly text: string;
  /** For one-way audio: which way did flow. */
  readonly flowing?: 'outbound-only' | 'inbound-only';
}

/** When the call's steps happened (clock ms), to place the media in them. */
export interface CallMoments {
  readonly startedAt: number;
  /** An answer in a provisional response made early media possible (outgoing calls). */
  readonly earlyMediaAt?: number;
  readonly answeredAt?: number;
}

export interface VerdictThresholds {
  /** Received audio counts as audio, not silence, with at least this much above the silence threshold. */
  readonly minAudibleSeconds: number;
}

export const DEFAULT_THRESHOLDS: VerdictThresholds = { minAudibleSeconds: 0.2 };

const dbov = (value: number | undefined) => (value === undefined ? 'silent' : `${value.toFixed(1)} dBov`);

/** Our DTLS role, from libwebrtc or, failing that, from the a=setup attributes (RFC 4145 §4: active opens, i.e. is the client). */
export function dtlsRoles(t: TransportMeasurement): string {
  const ours = t.dtlsRole !== 'unknown' ? t.dtlsRole
    : t.localSetup === 'active' || t.remoteSetup === 'passive' ? 'client'
    : t.localSetup === 'passive' || t.remoteSetup === 'active' ? 'server' : 'unknown';
  const theirs = ours === 'client' ? 'server' : ours === 'server' ? 'client' : 'unknown';
  return `we were the DTLS ${ours} (a=setup:${t.localSetup ?? '?'}), the peer the ${theirs} (a=setup:${t.remoteSetup ?? '?'})`;
}

/** The verdict on whether and which way audio flowed; the first of `mediaVerdicts`. */
function mainVerdict(m: MediaMeasurement, thresholds: VerdictThresholds): MediaVerdict {
  const t = m.transport;
  if (!m.negotiated) return { code: 'no-media', severity: 'error', text: 'no media: no session was agreed (no SDP answer)' };
  if (m.direction === 'inactive') return { code: 'no-media', severity: 'error', text: 'no media: the session was agreed inactive' };
  if (t && t.iceConnectedAt === undefined) {
    const still = t.iceState === 'failed' ? 'failed' : `never connected (ICE ${t.iceState} when the call ended)`;
    return {
      code: 'ice-failed', severity: 'error',
      text: `ICE failed: no candidate pair worked, ${still} (${t.localCandidates} local, ${t.remoteCandidates} remote candidates)`,
    };
  }
  if (t && t.dtlsConnectedAt === undefined) {
    return { code: 'dtls-failed', severity: 'error', text: `DTLS did not complete (DTLS ${t.dtlsState}): ${dtlsRoles(t)}` };
  }
  const sent = m.sent.packets;
  const received = m.received.packets;
  if (sent === 0 && received === 0) return { code: 'no-media', severity: 'error', text: 'no media: no RTP sent or received' };
  if (received === 0) {
    return { code: 'one-way-audio', severity: 'error', flowing: 'outbound-only', text: `one-way audio: we sent ${sent} packets, received none` };
  }
  if (sent === 0) {
    return { code: 'one-way-audio', severity: 'error', flowing: 'inbound-only', text: `one-way audio: we received ${received} packets but sent none` };
  }
  if (m.received.level.audibleSeconds < thresholds.minAudibleSeconds) {
    return {
      code: 'silence-received', severity: 'error',
      text: `silence received: ${received} packets, ${m.received.level.audibleSeconds.toFixed(2)} s above ${SILENCE_THRESHOLD_DBOV} dBov`,
    };
  }
  const loss = `${m.received.lost} lost${m.received.jitterMs === undefined ? '' : `, jitter ${m.received.jitterMs.toFixed(1)} ms`}`;
  const confirmed = m.peer ? `; the peer reports ${m.peer.packetsLost} of ours lost`
    : (m.rtcp?.received ?? 0) > 0 ? '; the peer\'s RTCP does not report on our stream' : '; the peer sent no RTCP about our stream';
  return {
    code: 'two-way-audio', severity: 'ok',
    text: `two-way audio: sent ${sent} packets (${dbov(m.sent.level.meanDbov)}), received ${received} (${dbov(m.received.level.meanDbov)}, ${loss})${confirmed}`,
  };
}

/** Every verdict that applies, the main one (how audio flowed) first. */
export function mediaVerdicts(m: MediaMeasurement, call: CallMoments, thresholds: VerdictThresholds = DEFAULT_THRESHOLDS): MediaVerdict[] {
  const verdicts = [mainVerdict(m, thresholds)];
  if (call.earlyMediaAt !== undefined && call.answeredAt !== undefined) {
    const before = m.received.beforeAnswer?.packets
      ?? (m.received.firstPacketAt !== undefined && m.received.firstPacketAt < call.answeredAt ? 1 : 0);
    if (before === 0) {
      const ms = (at: number) => `${Math.round(at - call.startedAt)} ms`;
      verdicts.push({
        code: 'early-media-without-rtp', severity: 'warning',
        text: `early media announced at ${ms(call.earlyMediaAt)} but no RTP arrived before the answer at ${ms(call.answeredAt)}`,
      });
    }
  }
  return verdicts;
}

/** `--expect-audio`: undefined when audio flowed both ways, else the reason in one line. */
export function unmetAudioExpectation(verdicts: readonly MediaVerdict[]): string | undefined {
  const main = verdicts[0];
  return main === undefined || main.severity === 'ok' ? undefined : main.text;
}
