// The test line's fault numbers, each called by Callscope's own phone: the call goes as
// the directory says, and the phone's own diagnostics model (its stream, as the panel
// builds it) names exactly the finding the directory promises, and nothing else.
import { describe, expect, it } from 'vitest';
import { mediaVerdicts } from '../../../src/media/measure/verdicts.js';
import { TEST_LINE_DIRECTORY } from '../../../src/testline/directory.js';
import type { TestLineCallSummary } from '../../../src/testline/test-line.js';
import { StaticSdpHandler } from '../../../src/ua/sdp/static-sdp.js';
import { sdpDirection } from '../../../src/ua/sdp/media-direction.js';
import { waitFor } from '../../support/wait-for.js';
import { T1, ladder, useLine } from './line-harness.js';

const { start, phone } = useLine();

const promised = (number: string) => TEST_LINE_DIRECTORY.find((n) => n.number === number)!.finding;

describe('the test line: fault numbers, each with exactly its finding', { timeout: 20_000 }, () => {
  it('no-ack: the 200 OK goes on after our ACK, then the line\'s BYE at 64·T1: missing-ack', async () => {
    const ended: TestLineCallSummary[] = [];
    const line = await start({ onCallEnded: (s) => ended.push(s) });
    const p = await phone(line);
    const call = p.ua.agent.call(p.ua.target('no-ack'), { sdp: new StaticSdpHandler() });
    const end = await call.ended;
    expect(end).toMatchObject({ cause: 'hangup-remote' });
    const steps = ladder(p, call.callId);
    expect(steps.filter((s) => s === '← 200 OK').length).toBeGreaterThanOrEqual(5);
    expect(steps.filter((s) => s === '→ ACK').length).toBeGreaterThanOrEqual(5);
    expect(steps.slice(-2)).toEqual(['← BYE', '→ 200 OK']);
    expect(p.codes(call.callId)).toEqual([promised('no-ack')]);
    await waitFor(() => ended.length === 1, 'the line\'s end of the call');
    expect(ended).toMatchObject([{ number: 'no-ack', cause: 'no-ack' }]);
  });

  it('no-prack: our PRACK gets 200, the reliable 183 goes on, 504 at 64·T1: missing-prack', async () => {
    const line = await start();
    const p = await phone(line);
    const call = p.ua.agent.call(p.ua.target('no-prack'), { sdp: new StaticSdpHandler() });
    expect(await call.ended).toMatchObject({ cause: 'rejected', status: 504 });
    const steps = ladder(p, call.callId);
    expect(steps.slice(0, 4)).toEqual(['→ INVITE', '← 183 Session Progress', '→ PRACK', '← 200 OK']);
    expect(steps.filter((s) => s === '← 183 Session Progress').length).toBeGreaterThanOrEqual(5);
    expect(steps.filter((s) => s === '→ PRACK')).toHaveLength(1);
    expect(p.codes(call.callId)).toEqual([promised('no-prack')]);
  });

  it('no-prack to a caller without 100rel: 421 Extension Required, no call', async () => {
    const line = await start();
    const p = await phone(line, { reliableProvisionals: 'off' });
    const call = p.ua.agent.call(p.ua.target('no-prack'), { sdp: new StaticSdpHandler() });
    expect(await call.ended).toMatchObject({ cause: 'rejected', status: 421 });
  });

  it('trying-tag: a 100 Trying with a To tag, then 180 and the answer: trying-with-to-tag', async () => {
    const line = await start();
    const p = await phone(line);
    const call = p.ua.agent.call(p.ua.target('trying-tag'), { sdp: new StaticSdpHandler() });
    await new Promise((resolve) => call.on('answered', resolve));
    call.hangup();
    expect(await call.ended).toMatchObject({ cause: 'hangup-local', byeStatus: 200 });
    expect(ladder(p, call.callId).slice(0, 3)).toEqual(['→ INVITE', '← 100 Trying', '← 180 Ringing']);
    expect(p.codes(call.callId)).toEqual([promised('trying-tag')]);
  });

  it('silent: nothing comes back, not even 100 Trying; Timer B ends the call as a 408: no-provisional', async () => {
    const line = await start();
    const p = await phone(line);
    const call = p.ua.agent.call(p.ua.target('silent'), { sdp: new StaticSdpHandler() });
    const end = await call.ended;
    expect(end).toMatchObject({ cause: 'timeout', status: 408 });
    expect(ladder(p, call.callId)).toEqual(['→ INVITE']);
    const invite = p.model(call.callId).transactions[0]!;
    expect(invite.timers.some((t) => t.timer === 'B' && t.event === 'fired')).toBe(true);
    expect(p.codes(call.callId)).toEqual([promised('silent')]);
    expect(64 * T1).toBeLessThan(2000);
  });

  it('bad-contact: the 200 OK\'s Contact is 10.0.0.7 (no ob); over the WebSocket the ACK and BYE still arrive: unroutable-contact', async () => {
    const line = await start();
    const p = await phone(line);
    const call = p.ua.agent.call(p.ua.target('bad-contact'), { sdp: new StaticSdpHandler() });
    await new Promise((resolve) => call.on('answered', resolve));
    call.hangup();
    expect(await call.ended).toMatchObject({ cause: 'hangup-local', byeStatus: 200 });
    const model = p.model(call.callId);
    expect(model.dialogs[0]!.calleeContact).toMatch(/^sip:testline@10\.0\.0\.7:\d+;transport=ws$/);
    expect(p.codes(call.callId)).toEqual([promised('bad-contact')]);
  });

  it('one-way: the answer says sendrecv, no RTP comes: the phone\'s verdict is one-way audio, outbound only; no SIP finding', async () => {
    const line = await start();
    const p = await phone(line);
    const media = p.engine.createSession({ kind: 'rtp', play: { kind: 'tone', frequencyHz: 1000 } });
    const started = p.ua.endpoint.clock.now();
    const call = p.ua.agent.call(p.ua.target('one-way'), { sdp: media });
    const answer = await new Promise<string>((resolve) => call.on('answered', (e) => resolve(e.sdp ?? '')));
    media.markAnswered();
    expect(sdpDirection(answer)).toBe('sendrecv');
    await new Promise((resolve) => setTimeout(resolve, 600));
    const measured = await media.measure();
    call.hangup();
    await call.ended;
    const [verdict] = mediaVerdicts(measured, { startedAt: started });
    expect({ verdict: verdict!.code, flowing: verdict!.flowing }).toEqual(TEST_LINE_DIRECTORY.find((n) => n.number === 'one-way')!.media);
    expect(measured.sent.packets).toBeGreaterThan(10);
    expect(p.codes(call.callId)).toEqual([]);
  });

  it('no-dtls needs a WebRTC offer: a plain RTP one gets 488 and says why', async () => {
    const line = await start();
    const p = await phone(line);
    const call = p.ua.agent.call(p.ua.target('no-dtls'), { sdp: new StaticSdpHandler() });
    const end = await call.ended;
    expect(end).toMatchObject({ cause: 'rejected', status: 488 });
    expect(end.reason).toMatch(/needs a WebRTC offer/);
  });
});
