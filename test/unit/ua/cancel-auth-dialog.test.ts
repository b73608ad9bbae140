// CANCEL (RFC 3261 §9: queued until a provisional, 487, the CANCEL/200
// race), authentication retries (§22.2: once, new CSeq, same Call-ID and
// From tag), Timer B, and the in-dialog rules (§12.2.2: 500 out of order,
// 481 once the dialog is gone; OPTIONS answered; unknown methods 501).
import { describe, expect, it } from 'vitest';
import { buildResponseTo } from '../../../src/message/index.js';
import type { SipRequest } from '../../../src/message/index.js';
import type { ServerTransaction } from '../../../src/transaction/transaction-layer.js';
import { Authenticator } from '../../../src/ua/auth/authenticator.js';
import type { IncomingCall } from '../../../src/ua/call/incoming-call.js';
import { dropping, sendTimes, setup } from './call-harness.js';

const CHALLENGE = 'Digest realm="callscope.test", nonce="5f2a9c", qop="auth", algorithm=MD5';

describe('CANCEL', () => {
  it('is held back until a provisional response has arrived (§9.1), then the callee answers 200 and 487', async () => {
    const { alice, bob, advance } = setup();
    let incoming: IncomingCall | undefined;
    // Bob's agent takes the call and does nothing: only the transaction's own 100 Trying goes back, at 200 ms.
    bob.agent().onIncomingCall((call) => { incoming = call; });
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(5);
    call.hangup();
    expect(call.state).toBe('cancelling');
    await advance(150);
    expect(alice.requests('CANCEL')).toEqual([]);
    await advance(100);
    const [cancel] = alice.requests('CANCEL');
    expect(cancel).toBeDefined();
    expect(sendTimes(alice, /^CANCEL /)[0]).toBeGreaterThanOrEqual(200);
    const invite = alice.requests('INVITE')[0]!;
    expect(cancel!.topVia.branch).toBe(invite.topVia.branch);
    expect(cancel!.cseq).toEqual({ seq: invite.cseq.seq, method: 'CANCEL' });
    expect(cancel!.requestUriText).toBe(invite.requestUriText);
    expect(cancel!.to.tag).toBeUndefined();
    await advance(20);
    expect(bob.responses(200, 'CANCEL')).toHaveLength(1);
    expect(bob.responses(487, 'INVITE')).toHaveLength(1);
    expect(await call.ended).toMatchObject({ cause: 'cancelled', status: 487 });
    expect(await incoming!.ended).toMatchObject({ cause: 'cancelled', status: 487 });
    // The 487 was ACKed by Alice's INVITE transaction, hop by hop (same branch).
    expect(alice.requests('ACK')[0]!.topVia.branch).toBe(invite.topVia.branch);
  });

  it('after a 180, goes at once; a ring timeout is our own no-answer policy', async () => {
    const { alice, bob, advance } = setup();
    bob.agent().onIncomingCall((call) => void call.ring());
    const call = alice.agent().call('sip:bob@127.0.0.1:5070', { ringTimeoutMs: 3000 });
    await advance(2980, 10);
    expect(alice.requests('CANCEL')).toEqual([]);
    await advance(40);
    expect(sendTimes(alice, /^CANCEL /)[0]! - sendTimes(alice, /^INVITE /)[0]!).toBe(3000);
    await advance(20);
    expect(await call.ended).toMatchObject({ cause: 'no-answer', status: 487 });
    expect(call.endedWith!.reason).toBe('not answered within 3 s: CANCEL, 487 Request Terminated');
  });

  it('CANCEL crossing the 200: the 2xx is ACKed, then the call is ended with BYE', async () => {
    const { alice, bob, advance } = setup();
    let incoming: IncomingCall | undefined;
    bob.agent().onIncomingCall((call) => {
      incoming = call;
      void call.ring();
    });
    // Alice's CANCEL takes 50 ms; Bob answers in the meantime.
    alice.intercept(dropping(/^CANCEL /, { delayMs: 50 }));
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(20);
    call.hangup();
    void incoming!.answer();
    await advance(100);
    // Bob had answered: the CANCEL had no effect but got its 200 (§9.2).
    expect(bob.responses(200, 'CANCEL')).toHaveLength(1);
    expect(bob.responses(487)).toEqual([]);
    const ack = alice.requests('ACK')[0]!;
    const bye = alice.requests('BYE')[0]!;
    expect(ack.to.tag).toBe(bye.to.tag);
    expect(alice.wire.findIndex((w) => w.message === ack)).toBeLessThan(alice.wire.findIndex((w) => w.message === bye));
    expect(await call.ended).toMatchObject({ cause: 'cancelled', status: 200, byeStatus: 200 });
    expect(call.endedWith!.reason).toMatch(/crossed our CANCEL: ACK then BYE/);
    expect(await incoming!.ended).toMatchObject({ cause: 'hangup-remote' });
  });
});

