// The deliberate faults of src/ua/faults.ts between two agents on a fake
// clock: each breaks its rule on the wire, the call goes on as far as it can,
// and the live diagnostics model of the side that broke it (and, where the
// wire shows it, of the other side) names the finding it is for.
import { describe, expect, it } from 'vitest';
import { buildResponseTo } from '../../../src/message/index.js';
import type { SipRequest } from '../../../src/message/index.js';
import { LiveRecorder } from '../../../src/diagnostics/live-recorder.js';
import type { CallModel } from '../../../src/diagnostics/model-types.js';
import type { ServerTransaction } from '../../../src/transaction/transaction-layer.js';
import { Authenticator } from '../../../src/ua/auth/authenticator.js';
import { FAULTS, describeFaults, faultyContact, withoutRecordRoute, type CallFaults } from '../../../src/ua/call/faults.js';
import type { IncomingCall } from '../../../src/ua/call/incoming-call.js';
import { gaps, parse, sendTimes, setup } from './call-harness.js';

const T1 = 50;

function lab() {
  const s = setup({ t1: T1, t2: 8 * T1 });
  const aliceModel = new LiveRecorder();
  const bobModel = new LiveRecorder();
  aliceModel.attach(s.alice.endpoint.diagnostics);
  bobModel.attach(s.bob.endpoint.diagnostics);
  /** The codes the live model of one side names for its (only) INVITE call. */
  const codes = (recorder: LiveRecorder): string[] => {
    const calls = recorder.model().calls.filter((c: CallModel) => c.transactions.some((t) => t.method === 'INVITE'));
    expect(calls).toHaveLength(1);
    return [...new Set(calls[0]!.findings.map((f) => f.code))].sort();
  };
  return { ...s, aliceCodes: () => codes(aliceModel), bobCodes: () => codes(bobModel) };
}

/** Bob answers every call at once (after ringing, when asked). */
function answering(bob: ReturnType<typeof lab>['bob'], options: { ring?: boolean; early?: boolean; faults?: CallFaults } = {}) {
  const calls: IncomingCall[] = [];
  bob.agent(options.faults ? { faults: options.faults } : {}).onIncomingCall((call) => {
    calls.push(call);
    if (options.early) void call.earlyMedia();
    else if (options.ring) void call.ring();
    void call.answer();
  });
  return calls;
}

describe('the fault catalogue', () => {
  it('names each fault once, with its option, the rule it breaks and the finding it is for', () => {
    expect(new Set(FAULTS.map((f) => f.flag)).size).toBe(FAULTS.length);
    expect(FAULTS.map((f) => f.shows[0])).toEqual([
      'missing-ack', 'missing-prack', 'ack-cseq-mismatch', 'cancel-before-provisional', 'cancel-after-final', 'route-set-mismatch',
      'auth-loop', 'unreliable-early-media', 'trying-with-to-tag', 'bye-before-ack', 'missing-ack', 'missing-prack', 'rseq-violation',
      'unroutable-contact', 'post-dial-delay',
    ]);
    expect(describeFaults({ dropAck: true, postDialDelayMs: 6000, privateContact: '10.0.0.7' }))
      .toEqual(['--drop-ack', '--private-contact 10.0.0.7', '--post-dial-delay 6']);
    expect(describeFaults({})).toEqual([]);
  });

  it('private-contact replaces the Contact host and drops ob; wrong-route-set forgets the Record-Route', () => {
    expect(faultyContact('sip:alice@abc.invalid;transport=ws;ob', { privateContact: '10.0.0.7' })).toBe('sip:alice@10.0.0.7;transport=ws');
    expect(faultyContact('sip:alice@127.0.0.1:5060', { privateContact: '192.168.1.20' })).toBe('sip:alice@192.168.1.20:5060');
    expect(faultyContact('sip:alice@127.0.0.1:5060', {})).toBe('sip:alice@127.0.0.1:5060');
    const ok = parse(new TextEncoder().encode('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKx\r\nRecord-Route: <sip:p2;lr>,\r\n <sip:p1;lr>\r\n'
      + 'From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContact: <sip:b@127.0.0.1:5070>\r\nContent-Length: 0\r\n\r\n'));
    expect(ok.kind === 'response' && ok.recordRoutes).toHaveLength(2);
    const stripped = withoutRecordRoute(ok as never);
    expect(stripped.recordRoutes).toEqual([]);
    expect(stripped.contacts[0]!.uri).toEqual(ok.contacts[0]!.uri);
  });
});

