// Attended transfer (RFC 5589 §7.1, RFC 3891 Replaces) between three
// Callscope user agents through the lab's Kamailio and rtpengine, and DTMF
// by SIP INFO from Callscope to a SIPp far end that checks every body, sent
// by a UA whose out-of-dialog requests carry the outbound proxy as a
// preloaded Route (RFC 3261 §8.1.2).
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingCall } from '../../src/ua/call/incoming-call.js';
import type { Call } from '../../src/ua/call/types.js';
import { Registration, newInstanceId } from '../../src/ua/registration/registration.js';
import { type LabUa, reached, udpUa, within, wssUa } from './calls-lab-helpers.js';
import { parseSippTrace } from './sipp-trace.js';
import { useLab } from './vitest-lab.js';

const lab = useLab({ name: 'calls-transfer-dtmf' });
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function until<T>(get: () => T | undefined, what: string): Promise<T> {
  return within((async () => {
    for (;;) {
      const value = get();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 10));
    }
  })(), what);
}

/** A Callscope UA registered over WSS as `user`, answering the first call it gets (the agent answers a replacing one itself). */
async function registered(user: string): Promise<LabUa & { calls: IncomingCall[] }> {
  const account = lab().account(user);
  const ua = await wssUa(lab(), { user, password: account.password });
  const registration = new Registration({
    endpoint: ua.endpoint, aor: `sip:${user}@callscope.lab`, credentials: { username: user, password: account.password },
    instanceId: newInstanceId(),
  });
  closers.push(async () => {
    await registration.stop({ timeoutMs: 2000 });
    await ua.close();
  });
  expect((await within(registration.start(), 'registration')).name).toBe('registered');
  const calls: IncomingCall[] = [];
  ua.agent.onIncomingCall((call) => {
    calls.push(call);
    if (calls.length === 1) void call.answer();
  });
  return { ...ua, calls };
}

describe('attended transfer through Kamailio', () => {
  it('A (WSS) calls B (UDP) and C (registered over WSS); A transfers B to C with Replaces; C takes B\'s INVITE in place of A\'s call; B and C talk; A\'s calls end', async () => {
    const b = await udpUa(lab());
    closers.push(() => b.close());
    const bCalls: IncomingCall[] = [];
    b.agent.onIncomingCall((call) => {
      bCalls.push(call);
      void call.answer();
    });
    const c = await registered('carol');
    const a = await wssUa(lab());
    closers.push(() => a.close());
    const toB = a.agent.call(lab().farEndUri(b.port));
    const toC = a.agent.call('sip:carol@callscope.lab');
    await Promise.all([reached(toB, 'answered', 'B\'s answer'), reached(toC, 'answered', 'C\'s answer')]);
    const fromA = await until(() => bCalls[0], 'A\'s call at B');
    if (fromA.state !== 'confirmed') await reached(fromA, 'confirmed', 'the ACK at B');
    const cFirst = c.calls[0]!;
    if (cFirst.state !== 'confirmed') await reached(cFirst, 'confirmed', 'the ACK at C');
    let bNew: Call | undefined;
    fromA.on('transfer-call', (e) => { bNew = e.call; });
    const replacedBy = reached(cFirst, 'replaced', 'the replacement at C');

    expect(await within(toB.transferTo(toC), 'the transfer')).toEqual({ ok: true, status: 200, reason: 'OK' });

    // The REFER named C by its address of record (its Contact is a WebSocket .invalid host) with Replaces.
    const [refer] = a.requests('REFER');
    expect(refer!.getHeader('Refer-To')!.value).toMatch(/^<sip:carol@callscope\.lab\?Replaces=[^>]+%3Bto-tag%3D[^>]+%3Bfrom-tag%3D[^>]+>$/);
    // B's INVITE reached C through Kamailio with the Replaces header naming C's dialog with A.
    const cSecond = await until(() => c.calls[1], 'B\'s INVITE at C');
    const replacing = c.requests('INVITE', 'received')[1]!;
    expect(replacing.getHeader('Replaces')!.value).toBe(`${cFirst.callId};to-tag=${cFirst.dialog.id.localTag};from-tag=${cFirst.dialog.id.remoteTag}`);
    expect(replacing.getHeader('Referred-By')!.value).toMatch(/^<sip:callscope@/);
    expect(cSecond.replaces).toBe(cFirst);
    expect((await replacedBy).by).toBe(cSecond);
    // C never rang for it, and ended its call with A by BYE.
    expect(c.responses(180, 'sent').filter((r) => r.callId === cSecond.callId)).toEqual([]);
    expect(await within(cFirst.ended, 'the end of C\'s call with A')).toMatchObject({ cause: 'replaced', byeStatus: 200 });
    expect(await within(fromA.ended, 'the end of B\'s call with A')).toMatchObject({ cause: 'transferred', byeStatus: 200 });
    expect(await within(toB.ended, 'the end of A\'s call with B')).toMatchObject({ cause: 'transferred' });
    expect(await within(toC.ended, 'the end of A\'s call with C')).toMatchObject({ cause: 'transferred' });

    // B and C talk, through rtpengine; B hangs up.
    expect(bNew?.state).toBe('answered');
    expect(cSecond.state).toBe('confirmed');
    bNew!.hangup();
    expect(await within(cSecond.ended, 'the end of B\'s call with C')).toMatchObject({ cause: 'hangup-remote' });
  });
});

