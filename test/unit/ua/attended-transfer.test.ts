// Attended transfer (RFC 5589 §7.1) between three user agents: Alice calls
// Bob and Carol, then transfers Bob to Carol with a REFER whose Refer-To
// carries Replaces (RFC 3891) naming her call with Carol. Bob's INVITE with
// Replaces reaches Carol, who answers it at once and ends her call with
// Alice; Bob ends his with Alice after the final NOTIFY. Then the rules an
// INVITE with Replaces is held to at the UAS (RFC 3891 §3).
import { describe, expect, it } from 'vitest';
import type { IncomingCall } from '../../../src/ua/call/incoming-call.js';
import type { OutgoingCall } from '../../../src/ua/call/outgoing-call.js';
import type { Call } from '../../../src/ua/call/types.js';
import { collect } from './mid-call-harness.js';
import { threeParties, type Party } from './three-party-harness.js';

/** Takes every incoming call of `party` into `calls`; answers the first unless `answer` is false. */
function taking(party: Party, options: { answer?: boolean } = {}) {
  const calls: IncomingCall[] = [];
  party.agent().onIncomingCall((call) => {
    calls.push(call);
    if (options.answer !== false && calls.length === 1) void call.answer();
  });
  return calls;
}

/** Alice (transferor) has calls up with Bob (transferee) and Carol (target). */
async function twoCalls() {
  const t = threeParties();
  const bobCalls = taking(t.bob);
  const carolCalls = taking(t.carol);
  const alice = t.alice.agent();
  const toBob = alice.call(t.bob.uri);
  const toCarol = alice.call(t.carol.uri);
  await t.advance(30);
  if (toBob.state !== 'answered' || toCarol.state !== 'answered') throw new Error('the calls did not connect');
  return { ...t, aliceAgent: alice, toBob, toCarol, bobCalls, carolCalls };
}

function dialogOf(call: OutgoingCall) {
  return [...call.dialogs.values()][0]!.dialog;
}

