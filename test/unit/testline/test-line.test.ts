// The test line as a service, on 127.0.0.1 with Callscope's own user agent as the phone
// (ws://, digest, plain-RTP media from the media engine): registration only with its
// credentials, calls only from a registered flow or with credentials, 404 with the
// directory for an unknown number, and the service numbers doing what the directory says.
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { StaticSdpHandler } from '../../../src/ua/sdp/static-sdp.js';
import { UserAgent } from '../../../src/ua/user-agent.js';
import type { CallEnded } from '../../../src/ua/call/types.js';
import type { IncomingCall } from '../../../src/ua/call/incoming-call.js';
import { concatSamples, rms } from '../../../src/media/audio/audio-frame.js';
import { toneShare } from '../../support/goertzel.js';
import { waitFor } from '../../support/wait-for.js';
import { T1, ladder, useLine } from './line-harness.js';

const { start, phone } = useLine();

/** Start lines of what the phone received, in order. */
function received(p: { recorder: { model(): { messages: readonly { direction: string; startLine: string }[] } } }): string[] {
  return p.recorder.model().messages.filter((m) => m.direction === 'received').map((m) => m.startLine);
}

describe('the test line: registration and access', { timeout: 20_000 }, () => {
  it('listens on loopback on a secret path, and registers a phone with its digest credentials (401 first)', async () => {
    const line = await start();
    expect(line.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/sip\/[A-Za-z0-9_-]{24}$/);
    expect(line.credentials.password.length).toBeGreaterThanOrEqual(24);
    const p = await phone(line);
    expect(p.ua.registration?.state.name).toBe('registered');
    expect(received(p).filter((l) => l.startsWith('SIP/2.0 4') || l.startsWith('SIP/2.0 2'))).toEqual(['SIP/2.0 401 Unauthorized', 'SIP/2.0 200 OK']);
    expect(line.registrations).toBe(1);
  });

  it('refuses a wrong password, and another path at the WebSocket upgrade', async () => {
    const line = await start();
    const wrong = await UserAgent.start({ server: line.url, user: 'phone', password: 'not-it', register: true, t1: T1 });
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.error).toMatch(/registration of sip:phone@127\.0\.0\.1 failed: .*401/);
    const guessed = line.url.replace(/\/sip\/.*$/, '/sip/guess');
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(guessed, 'sip');
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('error', () => resolve(-1));
    });
    expect(status).toBe(404);
    expect(line.registrations).toBe(0);
  });

  it('a phone that did not register is challenged for its call (401), and gets in with the credentials', async () => {
    const line = await start();
    const p = await phone(line, { register: false });
    const call = p.ua.agent.call(p.ua.target('busy'));
    expect(await call.ended).toMatchObject({ cause: 'rejected', status: 486 });
    expect(received(p).filter((l) => /^SIP\/2\.0 [2-6]/.test(l))).toEqual(['SIP/2.0 401 Unauthorized', 'SIP/2.0 486 Busy Here']);
    const stranger = await phone(line, { register: false, password: 'wrong' });
    const refused = stranger.ua.agent.call(stranger.ua.target('echo'));
    expect(await refused.ended).toMatchObject({ cause: 'auth-failed', status: 401 });
  });

  it('an unknown number: 404, with the directory in a Warning', async () => {
    const line = await start();
    const p = await phone(line);
    const call = p.ua.agent.call(p.ua.target('pizza'));
    expect(await call.ended).toMatchObject({ cause: 'rejected', status: 404 });
    const notFound = p.recorder.model().messages.find((m) => m.startLine.startsWith('SIP/2.0 404'))!;
    const text = Buffer.from(notFound.raw).toString('latin1');
    expect(text).toMatch(/^Warning: 399 127\.0\.0\.1 "Numbers: echo, ring, busy, slow, forked, callback, no-ack, no-prack, trying-tag, silent, bad-contact, one-way, no-dtls"\r$/m);
  });
});