describe('DTMF by INFO, and the outbound proxy as a preloaded Route, through Kamailio', () => {
  it('a UA with Route <sip:kamailio;lr> registers and calls a SIPp far end; "5#" arrives as two application/dtmf-relay INFOs that SIPp checks', async () => {
    const route = `sip:127.0.0.1:${lab().proxy.ports.udp};lr`;
    const account = lab().account('dave');
    const ua = await udpUa(lab(), { preloadedRoute: [route] });
    closers.push(() => ua.close());
    const registration = new Registration({
      endpoint: ua.endpoint, aor: 'sip:dave@callscope.lab', credentials: { username: 'dave', password: account.password }, instanceId: newInstanceId(),
    });
    expect((await within(registration.start(), 'registration')).name).toBe('registered');
    closers.push(() => registration.stop({ timeoutMs: 2000 }));
    const farEnd = await lab().startUas('uas-dtmf-info');
    const call = ua.agent.call(lab().farEndUri(farEnd.port));
    await reached(call, 'answered', 'the answer');
    expect(await within(call.sendDtmf('5#', { method: 'info', durationMs: 120 }), 'the tones')).toEqual({ ok: true, sent: 2 });
    call.hangup();
    expect(await within(call.ended, 'the end of the call')).toMatchObject({ cause: 'hangup-local', byeStatus: 200 });
    expect((await farEnd.result).explanation).toBe('');

    // What SIPp matched, in the 200s to the INFOs.
    const heard = ua.responses(200).filter((r) => r.cseq.method === 'INFO').map((r) => r.getHeader('X-Dtmf-Heard')?.value);
    expect(heard).toEqual(['Signal=5;Duration=120;application/dtmf-relay', 'Signal=#;Duration=120;application/dtmf-relay']);
    const infos = parseSippTrace(farEnd.messageLog()).filter((e) => e.direction === 'received' && e.startLine.startsWith('INFO '));
    expect(infos).toHaveLength(2);
    // The REGISTER and the INVITE carried the preloaded Route; Kamailio took it off before the far end.
    for (const method of ['REGISTER', 'INVITE']) expect(ua.requests(method)[0]!.getHeader('Route')!.value).toBe(`<${route}>`);
    expect(ua.requests('BYE')[0]!.getHeader('Route')?.value).not.toBe(`<${route}>`);
    const invite = parseSippTrace(farEnd.messageLog()).find((e) => e.direction === 'received' && e.startLine.startsWith('INVITE '))!;
    expect(invite.text).not.toContain(`Route: <${route}>`);
  });
});