describe('attended transfer (RFC 5589 §7.1, RFC 3891)', () => {
  it('Alice transfers Bob to Carol: REFER with Replaces, Bob\'s INVITE replaces Carol\'s call, Bob and Carol talk, both of Alice\'s calls end', async () => {
    const t = await twoCalls();
    const [fromAlice] = t.bobCalls;
    const [carolOriginal] = t.carolCalls;
    let bobNew: Call | undefined;
    const transferCalls = collect(fromAlice!, 'transfer-call');
    fromAlice!.on('transfer-call', (e) => { bobNew = e.call; });
    const replaced = collect(carolOriginal!, 'replaced');
    const agentSaw: unknown[] = [];
    t.carol.agent().onCallReplaced((e) => agentSaw.push([e.replaced, e.by, e.replaced.isEnded]));
    const progress = collect(t.toBob, 'transfer-progress');

    const result = t.toBob.transferTo(t.toCarol);
    await t.advance(100);
    expect(await result).toEqual({ ok: true, status: 200, reason: 'OK' });

    // The REFER: Refer-To Carol's Contact with Replaces naming Alice's dialog with Carol as Carol sees it.
    const [refer] = t.alice.requests('REFER');
    const carolDialog = dialogOf(t.toCarol);
    const replaces = `${t.toCarol.callId};to-tag=${carolDialog.id.remoteTag};from-tag=${carolDialog.id.localTag}`;
    const escaped = replaces.replace(/@/g, '%40').replace(/;/g, '%3B').replace(/=/g, '%3D');
    expect(refer!.getHeader('Refer-To')!.value).toBe(`<sip:carol@127.0.0.1:5080?Replaces=${escaped}>`);
    expect(refer!.getHeader('Referred-By')!.value).toBe('<sip:alice@callscope.test>');

    // Bob's INVITE to Carol: the Replaces header field, Referred-By, a Call-ID of its own.
    const invite = t.bob.requests('INVITE').at(-1)!;
    expect(invite.requestUriText).toBe('sip:carol@127.0.0.1:5080');
    expect(invite.getHeader('Replaces')!.value).toBe(replaces);
    expect(invite.getHeader('Referred-By')!.value).toBe('<sip:alice@callscope.test>');
    expect(transferCalls).toEqual([expect.objectContaining({ target: 'sip:carol@127.0.0.1:5080', replaces: true })]);

    // Carol answered it at once, without ringing, and ended her call with Alice by BYE.
    const carolNew = t.carolCalls[1]!;
    expect(carolNew.replaces).toBe(carolOriginal);
    expect(t.carol.responses(180, 'INVITE')).toEqual([]);
    expect(carolNew.state).toBe('confirmed');
    expect(replaced).toEqual([{ at: expect.any(Number), by: carolNew }]);
    expect(agentSaw).toEqual([[carolOriginal, carolNew, false]]);
    expect(await carolOriginal!.ended).toMatchObject({ cause: 'replaced', byeStatus: 200 });
    expect(t.carol.requests('BYE').map((b) => b.callId)).toEqual([t.toCarol.callId]);

    // Bob NOTIFYed 100 and 200 (no ringing), then ended his call with Alice.
    expect(progress.map((p) => [p.status, p.final])).toEqual([[100, false], [200, true]]);
    expect(await fromAlice!.ended).toMatchObject({ cause: 'transferred', byeStatus: 200 });
    // Both of Alice's calls ended as transferred, by their peers' BYEs.
    expect(await t.toBob.ended).toMatchObject({ cause: 'transferred' });
    expect(await t.toCarol.ended).toMatchObject({ cause: 'transferred' });
    expect(t.alice.requests('BYE')).toEqual([]);

    // Bob and Carol talk.
    expect(bobNew?.state).toBe('answered');
    expect(bobNew!.isEnded).toBe(false);
    bobNew!.hangup();
    await t.advance(10);
    expect(await carolNew.ended).toMatchObject({ cause: 'hangup-remote' });
  });

  it('the target is hanging up (603 to the INVITE with Replaces): the transfer fails and Alice keeps her call with Bob', async () => {
    const t = await twoCalls();
    const [carolOriginal] = t.carolCalls;
    // Carol's BYE to Alice is lost: Carol's call is ending, Alice's is still up.
    t.lose(/^BYE /);
    carolOriginal!.hangup();
    await t.advance(5);
    t.lose(undefined);
    const result = t.toBob.transferTo(t.toCarol);
    await t.advance(200);
    expect(await result).toMatchObject({ ok: false, status: 603 });
    expect(t.carol.responses(603, 'INVITE')).toHaveLength(1);
    expect(t.bobCalls[0]!.state).toBe('confirmed');
    expect(t.toBob.state).toBe('answered');
    // Refused before it became a call: Carol's user never saw it.
    expect(t.carolCalls).toHaveLength(1);
  });

  it('transferTo refuses a call that is not established, or the call itself', async () => {
    const t = await twoCalls();
    expect(await t.toBob.transferTo(t.toBob)).toMatchObject({ ok: false });
    const ringing = t.aliceAgent.call('sip:nobody@127.0.0.1:5090');
    expect(await t.toBob.transferTo(ringing)).toMatchObject({ ok: false, reason: 'the other call is not an established call of this user agent' });
    expect(t.alice.requests('REFER')).toEqual([]);
  });
});

