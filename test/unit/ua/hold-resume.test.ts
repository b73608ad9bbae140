// re-INVITE inside a call (RFC 3261 §14, RFC 3264 §8.4): hold and resume
// from either side, both sides holding, glare (491 both ways, then the
// §14.1 back-off: the Call-ID's owner waits 2.1-4 s, the other 0-2 s), a
// second re-INVITE while the first is pending (500 + Retry-After, §14.2),
// an offerless re-INVITE (our offer in the 2xx, the answer in the ACK), an
// unacceptable offer (488, nothing changes), and 481 ending the call.
import { describe, expect, it } from 'vitest';
import { formatUri } from '../../../src/message/index.js';
import { glareBackoffMs, retryAfterSeconds } from '../../../src/ua/mid-call/glare.js';
import { answerDirection, offerDirection, sdpDirection, setSdpDirection } from '../../../src/ua/sdp/media-direction.js';
import { defaultSdp } from '../../../src/ua/sdp/static-sdp.js';
import { dropping, gaps, responseTimes, sendTimes } from './call-harness.js';
import { GatedSdp, aliceDialog, collect, connected, direction, sendRaw, version } from './mid-call-harness.js';

describe('hold and resume with re-INVITE', () => {
  it('the caller holds (sendonly, answered recvonly) and resumes (sendrecv); events on both sides; the o= version goes up', async () => {
    const c = await connected();
    const aliceHeld = collect(c.call, 'held');
    const bobHeld = collect(c.incoming, 'held');
    const aliceResumed = collect(c.call, 'resumed');
    const bobResumed = collect(c.incoming, 'resumed');
    const holding = c.call.hold();
    await c.advance(10);
    expect(await holding).toMatchObject({ ok: true, status: 200 });

    const [invite, reinvite] = c.alice.requests('INVITE');
    expect(reinvite!.to.tag).toBe(c.bob.responses(200, 'INVITE')[0]!.to.tag);
    expect(reinvite!.cseq.seq).toBeGreaterThan(invite!.cseq.seq);
    expect(reinvite!.contacts).toHaveLength(1);
    expect(reinvite!.supported).toContain('timer');
    expect(reinvite!.supported).not.toContain('100rel');
    expect(direction(reinvite!.bodyText)).toBe('sendonly');
    expect(version(reinvite!.bodyText)).toBe(version(invite!.bodyText) + 1);
    const ok = c.bob.responses(200, 'INVITE')[1]!;
    expect(ok.cseq).toEqual(reinvite!.cseq);
    expect(ok.contacts).toHaveLength(1);
    expect(direction(ok.bodyText)).toBe('recvonly');
    // The ACK for the re-INVITE's 2xx: the UA core's, same CSeq number, a new branch.
    const ack = c.alice.requests('ACK')[1]!;
    expect(ack.cseq).toEqual({ seq: reinvite!.cseq.seq, method: 'ACK' });
    expect(ack.topVia.branch).not.toBe(reinvite!.topVia.branch);
    expect(aliceHeld).toEqual([{ at: expect.any(Number), by: 'local', direction: 'sendonly' }]);
    expect(bobHeld).toEqual([{ at: expect.any(Number), by: 'remote', direction: 'recvonly' }]);
    expect(c.call.onHold).toEqual({ local: true, remote: false });
    expect(c.incoming.onHold).toEqual({ local: false, remote: true });
    expect(c.aliceSdp.applied.at(-1)).toEqual({ kind: 'final-answer', sdp: ok.bodyText });

    const resuming = c.call.resume();
    await c.advance(10);
    expect(await resuming).toMatchObject({ ok: true });
    const third = c.alice.requests('INVITE')[2]!;
    expect(direction(third.bodyText)).toBe('sendrecv');
    expect(version(third.bodyText)).toBe(version(reinvite!.bodyText) + 1);
    expect(direction(c.bob.responses(200, 'INVITE')[2]!.bodyText)).toBe('sendrecv');
    expect(aliceResumed.map((e) => e.by)).toEqual(['local']);
    expect(bobResumed.map((e) => e.by)).toEqual(['remote']);
    expect(c.call.onHold).toEqual({ local: false, remote: false });
    // Both sides' re-INVITE transactions are grouped with their call on the diagnostics stream.
    // (A server transaction is tagged once the call adopts it: transaction-tagged.)
    const invites = (events: typeof c.alice.events) => events.flatMap((e) => {
      if (e.type !== 'transaction-created' || e.method !== 'INVITE') return [];
      const tagged = events.find((t) => t.type === 'transaction-tagged' && t.transactionId === e.transactionId);
      return [`${e.role} ${e.callTag ?? (tagged?.type === 'transaction-tagged' ? tagged.callTag : 'untagged')}`];
    });
    expect(invites(c.alice.events)).toEqual(['client', 'client', 'client'].map((r) => `${r} ${c.call.callTag}`));
    expect(invites(c.bob.events)).toEqual(['server', 'server', 'server'].map((r) => `${r} ${c.incoming.callTag}`));
    // The call is still up, and still ends cleanly.
    c.call.hangup();
    await c.advance(10);
    expect(await c.incoming.ended).toMatchObject({ cause: 'hangup-remote' });
  });

  it('the callee holds and resumes: its re-INVITE goes to the caller\'s Contact with its own CSeq space', async () => {
    const c = await connected();
    const aliceHeld = collect(c.call, 'held');
    const holding = c.incoming.hold();
    await c.advance(10);
    expect(await holding).toMatchObject({ ok: true });
    const [reinvite] = c.bob.requests('INVITE');
    expect(reinvite!.requestUriText).toBe(formatUri(c.alice.requests('INVITE')[0]!.contacts[0]!.uri));
    expect(reinvite!.from.tag).toBe(c.bob.responses(200, 'INVITE')[0]!.to.tag);
    expect(direction(reinvite!.bodyText)).toBe('sendonly');
    expect(direction(c.alice.responses(200, 'INVITE')[0]!.bodyText)).toBe('recvonly');
    expect(c.bob.requests('ACK')[0]!.cseq.seq).toBe(reinvite!.cseq.seq);
    expect(aliceHeld.map((e) => [e.by, e.direction])).toEqual([['remote', 'recvonly']]);
    const resuming = c.incoming.resume();
    await c.advance(10);
    expect(await resuming).toMatchObject({ ok: true });
    expect(direction(c.bob.requests('INVITE')[1]!.bodyText)).toBe('sendrecv');
    expect(c.bob.requests('INVITE')[1]!.cseq.seq).toBe(reinvite!.cseq.seq + 1);
    expect(c.incoming.onHold).toEqual({ local: false, remote: false });
  });

  it('both hold (RFC 3264 §8.4): the second offer is inactive; resuming one side offers recvonly', async () => {
    const c = await connected();
    await Promise.all([c.call.hold(), c.advance(10)]);
    await Promise.all([c.incoming.hold(), c.advance(10)]);
    expect(direction(c.bob.requests('INVITE')[0]!.bodyText)).toBe('inactive');
    expect(direction(c.alice.responses(200, 'INVITE')[0]!.bodyText)).toBe('inactive');
    expect(c.call.onHold).toEqual({ local: true, remote: true });
    await Promise.all([c.call.resume(), c.advance(10)]);
    expect(direction(c.alice.requests('INVITE')[2]!.bodyText)).toBe('recvonly');
    expect(direction(c.bob.responses(200, 'INVITE').at(-1)!.bodyText)).toBe('sendonly');
    expect(c.call.onHold).toEqual({ local: false, remote: true });
  });
});

