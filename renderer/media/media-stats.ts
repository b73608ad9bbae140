// A call's media summary from getStats(): what the host keeps with the call's diagnostics
// and the UI charts. Pure (a stats report in, a summary out), so it is unit-tested with
// recorded reports.
import type { MediaSummary } from '../../main/contract/media.js';

/** The fields of RTCStats entries read here (a structural subset, so tests can pass plain objects). */
export interface StatsEntry {
  readonly id: string;
  readonly type: string;
  readonly [field: string]: unknown;
}

type IceState = MediaSummary['iceState'];
type DtlsState = NonNullable<MediaSummary['dtlsState']>;

const ICE_STATES: readonly IceState[] = ['new', 'checking', 'connected', 'completed', 'failed', 'disconnected', 'closed'];
const DTLS_STATES: readonly DtlsState[] = ['new', 'connecting', 'connected', 'closed', 'failed'];

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const clamp01 = (value: number | undefined): number | undefined => (value === undefined ? undefined : Math.min(1, Math.max(0, value)));

export function summarize(
  callId: string,
  report: Iterable<StatsEntry>,
  context: { readonly iceState: string; readonly muted: boolean; readonly at: number },
): MediaSummary {
  const entries = [...report];
  const byId = new Map(entries.map((e) => [e.id, e]));
  const first = (type: string, kind = 'audio') => entries.find((e) => e.type === type && (e['kind'] === undefined || e['kind'] === kind));
  const inbound = first('inbound-rtp');
  const outbound = first('outbound-rtp');
  const remoteInbound = first('remote-inbound-rtp');
  const transport = entries.find((e) => e.type === 'transport');
  const pair = transport ? byId.get(str(transport['selectedCandidatePairId']) ?? '') : entries.find((e) => e.type === 'candidate-pair' && e['nominated'] === true);
  const local = pair ? byId.get(str(pair['localCandidateId']) ?? '') : undefined;
  const remote = pair ? byId.get(str(pair['remoteCandidateId']) ?? '') : undefined;
  const codec = inbound ? byId.get(str(inbound['codecId']) ?? '') : outbound ? byId.get(str(outbound['codecId']) ?? '') : undefined;
  const mediaSource = entries.find((e) => e.type === 'media-source' && e['kind'] === 'audio');
  const iceState = (ICE_STATES as readonly string[]).includes(context.iceState) ? context.iceState as IceState : 'new';
  const dtls = str(transport?.['dtlsState']);
  const role = str(transport?.['dtlsRole']);
  const rtt = num(remoteInbound?.['roundTripTime']) ?? num(pair?.['currentRoundTripTime']);
  const jitter = num(inbound?.['jitter']);
  return {
    callId, at: context.at, iceState, muted: context.muted,
    ...(dtls !== undefined && (DTLS_STATES as readonly string[]).includes(dtls) ? { dtlsState: dtls as DtlsState } : {}),
    ...(role === 'client' || role === 'server' || role === 'unknown' ? { dtlsRole: role } : {}),
    ...(codec ? { codec: `${(str(codec['mimeType']) ?? '').replace(/^audio\//, '')}/${num(codec['clockRate']) ?? ''}` } : {}),
    ...(local ? { localCandidate: candidateText(local) } : {}),
    ...(remote ? { remoteCandidate: candidateText(remote) } : {}),
    ...(rtt === undefined ? {} : { rttMs: Math.round(rtt * 1000) }),
    outbound: {
      packets: Math.max(0, num(outbound?.['packetsSent']) ?? 0),
      bytes: Math.max(0, num(outbound?.['bytesSent']) ?? 0),
      ...optional('audioLevel', clamp01(num(mediaSource?.['audioLevel']))),
      ...optional('totalAudioEnergy', num(mediaSource?.['totalAudioEnergy'])),
    },
    inbound: {
      packets: Math.max(0, num(inbound?.['packetsReceived']) ?? 0),
      bytes: Math.max(0, num(inbound?.['bytesReceived']) ?? 0),
      ...optional('lost', num(inbound?.['packetsLost'])),
      ...optional('jitterMs', jitter === undefined ? undefined : Math.round(jitter * 10_000) / 10),
      ...optional('audioLevel', clamp01(num(inbound?.['audioLevel']))),
      ...optional('totalAudioEnergy', num(inbound?.['totalAudioEnergy'])),
    },
  };
}

function optional<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}

function candidateText(candidate: StatsEntry): string {
  const address = str(candidate['address']) ?? str(candidate['ip']) ?? '?';
  const port = num(candidate['port']);
  const protocol = str(candidate['protocol']) ?? '';
  const type = str(candidate['candidateType']) ?? '';
  return `${address}:${port ?? '?'} ${protocol} ${type}`.trim().slice(0, 128);
}

/**
 * ITU-T G.107 E-model, simplified for a narrow picture of call quality: R from one-way
 * delay (RTT/2 + jitter buffer) and packet loss, mapped to MOS 1-4.5. An estimate, labelled so.
 */
export function estimateMos(rttMs: number | undefined, jitterMs: number | undefined, lossFraction: number): number {
  const delay = (rttMs ?? 0) / 2 + 2 * (jitterMs ?? 0) + 10;
  const delayImpairment = 0.024 * delay + (delay > 177.3 ? 0.11 * (delay - 177.3) : 0);
  const lossImpairment = 30 * Math.log(1 + 15 * Math.min(1, Math.max(0, lossFraction)));
  const r = Math.max(0, Math.min(100, 93.2 - delayImpairment - lossImpairment));
  const mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
  return Math.round(Math.min(4.5, Math.max(1, mos)) * 100) / 100;
}
