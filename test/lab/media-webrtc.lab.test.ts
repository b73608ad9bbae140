// The WebRTC engine against a second engine in the same process (libwebrtc
// both sides, over loopback and the machine's own addresses): early media
// through a provisional answer, Opus and PCMU, the echo, hold by re-offer, no
// DTMF sender, and the failures the verdicts name — ICE that never connects,
// DTLS that never completes — produced for real by spoiling the answer.
import { describe, expect, it } from 'vitest';
import { mediaVerdicts } from '../../src/media/measure/verdicts.js';
import { MediaEngine } from '../../src/media/media-engine.js';
import type { MediaSession } from '../../src/media/media-session.js';

const engine = new MediaEngine();

/** Polls an async check on the wall clock until it holds. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function pair(a: MediaSession, b: MediaSession, spoil: (sdp: string) => string = (s) => s): Promise<void> {
  const offer = await a.createOffer();
  const answer = await b.createAnswer(spoil(offer));
  await a.applyFinalAnswer(spoil(answer));
}

const withoutCandidates = (sdp: string) => sdp.split('\r\n').filter((l) => !l.startsWith('a=candidate:')).join('\r\n');

describe('the WebRTC engine against a second one', () => {
  it('early media through a provisional answer, then the answer; Opus both ways, the echo at the tone\'s level', async () => {
    const a = engine.createSession({ kind: 'webrtc', play: { kind: 'tone', frequencyHz: 700, levelDbov: -20 } });
    const b = engine.createSession({ kind: 'webrtc', play: { kind: 'echo' } });
    try {
      const offer = await a.createOffer();
      expect(offer).toMatch(/^m=audio \d+ UDP\/TLS\/RTP\/SAVPF 111 0 8 /m);
      expect(offer).toMatch(/^a=setup:actpass\r$/m);
      expect(offer).toMatch(/^a=candidate:.* 127\.0\.0\.1 \d+ typ host/m);
      const answer = await b.createAnswer(offer);
      await a.applyProvisionalAnswer(answer);
      await until(async () => (await a.measure()).received.level.audibleSeconds > 0.3, 'early audio');
      a.markAnswered();
      await a.applyFinalAnswer(answer);
      await until(async () => (await a.measure()).received.level.audibleSeconds > 1, 'audio after the answer');
      const m = await a.measure();
      expect(m).toMatchObject({ kind: 'webrtc', negotiated: true, codec: 'opus/48000/2', direction: 'sendrecv' });
      expect(m.transport).toMatchObject({ iceState: 'connected', dtlsState: 'connected', dtlsRole: 'server', localSetup: 'actpass', remoteSetup: 'active' });
      expect(m.received.beforeAnswer!.packets).toBeGreaterThan(0);
      expect(Math.abs(m.received.level.meanDbov! - -20)).toBeLessThan(1.5);
      expect(mediaVerdicts(m, { startedAt: 0 })[0]!.code).toBe('two-way-audio');
      await expect(a.sendDtmf('1')).rejects.toThrow('the WebRTC engine (@roamhq/wrtc) has no DTMF sender (RTCDTMFSender): send the digits as SIP INFO');

      // Hold: we offer sendonly, the answer is recvonly, the peer stops sending.
      const hold = await a.createOffer({ direction: 'sendonly' });
      expect(hold).toMatch(/^a=sendonly\r$/m);
      const held = await b.createAnswer(hold);
      expect(held).toMatch(/^a=recvonly\r$/m);
      await a.applyFinalAnswer(held);
      expect((await a.measure()).direction).toBe('sendonly');
    } finally {
      a.close();
      b.close();
    }
    const [fa, fb] = await Promise.all([a.closed, b.closed]);
    expect(fa.sent.packets).toBeGreaterThan(50);
    expect(fb.sending).toBe('echo of the received audio');
    expect(engine.sessions).toEqual([]);
  });

  it('PCMU when asked for: the 8 kHz audio out of the sink is measured like any other; silence sent is silence received', async () => {
    const a = new MediaEngine({ webrtc: { codecs: ['PCMU'] } }).createSession({ kind: 'webrtc', play: { kind: 'tone' } });
    const b = engine.createSession({ kind: 'webrtc', play: { kind: 'silence' } });
    try {
      await pair(a, b);
      await until(async () => (await b.measure()).received.level.audibleSeconds > 0.5, 'audio at b');
      const mb = await b.measure();
      expect(mb.codec).toBe('PCMU/8000');
      expect(Math.abs(mb.received.level.meanDbov! - -15)).toBeLessThan(1);
      // b sends silence: a gets packets, but hears nothing.
      await until(async () => (await a.measure()).received.packets > 25, 'packets at a');
      expect(mediaVerdicts(await a.measure(), { startedAt: 0 })[0]!.code).toBe('silence-received');
    } finally {
      a.close();
      b.close();
    }
    await Promise.all([a.closed, b.closed]);
  });

  it('offer and answer without candidates: ICE never connects, and the verdict says so', async () => {
    const a = engine.createSession({ kind: 'webrtc' });
    const b = engine.createSession({ kind: 'webrtc' });
    // One side's candidates would do: its checks teach the other a peer-reflexive candidate (RFC 8445 §7.3.1.3).
    await pair(a, b, withoutCandidates);
    await new Promise((r) => setTimeout(r, 1000));
    a.close();
    b.close();
    const final = await a.closed;
    await b.closed;
    expect(final.transport).toMatchObject({ remoteCandidates: 0 });
    expect(final.transport!.iceConnectedAt).toBeUndefined();
    expect(mediaVerdicts(final, { startedAt: 0 })[0]).toMatchObject({ code: 'ice-failed', text: expect.stringMatching(/^ICE failed: no candidate pair worked/) });
  });

  it('a fingerprint changed on the way (RFC 8122): ICE connects, DTLS fails, the verdict gives the roles', async () => {
    const a = engine.createSession({ kind: 'webrtc' });
    const b = engine.createSession({ kind: 'webrtc' });
    const offer = await a.createOffer();
    const answer = await b.createAnswer(offer);
    // The answerer's certificate no longer matches the fingerprint the offerer checks it against.
    const spoiled = answer.replace(/^(a=fingerprint:sha-256 )([0-9A-F]{2})/m, (_, head: string, byte: string) => `${head}${byte === '00' ? '01' : '00'}`);
    expect(spoiled).not.toBe(answer);
    await a.applyFinalAnswer(spoiled);
    await until(async () => (await a.measure()).transport?.iceConnectedAt !== undefined, 'ICE');
    await until(async () => (await a.measure()).transport?.dtlsState === 'failed', 'DTLS to fail');
    a.close();
    b.close();
    const final = await a.closed;
    await b.closed;
    expect(final.transport!.dtlsConnectedAt).toBeUndefined();
    expect(mediaVerdicts(final, { startedAt: 0 })[0]).toEqual({
      code: 'dtls-failed', severity: 'error',
      text: 'DTLS did not complete (DTLS failed): we were the DTLS server (a=setup:actpass), the peer the client (a=setup:active)',
    });
  });
});