describe('caller faults', () => {
  it('drop-ack: no ACK ever leaves; the 2xx is retransmitted T1..T2, the callee BYEs at 64·T1: missing-ack on both sides, not bye-before-ack', async () => {
    const { alice, bob, advance, aliceCodes, bobCodes } = lab();
    const incoming = answering(bob);
    const call = alice.agent({ faults: { dropAck: true } }).call('sip:bob@127.0.0.1:5070');
    await advance(64 * T1 + 300, 2);
    expect(alice.requests('ACK')).toEqual([]);
    expect(gaps(sendTimes(bob, /^SIP\/2\.0 200 OK/)).slice(0, 4)).toEqual([T1, 2 * T1, 4 * T1, 8 * T1]);
    expect(await incoming[0]!.ended).toMatchObject({ cause: 'no-ack' });
    expect(await call.ended).toMatchObject({ cause: 'hangup-remote' });
    expect(aliceCodes()).toEqual(['missing-ack']);
    expect(bobCodes()).toEqual(['missing-ack']);
  });

  it('drop-ack: hanging up still sends BYE (the dialog exists without the ACK)', async () => {
    const { alice, bob, advance } = lab();
    answering(bob);
    const call = alice.agent({ faults: { dropAck: true } }).call('sip:bob@127.0.0.1:5070');
    await advance(20);
    expect(call.state).toBe('answered');
    call.hangup();
    await advance(20);
    expect(alice.requests('BYE')).toHaveLength(1);
    expect(await call.ended).toMatchObject({ cause: 'hangup-local', byeStatus: 200 });
  });

  it('no-prack: the INVITE offers 100rel, the reliable 180 is never PRACKed, the callee gives up with 504 at 64·T1', async () => {
    const { alice, bob, advance, aliceCodes, bobCodes } = lab();
    answering(bob, { ring: true });
    const call = alice.agent({ faults: { noPrack: true } }).call('sip:bob@127.0.0.1:5070');
    await advance(64 * T1 + 200, 2);
    expect(alice.requests('INVITE')[0]!.supported).toContain('100rel');
    expect(alice.requests('PRACK')).toEqual([]);
    expect(sendTimes(bob, /^SIP\/2\.0 180 /).length).toBeGreaterThanOrEqual(5);
    expect(await call.ended).toMatchObject({ cause: 'rejected', status: 504 });
    expect(aliceCodes()).toEqual(['missing-prack']);
    expect(bobCodes()).toEqual(['missing-prack']);
  });

  it('bad-ack-cseq: the ACK carries the INVITE\'s CSeq plus one; the callee does not take it and keeps retransmitting', async () => {
    const { alice, bob, advance, aliceCodes } = lab();
    answering(bob);
    const call = alice.agent({ faults: { badAckCseq: true } }).call('sip:bob@127.0.0.1:5070');
    await advance(400, 2);
    const invite = alice.requests('INVITE')[0]!;
    expect(alice.requests('ACK')[0]!.cseq).toEqual({ seq: invite.cseq.seq + 1, method: 'ACK' });
    expect(bob.responses(200, 'INVITE').length).toBeGreaterThan(2);
    expect(aliceCodes()).toContain('ack-cseq-mismatch');
    call.hangup();
    await advance(50);
  });

  it('cancel-early: the CANCEL leaves with the INVITE, before any provisional response', async () => {
    const { alice, bob, advance, aliceCodes } = lab();
    bob.agent().onIncomingCall((c) => void c.ring());
    const call = alice.agent({ faults: { cancelEarly: true } }).call('sip:bob@127.0.0.1:5070');
    await advance(100);
    expect(sendTimes(alice, /^CANCEL /)[0]).toBe(sendTimes(alice, /^INVITE /)[0]);
    expect(await call.ended).toMatchObject({ cause: 'cancelled', status: 487 });
    expect(aliceCodes()).toEqual(['cancel-before-provisional']);
  });

  it('cancel-late: hanging up an answered call sends CANCEL (it has no effect), then BYE', async () => {
    const { alice, bob, advance, aliceCodes } = lab();
    answering(bob);
    const call = alice.agent({ faults: { cancelLate: true } }).call('sip:bob@127.0.0.1:5070');
    await advance(200);
    call.hangup();
    await advance(100);
    expect(alice.wire.map((w) => w.message.startLine.split(' ')[0])).toEqual(['INVITE', 'ACK', 'CANCEL', 'BYE']);
    expect(await call.ended).toMatchObject({ cause: 'hangup-local', byeStatus: 200 });
    expect(aliceCodes()).toEqual(['cancel-after-final']);
  });

  it('wrong-route-set: ACK and BYE go without the Route the 2xx\'s Record-Route asks for', async () => {
    const { alice, bob, advance, aliceCodes } = lab();
    answering(bob);
    // A Record-Route as a proxy would have added (Bob echoes it in his 2xx).
    const call = alice.agent({ faults: { wrongRouteSet: true } })
      .call('sip:bob@127.0.0.1:5070', { headers: [{ name: 'Record-Route', value: '<sip:127.0.0.1:5070;lr>' }] });
    await advance(100);
    expect(bob.responses(200, 'INVITE')[0]!.recordRoutes).toHaveLength(1);
    call.hangup();
    await advance(100);
    expect(alice.requests('ACK')[0]!.routes).toEqual([]);
    expect(alice.requests('BYE')[0]!.routes).toEqual([]);
    expect(aliceCodes()).toEqual(['route-set-mismatch']);
  });

  it('auth-retries: refused credentials are sent again, N times; without the fault, once', async () => {
    for (const [retries, expected] of [[undefined, 2], [3, 4]] as const) {
      const { alice, bob, advance, aliceCodes } = lab();
      const invites: SipRequest[] = [];
      bob.endpoint.handle('INVITE', (request: SipRequest, tx: ServerTransaction) => {
        invites.push(request);
        const built = buildResponseTo(request, { status: 407, headers: [{ name: 'Proxy-Authenticate', value: `Digest realm="callscope.test", nonce="n${invites.length}"` }] });
        if (built.ok) tx.respond(built.value);
      });
      const call = alice.agent({
        authenticator: new Authenticator({ username: 'alice', password: 'wrong' }),
        ...(retries === undefined ? {} : { faults: { authRetries: retries } }),
      }).call('sip:bob@127.0.0.1:5070');
      await advance(100);
      expect(invites).toHaveLength(expected);
      expect(await call.ended).toMatchObject({ cause: 'auth-failed', status: 407 });
      expect(aliceCodes()).toEqual(retries === undefined ? [] : ['auth-loop']);
    }
  });
});

