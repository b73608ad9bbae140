// RFC 3262 between two Callscope agents, and against a scripted far end:
// reliable 183 + PRACK (RAck values, dialog, CSeq), the 2xx held back until
// the PRACK, RSeq retransmissions and gaps, retransmission of an unPRACKed
// provisional from T1 doubling and the 5xx at 64·T1, offers in reliable
// provisionals answered in the PRACK.
import { describe, expect, it } from 'vitest';
import { buildResponseTo, formatUri } from '../../../src/message/index.js';
import type { SipRequest, SipResponse } from '../../../src/message/index.js';
import type { ServerTransaction } from '../../../src/transaction/transaction-layer.js';
import type { IncomingCall } from '../../../src/ua/call/incoming-call.js';
import { StaticSdpHandler, defaultSdp } from '../../../src/ua/sdp/static-sdp.js';
import { classifyRseq } from '../../../src/ua/call/uac-fork.js';
import { dropping, gaps, sendTimes, setup } from './call-harness.js';

const FAR_SDP = defaultSdp({ address: '127.0.0.1', port: 50000, sessionId: 7 });

describe('RSeq rules of the UAC (RFC 3262 §4)', () => {
  it('takes the first RSeq, then exactly one more; a repeat is a retransmission, a jump is out of order', () => {
    expect(classifyRseq(undefined, 812)).toBe('first');
    expect(classifyRseq(812, 813)).toBe('next');
    expect(classifyRseq(812, 812)).toBe('retransmission');
    expect(classifyRseq(812, 811)).toBe('retransmission');
    expect(classifyRseq(812, 814)).toBe('out-of-order');
  });
});

