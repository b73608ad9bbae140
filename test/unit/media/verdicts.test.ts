// The media verdicts from made-up measurements: each verdict, its one-line
// reason, and which of them fail --expect-audio.
import { describe, expect, it } from 'vitest';
import type { MediaMeasurement, TransportMeasurement } from '../../../src/media/measure/measurements.js';
import { mediaVerdicts, unmetAudioExpectation } from '../../../src/media/measure/verdicts.js';

const audible = { seconds: 5, audibleSeconds: 4.9, meanDbov: -15.3, peakDbov: -15.1, energy: 0.14 };
const silent = { seconds: 5, audibleSeconds: 0, energy: 0 };

function measurement(overrides: Partial<MediaMeasurement> = {}): MediaMeasurement {
  return {
    kind: 'rtp', negotiated: true, codec: 'PCMU/8000', direction: 'sendrecv', sending: 'tone 440 Hz at -15 dBov',
    sent: { packets: 250, bytes: 40000, firstPacketAt: 1100, level: audible },
    received: { packets: 248, bytes: 39680, lost: 2, jitterMs: 0.4, firstPacketAt: 1120, level: audible },
    problems: [],
    ...overrides,
  };
}

const webrtc: TransportMeasurement = {
  iceState: 'connected', iceConnectedAt: 1050, dtlsState: 'connected', dtlsConnectedAt: 1080, dtlsRole: 'server',
  localSetup: 'actpass', remoteSetup: 'active', localCandidates: 6, remoteCandidates: 1,
};
const call = { startedAt: 1000, answeredAt: 1500 };

describe('media verdicts', () => {
  it('two-way audio: packets and audible audio both ways', () => {
    const verdicts = mediaVerdicts(measurement(), call);
    expect(verdicts).toEqual([{
      code: 'two-way-audio', severity: 'ok',
      text: 'two-way audio: sent 250 packets (-15.3 dBov), received 248 (-15.3 dBov, 2 lost, jitter 0.4 ms); the peer sent no RTCP about our stream',
    }]);
    expect(unmetAudioExpectation(verdicts)).toBeUndefined();
    const reported = mediaVerdicts(measurement({ peer: { reports: 2, packetsLost: 0, fractionLost: 0, jitterMs: 0.2 }, rtcp: { sent: 2, received: 2 } }), call);
    expect(reported[0]!.text).toMatch(/; the peer reports 0 of ours lost$/);
  });

  it('one-way audio, each way, with the numbers', () => {
    const outbound = mediaVerdicts(measurement({ received: { packets: 0, bytes: 0, lost: 0, level: { seconds: 0, audibleSeconds: 0, energy: 0 } } }), call);
    expect(outbound[0]).toEqual({ code: 'one-way-audio', severity: 'error', flowing: 'outbound-only', text: 'one-way audio: we sent 250 packets, received none' });
    expect(unmetAudioExpectation(outbound)).toBe('one-way audio: we sent 250 packets, received none');
    const inbound = mediaVerdicts(measurement({ sent: { packets: 0, bytes: 0, level: silent } }), call);
    expect(inbound[0]).toMatchObject({ code: 'one-way-audio', flowing: 'inbound-only', text: 'one-way audio: we received 248 packets but sent none' });
  });

  it('no media: nothing agreed, agreed inactive, or nothing sent either way', () => {
    expect(mediaVerdicts(measurement({ negotiated: false }), call)[0]!.text).toBe('no media: no session was agreed (no SDP answer)');
    expect(mediaVerdicts(measurement({ direction: 'inactive' }), call)[0]!.code).toBe('no-media');
    const none = measurement({ sent: { packets: 0, bytes: 0, level: silent }, received: { packets: 0, bytes: 0, lost: 0, level: silent } });
    expect(mediaVerdicts(none, call)[0]).toEqual({ code: 'no-media', severity: 'error', text: 'no media: no RTP sent or received' });
  });

  it('silence received: packets, but nothing above the silence threshold', () => {
    const verdicts = mediaVerdicts(measurement({ received: { packets: 248, bytes: 39680, lost: 0, level: silent } }), call);
    expect(verdicts[0]).toEqual({ code: 'silence-received', severity: 'error', text: 'silence received: 248 packets, 0.00 s above -50 dBov' });
  });

  it('ICE failed, before anything else is judged', () => {
    const failed = { ...webrtc, iceState: 'failed', iceConnectedAt: undefined, dtlsState: 'new', dtlsConnectedAt: undefined };
    const verdicts = mediaVerdicts(measurement({ kind: 'webrtc', transport: failed, received: { packets: 0, bytes: 0, lost: 0, level: silent } }), call);
    expect(verdicts[0]).toEqual({ code: 'ice-failed', severity: 'error', text: 'ICE failed: no candidate pair worked, failed (6 local, 1 remote candidates)' });
    const checking = { ...failed, iceState: 'checking' };
    expect(mediaVerdicts(measurement({ kind: 'webrtc', transport: checking }), call)[0]!.text)
      .toBe('ICE failed: no candidate pair worked, never connected (ICE checking when the call ended) (6 local, 1 remote candidates)');
  });

  it('DTLS did not complete, with both roles (from libwebrtc, or from a=setup when it does not say)', () => {
    const stuck = { ...webrtc, dtlsState: 'connecting', dtlsConnectedAt: undefined };
    expect(mediaVerdicts(measurement({ kind: 'webrtc', transport: stuck }), call)[0]).toEqual({
      code: 'dtls-failed', severity: 'error',
      text: 'DTLS did not complete (DTLS connecting): we were the DTLS server (a=setup:actpass), the peer the client (a=setup:active)',
    });
    const unknown = { ...stuck, dtlsRole: 'unknown' as const, localSetup: 'active', remoteSetup: 'actpass' };
    expect(mediaVerdicts(measurement({ kind: 'webrtc', transport: unknown }), call)[0]!.text)
      .toMatch(/we were the DTLS client \(a=setup:active\), the peer the server \(a=setup:actpass\)$/);
  });

  it('early media announced but no RTP before the answer: a warning beside the main verdict', () => {
    const early = { ...call, earlyMediaAt: 1120 };
    const late = measurement({ received: { packets: 200, bytes: 32000, lost: 0, firstPacketAt: 1600, level: audible, beforeAnswer: { packets: 0, audibleSeconds: 0 } } });
    const verdicts = mediaVerdicts(late, early);
    expect(verdicts.map((v) => v.code)).toEqual(['two-way-audio', 'early-media-without-rtp']);
    expect(verdicts[1]).toEqual({ code: 'early-media-without-rtp', severity: 'warning', text: 'early media announced at 120 ms but no RTP arrived before the answer at 500 ms' });
    expect(unmetAudioExpectation(verdicts)).toBeUndefined();
    const inTime = measurement({ received: { packets: 200, bytes: 32000, lost: 0, level: audible, beforeAnswer: { packets: 20, audibleSeconds: 0.4 } } });
    expect(mediaVerdicts(inTime, early).map((v) => v.code)).toEqual(['two-way-audio']);
  });
});