describe('the test line: service numbers', { timeout: 20_000 }, () => {
  it('echo: a reliable 183 with SDP and the chime as early media, PRACK, then 200 OK, then your own 1 kHz tone back', async () => {
    const line = await start();
    const p = await phone(line);
    const media = p.engine.createSession({ kind: 'rtp', play: { kind: 'tone', frequencyHz: 1000, levelDbov: -12 } });
    const heard: { at: number; samples: Int16Array }[] = [];
    media.onAudio((frame) => heard.push({ at: p.ua.endpoint.clock.now(), samples: frame.samples }));
    const call = p.ua.agent.call(p.ua.target('echo'), { sdp: media });
    const answered = await new Promise<number>((resolve) => call.on('answered', (e) => resolve(e.at)));
    media.markAnswered();
    await waitFor(() => heard.filter((h) => h.at > answered + 1000).length > 50, 'a second of echo', 8000);
    call.hangup();
    await call.ended;
    // Early media: the chime, whose last audible 0.25 s is its last note (G5), not our tone.
    const early = concatSamples(heard.filter((h) => h.at < answered && rms(h.samples) > 500).map((h) => h.samples));
    const echoed = concatSamples(heard.filter((h) => h.at > answered + 300).map((h) => h.samples));
    expect(early.length).toBeGreaterThan(8000 * 0.7);
    expect(toneShare(early.subarray(-2000), 8000, 783.99)).toBeGreaterThan(0.5);
    expect(toneShare(echoed, 8000, 1000)).toBeGreaterThan(0.6);
    expect(ladder(p, call.callId, { repeats: false })).toEqual([
      '→ INVITE', '← 183 Session Progress', '→ PRACK', '← 200 OK', '← 200 OK', '→ ACK', '→ BYE', '← 200 OK',
    ]);
    // The INVITE client transaction as the README describes it (RFC 6026: Accepted after the 2xx).
    const invite = p.model(call.callId).transactions.find((t) => t.method === 'INVITE')!;
    expect(invite.states.map((s) => s.to)).toEqual(['Proceeding', 'Accepted', 'Terminated']);
    expect(p.codes(call.callId)).toEqual([]);
  });

  it('busy: 486 at once; ring: 180 until we hang up (CANCEL, 487)', async () => {
    const line = await start();
    const p = await phone(line);
    const busy = p.ua.agent.call(p.ua.target('busy'));
    expect(await busy.ended).toMatchObject({ cause: 'rejected', status: 486 });
    const ring = p.ua.agent.call(p.ua.target('ring'));
    await new Promise((resolve) => ring.on('ringing', resolve));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ring.isEnded).toBe(false);
    ring.hangup();
    expect(await ring.ended).toMatchObject({ cause: 'cancelled', status: 487 });
    expect(p.codes(busy.callId)).toEqual([]);
    expect(p.codes(ring.callId)).toEqual([]);
  });

  it('ring gives up by itself after its time: 480', async () => {
    const line = await start({ timing: { ringForMs: 300 } });
    const p = await phone(line);
    const ring = p.ua.agent.call(p.ua.target('ring'));
    expect(await ring.ended).toMatchObject({ cause: 'rejected', status: 480 });
  });

  it('slow: 100 Trying at once, 180 after the delay, then the answer: post-dial-delay', async () => {
    const line = await start();
    const p = await phone(line);
    const call = p.ua.agent.call(p.ua.target('slow'), { sdp: new StaticSdpHandler() });
    const times: Record<string, number> = {};
    call.on('trying', (e) => { times.trying = e.at; });
    call.on('ringing', (e) => { times.ringing = e.at; });
    const answered = await new Promise<number>((resolve) => call.on('answered', (e) => resolve(e.at)));
    const invite = p.recorder.model().messages.find((m) => m.startLine.startsWith('INVITE'))!.at;
    expect(times.trying! - invite).toBeLessThan(400);
    expect(times.ringing! - invite).toBeGreaterThanOrEqual(600);
    expect(answered).toBeGreaterThanOrEqual(times.ringing! + 100);
    call.hangup();
    await call.ended;
    expect(p.codes(call.callId)).toEqual(['post-dial-delay']);
  });

  it('forked: a 180 from one early dialog, a reliable 183 with SDP from another, which answers', async () => {
    const line = await start();
    const p = await phone(line);
    const media = p.engine.createSession({ kind: 'rtp', play: { kind: 'tone', frequencyHz: 1000 } });
    const call = p.ua.agent.call(p.ua.target('forked'), { sdp: media });
    const answered = await new Promise<string>((resolve) => call.on('answered', (e) => resolve(e.dialog)));
    expect(call.dialogs.size).toBe(2);
    const [ringingTag, answeringTag] = [...call.dialogs.keys()];
    expect(answered).toContain(answeringTag);
    expect(ringingTag).not.toBe(answeringTag);
    call.hangup();
    await call.ended;
    const model = p.model(call.callId);
    expect(model.dialogs.map((d) => d.state).sort()).toEqual(['early', 'terminated']);
    expect(model.findings).toEqual([]);
  });

  it('callback: answered, the chime, the line\'s BYE, then the line calls the phone back over its registration', async () => {
    const line = await start();
    const p = await phone(line);
    const incoming = new Promise<IncomingCall>((resolve) => p.ua.agent.onIncomingCall(resolve));
    const media = p.engine.createSession({ kind: 'rtp', play: { kind: 'tone', frequencyHz: 1000 } });
    const call = p.ua.agent.call(p.ua.target('callback'), { sdp: media });
    const first: CallEnded = await call.ended;
    expect(first).toMatchObject({ cause: 'hangup-remote' });
    const back = await incoming;
    expect(back.invite.from.uri).toMatchObject({ user: 'callback' });
    expect(back.invite.requestUri).toMatchObject({ user: 'phone' });
    expect(back.invite.to.uri).toMatchObject({ user: 'phone' });
    expect(back.offer).toMatch(/RTP\/AVP/);
    await back.answer();
    await new Promise((resolve) => setTimeout(resolve, 200));
    back.hangup();
    expect(await back.ended).toMatchObject({ cause: 'hangup-local', byeStatus: 200 });
    expect(p.codes(call.callId)).toEqual([]);
    expect(p.codes(back.callId)).toEqual([]);
  });
});