describe('reliable provisional responses between two agents', () => {
  it('183 with SDP sent reliably; the PRACK carries RAck <RSeq> <INVITE CSeq> INVITE in the early dialog; the 2xx waits for it', async () => {
    const { alice, bob, advance } = setup();
    const caller = alice.agent();
    const callee = bob.agent();
    let incoming: IncomingCall | undefined;
    callee.onIncomingCall((call) => {
      incoming = call;
      void call.earlyMedia();
      // Answer at once: the 200 must still wait for the PRACK (RFC 3262 §3).
      void call.answer();
    });
    // Hold Alice's PRACK back for 300 ms.
    alice.intercept(dropping(/^PRACK /, { delayMs: 300 }));
    const sdp = new StaticSdpHandler();
    const call = caller.call('sip:bob@127.0.0.1:5070', { sdp });
    const order: string[] = [];
    call.on('early-media', (e) => order.push(`early-media ${e.reliable}`));
    call.on('answered', () => order.push('answered'));
    await advance(100);
    expect(incoming?.reliable).toBe(true);

    const invite = alice.requests('INVITE')[0]!;
    expect(invite.supported).toContain('100rel');
    const [progress] = bob.responses(183);
    expect(progress!.require).toEqual(['100rel']);
    expect(progress!.rseq).toBeGreaterThanOrEqual(1);
    expect(progress!.rseq).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(progress!.getHeader('Content-Type')?.value).toBe('application/sdp');

    const [prack] = alice.requests('PRACK');
    expect(prack!.getHeader('RAck')?.value).toBe(`${progress!.rseq} ${invite.cseq.seq} INVITE`);
    expect(prack!.rack).toEqual({ rseq: progress!.rseq, cseq: invite.cseq.seq, method: 'INVITE' });
    // In the early dialog: its To tag, the next CSeq, to the 183's Contact.
    expect(prack!.to.tag).toBe(progress!.to.tag);
    expect(prack!.cseq).toEqual({ seq: invite.cseq.seq + 1, method: 'PRACK' });
    expect(prack!.requestUriText).toBe(formatUri(progress!.contacts[0]!.uri));
    expect(bob.responses(200, 'INVITE')).toEqual([]);

    await advance(400);
    const prackSentAt = sendTimes(alice, /^PRACK /)[0]!;
    const okSentAt = bob.wire.find((w) => w.message.kind === 'response' && w.message.status === 200 && w.message.cseq.method === 'INVITE')!.at;
    expect(okSentAt).toBeGreaterThanOrEqual(prackSentAt + 300);
    expect(bob.responses(200, 'PRACK')).toHaveLength(1);
    expect(order).toEqual(['early-media true', 'answered']);
    expect(sdp.applied.map((a) => a.kind)).toEqual(['provisional-answer', 'final-answer']);
    // The 183 was PRACKed once: its retransmissions (Bob's T1 timer) stopped.
    expect(bob.responses(183)).toHaveLength(1);
    expect(alice.requests('PRACK')).toHaveLength(1);
    expect(alice.requests('ACK')).toHaveLength(1);

    call.hangup();
    await advance(50);
    expect((await call.ended).cause).toBe('hangup-local');
    expect((await call.ended).byeStatus).toBe(200);
    expect((await incoming!.ended).cause).toBe('hangup-remote');
    expect(alice.requests('BYE')[0]!.cseq.seq).toBe(invite.cseq.seq + 2);
  });

  it('an unPRACKed reliable 180 is retransmitted at T1, 2T1, 4T1 ... and the INVITE gets 504 at 64·T1', async () => {
    const { alice, bob, advance, timers } = setup();
    const caller = alice.agent();
    const callee = bob.agent();
    let incoming: IncomingCall | undefined;
    callee.onIncomingCall((call) => {
      incoming = call;
      void call.ring();
    });
    alice.intercept(dropping(/^PRACK /));
    const call = caller.call('sip:bob@127.0.0.1:5070');
    await advance(64 * timers.t1 + 200, 5);
    const ringing = sendTimes(bob, /^SIP\/2\.0 180 /);
    // Sent at 0, T1, 3T1, 7T1, 15T1, 31T1, 63T1 (no T2 cap in RFC 3262 §3).
    expect(gaps(ringing)).toEqual([1, 2, 4, 8, 16, 32].map((n) => n * timers.t1));
    expect(bob.responses(504)).toHaveLength(1);
    expect(sendTimes(bob, /^SIP\/2\.0 504 /)[0]! - ringing[0]!).toBe(64 * timers.t1);
    expect((await incoming!.ended)).toMatchObject({ cause: 'no-prack', status: 504 });
    expect((await call.ended)).toMatchObject({ cause: 'rejected', status: 504 });
    // One PRACK transaction (its own Timer E retransmissions aside): the 180's retransmissions are not PRACKed again.
    expect(alice.events.filter((e) => e.type === 'transaction-created' && e.method === 'PRACK')).toHaveLength(1);
    const retransmissions = bob.events.filter((e) => e.type === 'retransmission-sent' && e.startLine.startsWith('SIP/2.0 180'));
    expect(retransmissions).toHaveLength(6);
  });

  it('a PRACK that matches no unacknowledged provisional gets 481', async () => {
    const { alice, bob, advance } = setup();
    const callee = bob.agent();
    let incoming: IncomingCall | undefined;
    callee.onIncomingCall((call) => { incoming = call; void call.ring(); });
    const caller = alice.agent();
    caller.call('sip:bob@127.0.0.1:5070');
    await advance(50);
    // A second PRACK for the same RSeq, sent by hand in the early dialog.
    const prack = alice.requests('PRACK')[0]!;
    const again = prack.toString().replace(/branch=z9hG4bK[0-9a-f]+/, 'branch=z9hG4bKagain1').replace(/CSeq: (\d+) PRACK/, (_, n: string) => `CSeq: ${Number(n) + 1} PRACK`);
    bob.transport.inject(Buffer.from(again, 'latin1'));
    await advance(10);
    expect(bob.responses(481, 'PRACK')).toHaveLength(1);
    incoming!.hangup();
  });

  it('an offerless INVITE: the offer comes in the reliable 183, the answer in the PRACK, and the 2xx and ACK carry no SDP', async () => {
    const { alice, bob, advance } = setup();
    let incoming: IncomingCall | undefined;
    const bobSdp = new StaticSdpHandler({ port: 50000 });
    bob.agent({ createSdpHandler: () => bobSdp }).onIncomingCall((call) => {
      incoming = call;
      void call.earlyMedia().then(() => call.answer());
    });
    const aliceSdp = new StaticSdpHandler();
    const call = alice.agent().call('sip:bob@127.0.0.1:5070', { sdp: aliceSdp, delayedOffer: true });
    const early: string[] = [];
    call.on('early-media', (e) => early.push(e.sdp));
    await advance(100);
    expect(alice.requests('INVITE')[0]!.bodyLength).toBe(0);
    expect(bob.responses(183)[0]!.bodyText).toBe(bobSdp.localSdp);
    expect(alice.requests('PRACK')[0]!.bodyText).toBe(aliceSdp.localSdp);
    expect(bob.responses(200, 'INVITE')[0]!.bodyLength).toBe(0);
    expect(alice.requests('ACK')[0]!.bodyLength).toBe(0);
    expect(early).toEqual([bobSdp.localSdp]);
    expect(aliceSdp.applied).toEqual([{ kind: 'remote-offer', sdp: bobSdp.localSdp }]);
    expect(bobSdp.applied).toEqual([{ kind: 'final-answer', sdp: aliceSdp.localSdp }]);
    expect(incoming!.state).toBe('confirmed');
    call.hangup();
    await advance(10);
  });
});

