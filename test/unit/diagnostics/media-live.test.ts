// The media findings of a live call: the recorder gets the call's SIP from the
// diagnostics stream and the media owner's summaries (MediaSample, mapped by the
// host from the contract's MediaSummary) a few times a second.
import { describe, expect, it } from 'vitest';
import { LiveRecorder } from '../../../src/diagnostics/live-recorder.js';
import type { MediaSample } from '../../../src/diagnostics/model-types.js';
import { request, response } from './crafted.js';

const PROXY = { transport: 'WSS', address: '192.0.2.1', port: 443 };
const enc = (s: string) => new TextEncoder().encode(s);

const offer = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 198.51.100.7', 't=0 0', 'm=audio 50000 UDP/TLS/RTP/SAVPF 111 0',
  'a=rtpmap:111 opus/48000/2', 'a=rtcp-mux', 'a=fingerprint:sha-256 00:11', 'a=setup:actpass',
  'a=candidate:1 1 udp 2122260223 198.51.100.7 50000 typ host', 'a=candidate:2 1 udp 1686052607 203.0.113.7 61000 typ srflx', ''].join('\r\n');
const answerWith = (setup: string) => ['v=0', 'o=- 2 2 IN IP4 192.0.2.50', 's=-', 'c=IN IP4 192.0.2.50', 't=0 0', 'm=audio 30000 UDP/TLS/RTP/SAVPF 0',
  'a=rtcp-mux', 'a=fingerprint:sha-256 22:33', `a=setup:${setup}`, 'a=candidate:1 1 udp 2130706431 192.0.2.50 30000 typ host', ''].join('\r\n');

/** We call: INVITE sent at 0, 200 received at 1 s, ACK; media summaries every 250 ms from 1 s to `until`. */
function liveCall(sample: (t: number) => Partial<MediaSample>, options: { until?: number; setup?: string } = {}): LiveRecorder {
  const recorder = new LiveRecorder();
  const sent = (at: number, text: string, transactionId?: string) => recorder.record({
    type: 'message-sent', at, peer: PROXY, raw: enc(text), ...(transactionId === undefined ? {} : { transactionId }),
  });
  // As the stack says it: the INVITE's client transaction first (the recorder keeps a call by its transactions).
  recorder.record({
    type: 'transaction-created', at: 0, transactionId: 'tx-invite', key: 'z9hG4bK-invite-1|INVITE', method: 'INVITE',
    role: 'client', kind: 'invite', transport: 'WSS', callId: 'call-1',
  });
  sent(0, request('INVITE', { body: offer }), 'tx-invite');
  recorder.record({ type: 'message-received', at: 1000, peer: PROXY, raw: enc(response(200, 'INVITE', { toTag: 'b1', body: answerWith(options.setup ?? 'active') })) });
  sent(1010, request('ACK', { toTag: 'b1', via: ['192.0.2.10:5060;branch=z9hG4bK-ack-1'] }));
  for (let t = 1000; t <= (options.until ?? 7000); t += 250) {
    recorder.recordMedia({
      callId: 'call-1', at: t, iceState: 'connected', dtlsState: 'connected', dtlsRole: 'server', codec: 'audio/PCMU', muted: false,
      outbound: { packets: 0, bytes: 0 }, inbound: { packets: 0, bytes: 0 }, ...sample(t),
    });
  }
  return recorder;
}

/** Counters of a healthy direction at time t: 50 packets/s from 1 s, energy growing. */
const flowing = (t: number) => ({ packets: Math.max(0, Math.floor((t - 1000) / 20)), bytes: Math.max(0, (t - 1000) * 8), audioLevel: 0.2, totalAudioEnergy: Math.max(0, (t - 1000) / 1000) * 0.04 });

const codes = (recorder: LiveRecorder) => recorder.model().calls[0]!.findings.map((f) => f.code);
const explanation = (recorder: LiveRecorder, code: string) => recorder.model().calls[0]!.findings.find((f) => f.code === code)?.explanation ?? '';