describe('authentication', () => {
  function challengingCallee(bob: ReturnType<typeof setup>['bob'], script: Array<407 | 200>) {
    const invites: SipRequest[] = [];
    bob.endpoint.handle('INVITE', (request: SipRequest, tx: ServerTransaction) => {
      invites.push(request);
      const status = script[invites.length - 1] ?? 403;
      const built = buildResponseTo(request, status === 407
        ? { status, headers: [{ name: 'Proxy-Authenticate', value: CHALLENGE }] }
        : { status, toTag: 'callee', contact: [{ uri: 'sip:bob@127.0.0.1:5070' }], body: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 50000 RTP/AVP 0\r\n', contentType: 'application/sdp' });
      if (!built.ok) throw new Error(built.error.message);
      tx.respond(built.value);
    });
    return invites;
  }

  it('a 407 is answered once: same Call-ID and From tag, CSeq one higher, Proxy-Authorization for the challenge', async () => {
    const { alice, bob, advance } = setup();
    const invites = challengingCallee(bob, [407, 200]);
    const call = alice.agent({ authenticator: new Authenticator({ username: 'alice', password: 'alice-secret' }) }).call('sip:bob@127.0.0.1:5070');
    await advance(50);
    expect(invites).toHaveLength(2);
    const [first, second] = invites as [SipRequest, SipRequest];
    expect(second.callId).toBe(first.callId);
    expect(second.from.tag).toBe(first.from.tag);
    expect(second.cseq.seq).toBe(first.cseq.seq + 1);
    expect(second.topVia.branch).not.toBe(first.topVia.branch);
    expect(first.proxyAuthorization).toEqual([]);
    expect(second.getHeader('Proxy-Authorization')?.value).toMatch(/^Digest username="alice", realm="callscope\.test", nonce="5f2a9c", uri="sip:bob@127\.0\.0\.1:5070", response="[0-9a-f]{32}"/);
    expect(call.state).toBe('answered');
    // The ACK for the 2xx carries the INVITE's credentials and CSeq (§13.2.2.4).
    const ack = alice.requests('ACK').find((a) => a.to.tag === 'callee')!;
    expect(ack.cseq.seq).toBe(second.cseq.seq);
    expect(ack.getHeader('Proxy-Authorization')?.value).toBe(second.getHeader('Proxy-Authorization')?.value);
  });

  it('a 422 after a 407 is retried with the credentials again (nonce count advanced), so the call goes through', async () => {
    const { alice, bob, advance } = setup();
    const invites: SipRequest[] = [];
    bob.endpoint.handle('INVITE', (request: SipRequest, tx: ServerTransaction) => {
      invites.push(request);
      const n = invites.length;
      const spec = n === 1 ? { status: 407, headers: [{ name: 'Proxy-Authenticate', value: CHALLENGE }] }
        : n === 2 ? { status: 422, headers: [{ name: 'Min-SE', value: '1800' }] }
          : { status: 200, toTag: 'callee', contact: [{ uri: 'sip:bob@127.0.0.1:5070' }], body: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 50000 RTP/AVP 0\r\n', contentType: 'application/sdp' };
      const built = buildResponseTo(request, spec);
      if (!built.ok) throw new Error(built.error.message);
      tx.respond(built.value);
    });
    const call = alice.agent({ authenticator: new Authenticator({ username: 'alice', password: 'alice-secret' }) })
      .call('sip:bob@127.0.0.1:5070', { sessionExpires: 900 });
    await advance(100);
    expect(invites).toHaveLength(3);
    expect(invites[2]!.getHeader('Proxy-Authorization')?.value).toMatch(/nc=00000002/);
    expect(invites[2]!.getHeader('Session-Expires')?.value).toMatch(/^1800/);
    expect(call.state).toBe('answered');
  });

  it('a second 407 after our credentials ends the call: no loop', async () => {
    const { alice, bob, advance } = setup();
    const invites = challengingCallee(bob, [407, 407, 407]);
    const call = alice.agent({ authenticator: new Authenticator({ username: 'alice', password: 'wrong' }) }).call('sip:bob@127.0.0.1:5070');
    await advance(50);
    expect(invites).toHaveLength(2);
    expect(await call.ended).toMatchObject({ cause: 'auth-failed', status: 407 });
    expect(call.endedWith!.reason).toMatch(/^407 Proxy Authentication Required: /);
  });

  it('a 407 without credentials configured ends the call with the reason', async () => {
    const { alice, bob, advance } = setup();
    challengingCallee(bob, [407]);
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(50);
    expect(await call.ended).toMatchObject({ cause: 'auth-failed', status: 407, reason: '407 Proxy Authentication Required: no credentials configured' });
  });
});

describe('timeouts', () => {
  it('an INVITE nobody answers ends at Timer B (64·T1) as a 408', async () => {
    const { alice, advance, timers } = setup();
    alice.intercept(() => 'drop');
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(64 * timers.t1 + 10, 10);
    expect(await call.ended).toMatchObject({ cause: 'timeout', status: 408 });
  });
});

describe('requests inside a call (RFC 3261 §12.2.2)', () => {
  async function connected() {
    const h = setup();
    let incoming: IncomingCall | undefined;
    h.bob.agent().onIncomingCall((call) => {
      incoming = call;
      void call.answer();
    });
    const call = h.alice.agent().call('sip:bob@127.0.0.1:5070');
    await h.advance(20);
    return { ...h, call, incoming: incoming! };
  }

  /** Sends `method` from Bob to Alice in the call's dialog, with a CSeq of our choosing. */
  function fromBob(h: Awaited<ReturnType<typeof connected>>, method: string, cseq: number): void {
    const ok = h.bob.responses(200, 'INVITE')[0]!;
    const text = [
      `${method} sip:alice@127.0.0.1:5060 SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK${method}${cseq}`,
      'Max-Forwards: 70',
      `From: <sip:bob@127.0.0.1:5070>;tag=${ok.to.tag}`,
      `To: <sip:alice@callscope.test>;tag=${ok.from.tag}`,
      `Call-ID: ${ok.callId}`,
      `CSeq: ${cseq} ${method}`,
      'Content-Length: 0', '', '',
    ].join('\r\n');
    h.alice.transport.inject(Buffer.from(text, 'latin1'));
  }

  it('OPTIONS gets 200 with Allow; MESSAGE (no in-dialog handler) 501; a lower CSeq 500; after the end 481', async () => {
    const h = await connected();
    fromBob(h, 'OPTIONS', 10);
    await h.advance(5);
    const options = h.alice.responses(200, 'OPTIONS')[0]!;
    expect(options.allow).toContain('PRACK');
    fromBob(h, 'MESSAGE', 11);
    await h.advance(5);
    expect(h.alice.responses(501, 'MESSAGE')).toHaveLength(1);
    fromBob(h, 'INFO', 5);
    await h.advance(5);
    expect(h.alice.responses(500, 'INFO')[0]!.reason).toBe('Out of order: CSeq 5 is below 11');
    fromBob(h, 'BYE', 12);
    await h.advance(5);
    expect(h.alice.responses(200, 'BYE')).toHaveLength(1);
    expect(await h.call.ended).toMatchObject({ cause: 'hangup-remote' });
    fromBob(h, 'BYE', 13);
    await h.advance(5);
    expect(h.alice.responses(481, 'BYE')).toHaveLength(1);
  });

  it('handleInDialog() is where later methods plug in (re-INVITE, UPDATE, INFO, REFER)', async () => {
    const h = await connected();
    const seen: string[] = [];
    h.call.handleInDialog('INFO', (request, tx) => {
      seen.push(request.method);
      h.alice.endpoint.reply(tx, 200);
    });
    fromBob(h, 'INFO', 20);
    await h.advance(5);
    expect(seen).toEqual(['INFO']);
    expect(h.alice.responses(200, 'INFO')).toHaveLength(1);
  });

  it('a caller\'s BYE before the answer ends the early dialog: 200 to the BYE, 487 to the INVITE (§15.1.2)', async () => {
    const { alice, bob, advance } = setup();
    let incoming: IncomingCall | undefined;
    bob.agent({ reliableProvisionals: 'off' }).onIncomingCall((call) => {
      incoming = call;
      void call.ring();
    });
    alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(20);
    const ringing = bob.responses(180)[0]!;
    alice.transport.intercept(undefined);
    bob.transport.inject(Buffer.from([
      `BYE sip:bob@127.0.0.1:5070 SIP/2.0`,
      'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKearlybye',
      'Max-Forwards: 70',
      `From: <sip:alice@callscope.test>;tag=${ringing.from.tag}`,
      `To: <sip:bob@127.0.0.1:5070>;tag=${ringing.to.tag}`,
      `Call-ID: ${ringing.callId}`,
      `CSeq: ${ringing.cseq.seq + 1} BYE`,
      'Content-Length: 0', '', '',
    ].join('\r\n'), 'latin1'));
    await advance(5);
    expect(bob.responses(200, 'BYE')).toHaveLength(1);
    expect(bob.responses(487, 'INVITE')).toHaveLength(1);
    expect(await incoming!.ended).toMatchObject({ cause: 'hangup-remote', status: 487 });
  });

  it('an INVITE that repeats a call in progress under another branch is a merged request: 482 (§8.2.2.2)', async () => {
    const { alice, bob, advance } = setup();
    bob.agent().onIncomingCall((call) => void call.ring());
    alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(20);
    const invite = alice.requests('INVITE')[0]!;
    bob.transport.inject(Buffer.from(invite.toString().replace(/branch=z9hG4bK[0-9a-f]+/, 'branch=z9hG4bKotherpath'), 'latin1'));
    await advance(5);
    expect(bob.responses(482)).toHaveLength(1);
  });
});