describe('RSeq handling against a scripted far end', () => {
  function scriptedCallee(bob: ReturnType<typeof setup>['bob']) {
    const state: { invite?: SipRequest; tx?: ServerTransaction } = {};
    bob.endpoint.handle('INVITE', (request, transaction) => {
      state.invite = request;
      state.tx = transaction;
    });
    const respond = (status: number, tag: string, extra: { rseq?: number; sdp?: boolean } = {}): SipResponse => {
      const built = buildResponseTo(state.invite!, {
        status, toTag: tag, contact: [{ uri: 'sip:bob@127.0.0.1:5070' }],
        ...(extra.rseq === undefined ? {} : { require: ['100rel'], headers: [{ name: 'RSeq', value: String(extra.rseq) }] }),
        ...(extra.sdp ? { body: FAR_SDP, contentType: 'application/sdp' } : {}),
      });
      if (!built.ok) throw new Error(built.error.message);
      state.tx!.respond(built.value);
      return built.value;
    };
    // Answer every PRACK of any of our dialogs.
    const prackTo = (tag: string) => bob.endpoint.addDialog(`${state.invite!.callId}|${tag}|${state.invite!.from.tag}`, {
      onRequest: (_request, transaction) => bob.endpoint.reply(transaction, 200),
      onAck: () => undefined,
    });
    return { state, respond, prackTo };
  }

  it('PRACKs RSeq 5 and 6; not a repeated 5, nor a 7 that jumps ahead', async () => {
    const { alice, bob, advance } = setup();
    const far = scriptedCallee(bob);
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    const seen: string[] = [];
    call.on('early-media', () => seen.push('early-media'));
    call.on('ringing', (e) => seen.push(`ringing ${e.reliable}`));
    await advance(10);
    far.prackTo('t1');
    far.respond(183, 't1', { rseq: 5, sdp: true });
    await advance(10);
    far.respond(183, 't1', { rseq: 5, sdp: true });
    await advance(10);
    far.respond(180, 't1', { rseq: 7 });
    await advance(10);
    far.respond(180, 't1', { rseq: 6 });
    await advance(10);
    const invite = alice.requests('INVITE')[0]!;
    expect(alice.requests('PRACK').map((p) => p.getHeader('RAck')?.value)).toEqual([`5 ${invite.cseq.seq} INVITE`, `6 ${invite.cseq.seq} INVITE`]);
    expect(seen).toEqual(['early-media', 'ringing true']);
    call.hangup();
    await advance(10);
  });

  it('each fork has its own RSeq space and its own PRACKs; a second 2xx gets ACK and then BYE', async () => {
    const { alice, bob, advance } = setup();
    const far = scriptedCallee(bob);
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(10);
    far.prackTo('fork-a');
    far.prackTo('fork-b');
    far.respond(183, 'fork-a', { rseq: 1, sdp: true });
    far.respond(183, 'fork-b', { rseq: 1, sdp: true });
    await advance(10);
    const pracks = alice.requests('PRACK');
    expect(pracks.map((p) => [p.to.tag, p.getHeader('RAck')?.value.split(' ')[0]])).toEqual([['fork-a', '1'], ['fork-b', '1']]);
    expect(call.dialogs.size).toBe(2);

    far.respond(200, 'fork-a', { sdp: true });
    far.respond(200, 'fork-b', { sdp: true });
    await advance(10);
    const acks = alice.requests('ACK');
    expect(acks.map((a) => a.to.tag)).toEqual(['fork-a', 'fork-b']);
    // ACKs are new transactions (§17.1.1.3): fresh branches, the INVITE's CSeq number.
    const invite = alice.requests('INVITE')[0]!;
    expect(acks.every((a) => a.topVia.branch !== invite.topVia.branch && a.cseq.seq === invite.cseq.seq)).toBe(true);
    const byes = alice.requests('BYE');
    expect(byes.map((b) => b.to.tag)).toEqual(['fork-b']);
    expect(call.state).toBe('answered');
    expect(call.isEnded).toBe(false);

    // A retransmitted 2xx of the answering fork gets the same ACK again.
    far.respond(200, 'fork-a', { sdp: true });
    await advance(10);
    expect(alice.requests('ACK').filter((a) => a.to.tag === 'fork-a')).toHaveLength(2);
    expect(new Set(alice.requests('ACK').filter((a) => a.to.tag === 'fork-a').map((a) => a.toString())).size).toBe(1);
  });
});
