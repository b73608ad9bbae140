// Outgoing calls from Callscope over WSS through the lab's Kamailio (record-
// routing twice between WSS and UDP, rtpengine bridging the media) to SIPp
// far ends over UDP: reliable 183 + PRACK + early media + ACK end to end +
// BYE; a far end that repeats its 183 and skips an RSeq; two forks; busy;
// CANCEL while ringing; our no-answer policy; a 407 from the proxy answered.
import { afterEach, describe, expect, it } from 'vitest';
import { formatUri } from '../../src/message/index.js';
import { StaticSdpHandler } from '../../src/ua/sdp/static-sdp.js';
import type { OutgoingCall } from '../../src/ua/call/outgoing-call.js';
import { type LabUa, within, wssUa } from './calls-lab-helpers.js';
import { parseSippTrace } from './sipp-trace.js';
import { useLab } from './vitest-lab.js';

const lab = useLab({ name: 'calls-outgoing' });
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function caller(options: Parameters<typeof wssUa>[1] = {}): Promise<LabUa> {
  const ua = await wssUa(lab(), options);
  closers.push(() => ua.close());
  return ua;
}

/** Resolves with `promise`, or fails naming `what` after `ms`. */

function answered(call: OutgoingCall): Promise<void> {
  return within(new Promise<void>((resolve, reject) => {
    call.on('answered', () => resolve());
    call.on('ended', (e) => reject(new Error(`the call ended before the answer: ${e.cause} ${e.reason}`)));
  }), 'the answer');
}

/** The call's events in order, by name. */
function timeline(call: OutgoingCall): string[] {
  const seen: string[] = [];
  for (const name of ['trying', 'ringing', 'progress', 'early-media', 'answered', 'ended'] as const) call.on(name, () => seen.push(name));
  return seen;
}

function received(trace: string, method: string): string[] {
  return parseSippTrace(trace).filter((e) => e.direction === 'received' && e.startLine.startsWith(`${method} `)).map((e) => e.text);
}

