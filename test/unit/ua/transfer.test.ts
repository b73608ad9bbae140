// Blind transfer with REFER (RFC 3515, RFC 5589 §6): Bob (transferor)
// REFERs Alice (transferee) to Carol; Alice answers 202, NOTIFYs "100
// Trying", calls Carol through her CallAgent (with Referred-By), NOTIFYs
// Carol's 180 and 200, then ends the call with Bob. Carol is a second call
// taken by Bob's endpoint (the harness links two endpoints). Failures come
// back as a final NOTIFY with the status; REFER can be declined; NOTIFYs
// that match no subscription get 481, other event packages 489.
import { describe, expect, it } from 'vitest';
import type { CallAgentOptions } from '../../../src/ua/call/call-agent.js';
import type { Call } from '../../../src/ua/call/types.js';
import type { IncomingCall } from '../../../src/ua/call/incoming-call.js';
import { sipfragStatus } from '../../../src/ua/mid-call/refer-notifier.js';
import { dropping, sendTimes, setup } from './call-harness.js';
import { aliceDialog, collect, sendRaw } from './mid-call-harness.js';

const CAROL = 'sip:carol@127.0.0.1:5070';

async function transferSetup(carol: (call: IncomingCall, h: ReturnType<typeof setup>) => void, alice: Partial<Omit<CallAgentOptions, 'endpoint'>> = {}) {
  const h = setup();
  let original: IncomingCall | undefined;
  const carolCalls: IncomingCall[] = [];
  h.bob.agent().onIncomingCall((call) => {
    if (call.invite.requestUriText.startsWith('sip:carol@')) {
      carolCalls.push(call);
      carol(call, h);
      return;
    }
    original = call;
    void call.answer();
  });
  const call = h.alice.agent(alice).call('sip:bob@127.0.0.1:5070');
  await h.advance(20);
  if (!original) throw new Error('no call');
  return { ...h, call, original, carolCalls };
}