describe('glare and pending re-INVITEs (RFC 3261 §14.1, §14.2)', () => {
  it('the §14.1 back-off: 2.1-4 s for the owner of the Call-ID, 0-2 s for the other, in 10 ms units', () => {
    expect(glareBackoffMs(true, () => 0)).toBe(2100);
    expect(glareBackoffMs(true, () => 0.999999)).toBe(4000);
    expect(glareBackoffMs(false, () => 0)).toBe(0);
    expect(glareBackoffMs(false, () => 0.999999)).toBe(2000);
    for (let i = 0; i < 500; i++) {
      const owner = glareBackoffMs(true);
      const other = glareBackoffMs(false);
      expect(owner % 10).toBe(0);
      expect(other % 10).toBe(0);
      expect(owner).toBeGreaterThanOrEqual(2100);
      expect(owner).toBeLessThanOrEqual(4000);
      expect(other).toBeLessThanOrEqual(2000);
      const retryAfter = retryAfterSeconds();
      expect(Number.isInteger(retryAfter) && retryAfter >= 0 && retryAfter <= 10).toBe(true);
    }
  });

  it('both re-INVITE at once: both get 491; the callee retries first (0-2 s), the caller (Call-ID owner) after 2.1-4 s; both succeed', async () => {
    const c = await connected();
    expect(c.call.callId).toBe(c.alice.requests('INVITE')[0]!.callId);
    const holds = [c.call.hold(), c.incoming.hold()];
    await c.advance(5000, 1);
    const [alice, bob] = await Promise.all(holds);
    expect(alice).toMatchObject({ ok: true });
    expect(bob).toMatchObject({ ok: true });
    // Each side answered the other's first re-INVITE with 491.
    expect(c.alice.responses(491, 'INVITE')).toHaveLength(1);
    expect(c.bob.responses(491, 'INVITE')).toHaveLength(1);
    const aliceInvites = sendTimes(c.alice, /^INVITE /);
    const bobInvites = sendTimes(c.bob, /^INVITE /);
    expect(aliceInvites).toHaveLength(3);
    expect(bobInvites).toHaveLength(2);
    // The 491 reaches its UAC 1 ms (the memory link's latency) after it was sent.
    const aliceGot491 = responseTimes(c.bob, 491, 'INVITE')[0]! + 1;
    const bobGot491 = responseTimes(c.alice, 491, 'INVITE')[0]! + 1;
    const aliceWait = aliceInvites[2]! - aliceGot491;
    const bobWait = bobInvites[1]! - bobGot491;
    expect(aliceWait).toBeGreaterThanOrEqual(2100);
    expect(aliceWait).toBeLessThanOrEqual(4000);
    expect(aliceWait % 10).toBe(0);
    expect(bobWait).toBeGreaterThanOrEqual(0);
    expect(bobWait).toBeLessThanOrEqual(2000);
    expect(bobWait % 10).toBe(0);
    // The retries did not collide: each got its 200.
    expect(c.alice.responses(200, 'INVITE')).toHaveLength(1);
    expect(c.bob.responses(200, 'INVITE')).toHaveLength(2);
    // Bob's retry put Alice on hold first; Alice's then made it mutual.
    expect(direction(c.bob.requests('INVITE')[1]!.bodyText)).toBe('sendonly');
    expect(direction(c.alice.requests('INVITE')[2]!.bodyText)).toBe('inactive');
    expect(c.call.onHold).toEqual({ local: true, remote: true });
    expect(c.incoming.onHold).toEqual({ local: true, remote: true });
  });

  it('a second re-INVITE while the first is unanswered gets 500 with Retry-After 0-10 s; ours while theirs is pending gets 491', async () => {
    const bobSdp = new GatedSdp({ port: 50000 });
    const c = await connected({ bobSdp });
    bobSdp.hold();
    const holding = c.call.hold();
    await c.advance(5);
    // Alice's dialog sends another INVITE (a UA would not: §14.1).
    const second = sendRaw(c.alice, aliceDialog(c), 'INVITE', { body: c.aliceSdp.localSdp, contact: 'sip:alice@127.0.0.1:5060' });
    await c.advance(5);
    const refused = await second.final;
    expect(refused.status).toBe(500);
    const retryAfter = Number(refused.getHeader('Retry-After')!.value);
    expect(retryAfter).toBeGreaterThanOrEqual(0);
    expect(retryAfter).toBeLessThanOrEqual(10);
    // Bob's own re-INVITE while Alice's is pending at Bob is queued, not sent (§14.1)...
    const bobHolding = c.incoming.hold();
    await c.advance(5);
    expect(c.bob.requests('INVITE')).toHaveLength(0);
    // ... and a re-INVITE reaching Alice while hers is in progress gets 491.
    const crossing = sendRaw(c.bob, c.incoming.dialog, 'INVITE', { body: c.bobSdp.localSdp, contact: 'sip:bob@127.0.0.1:5070' });
    await c.advance(5);
    expect((await crossing.final).status).toBe(491);
    bobSdp.release();
    await c.advance(50);
    expect(await holding).toMatchObject({ ok: true });
    expect(await bobHolding).toMatchObject({ ok: true });
    expect(c.bob.requests('INVITE')).toHaveLength(2);
  });

  it('a hold waiting for its turn gives up when the call ends', async () => {
    const bobSdp = new GatedSdp({ port: 50000 });
    const c = await connected({ bobSdp });
    bobSdp.hold();
    void c.call.hold();
    await c.advance(5);
    const waiting = c.incoming.hold();
    c.call.hangup();
    await c.advance(50);
    expect(await waiting).toEqual({ ok: false, reason: 'the call has ended' });
    expect(c.bob.requests('INVITE')).toEqual([]);
  });

  it('an offerless re-INVITE: our offer goes in the 2xx, retransmitted until the ACK brings the answer', async () => {
    const c = await connected();
    const updated = collect(c.incoming, 'session-updated');
    c.bob.intercept(dropping(/^ACK /, { delayMs: 1200 }));
    const raw = sendRaw(c.bob, c.incoming.dialog, 'INVITE', { contact: 'sip:bob@127.0.0.1:5070' });
    await c.advance(5);
    const ok = await raw.final;
    expect(ok.status).toBe(200);
    expect(direction(ok.bodyText)).toBe('sendrecv');
    const ack = c.incoming.dialog.createRequest('ACK', { via: c.bob.endpoint.via(), cseq: raw.request.cseq.seq, body: c.bobSdp.localSdp, contentType: 'application/sdp' });
    if (!ack.ok) throw new Error(ack.error.message);
    void c.bob.endpoint.sendAck(ack.value);
    await c.advance(2000, 5);
    // T1 = 500: retransmitted at 500 and 1500 ms, stopped by the ACK at 1200.
    expect(gaps(responseTimes(c.alice, 200, 'INVITE'))).toEqual([500]);
    expect(c.aliceSdp.applied.at(-1)).toEqual({ kind: 'final-answer', sdp: c.bobSdp.localSdp });
    expect(updated).toEqual([]);
    expect(c.call.state).toBe('answered');
  });

  it('a 2xx to their re-INVITE never ACKed: retransmitted T1..T2, then BYE at 64·T1 (§13.3.1.4)', async () => {
    const c = await connected();
    c.bob.intercept(dropping(/^ACK /));
    void c.incoming.hold();
    await c.advance(64 * c.timers.t1 + 500, 10);
    const oks = responseTimes(c.alice, 200, 'INVITE');
    expect(gaps(oks)).toEqual([500, 1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000, 4000]);
    expect(await c.call.ended).toMatchObject({ cause: 'no-ack' });
    expect(c.call.endedWith!.reason).toMatch(/re-INVITE within 64·T1/);
  });

  it('an offer the SDP handler refuses gets 488 and changes nothing (§14.1); 481 ends the call (§12.2.1.2)', async () => {
    const bobSdp = new GatedSdp({ port: 50000 });
    const c = await connected({ bobSdp });
    bobSdp.refuse = true;
    const holding = c.call.hold();
    await c.advance(10);
    expect(await holding).toMatchObject({ ok: false, status: 488 });
    expect(c.call.onHold).toEqual({ local: false, remote: false });
    expect(c.aliceSdp.applied.at(-1)!.kind).toBe('rollback');
    expect(c.call.state).toBe('answered');
    c.incoming.handleInDialog('INVITE', (_request, tx) => c.bob.endpoint.reply(tx, 481));
    const again = c.call.hold();
    await c.advance(10);
    expect(await again).toMatchObject({ ok: false, status: 481 });
    expect(await c.call.ended).toMatchObject({ cause: 'dialog-lost' });
    expect(c.alice.requests('BYE')).toHaveLength(1);
  });
});

