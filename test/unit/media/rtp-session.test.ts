// Two plain RTP sessions on loopback, wired by their own offer and answer:
// a tone one way, its echo back, RFC 4733 digits, RTCP reports both ways,
// hold by re-offer, a recording, and a clean close.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseWav } from '../../../src/media/audio/wav.js';
import { rmsDbov } from '../../../src/media/audio/audio-frame.js';
import { RtpMediaSession } from '../../../src/media/rtp/rtp-media-session.js';

const dir = mkdtempSync(join(tmpdir(), 'callscope-rtp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Polls an async check on the wall clock until it holds. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('plain RTP sessions', () => {
  it('tone out, echo back, digits, RTCP both ways, recording, close', async () => {
    const record = join(dir, 'b.wav');
    const a = new RtpMediaSession({ play: { kind: 'tone', frequencyHz: 440, levelDbov: -20 }, rtcpIntervalMs: 200 });
    const b = new RtpMediaSession({ play: { kind: 'echo' }, record, rtcpIntervalMs: 200 });
    const digits: string[] = [];
    b.onDtmf((d) => digits.push(d));
    try {
      const offer = await a.createOffer();
      expect(offer).toMatch(/^m=audio \d+ RTP\/AVP 0 8 101\r$/m);
      const answer = await b.createAnswer(offer);
      expect(answer).toMatch(/^m=audio \d+ RTP\/AVP 0 101\r$/m);
      await a.applyFinalAnswer(answer);
      b.markAnswered();
      await until(async () => (await a.measure()).received.level.audibleSeconds > 0.5, 'the echo');
      await a.sendDtmf('1#');
      await until(async () => (await a.measure()).peer?.roundTripMs !== undefined && (await b.measure()).peer !== undefined, 'RTCP reports');
      const ma = await a.measure();
      expect(ma).toMatchObject({ kind: 'rtp', negotiated: true, codec: 'PCMU/8000', direction: 'sendrecv', sending: 'tone 440 Hz at -20 dBov' });
      expect(ma.received.lost).toBe(0);
      // The echo comes back at the tone's level (G.711 twice costs a fraction of a dB).
      expect(Math.abs(ma.received.level.meanDbov! - -20)).toBeLessThan(0.5);
      expect(ma.sent.level.meanDbov).toBeCloseTo(-20, 0);
      expect(ma.peer!.reports).toBeGreaterThan(0);
      expect(ma.peer!.roundTripMs).toBeGreaterThanOrEqual(0);
      expect(ma.rtcp!.received).toBeGreaterThan(0);
      expect(digits.join('')).toBe('1#');
      const mb = await b.measure();
      expect(mb.dtmfReceived).toBe('1#');
      expect(mb.sending).toBe('echo of the received audio');
      expect(mb.received.beforeAnswer).toEqual({ packets: expect.any(Number), audibleSeconds: expect.any(Number) });

      // Hold: a re-offer sendonly; the answer is recvonly and B stops sending.
      const hold = await a.createOffer({ direction: 'sendonly' });
      expect(hold).toMatch(/^o=callscope \d+ 2 /m);
      expect(hold).toMatch(/^a=sendonly\r$/m);
      const holdAnswer = await b.createAnswer(hold);
      expect(holdAnswer).toMatch(/^a=recvonly\r$/m);
      await a.applyFinalAnswer(holdAnswer);
      const sentAtHold = (await b.measure()).sent.packets;
      await new Promise((r) => setTimeout(r, 200));
      expect((await b.measure()).sent.packets).toBe(sentAtHold);
    } finally {
      a.close();
      b.close();
    }
    const [fa, fb] = await Promise.all([a.closed, b.closed]);
    expect(fa.sent.packets).toBeGreaterThan(20);
    expect(fb.recording).toEqual({ path: record, seconds: expect.any(Number) });
    const wav = parseWav(readFileSync(record));
    expect(wav).not.toBeTypeOf('string');
    const audio = wav as { sampleRate: number; samples: Int16Array };
    expect(audio.sampleRate).toBe(8000);
    expect(audio.samples.length / 8000).toBeCloseTo(fb.recording!.seconds, 1);
    expect(rmsDbov(audio.samples.subarray(800, 4000))).toBeCloseTo(-20, 0);
  });

  it('answers an offer it cannot take with the stream rejected (port 0), and says why', async () => {
    const s = new RtpMediaSession();
    const offer = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n';
    const answer = await s.createAnswer(offer);
    expect(answer).toMatch(/^m=audio 0 UDP\/TLS\/RTP\/SAVPF 111\r$/m);
    s.close();
    const final = await s.closed;
    expect(final.problems).toEqual(['the offer cannot be taken: it is UDP/TLS/RTP/SAVPF (WebRTC: ICE and DTLS-SRTP), and this is a plain RTP session']);
    expect(final.negotiated).toBe(false);
  });
});