describe('blind transfer (REFER)', () => {
  it('REFER -> 202 -> NOTIFY 100 Trying, 180 Ringing, 200 OK; the transferee calls the target and ends the original call', async () => {
    const t = await transferSetup((carol, h) => {
      void carol.ring();
      h.clock.setTimer(1000, () => void carol.answer());
    });
    const bobProgress = collect(t.original, 'transfer-progress');
    const aliceProgress = collect(t.call, 'transfer-progress');
    const requested = collect(t.call, 'transfer-requested');
    let newCall: Call | undefined;
    t.call.on('transfer-call', (e) => { newCall = e.call; });
    const result = t.original.transfer(CAROL);
    await t.advance(1500, 5);
    expect(await result).toEqual({ ok: true, status: 200, reason: 'OK' });

    const [refer] = t.bob.requests('REFER');
    expect(refer!.getHeader('Refer-To')!.value).toBe(`<${CAROL}>`);
    expect(refer!.getHeader('Referred-By')!.value).toBe('<sip:bob@127.0.0.1:5070>');
    expect(refer!.contacts).toHaveLength(1);
    const [accepted] = t.alice.responses(202, 'REFER');
    expect(accepted!.contacts).toHaveLength(1);
    expect(requested).toEqual([{ at: expect.any(Number), target: CAROL, referredBy: 'sip:bob@127.0.0.1:5070' }]);

    const notifies = t.alice.requests('NOTIFY');
    expect(notifies.map((n) => n.bodyText)).toEqual(['SIP/2.0 100 Trying\r\n', 'SIP/2.0 180 Ringing\r\n', 'SIP/2.0 200 OK\r\n']);
    for (const n of notifies) {
      expect(n.getHeader('Event')!.value).toBe(`refer;id=${refer!.cseq.seq}`);
      expect(n.contentType?.essence).toBe('message/sipfrag');
      expect(n.callId).toBe(t.call.callId);
    }
    expect(notifies.map((n) => n.getHeader('Subscription-State')!.value))
      .toEqual(['active;expires=60', 'active;expires=60', 'terminated;reason=noresource']);
    expect(t.bob.responses(200, 'NOTIFY')).toHaveLength(3);
    expect(bobProgress.map((p) => [p.status, p.final])).toEqual([[100, false], [180, false], [200, true]]);
    expect(aliceProgress.map((p) => [p.role, p.status])).toEqual([['transferee', 100], ['transferee', 180], ['transferee', 200]]);

    // The new call: to the Refer-To URI, carrying Referred-By (RFC 3892), a new Call-ID.
    const invite = t.alice.requests('INVITE')[1]!;
    expect(invite.requestUriText).toBe(CAROL);
    expect(invite.getHeader('Referred-By')!.value).toBe('<sip:bob@127.0.0.1:5070>');
    expect(invite.callId).not.toBe(t.call.callId);
    expect(newCall?.state).toBe('answered');
    expect(t.carolCalls[0]!.state).toBe('confirmed');

    // The original call ends with Alice's BYE, after the final NOTIFY; for Bob too it ended as transferred.
    expect(await t.call.ended).toMatchObject({ cause: 'transferred', byeStatus: 200 });
    expect(await t.original.ended).toMatchObject({ cause: 'transferred', reason: 'the caller hung up (BYE) after our transfer succeeded' });
    const [bye] = t.alice.requests('BYE');
    expect(bye!.callId).toBe(t.call.callId);
    expect(sendTimes(t.alice, /^BYE /)[0]).toBeGreaterThan(sendTimes(t.alice, /^NOTIFY /)[2]!);
    newCall!.hangup();
    await t.advance(10);
    expect(await t.carolCalls[0]!.ended).toMatchObject({ cause: 'hangup-remote' });
  });

  it('a transferee that does not end the original call after a successful transfer gets the transferor\'s BYE after T2', async () => {
    const t = await transferSetup((carol) => void carol.answer());
    // Alice's BYE is lost on the way (retransmissions too), so Bob hears nothing after the final NOTIFY.
    t.alice.intercept(dropping(/^BYE /));
    const result = t.original.transfer(CAROL);
    await t.advance(200, 5);
    expect(await result).toMatchObject({ ok: true, status: 200 });
    expect(t.bob.requests('BYE')).toEqual([]);
    await t.advance(t.timers.t2 + 100, 10);
    const [bye] = t.bob.requests('BYE');
    expect(bye!.callId).toBe(t.call.callId);
    const finalNotifyAt = sendTimes(t.alice, /^NOTIFY /).at(-1)!;
    expect(sendTimes(t.bob, /^BYE /)[0]! - finalNotifyAt).toBeGreaterThanOrEqual(t.timers.t2);
    expect(await t.original.ended).toMatchObject({ cause: 'transferred', byeStatus: 200, reason: expect.stringContaining('did not end this call') });
  });

  it('the target is busy: the final NOTIFY says 486, the transfer fails, and the original call goes on', async () => {
    const t = await transferSetup((carol) => carol.reject(486));
    const result = t.original.transfer(CAROL);
    await t.advance(200, 5);
    expect(await result).toMatchObject({ ok: false, status: 486 });
    expect(t.alice.requests('NOTIFY').map((n) => sipfragStatus(n.bodyText)?.status)).toEqual([100, 486]);
    expect(t.alice.requests('NOTIFY')[1]!.getHeader('Subscription-State')!.value).toMatch(/^terminated/);
    expect(t.call.state).toBe('answered');
    expect(t.original.state).toBe('confirmed');
    expect(t.alice.requests('BYE')).toEqual([]);
  });

  it('the call ends before the final NOTIFY: the transfer resolves with the last status heard', async () => {
    const t = await transferSetup((carol) => void carol.ring());
    const result = t.original.transfer(CAROL);
    await t.advance(100, 5);
    t.original.hangup();
    await t.advance(100, 5);
    expect(await result).toMatchObject({ ok: false, status: 180, reason: 'the call ended before the final NOTIFY' });
  });

  it('a transferee that declines transfers answers 603, and no NOTIFY follows', async () => {
    const t = await transferSetup(() => undefined, { transfers: 'decline' });
    const result = t.original.transfer(CAROL);
    await t.advance(100, 5);
    expect(await result).toMatchObject({ ok: false, status: 603 });
    expect(t.alice.requests('NOTIFY')).toEqual([]);
    expect(t.alice.requests('INVITE')).toHaveLength(1);
  });

  it('REFER without Refer-To gets 400; a NOTIFY for no subscription 481; one for another event package 489', async () => {
    const t = await transferSetup(() => undefined);
    const noReferTo = sendRaw(t.bob, t.original.dialog, 'REFER', { contact: 'sip:bob@127.0.0.1:5070' });
    const unknown = sendRaw(t.alice, aliceDialog(t), 'NOTIFY', {
      contact: 'sip:alice@127.0.0.1:5060', headers: [{ name: 'Event', value: 'refer;id=999' }, { name: 'Subscription-State', value: 'active' }],
    });
    const otherEvent = sendRaw(t.alice, aliceDialog(t), 'NOTIFY', {
      contact: 'sip:alice@127.0.0.1:5060', headers: [{ name: 'Event', value: 'dialog' }, { name: 'Subscription-State', value: 'active' }],
    });
    await t.advance(20);
    expect((await noReferTo.final).status).toBe(400);
    expect((await unknown.final).status).toBe(481);
    expect((await otherEvent.final).status).toBe(489);
    expect(t.call.state).toBe('answered');
  });

  it('a Refer-To whose Replaces is malformed, or doubled, gets 400 and places no call (RFC 3891 §6.1)', async () => {
    const t = await transferSetup(() => undefined);
    const refer = (referTo: string) => sendRaw(t.bob, t.original.dialog, 'REFER', {
      contact: 'sip:bob@127.0.0.1:5070', headers: [{ name: 'Refer-To', value: referTo }],
    }).final;
    const noFromTag = refer('<sip:carol@127.0.0.1:5070?Replaces=abc%40h%3Bto-tag%3D1>');
    const twice = refer('<sip:carol@127.0.0.1:5070?Replaces=abc%3Bto-tag%3D1%3Bfrom-tag%3D2&Replaces=abc%3Bto-tag%3D1%3Bfrom-tag%3D2>');
    await t.advance(20);
    expect((await noFromTag).status).toBe(400);
    expect((await twice).status).toBe(400);
    expect(t.alice.requests('INVITE')).toHaveLength(1);
    expect(t.alice.requests('NOTIFY')).toEqual([]);
  });
});