describe('media direction (RFC 3264 §6.1, §8.4)', () => {
  it('reads and rewrites the direction; offers and answers follow the hold state', () => {
    const sdp = defaultSdp({ sessionId: 1 });
    expect(sdpDirection(sdp)).toBe('sendrecv');
    expect(sdpDirection(setSdpDirection(sdp, 'inactive'))).toBe('inactive');
    expect(sdpDirection(sdp.replace('c=IN IP4 127.0.0.1', 'c=IN IP4 0.0.0.0'))).toBe('sendonly');
    const noAttribute = sdp.replace('a=sendrecv\r\n', '');
    expect(setSdpDirection(noAttribute, 'sendrecv')).toBe(noAttribute);
    expect(sdpDirection(setSdpDirection(noAttribute, 'recvonly'))).toBe('recvonly');
    expect(offerDirection({ localHold: true, remoteHold: false })).toBe('sendonly');
    expect(offerDirection({ localHold: true, remoteHold: true })).toBe('inactive');
    expect(offerDirection({ localHold: false, remoteHold: true })).toBe('recvonly');
    expect(answerDirection('sendonly', false)).toBe('recvonly');
    expect(answerDirection('sendonly', true)).toBe('inactive');
    expect(answerDirection('recvonly', false)).toBe('sendonly');
    expect(answerDirection('inactive', false)).toBe('inactive');
    expect(answerDirection('sendrecv', true)).toBe('sendonly');
  });
});
