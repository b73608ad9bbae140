// The media summary the page reports from getStats (Chromium's stats shapes), and the
// MOS estimate shown next to it.
import { describe, expect, it } from 'vitest';
import { mediaSummarySchema } from '../../../main/contract/media.js';
import { estimateMos, summarize, type StatsEntry } from '../../../renderer/media/media-stats.js';

const report: StatsEntry[] = [
  { id: 'T01', type: 'transport', dtlsState: 'connected', dtlsRole: 'server', selectedCandidatePairId: 'CP1' },
  { id: 'CP1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', currentRoundTripTime: 0.004, nominated: true },
  { id: 'L1', type: 'local-candidate', address: '127.0.0.1', port: 50000, protocol: 'udp', candidateType: 'host' },
  { id: 'R1', type: 'remote-candidate', address: '127.0.0.1', port: 30000, protocol: 'udp', candidateType: 'host' },
  { id: 'COT', type: 'codec', mimeType: 'audio/PCMU', clockRate: 8000 },
  { id: 'IT', type: 'inbound-rtp', kind: 'audio', codecId: 'COT', packetsReceived: 250, bytesReceived: 40000, packetsLost: 3, jitter: 0.0021, audioLevel: 0.31, totalAudioEnergy: 1.5 },
  { id: 'OT', type: 'outbound-rtp', kind: 'audio', codecId: 'COT', packetsSent: 248, bytesSent: 39680 },
  { id: 'RI', type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.012 },
  { id: 'MS', type: 'media-source', kind: 'audio', audioLevel: 0.2, totalAudioEnergy: 0.9 },
];

describe('media summary from getStats', () => {
  it('reads ICE/DTLS, the pair, the codec, both directions and RTT', () => {
    const summary = summarize('c-1', report, { iceState: 'connected', muted: false, at: 1000 });
    expect(summary).toEqual({
      callId: 'c-1', at: 1000, iceState: 'connected', muted: false, dtlsState: 'connected', dtlsRole: 'server',
      codec: 'PCMU/8000', localCandidate: '127.0.0.1:50000 udp host', remoteCandidate: '127.0.0.1:30000 udp host', rttMs: 12,
      outbound: { packets: 248, bytes: 39680, audioLevel: 0.2, totalAudioEnergy: 0.9 },
      inbound: { packets: 250, bytes: 40000, lost: 3, jitterMs: 2.1, audioLevel: 0.31, totalAudioEnergy: 1.5 },
    });
    // What the page sends passes the host's own validation.
    expect(mediaSummarySchema.safeParse(summary).success).toBe(true);
  });

  it('before any media: zeros, and an unknown ICE state becomes new', () => {
    const summary = summarize('c-2', [], { iceState: 'bogus', muted: true, at: 5 });
    expect(summary).toEqual({ callId: 'c-2', at: 5, iceState: 'new', muted: true, outbound: { packets: 0, bytes: 0 }, inbound: { packets: 0, bytes: 0 } });
    expect(mediaSummarySchema.safeParse(summary).success).toBe(true);
  });

  it('estimates MOS: about 4.4 on a clean line, lower with loss and delay', () => {
    expect(estimateMos(20, 2, 0)).toBeGreaterThan(4.3);
    expect(estimateMos(20, 2, 0.05)).toBeLessThan(estimateMos(20, 2, 0));
    expect(estimateMos(600, 30, 0.1)).toBeLessThan(3.5);
    expect(estimateMos(undefined, undefined, 1)).toBeGreaterThanOrEqual(1);
  });
});