describe('the implicit subscription of a REFER (RFC 3515 §2.4.4, RFC 6665)', () => {
  it('a target that rings for 150 s: the transferor refreshes with SUBSCRIBE, each NOTIFY says the time left, and the transfer succeeds', async () => {
    const t = await transferSetup((carol, h) => {
      void carol.ring();
      h.clock.setTimer(150_000, () => void carol.answer());
    });
    const result = t.original.transfer(CAROL);
    await t.advance(151_000, 50);
    expect(await result).toEqual({ ok: true, status: 200, reason: 'OK' });
    // Bob subscribed again half-way through each period; Alice answered each with 200 and the time granted.
    const subscribes = t.bob.requests('SUBSCRIBE');
    expect(subscribes.length).toBeGreaterThanOrEqual(4);
    const [refer] = t.bob.requests('REFER');
    for (const s of subscribes) {
      expect(s.getHeader('Event')!.value).toBe(`refer;id=${refer!.cseq.seq}`);
      expect(s.callId).toBe(t.call.callId);
    }
    expect(t.alice.responses(200, 'SUBSCRIBE').map((r) => r.getHeader('Expires')?.value)).toEqual(subscribes.map(() => '60'));
    // Every NOTIFY but the last says the subscription is active, with the seconds it has left (never more than 60).
    const states = t.alice.requests('NOTIFY').map((n) => n.getHeader('Subscription-State')!.value);
    expect(states.at(-1)).toBe('terminated;reason=noresource');
    for (const state of states.slice(0, -1)) expect(state).toMatch(/^active;expires=([1-5]\d|60|[1-9])$/);
    expect(t.call.isEnded).toBe(true);
  });

  it('a subscription nobody refreshes ends after its 60 s with "terminated;reason=timeout"; the transfer is reported as failed at its last status', async () => {
    const t = await transferSetup((carol) => void carol.ring());
    t.bob.intercept(dropping(/^SUBSCRIBE /));
    const result = t.original.transfer(CAROL);
    await t.advance(61_000, 50);
    expect(await result).toMatchObject({ ok: false, status: 180 });
    const last = t.alice.requests('NOTIFY').at(-1)!;
    expect(last.getHeader('Subscription-State')!.value).toBe('terminated;reason=timeout');
    expect(last.bodyText).toBe('SIP/2.0 180 Ringing\r\n');
    // The subscription ended, not the new call: it still rings.
    expect(t.carolCalls[0]!.state).toBe('early');
  });

  it('a SUBSCRIBE for another event package gets 489; one for no subscription 481', async () => {
    const t = await transferSetup(() => undefined);
    const other = sendRaw(t.bob, t.original.dialog, 'SUBSCRIBE', { contact: 'sip:bob@127.0.0.1:5070', headers: [{ name: 'Event', value: 'dialog' }] });
    const none = sendRaw(t.bob, t.original.dialog, 'SUBSCRIBE', { contact: 'sip:bob@127.0.0.1:5070', headers: [{ name: 'Event', value: 'refer;id=77' }] });
    await t.advance(20);
    expect((await other.final).status).toBe(489);
    expect((await none.final).status).toBe(481);
    expect(t.call.state).toBe('answered');
  });
});