describe('live media', () => {
  it('a healthy call: no findings, and the model holds the sent and received streams and the ICE/DTLS history', () => {
    const recorder = liveCall((t) => ({ outbound: flowing(t), inbound: flowing(t) }));
    const call = recorder.model().calls[0]!;
    expect(call.findings).toEqual([]);
    expect(call.media).toMatchObject({
      source: 'media-owner', reportedFrom: 1000, reportedUntil: 7000,
      streams: [
        { way: 'to-callee', local: 'sent', packets: 300, codec: 'audio/PCMU', firstAt: 1250, lastAt: 7000 },
        { way: 'to-caller', local: 'received', packets: 300, levelPackets: 300, silentPackets: 0 },
      ],
      transport: { ice: [{ at: 1000, state: 'connected' }], dtls: [{ at: 1000, state: 'connected' }], dtlsRole: 'server', muted: false },
    });
  });

  it('one-way-audio: we send, nothing arrives', () => {
    const recorder = liveCall((t) => ({ outbound: flowing(t) }));
    expect(codes(recorder)).toEqual(['one-way-audio']);
    expect(explanation(recorder, 'one-way-audio')).toMatch(/Audio towards the callee flowed after the answer \(300 packet\(s\) sent\), but towards the caller: no RTP at all .* We send, and nothing arrives from the far end \(we are the caller\)/);
  });

  it('one-way-audio: the far end is heard, we send nothing', () => {
    expect(explanation(liveCall((t) => ({ inbound: flowing(t) })), 'one-way-audio')).toMatch(/we send nothing: check the microphone/);
  });

  it('silent-audio: packets arrive, their energy does not grow', () => {
    const recorder = liveCall((t) => ({ outbound: flowing(t), inbound: { ...flowing(t), audioLevel: 0, totalAudioEnergy: 0 } }));
    expect(codes(recorder)).toEqual(['silent-audio']);
    expect(explanation(recorder, 'silent-audio')).toMatch(/Audio towards the caller arrives \(300 packet\(s\) received\) but is silence: the audio energy getStats reports did not grow/);
  });

  it('ice-failed: says which candidates each side offered and the last pair tried', () => {
    const recorder = liveCall((t) => ({ iceState: t < 3000 ? 'checking' : 'failed', dtlsState: 'new', localCandidate: 'udp 198.51.100.7:50000 host', remoteCandidate: 'udp 192.0.2.50:30000 host' }));
    expect(codes(recorder)).toEqual(['ice-failed']);
    expect(explanation(recorder, 'ice-failed')).toMatch(/ICE checked for 2 s and failed: .*The caller offered host 198\.51\.100\.7:50000\/udp, srflx 203\.0\.113\.7:61000\/udp; the callee's side offered host 192\.0\.2\.50:30000\/udp\. The last pair reported: udp 198\.51\.100\.7:50000 host ↔ udp 192\.0\.2\.50:30000 host/);
  });

  it('dtls-not-completed: ICE connected, DTLS still connecting 6 s later; the roles from a=setup and getStats', () => {
    const recorder = liveCall(() => ({ dtlsState: 'connecting', dtlsRole: 'client' }), { setup: 'passive' });
    expect(codes(recorder)).toEqual(['dtls-not-completed']);
    expect(explanation(recorder, 'dtls-not-completed')).toMatch(/ICE connected .*, but DTLS was still connecting 6 s later: .*The caller's SDP said a=setup:actpass, the callee's side \(192\.0\.2\.50:30000\) a=setup:passive: the caller's side is the DTLS client .* getStats says the caller \(we\) acted as DTLS client/);
    expect(codes(liveCall(() => ({ dtlsState: 'connecting' }), { until: 3000 }))).toEqual([]);
    expect(explanation(liveCall(() => ({ dtlsState: 'failed' }), { setup: 'actpass' }), 'dtls-not-completed')).toMatch(/an answer must choose active or passive, never actpass/);
  });
});
