// What libwebrtc's getStats() says (W3C webrtc-stats), reduced to what the
// engine measures: inbound-rtp and outbound-rtp for the two directions,
// remote-inbound-rtp for what the peer reported about our stream (from its
// RTCP receiver reports), remote-outbound-rtp for its sender reports, and
// the transport with its DTLS state and role and the selected candidate pair.
import type { WrtcStatsReport } from './wrtc.js';

export interface PolledStats {
  readonly inbound?: { readonly packets: number; readonly bytes: number; readonly lost: number; readonly jitterMs?: number; readonly lastPacketWallMs?: number };
  readonly outbound?: { readonly packets: number; readonly bytes: number };
  readonly remoteInbound?: { readonly packetsLost: number; readonly fractionLost: number; readonly jitterMs: number; readonly roundTripMs?: number; readonly reports: number };
  readonly remoteOutboundReports?: number;
  readonly transport?: { readonly dtlsState: string; readonly dtlsRole: 'client' | 'server' | 'unknown'; readonly iceState?: string; readonly selectedPair?: string };
  readonly codec?: string;
}

type Stats = Record<string, unknown> & { readonly id: string; readonly type: string };

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const ms = (seconds: number | undefined) => (seconds === undefined ? undefined : Math.round(seconds * 100000) / 100);

function candidateText(c: Stats | undefined): string {
  if (!c) return '?';
  const address = str(c.address) ?? str(c.ip) ?? '?';
  return `${address.includes(':') ? `[${address}]` : address}:${num(c.port) ?? '?'}/${str(c.protocol) ?? '?'}/${str(c.candidateType) ?? '?'}`;
}

export function readStats(report: WrtcStatsReport): PolledStats {
  const byId = new Map<string, Stats>();
  report.forEach((s) => byId.set(s.id, s));
  const all = [...byId.values()];
  const audio = (s: Stats) => s.kind === undefined || s.kind === 'audio';
  const inbound = all.find((s) => s.type === 'inbound-rtp' && audio(s));
  const outbound = all.find((s) => s.type === 'outbound-rtp' && audio(s));
  const remoteInbound = all.find((s) => s.type === 'remote-inbound-rtp' && audio(s));
  const remoteOutbound = all.find((s) => s.type === 'remote-outbound-rtp' && audio(s));
  const transport = all.find((s) => s.type === 'transport');
  const codecStats = byId.get(str(inbound?.codecId) ?? str(outbound?.codecId) ?? '');
  const pair = byId.get(str(transport?.selectedCandidatePairId) ?? '');
  const role = str(transport?.dtlsRole);
  const result: { -readonly [K in keyof PolledStats]: PolledStats[K] } = {};
  if (inbound) {
    const jitterMs = ms(num(inbound.jitter));
    const last = num(inbound.lastPacketReceivedTimestamp);
    result.inbound = {
      packets: num(inbound.packetsReceived) ?? 0, bytes: num(inbound.bytesReceived) ?? 0, lost: Math.max(0, num(inbound.packetsLost) ?? 0),
      ...(jitterMs === undefined ? {} : { jitterMs }), ...(last === undefined ? {} : { lastPacketWallMs: last }),
    };
  }
  if (outbound) result.outbound = { packets: num(outbound.packetsSent) ?? 0, bytes: num(outbound.bytesSent) ?? 0 };
  if (remoteInbound) {
    const rtt = ms(num(remoteInbound.roundTripTime));
    result.remoteInbound = {
      packetsLost: Math.max(0, num(remoteInbound.packetsLost) ?? 0), fractionLost: num(remoteInbound.fractionLost) ?? 0,
      jitterMs: ms(num(remoteInbound.jitter)) ?? 0, reports: num(remoteInbound.roundTripTimeMeasurements) ?? 1,
      ...(rtt === undefined ? {} : { roundTripMs: rtt }),
    };
  }
  if (remoteOutbound) result.remoteOutboundReports = num(remoteOutbound.reportsSent) ?? 1;
  if (transport) {
    const iceState = str(transport.iceState);
    result.transport = {
      dtlsState: str(transport.dtlsState) ?? 'unknown',
      dtlsRole: role === 'client' || role === 'server' ? role : 'unknown',
      ...(iceState === undefined ? {} : { iceState }),
      ...(pair ? { selectedPair: `${candidateText(byId.get(str(pair.localCandidateId) ?? ''))} -> ${candidateText(byId.get(str(pair.remoteCandidateId) ?? ''))}` } : {}),
    };
  }
  if (codecStats) {
    const name = (str(codecStats.mimeType) ?? '?').replace(/^audio\//, '');
    const channels = num(codecStats.channels);
    result.codec = `${name}/${num(codecStats.clockRate) ?? '?'}${channels !== undefined && channels > 1 ? `/${channels}` : ''}`;
  }
  return result;
}
