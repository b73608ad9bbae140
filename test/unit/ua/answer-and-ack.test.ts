// The 2xx and its ACK (RFC 3261 §13.2.2.4, §13.3.1.4): the UAS core
// retransmits its 2xx from T1 doubling to T2 until the ACK, and ends the
// call with BYE at 64·T1 without one; the UAC re-ACKs every retransmitted
// 2xx, even after its INVITE transaction is gone (Timer M).
import { describe, expect, it } from 'vitest';
import type { IncomingCall } from '../../../src/ua/call/incoming-call.js';
import { StaticSdpHandler } from '../../../src/ua/sdp/static-sdp.js';
import { dropping, gaps, responseTimes, sendTimes, setup } from './call-harness.js';

describe('the 2xx and its ACK', () => {
  it('without an ACK, the 2xx is retransmitted at T1, 2T1, 4T1, then T2, and the callee sends BYE at 64·T1', async () => {
    const { alice, bob, advance, timers } = setup();
    let incoming: IncomingCall | undefined;
    bob.agent({ reliableProvisionals: 'off' }).onIncomingCall((call) => {
      incoming = call;
      void call.answer();
    });
    // Every ACK Alice sends is lost.
    alice.intercept(dropping(/^ACK /));
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(64 * timers.t1 + 500, 5);

    const oks = responseTimes(bob, 200, 'INVITE');
    // 0, 500, 1500, 3500, 7500, 11500, ... 31500: T1 doubling, capped at T2 = 4 s.
    expect(gaps(oks)).toEqual([500, 1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000, 4000]);
    const [bye] = bob.requests('BYE');
    expect(bye).toBeDefined();
    expect(sendTimes(bob, /^BYE /)[0]! - oks[0]!).toBe(64 * timers.t1);
    expect(await incoming!.ended).toMatchObject({ cause: 'no-ack', status: 200, byeStatus: 200 });
    expect(incoming!.endedWith!.reason).toMatch(/no ACK for the 200 OK within 64·T1 \(32000 ms, RFC 3261 §13\.3\.1\.4\)/);
    expect(await call.ended).toMatchObject({ cause: 'hangup-remote' });
    // Alice ACKed every copy of the 2xx she got (each one lost on the way).
    expect(alice.requests('ACK')).toHaveLength(oks.length);
    expect(new Set(alice.requests('ACK').map((a) => a.toString())).size).toBe(1);
    // The UA core's retransmissions are on the diagnostics stream, tagged with the INVITE server transaction.
    expect(bob.events.filter((e) => e.type === 'retransmission-sent' && e.startLine.startsWith('SIP/2.0 200'))).toHaveLength(oks.length - 1);
  });

  it('the ACK stops the retransmissions; the ACK goes to the 2xx Contact with a new branch and the INVITE CSeq number', async () => {
    const { alice, bob, advance } = setup();
    let incoming: IncomingCall | undefined;
    bob.agent().onIncomingCall((call) => {
      incoming = call;
      void call.answer();
    });
    // The first ACK is lost; the second (for the retransmitted 2xx) arrives.
    let acks = 0;
    alice.intercept((packet) => (Buffer.from(packet.data).toString('latin1').startsWith('ACK ') && acks++ === 0 ? 'drop' : 'deliver'));
    const confirmed: number[] = [];
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(20);
    incoming!.on('confirmed', (e) => confirmed.push(e.at));
    await advance(5000, 5);
    expect(bob.responses(200, 'INVITE')).toHaveLength(2);
    expect(confirmed).toHaveLength(1);
    expect(incoming!.state).toBe('confirmed');
    const invite = alice.requests('INVITE')[0]!;
    const [ack] = alice.requests('ACK');
    expect(ack!.requestUriText).toBe('sip:bob@127.0.0.1:5070');
    expect(ack!.cseq).toEqual({ seq: invite.cseq.seq, method: 'ACK' });
    expect(ack!.topVia.branch).not.toBe(invite.topVia.branch);
    call.hangup();
    await advance(10);
    expect(await incoming!.ended).toMatchObject({ cause: 'hangup-remote' });
  });

  it('hangup() before the ACK waits for it: the callee sends no BYE until the ACK arrives (§15)', async () => {
    const { alice, bob, advance } = setup();
    let incoming: IncomingCall | undefined;
    bob.agent().onIncomingCall((call) => {
      incoming = call;
      void call.answer().then(() => call.hangup());
    });
    alice.intercept(dropping(/^ACK /, { delayMs: 300 }));
    alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(200);
    expect(bob.requests('BYE')).toEqual([]);
    await advance(200);
    expect(bob.requests('BYE')).toHaveLength(1);
    expect(await incoming!.ended).toMatchObject({ cause: 'hangup-local', byeStatus: 200 });
  });

  it('an offerless INVITE answered without 100rel: the 2xx carries the offer and the ACK the answer', async () => {
    const { alice, bob, advance } = setup();
    const bobSdp = new StaticSdpHandler({ port: 50000 });
    bob.agent({ reliableProvisionals: 'off', createSdpHandler: () => bobSdp }).onIncomingCall((call) => {
      void call.ring().then(() => call.answer());
    });
    const aliceSdp = new StaticSdpHandler();
    const call = alice.agent().call('sip:bob@127.0.0.1:5070', { sdp: aliceSdp, delayedOffer: true });
    await advance(50);
    expect(bob.responses(180)[0]!.bodyLength).toBe(0);
    expect(bob.responses(200, 'INVITE')[0]!.bodyText).toBe(bobSdp.localSdp);
    expect(alice.requests('ACK')[0]!.bodyText).toBe(aliceSdp.localSdp);
    expect(bobSdp.applied).toEqual([{ kind: 'final-answer', sdp: aliceSdp.localSdp }]);
    expect(call.state).toBe('answered');
  });

  it('a 2xx without the answer to our offer is ACKed, then the call is ended with BYE (protocol error)', async () => {
    const { alice, bob, advance } = setup();
    bob.agent({ reliableProvisionals: 'off' }).onIncomingCall((call) => void call.answer());
    // Strip the SDP from Bob's 200 on its way.
    bob.intercept((packet) => {
      const text = Buffer.from(packet.data).toString('latin1');
      if (!text.startsWith('SIP/2.0 200 OK') || !text.includes('CSeq: 1 INVITE')) return 'deliver';
      const head = text.slice(0, text.indexOf('\r\n\r\n')).replace(/\r\nContent-Type: [^\r]*/, '').replace(/Content-Length: \d+/, 'Content-Length: 0');
      alice.transport.inject(Buffer.from(`${head}\r\n\r\n`, 'latin1'));
      return 'drop';
    });
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(50);
    expect(alice.requests('ACK')).toHaveLength(1);
    expect(alice.requests('BYE')).toHaveLength(1);
    expect(await call.ended).toMatchObject({ cause: 'protocol-error', status: 200 });
    expect(call.endedWith!.reason).toMatch(/no SDP answer to our offer \(RFC 3261 §13\.2\.1\)/);
  });
});