describe('an INVITE with Replaces at the UAS (RFC 3891 §3)', () => {
  /** Bob sends Carol an INVITE with these Replaces header fields; resolves with how that call ended or that it was answered. */
  async function replacing(t: Awaited<ReturnType<typeof twoCalls>>, ...values: string[]) {
    const call = t.bob.agent().call(t.carol.uri, { headers: values.map((value) => ({ name: 'Replaces', value })) });
    await t.advance(50);
    return call;
  }

  /** A hand-written INVITE from Bob to Carol with these header lines; resolves with Carol's final response to it. */
  async function rawInvite(t: Awaited<ReturnType<typeof twoCalls>>, lines: string[]) {
    const callId = `raw-${lines.length}-${t.clock.now()}@bob`;
    t.bob.sendRaw(t.carol, [
      `INVITE ${t.carol.uri} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK${callId.length}${t.clock.now()}`,
      'From: <sip:bob@callscope.test>;tag=raw1', `To: <${t.carol.uri}>`, `Call-ID: ${callId}`, 'CSeq: 1 INVITE',
      'Max-Forwards: 70', 'Contact: <sip:bob@127.0.0.1:5070>', ...lines, 'Content-Length: 0', '', '',
    ].join('\r\n'));
    await t.advance(20);
    return t.carol.wire.map((w) => w.message).find((m) => m.kind === 'response' && m.callId === callId && m.status >= 200);
  }

  it('no dialog matches: 481; a confirmed dialog with early-only: 486; an ended one: 603', async () => {
    const t = await twoCalls();
    const d = dialogOf(t.toCarol);
    const names = `${t.toCarol.callId};to-tag=${d.id.remoteTag};from-tag=${d.id.localTag}`;
    // The tags the wrong way round, or another Call-ID, name no dialog.
    expect((await replacing(t, `${t.toCarol.callId};to-tag=${d.id.localTag};from-tag=${d.id.remoteTag}`)).endedWith).toMatchObject({ status: 481 });
    expect((await replacing(t, `nope@x;to-tag=${d.id.remoteTag};from-tag=${d.id.localTag}`)).endedWith).toMatchObject({ status: 481 });
    expect((await replacing(t, `${names};early-only`)).endedWith).toMatchObject({ status: 486 });
    expect(t.carolCalls[0]!.state).toBe('confirmed');
    expect(t.carolCalls).toHaveLength(1);
    t.toCarol.hangup();
    await t.advance(20);
    expect((await replacing(t, names)).endedWith).toMatchObject({ status: 603 });
  });

  it('a malformed Replaces (no from-tag) or two of them get 400, and so does Replaces in a request other than INVITE', async () => {
    const t = await twoCalls();
    const d = dialogOf(t.toCarol);
    const names = `${t.toCarol.callId};to-tag=${d.id.remoteTag};from-tag=${d.id.localTag}`;
    expect((await rawInvite(t, [`Replaces: ${t.toCarol.callId};to-tag=${d.id.remoteTag}`]))).toMatchObject({ status: 400 });
    expect((await rawInvite(t, [`Replaces: ${names}`, `Replaces: ${names}`]))).toMatchObject({ status: 400 });
    t.bob.sendRaw(t.carol, [
      `OPTIONS ${t.carol.uri} SIP/2.0`, 'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKopt1', 'From: <sip:bob@callscope.test>;tag=o1',
      `To: <${t.carol.uri}>`, 'Call-ID: options-replaces@bob', 'CSeq: 1 OPTIONS', 'Max-Forwards: 70', `Replaces: ${names}`, 'Content-Length: 0', '', '',
    ].join('\r\n'));
    await t.advance(20);
    expect(t.carol.wire.map((w) => w.message).find((m) => m.callId === 'options-replaces@bob')).toMatchObject({ status: 400 });
    expect(t.carolCalls).toHaveLength(1);
    expect(t.carolCalls[0]!.state).toBe('confirmed');
  });

  it('an early dialog Carol did not initiate gets 481; one she initiated is replaced, and her INVITE cancelled', async () => {
    const t = threeParties();
    const aliceCalls = taking(t.alice, { answer: false });
    const carolCalls = taking(t.carol, { answer: false });
    const bobAgent = t.bob.agent();
    // Carol rings for Alice's call (an early dialog Carol is UAS of).
    const aliceToCarol = t.alice.agent().call(t.carol.uri);
    await t.advance(20);
    void carolCalls[0]!.ring();
    await t.advance(20);
    const uas = carolCalls[0]!.dialog;
    const notOurs = bobAgent.call(t.carol.uri, { headers: [{ name: 'Replaces', value: `${uas.id.callId};to-tag=${uas.id.localTag};from-tag=${uas.id.remoteTag}` }] });
    await t.advance(50);
    expect(notOurs.endedWith).toMatchObject({ status: 481 });
    expect(aliceToCarol.isEnded).toBe(false);

    // Carol calls Alice, who rings: an early dialog Carol is UAC of.
    const carolToAlice = t.carol.agent().call(t.alice.uri);
    await t.advance(20);
    void aliceCalls[0]!.ring();
    await t.advance(20);
    const uac = [...carolToAlice.dialogs.values()][0]!.dialog;
    const ended = collect(carolToAlice, 'replaced');
    const replacing = bobAgent.call(t.carol.uri, { headers: [{ name: 'Replaces', value: `${uac.id.callId};to-tag=${uac.id.localTag};from-tag=${uac.id.remoteTag}` }] });
    await t.advance(50);
    expect(replacing.state).toBe('answered');
    expect(ended).toHaveLength(1);
    expect(t.carol.requests('CANCEL').map((c) => c.callId)).toEqual([carolToAlice.callId]);
    expect(await carolToAlice.ended).toMatchObject({ cause: 'replaced', status: 487 });
  });
});