describe('outgoing calls through Kamailio over WSS', () => {
  it('reliable 183 with SDP: PRACK with the right RAck, early media before the answer, ACK end to end along the Record-Route, BYE', async () => {
    const farEnd = await lab().startUas('uas-reliable-183');
    const ua = await caller();
    const sdp = new StaticSdpHandler();
    const call = ua.agent.call(lab().farEndUri(farEnd.port), { sdp });
    const seen = timeline(call);
    await answered(call);
    call.hangup();
    const end = await within(call.ended, 'the end of the call');
    expect(end).toMatchObject({ cause: 'hangup-local', status: 200, byeStatus: 200 });
    expect((await farEnd.result).explanation).toBe('');
    expect(seen.filter((s) => s !== 'trying')).toEqual(['early-media', 'answered', 'ended']);
    expect(sdp.applied.map((a) => a.kind)).toEqual(['provisional-answer', 'final-answer']);

    const invite = ua.requests('INVITE')[0]!;
    expect(invite.supported).toContain('100rel');
    const progress = ua.responses(183)[0]!;
    expect(progress.require).toContain('100rel');
    const [prack] = ua.requests('PRACK');
    expect(prack!.getHeader('RAck')?.value).toBe(`${progress.rseq} ${invite.cseq.seq} INVITE`);
    // What the far end got: a PRACK for RSeq 1 of the INVITE, ACK and BYE in the dialog.
    const log = farEnd.messageLog();
    expect(received(log, 'PRACK')[0]).toMatch(new RegExp(`^RAck: 1 ${invite.cseq.seq} INVITE$`, 'm'));

    // ACK: Request-URI = the 2xx Contact, Route = Record-Route reversed (two
    // entries: Kamailio record-routes twice between WSS and UDP).
    const ok = ua.responses(200).find((r) => r.cseq.method === 'INVITE')!;
    const [ack] = ua.requests('ACK');
    expect(ok.recordRoutes).toHaveLength(2);
    expect(ack!.requestUriText).toBe(formatUri(ok.contacts[0]!.uri));
    expect(ack!.routes.map((r) => formatUri(r.uri))).toEqual([...ok.recordRoutes].reverse().map((r) => formatUri(r.uri)));
    expect(ack!.cseq).toEqual({ seq: invite.cseq.seq, method: 'ACK' });
    expect(ack!.topVia.branch).not.toBe(invite.topVia.branch);
    const ackAtFarEnd = received(log, 'ACK');
    expect(ackAtFarEnd).toHaveLength(1);
    expect(ackAtFarEnd[0]).toMatch(new RegExp(`^ACK sip:farend@127\\.0\\.0\\.1:${farEnd.port};transport=UDP SIP/2\\.0`));
    expect(ackAtFarEnd[0]).toMatch(new RegExp(`^CSeq: ${invite.cseq.seq} ACK$`, 'm'));
    expect(received(log, 'BYE')).toHaveLength(1);
    // Every client transaction of the call is tagged with it.
    const created = ua.events.filter((e) => e.type === 'transaction-created' && e.role === 'client');
    expect(created.map((e) => e.type === 'transaction-created' && e.method)).toEqual(['INVITE', 'PRACK', 'BYE']);
    expect(created.every((e) => e.type === 'transaction-created' && e.callTag === call.callTag)).toBe(true);
  });

  it('a far end that repeats its reliable 183 and skips an RSeq: one PRACK only, and the call completes', async () => {
    const farEnd = await lab().startUas('uas-prack-repeats');
    const ua = await caller();
    const call = ua.agent.call(lab().farEndUri(farEnd.port));
    await answered(call);
    call.hangup();
    expect(await within(call.ended, 'the end of the call')).toMatchObject({ cause: 'hangup-local', byeStatus: 200 });
    // SIPp fails its scenario on any PRACK it did not expect.
    expect((await farEnd.result).explanation).toBe('');
    const provisionals = ua.wire.filter((w) => w.direction === 'received' && w.message.kind === 'response' && w.message.status > 100 && w.message.status < 200);
    expect(provisionals.map((w) => w.message.kind === 'response' && `${w.message.status} ${w.message.rseq}`)).toEqual(['183 1', '183 1', '180 3']);
    expect(ua.events.filter((e) => e.type === 'transaction-created' && e.method === 'PRACK')).toHaveLength(1);
    expect(received(farEnd.messageLog(), 'PRACK')).toHaveLength(1);
  });

  it('two forks: an early dialog each, a PRACK each in its own dialog; one answers, the other is cancelled by the proxy', async () => {
    const winner = await lab().startUas('uas-reliable-183');
    const loser = await lab().startUas('uas-prack-cancelled');
    const ua = await caller();
    const call = ua.agent.call(`sip:fork-${winner.port}-${loser.port}@127.0.0.1:${lab().proxy.ports.udp}`);
    const early: string[] = [];
    call.on('early-media', (e) => early.push(e.dialog));
    await answered(call);
    expect((await loser.result).explanation).toBe('');
    call.hangup();
    expect(await within(call.ended, 'the end of the call')).toMatchObject({ cause: 'hangup-local', byeStatus: 200 });
    expect((await winner.result).explanation).toBe('');
    expect(call.dialogs.size).toBe(2);
    expect(new Set(early).size).toBe(2);
    const pracks = ua.requests('PRACK');
    expect(pracks).toHaveLength(2);
    expect(new Set(pracks.map((p) => p.to.tag)).size).toBe(2);
    const cseq = ua.requests('INVITE')[0]!.cseq.seq;
    expect(pracks.map((p) => p.getHeader('RAck')?.value)).toEqual([`1 ${cseq} INVITE`, `1 ${cseq} INVITE`]);
    expect(received(loser.messageLog(), 'PRACK')).toHaveLength(1);
    expect(received(winner.messageLog(), 'PRACK')).toHaveLength(1);
  });

  it('busy: a 486 ends the call as rejected, with the status and reason', async () => {
    const farEnd = await lab().startUas('uas-busy');
    const ua = await caller();
    const call = ua.agent.call(lab().farEndUri(farEnd.port));
    expect(await within(call.ended, 'the end of the call')).toMatchObject({ cause: 'rejected', status: 486, reason: '486 Busy Here' });
    expect((await farEnd.result).explanation).toBe('');
  });

  it('CANCEL while it rings: 200 for the CANCEL, 487 for the INVITE', async () => {
    const farEnd = await lab().startUas('uas-ringing-forever');
    const ua = await caller();
    const call = ua.agent.call(lab().farEndUri(farEnd.port));
    await within(new Promise<void>((resolve) => call.on('ringing', () => resolve())), 'ringing');
    call.hangup();
    expect(await within(call.ended, 'the end of the call')).toMatchObject({ cause: 'cancelled', status: 487 });
    expect((await farEnd.result).explanation).toBe('');
    const [cancel] = ua.requests('CANCEL');
    expect(cancel!.topVia.branch).toBe(ua.requests('INVITE')[0]!.topVia.branch);
    expect(ua.responses(200).some((r) => r.cseq.method === 'CANCEL')).toBe(true);
  });

  it('no answer: our ring timeout CANCELs the call', async () => {
    const farEnd = await lab().startUas('uas-ringing-forever');
    const ua = await caller();
    const call = ua.agent.call(lab().farEndUri(farEnd.port), { ringTimeoutMs: 800 });
    const end = await within(call.ended, 'the end of the call');
    expect(end).toMatchObject({ cause: 'no-answer', status: 487, reason: 'not answered within 0.8 s: CANCEL, 487 Request Terminated' });
    expect((await farEnd.result).explanation).toBe('');
  });

  it('a call from lab account alice gets a 407 from Kamailio and succeeds on the retry with credentials', async () => {
    const farEnd = await lab().startUas('uas-ringing-answer');
    const alice = lab().account('alice');
    const ua = await caller({ user: 'alice', password: alice.password });
    const call = ua.agent.call(lab().farEndUri(farEnd.port));
    await answered(call);
    call.hangup();
    expect(await within(call.ended, 'the end of the call')).toMatchObject({ cause: 'hangup-local', byeStatus: 200 });
    expect((await farEnd.result).explanation).toBe('');
    const invites = ua.requests('INVITE');
    expect(invites).toHaveLength(2);
    expect(ua.responses(407)).toHaveLength(1);
    expect(invites[0]!.proxyAuthorization).toEqual([]);
    expect(invites[1]!.getHeader('Proxy-Authorization')?.value).toMatch(/^Digest username="alice", realm="callscope\.lab"/);
    expect(invites[1]!.cseq.seq).toBe(invites[0]!.cseq.seq + 1);
    expect(invites[1]!.callId).toBe(invites[0]!.callId);
    // The password never goes on the wire.
    expect(ua.wire.some((w) => w.message.toString().includes(alice.password))).toBe(false);
  });
});
