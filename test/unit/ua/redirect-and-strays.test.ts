// The rarer paths of an INVITE: a 401 from the callee itself, a 3xx followed
// to its Contact (§8.1.3.4), a 2xx retransmitted after the INVITE transaction
// is gone (RFC 6026 Timer M: it comes through the endpoint's stray-response
// path and is ACKed again), and a UAS that requires 100rel (421).
import { describe, expect, it } from 'vitest';
import { buildResponseTo } from '../../../src/message/index.js';
import type { SipRequest, SipResponse } from '../../../src/message/index.js';
import type { ServerTransaction } from '../../../src/transaction/transaction-layer.js';
import { Authenticator } from '../../../src/ua/auth/authenticator.js';
import { defaultSdp } from '../../../src/ua/sdp/static-sdp.js';
import { setup } from './call-harness.js';

const SDP = defaultSdp({ port: 50000, sessionId: 3 });

/** Bob's endpoint answering each INVITE with `answer(invite, n)`; his dialogs take ACK and BYE. */
function scripted(bob: ReturnType<typeof setup>['bob'], answer: (invite: SipRequest, n: number) => Parameters<typeof buildResponseTo>[1]) {
  const invites: SipRequest[] = [];
  const sent: SipResponse[] = [];
  bob.endpoint.handle('INVITE', (request: SipRequest, tx: ServerTransaction) => {
    invites.push(request);
    const built = buildResponseTo(request, answer(request, invites.length));
    if (!built.ok) throw new Error(built.error.message);
    sent.push(built.value);
    if (built.value.status < 300) {
      bob.endpoint.addDialog(`${request.callId}|${built.value.to.tag}|${request.from.tag}`, {
        onRequest: (_r, t) => bob.endpoint.reply(t, 200), onAck: () => undefined,
      });
    }
    tx.respond(built.value);
  });
  return { invites, sent };
}

const ok = { status: 200, toTag: 'bob1', contact: [{ uri: 'sip:bob@127.0.0.1:5070' }], body: SDP, contentType: 'application/sdp' };

describe('less common INVITE outcomes', () => {
  it('a 401 from the callee is answered with Authorization, once', async () => {
    const { alice, bob, advance } = setup();
    const far = scripted(bob, (_i, n) => (n === 1
      ? { status: 401, headers: [{ name: 'WWW-Authenticate', value: 'Digest realm="bob", nonce="abc", qop="auth"' }] }
      : ok));
    const call = alice.agent({ authenticator: new Authenticator({ username: 'alice', password: 'pw' }) }).call('sip:bob@127.0.0.1:5070');
    await advance(30);
    expect(far.invites).toHaveLength(2);
    expect(far.invites[1]!.getHeader('Authorization')?.value).toMatch(/^Digest username="alice", realm="bob"/);
    expect(far.invites[1]!.cseq.seq).toBe(far.invites[0]!.cseq.seq + 1);
    expect(call.state).toBe('answered');
  });

  it('a 302 is followed to its Contact when configured: same Call-ID, From tag and To, CSeq one higher', async () => {
    const { alice, bob, advance } = setup();
    const far = scripted(bob, (_i, n) => (n === 1 ? { status: 302, contact: [{ uri: 'sip:carol@127.0.0.1:5070' }] } : ok));
    const call = alice.agent().call('sip:bob@127.0.0.1:5070', { followRedirects: 1 });
    await advance(30);
    expect(far.invites.map((i) => i.requestUriText)).toEqual(['sip:bob@127.0.0.1:5070', 'sip:carol@127.0.0.1:5070']);
    const [first, second] = far.invites as [SipRequest, SipRequest];
    expect(second.callId).toBe(first.callId);
    expect(second.from.tag).toBe(first.from.tag);
    expect(second.getHeader('To')?.value).toBe(first.getHeader('To')?.value);
    expect(second.cseq.seq).toBe(first.cseq.seq + 1);
    expect(call.state).toBe('answered');
  });

  it('without followRedirects a 302 ends the call as rejected', async () => {
    const { alice, bob, advance } = setup();
    scripted(bob, () => ({ status: 302, contact: [{ uri: 'sip:carol@127.0.0.1:5070' }] }));
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(30);
    expect(await call.ended).toMatchObject({ cause: 'rejected', status: 302 });
  });

  it('a 2xx retransmitted after Timer M reaches the call through the stray-response path and is ACKed again', async () => {
    const { alice, bob, advance, timers } = setup();
    const far = scripted(bob, () => ok);
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(30);
    expect(call.state).toBe('answered');
    expect(alice.requests('ACK')).toHaveLength(1);
    // Timer M (64·T1) ends Alice's INVITE transaction.
    await advance(64 * timers.t1 + 100, 50);
    expect(alice.events.some((e) => e.type === 'transaction-state' && e.to === 'Terminated' && e.cause === 'Timer M fired')).toBe(true);
    alice.transport.inject(far.sent[0]!.toBytes());
    await advance(10);
    const acks = alice.requests('ACK');
    expect(acks).toHaveLength(2);
    expect(acks[1]!.toString()).toBe(acks[0]!.toString());
  });

  it('a UAS that requires 100rel refuses a caller without it: 421 with Require: 100rel', async () => {
    const { alice, bob, advance } = setup();
    bob.agent({ reliableProvisionals: 'required' }).onIncomingCall(() => { throw new Error('no call should be offered'); });
    const call = alice.agent({ reliableProvisionals: 'off' }).call('sip:bob@127.0.0.1:5070');
    await advance(30);
    const [refusal] = bob.responses(421);
    expect(refusal!.require).toEqual(['100rel']);
    expect(await call.ended).toMatchObject({ cause: 'rejected', status: 421 });
  });
});
