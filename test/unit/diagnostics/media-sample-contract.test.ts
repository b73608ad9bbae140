// The live media input (MediaSample, in src/diagnostics, which may not import main/)
// mirrors the app contract's MediaSummary: the host keeps every field and only swaps
// the app's call id for the SIP Call-ID and stamps the stream's time. If either side
// changes shape, this file stops compiling.
import { describe, expect, it } from 'vitest';
import { mediaSummarySchema, type MediaSummary } from '../../../main/contract/media.js';
import { LiveRecorder } from '../../../src/diagnostics/live-recorder.js';
import type { MediaSample } from '../../../src/diagnostics/model-types.js';

/** What the host does with each report (main/ maps it; this is the shape it must produce). */
function toSample(summary: MediaSummary, sipCallId: string, streamTime: number): MediaSample {
  return { ...summary, callId: sipCallId, at: streamTime };
}

describe('MediaSample mirrors the contract\'s MediaSummary', () => {
  it('a parsed MediaSummary maps field for field and the recorder takes it', () => {
    const summary = mediaSummarySchema.parse({
      callId: 'app-call-1', at: 1_700_000_000_000, iceState: 'connected', dtlsState: 'connected', dtlsRole: 'client', codec: 'audio/opus',
      localCandidate: 'udp 192.0.2.10:50000 host', remoteCandidate: 'udp 192.0.2.50:30000 host', rttMs: 12,
      outbound: { packets: 50, bytes: 8000 }, inbound: { packets: 49, bytes: 7840, lost: 1, jitterMs: 3, audioLevel: 0.2, totalAudioEnergy: 0.04 },
    });
    const sample = toSample(summary, 'sip-call-id@host', 1234);
    expect(sample).toMatchObject({ callId: 'sip-call-id@host', at: 1234, muted: false, inbound: { lost: 1 } });
    const recorder = new LiveRecorder();
    recorder.recordMedia(sample);
    // No SIP for that Call-ID yet: nothing to attach it to, and no crash.
    expect(recorder.model().calls).toEqual([]);
  });
});
