// Session timers (RFC 4028): the caller asks (Session-Expires in the INVITE,
// Supported: timer), the callee answers with the interval, refresher=uac
// and Require: timer; the refresher refreshes at half the interval (UPDATE
// when the peer allows it, else a re-INVITE with the unchanged session); the
// other side sends BYE min(32 s, interval/3) before the end when no refresh
// comes; 422 with Min-SE is answered with a new INVITE; a caller asking
// refresher=uas makes the callee refresh, the roles following each
// refresh transaction.
import { describe, expect, it } from 'vitest';
import { MIN_SESSION_INTERVAL, SessionTimer, sessionIntervalTooSmall } from '../../../src/ua/mid-call/session-timer.js';
import { dropping, gaps, responseTimes, sendTimes } from './call-harness.js';
import { aliceDialog, collect, connected, sendRaw, version } from './mid-call-harness.js';

describe('session timers (RFC 4028)', () => {
  it('the caller asks; the callee answers refresher=uac with Require: timer; the caller refreshes with UPDATE every half interval', async () => {
    const c = await connected({ sessionExpires: 120 });
    const invite = c.alice.requests('INVITE')[0]!;
    expect(invite.supported).toEqual(['100rel', 'timer']);
    expect(invite.getHeader('Session-Expires')!.value).toBe('120');
    const ok = c.bob.responses(200, 'INVITE')[0]!;
    expect(ok.getHeader('Session-Expires')!.value).toBe('120;refresher=uac');
    expect(ok.require).toEqual(['timer']);
    expect(c.call.sessionTimer).toEqual({ interval: 120, refresher: 'local' });
    expect(c.incoming.sessionTimer).toEqual({ interval: 120, refresher: 'remote' });
    const bobRefreshed = collect(c.incoming, 'session-refreshed');
    const answeredAt = responseTimes(c.bob, 200, 'INVITE')[0]! + 1;
    await c.advance(125_000, 50);
    const updates = c.alice.requests('UPDATE');
    expect(updates).toHaveLength(2);
    // The clock moves in 50 ms steps here; the refresh leaves within the step its timer fired in.
    const first = sendTimes(c.alice, /^UPDATE /)[0]! - answeredAt;
    expect(first).toBeGreaterThanOrEqual(60_000);
    expect(first).toBeLessThan(60_050);
    // The next interval starts when the 2xx to the refresh arrives (a 2 ms round trip later).
    const [gap] = gaps(sendTimes(c.alice, /^UPDATE /));
    expect(gap).toBeGreaterThanOrEqual(60_000 - 50);
    expect(gap).toBeLessThanOrEqual(60_002 + 50);
    expect(updates[0]!.bodyLength).toBe(0);
    expect(updates[0]!.getHeader('Session-Expires')!.value).toBe('120;refresher=uac');
    expect(updates[0]!.supported).toContain('timer');
    expect(c.bob.responses(200, 'UPDATE')[0]!.getHeader('Session-Expires')!.value).toBe('120;refresher=uac');
    expect(bobRefreshed.map((r) => [r.interval, r.refresher])).toEqual([[120, 'remote'], [120, 'remote']]);
    // A hold re-INVITE is a refresh too, and carries the interval.
    await Promise.all([c.call.hold(), c.advance(10)]);
    expect(c.alice.requests('INVITE')[1]!.getHeader('Session-Expires')!.value).toBe('120;refresher=uac');
    expect(c.call.state).toBe('answered');
    expect(c.incoming.state).toBe('confirmed');
  });

  it('no refresh comes: the other side sends BYE min(32 s, interval/3) before the session expires', async () => {
    const c = await connected({ sessionExpires: 90 });
    c.alice.intercept(dropping(/^UPDATE /));
    await c.advance(61_000, 50);
    const okAt = responseTimes(c.bob, 200, 'INVITE')[0]!;
    // 90 s - min(32 s, 30 s) = 60 s after the 2xx.
    expect(sendTimes(c.bob, /^BYE /)[0]! - okAt).toBe(60_000);
    expect(await c.incoming.ended).toMatchObject({ cause: 'session-expired', byeStatus: 200 });
    expect(c.incoming.endedWith!.reason).toMatch(/RFC 4028 §10/);
    expect(await c.call.ended).toMatchObject({ cause: 'hangup-remote' });
  });

  it('a peer that does not allow UPDATE is refreshed with a re-INVITE carrying the unchanged session (same o= version)', async () => {
    const c = await connected({ sessionExpires: 90 });
    // From now on Bob's messages say he does not allow UPDATE.
    c.bob.intercept((packet) => {
      const text = Buffer.from(packet.data).toString('latin1');
      if (!/^Allow: .*UPDATE/m.test(text)) return 'deliver';
      c.alice.transport.inject(Buffer.from(text.replace(/^(Allow: .*?), UPDATE/m, '$1'), 'latin1'));
      return 'drop';
    });
    const ok = c.bob.responses(200, 'INVITE')[0]!;
    expect(ok.allow).toContain('UPDATE');
    // The first 2xx went through unchanged; have Alice learn Bob's Allow from a re-INVITE's 2xx.
    await Promise.all([c.call.resume(), c.advance(10)]);
    await c.advance(46_000, 50);
    expect(c.alice.requests('UPDATE')).toEqual([]);
    const refresh = c.alice.requests('INVITE')[2]!;
    expect(refresh.getHeader('Session-Expires')!.value).toBe('90;refresher=uac');
    expect(version(refresh.bodyText)).toBe(version(c.alice.requests('INVITE')[1]!.bodyText));
    expect(c.alice.requests('ACK').at(-1)!.cseq.seq).toBe(refresh.cseq.seq);
    expect(c.call.sessionTimer).toEqual({ interval: 90, refresher: 'local' });
  });

  it('422 with Min-SE: a new INVITE (same Call-ID and From tag, CSeq + 1) asks for the Min-SE, and the call is answered', async () => {
    const c = await connected({ sessionExpires: 120, bob: { sessionTimer: { minSe: 1800 } } });
    const [first, second] = c.alice.requests('INVITE');
    const [tooSmall] = c.bob.responses(422, 'INVITE');
    expect(tooSmall!.getHeader('Min-SE')!.value).toBe('1800');
    expect(second!.callId).toBe(first!.callId);
    expect(second!.from.tag).toBe(first!.from.tag);
    expect(second!.cseq.seq).toBe(first!.cseq.seq + 1);
    expect(second!.getHeader('Session-Expires')!.value).toBe('1800');
    expect(second!.getHeader('Min-SE')!.value).toBe('1800');
    expect(c.bob.responses(200, 'INVITE')[0]!.getHeader('Session-Expires')!.value).toBe('1800;refresher=uac');
    expect(c.call.sessionTimer).toEqual({ interval: 1800, refresher: 'local' });
  });

  it('a 422 to a refresh: the UPDATE is sent again with the Min-SE as interval; a refresh below our minimum gets 422', async () => {
    const c = await connected({ sessionExpires: 90 });
    let rewritten = false;
    // Bob's first 200 to an UPDATE becomes, on the way, a 422 asking for 180 s.
    c.bob.intercept((packet) => {
      const text = Buffer.from(packet.data).toString('latin1');
      if (rewritten || !text.startsWith('SIP/2.0 200 ') || !/^CSeq: \d+ UPDATE/m.test(text)) return 'deliver';
      rewritten = true;
      const head = text.slice(0, text.indexOf('\r\n\r\n')).replace(/^SIP\/2\.0 200 OK/, 'SIP/2.0 422 Session Interval Too Small')
        .replace(/\r\nSession-Expires: [^\r]*/, '').replace(/\r\nRequire: [^\r]*/, '');
      c.alice.transport.inject(Buffer.from(`${head}\r\nMin-SE: 180\r\n\r\n`, 'latin1'));
      return 'drop';
    });
    await c.advance(46_000, 50);
    const [first, retry] = c.alice.requests('UPDATE');
    expect(first!.getHeader('Session-Expires')!.value).toBe('90;refresher=uac');
    expect(retry!.getHeader('Session-Expires')!.value).toBe('180;refresher=uac');
    expect(retry!.getHeader('Min-SE')!.value).toBe('180');
    expect(retry!.cseq.seq).toBe(first!.cseq.seq + 1);
    expect(c.call.sessionTimer).toEqual({ interval: 180, refresher: 'local' });
    // §9: a refresh asking less than Bob's minimum (90 s) is refused with 422 and Min-SE.
    const small = sendRaw(c.alice, aliceDialog(c), 'UPDATE', {
      contact: 'sip:alice@127.0.0.1:5060', headers: [{ name: 'Supported', value: 'timer' }, { name: 'Session-Expires', value: '60;refresher=uac' }],
    });
    await c.advance(10);
    const refused = await small.final;
    expect(refused.status).toBe(422);
    expect(refused.getHeader('Min-SE')!.value).toBe('90');
  });

  it('a caller asking refresher=uas: the callee refreshes, as the UAC of its UPDATE (refresher=uac there)', async () => {
    const c = await connected({ headers: [{ name: 'Session-Expires', value: '90;refresher=uas' }] });
    const ok = c.bob.responses(200, 'INVITE')[0]!;
    expect(ok.getHeader('Session-Expires')!.value).toBe('90;refresher=uas');
    expect(ok.require).toEqual([]);
    expect(c.call.sessionTimer).toEqual({ interval: 90, refresher: 'remote' });
    expect(c.incoming.sessionTimer).toEqual({ interval: 90, refresher: 'local' });
    await c.advance(95_000, 50);
    const updates = c.bob.requests('UPDATE');
    expect(updates).toHaveLength(2);
    expect(updates[0]!.getHeader('Session-Expires')!.value).toBe('90;refresher=uac');
    const answer = c.alice.responses(200, 'UPDATE')[0]!;
    expect(answer.getHeader('Session-Expires')!.value).toBe('90;refresher=uac');
    expect(answer.require).toEqual(['timer']);
    expect(c.call.sessionTimer).toEqual({ interval: 90, refresher: 'remote' });
    expect(c.call.state).toBe('answered');
  });

  it('the 422 rule and the floor of 90 s', () => {
    expect(MIN_SESSION_INTERVAL).toBe(90);
    const timer = new SessionTimer({ now: () => 0, setTimer: () => ({ cancel: () => undefined }), refresh: () => undefined, expire: () => undefined, started: () => undefined }, { minSe: 30 });
    expect(timer.ourMinSe).toBe(90);
    const request = (se: string, supported: string) => ({
      sessionExpires: { seconds: Number(se), params: new Map() }, supported: supported ? [supported] : [], require: [], minSe: undefined,
    }) as never;
    expect(sessionIntervalTooSmall(request('60', 'timer'), 90)).toBe(90);
    // Without Supported: timer a 422 could not be understood: not sent.
    expect(sessionIntervalTooSmall(request('60', ''), 90)).toBeUndefined();
    expect(sessionIntervalTooSmall(request('90', 'timer'), 90)).toBeUndefined();
  });
});
