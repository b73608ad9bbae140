// The media part of a call's report: what the session measured, with times
// relative to the call's start like the rest of the report, the verdicts,
// and whether --expect-audio is met; as JSON and as the lines `call` and
// `listen` print when the call is over.
import type { AudioLevel } from '../media/audio/level-meter.js';
import type { MediaMeasurement } from '../media/measure/measurements.js';
import { mediaVerdicts, unmetAudioExpectation, type CallMoments, type MediaVerdict } from '../media/measure/verdicts.js';

const round = (ms: number) => Math.round(ms * 10) / 10;

function levelView(level: AudioLevel, started: number) {
  const { firstAudibleAt, ...rest } = level;
  return { ...rest, ...(firstAudibleAt === undefined ? {} : { firstAudibleMs: round(firstAudibleAt - started) }) };
}

/** The report's `media` of one call. */
export function mediaSection(m: MediaMeasurement, moments: CallMoments) {
  const started = moments.startedAt;
  const rel = (at: number | undefined) => (at === undefined ? undefined : round(at - started));
  const times = (first?: number, last?: number) => ({
    ...(first === undefined ? {} : { firstPacketMs: rel(first) }), ...(last === undefined ? {} : { lastPacketMs: rel(last) }),
  });
  const verdicts = mediaVerdicts(m, moments);
  const unmet = unmetAudioExpectation(verdicts);
  const t = m.transport;
  return {
    kind: m.kind,
    negotiated: m.negotiated,
    ...(m.codec === undefined ? {} : { codec: m.codec }),
    ...(m.direction === undefined ? {} : { direction: m.direction }),
    ...(m.local === undefined ? {} : { local: m.local }),
    ...(m.remote === undefined ? {} : { remote: m.remote }),
    ...(m.latchedTo === undefined ? {} : { latchedTo: m.latchedTo }),
    sending: m.sending,
    sent: { packets: m.sent.packets, bytes: m.sent.bytes, ...times(m.sent.firstPacketAt, m.sent.lastPacketAt), level: levelView(m.sent.level, started) },
    received: {
      packets: m.received.packets, bytes: m.received.bytes, lost: m.received.lost,
      ...(m.received.jitterMs === undefined ? {} : { jitterMs: m.received.jitterMs }),
      ...times(m.received.firstPacketAt, m.received.lastPacketAt),
      ...(m.received.beforeAnswer ? { beforeAnswer: m.received.beforeAnswer } : {}),
      level: levelView(m.received.level, started),
    },
    ...(m.peer ? { peer: m.peer } : {}),
    ...(m.rtcp ? { rtcp: m.rtcp } : {}),
    ...(t ? {
      transport: {
        iceState: t.iceState, ...(t.iceConnectedAt === undefined ? {} : { iceConnectedMs: rel(t.iceConnectedAt) }),
        dtlsState: t.dtlsState, ...(t.dtlsConnectedAt === undefined ? {} : { dtlsConnectedMs: rel(t.dtlsConnectedAt) }),
        dtlsRole: t.dtlsRole, ...(t.localSetup ? { localSetup: t.localSetup } : {}), ...(t.remoteSetup ? { remoteSetup: t.remoteSetup } : {}),
        localCandidates: t.localCandidates, remoteCandidates: t.remoteCandidates,
        ...(t.selectedPair ? { selectedPair: t.selectedPair } : {}),
      },
    } : {}),
    ...(m.dtmfReceived ? { dtmfReceived: m.dtmfReceived } : {}),
    ...(m.recording ? { recording: m.recording } : {}),
    ...(m.problems.length > 0 ? { problems: m.problems } : {}),
    verdicts,
    /** --expect-audio: "two-way" when met, else the reason. */
    audio: unmet ?? 'two-way',
  };
}

export type MediaSection = ReturnType<typeof mediaSection>;

const dbov = (level: { meanDbov?: number }) => (level.meanDbov === undefined ? 'silent' : `${level.meanDbov.toFixed(1)} dBov`);
const at = (ms: number | undefined) => (ms === undefined ? '' : `, first at ${Math.round(ms)} ms`);
const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

function verdictLine(v: MediaVerdict): string {
  return `  ${(v.severity === 'ok' ? 'audio' : v.severity).padEnd(9)} ${v.text}`;
}

/** What `call` and `listen` print about a call's media once it is over. */
export function mediaLines(section: MediaSection): string[] {
  const lines: string[] = [];
  const t = section.transport;
  const head = [`media (${section.kind}${section.codec ? `, ${section.codec}` : ''}${section.direction && section.direction !== 'sendrecv' ? `, ${section.direction}` : ''})`];
  if (section.local && section.remote) head.push(`${section.local} <-> ${section.remote}${section.latchedTo ? ` (RTP came from ${section.latchedTo})` : ''}`);
  if (t) {
    head.push(`ICE ${t.iceState}${t.iceConnectedMs === undefined ? '' : ` at ${Math.round(t.iceConnectedMs)} ms`}`);
    head.push(`DTLS ${t.dtlsState}${t.dtlsConnectedMs === undefined ? '' : ` at ${Math.round(t.dtlsConnectedMs)} ms`} as ${t.dtlsRole} (a=setup:${t.localSetup ?? '?'}, peer ${t.remoteSetup ?? '?'})`);
  }
  lines.push(head.join(', '));
  if (t?.selectedPair) lines.push(`  pair      ${t.selectedPair}`);
  const s = section.sent;
  lines.push(`  sent      ${s.packets} packets, ${kB(s.bytes)}${at(s.firstPacketMs)}, ${dbov(s.level)}: ${section.sending}`);
  const r = section.received;
  const early = r.beforeAnswer ? `, ${r.beforeAnswer.packets} before the answer` : '';
  lines.push(`  received  ${r.packets} packets, ${kB(r.bytes)}, ${r.lost} lost${r.jitterMs === undefined ? '' : `, jitter ${r.jitterMs.toFixed(1)} ms`}${at(r.firstPacketMs)}${early}, ${dbov(r.level)}, audible ${r.level.audibleSeconds.toFixed(1)} s`);
  if (section.peer) {
    const p = section.peer;
    lines.push(`  peer      reports ${p.packetsLost} of ours lost, jitter ${p.jitterMs.toFixed(1)} ms${p.roundTripMs === undefined ? '' : `, round trip ${p.roundTripMs.toFixed(1)} ms`}`);
  }
  if (section.dtmfReceived) lines.push(`  dtmf      received ${section.dtmfReceived}`);
  if (section.recording) lines.push(`  recorded  ${section.recording.path} (${section.recording.seconds.toFixed(1)} s)`);
  for (const problem of section.problems ?? []) lines.push(`  problem   ${problem}`);
  for (const v of section.verdicts) lines.push(verdictLine(v));
  return lines;
}