describe('callee faults', () => {
  it('unreliable-early-media: 183 with SDP and no 100rel although the caller supports it', async () => {
    const { alice, bob, advance, aliceCodes, bobCodes } = lab();
    answering(bob, { early: true, faults: { unreliableEarlyMedia: true } });
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(100);
    const [progress] = bob.responses(183);
    expect(progress!.require).toEqual([]);
    expect(progress!.rseq).toBeUndefined();
    expect(progress!.bodyLength).toBeGreaterThan(0);
    expect(aliceCodes()).toEqual(['unreliable-early-media']);
    expect(bobCodes()).toEqual(['unreliable-early-media']);
    call.hangup();
    await advance(50);
  });

  it('trying-to-tag: the callee\'s own 100 Trying goes at once, with the To tag of its later responses', async () => {
    const { alice, bob, advance, aliceCodes, bobCodes } = lab();
    answering(bob, { ring: true, faults: { tryingToTag: true } });
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(100);
    const [trying] = bob.responses(100);
    expect(bob.responses(100)).toHaveLength(1);
    expect(trying!.to.tag).toBe(bob.responses(200, 'INVITE')[0]!.to.tag);
    expect(sendTimes(bob, /^SIP\/2\.0 100 /)[0]).toBe(sendTimes(alice, /^INVITE /)[0]! + 1);
    expect(aliceCodes()).toEqual(['trying-with-to-tag']);
    expect(bobCodes()).toEqual(['trying-with-to-tag']);
    call.hangup();
    await advance(50);
  });

  it('bye-before-ack: the BYE leaves with the 2xx, before the ACK can arrive', async () => {
    const { alice, bob, advance, bobCodes } = lab();
    const incoming = answering(bob, { faults: { byeBeforeAck: true } });
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(100);
    expect(sendTimes(bob, /^BYE /)[0]).toBe(sendTimes(bob, /^SIP\/2\.0 200 OK/)[0]);
    expect(await incoming[0]!.ended).toMatchObject({ cause: 'hangup-local', byeStatus: 200 });
    expect(await call.ended).toMatchObject({ cause: 'hangup-remote' });
    expect(bobCodes()).toEqual(['bye-before-ack']);
  });

  it('bye-before-ack relayed out of order (the BYE overtakes the 2xx): the caller ACKs the 2xx and the call is over, hung up by the callee', async () => {
    const { alice, bob, advance } = lab();
    const incoming = answering(bob, { ring: true, faults: { byeBeforeAck: true } });
    // A proxy relaying in parallel: the 2xx to the INVITE reaches Alice 5 ms after the BYE.
    bob.intercept((packet) => {
      const text = Buffer.from(packet.data).toString('latin1');
      return text.startsWith('SIP/2.0 200 ') && /^CSeq: \d+ INVITE\r$/m.test(text) ? { delayMs: 5 } : 'deliver';
    });
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(100);
    const arrivals = alice.events.flatMap((e) => (e.type === 'message-received' ? [parse(e.raw)] : []))
      .map((m) => `${m.kind === 'request' ? m.method : m.status} ${m.cseq.method}`);
    expect(arrivals.indexOf('BYE BYE')).toBeGreaterThan(-1);
    expect(arrivals.indexOf('BYE BYE')).toBeLessThan(arrivals.indexOf('200 INVITE'));
    expect(await call.ended).toMatchObject({ cause: 'hangup-remote', status: 200, reason: 'the callee hung up: its BYE arrived before its 200' });
    // The 2xx is ACKed (§13.2.2.4), end to end; no BYE of Alice's follows (the dialog is gone).
    const ack = alice.requests('ACK');
    expect(ack).toHaveLength(1);
    expect(ack[0]!.cseq).toEqual({ seq: alice.requests('INVITE')[0]!.cseq.seq, method: 'ACK' });
    await advance(10 * T1, 5);
    expect(alice.requests('BYE')).toEqual([]);
    expect(await incoming[0]!.ended).toMatchObject({ cause: 'hangup-local', byeStatus: 200 });
  });

  it('ignore-ack: the ACK arrives and is ignored; the 2xx goes on until the BYE at 64·T1: missing-ack seen from both sides', async () => {
    const { alice, bob, advance, aliceCodes, bobCodes } = lab();
    const incoming = answering(bob, { faults: { ignoreAck: true } });
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(64 * T1 + 300, 2);
    expect(alice.requests('ACK').length).toBeGreaterThan(3);
    expect(gaps(sendTimes(bob, /^SIP\/2\.0 200 OK/)).slice(0, 3)).toEqual([T1, 2 * T1, 4 * T1]);
    expect(await incoming[0]!.ended).toMatchObject({ cause: 'no-ack' });
    expect(await call.ended).toMatchObject({ cause: 'hangup-remote' });
    expect(aliceCodes()).toEqual(['missing-ack']);
    expect(bobCodes()).toEqual([]);
  });

  it('ignore-prack: each PRACK gets 200, the reliable 183 goes on, 504 at 64·T1: missing-prack seen from the caller', async () => {
    const { alice, bob, advance, aliceCodes } = lab();
    answering(bob, { early: true, faults: { ignorePrack: true } });
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(64 * T1 + 300, 2);
    expect(alice.requests('PRACK')).toHaveLength(1);
    expect(bob.responses(200, 'PRACK')).toHaveLength(1);
    expect(sendTimes(bob, /^SIP\/2\.0 183 /).length).toBeGreaterThanOrEqual(5);
    expect(await call.ended).toMatchObject({ cause: 'rejected', status: 504 });
    expect(aliceCodes()).toEqual(['missing-prack']);
  });

  it('rseq-gap: 180 with RSeq n (PRACKed), 183 with n+2 (never PRACKed), 504 at 64·T1', async () => {
    const { alice, bob, advance, aliceCodes, bobCodes } = lab();
    const calls: IncomingCall[] = [];
    bob.agent({ faults: { rseqGap: true } }).onIncomingCall((c) => {
      calls.push(c);
      void c.ring();
      void c.earlyMedia();
      void c.answer();
    });
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(64 * T1 + 200, 2);
    const ringing = bob.responses(180)[0]!;
    const progress = bob.responses(183)[0]!;
    expect(progress.rseq).toBe(ringing.rseq! + 2);
    expect(alice.requests('PRACK').map((p) => p.rack?.rseq)).toEqual([ringing.rseq]);
    expect(await call.ended).toMatchObject({ cause: 'rejected', status: 504 });
    expect(aliceCodes()).toEqual(['missing-prack', 'rseq-violation']);
    expect(bobCodes()).toEqual(['missing-prack', 'rseq-violation']);
    expect(calls).toHaveLength(1);
  });

  it('private-contact: the Contact of the INVITE and of the 2xx names the given host, without ob', async () => {
    const { alice, bob, advance } = lab();
    answering(bob, { faults: { privateContact: '10.0.0.7' } });
    const call = alice.agent({ faults: { privateContact: '192.168.1.20' } }).call('sip:bob@127.0.0.1:5070');
    await advance(100);
    expect(alice.requests('INVITE')[0]!.getHeader('Contact')?.value).toBe('<sip:alice@192.168.1.20:5060>');
    expect(bob.responses(200, 'INVITE')[0]!.getHeader('Contact')?.value).toBe('<sip:bob@10.0.0.7:5070>');
    call.hangup();
  });

  it('post-dial-delay: the first provisional waits the given time; the answer after it', async () => {
    const { alice, bob, advance, aliceCodes } = lab();
    answering(bob, { ring: true, faults: { postDialDelayMs: 6000 } });
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(6100, 10);
    const invite = sendTimes(alice, /^INVITE /)[0]!;
    expect(sendTimes(bob, /^SIP\/2\.0 180 /)[0]! - invite).toBeGreaterThanOrEqual(6000);
    expect(sendTimes(bob, /^SIP\/2\.0 100 /)[0]! - invite).toBeLessThanOrEqual(201);
    expect(call.state).toBe('answered');
    expect(aliceCodes()).toEqual(['post-dial-delay']);
    call.hangup();
    await advance(50);
  });
});
