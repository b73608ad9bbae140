// The host as a phone back end, through the lab's Kamailio with digest auth: an account
// registers over WebSocket, dials a SIPp far end that answers with a reliable 183 + SDP
// (PRACK on the wire, early media before the answer), takes a SIPp caller's call, holds
// and resumes, and reports failures in words (wrong password, untrusted certificate). A
// Node page stands in for the renderer as the media owner, over the same host channel.
import { describe, expect, it } from 'vitest';
import type { AppEvent, CallView, SubscribeCallResult } from '../../main/contract/app-api.js';
import { NodeMediaOwner } from '../support/node-media-owner.js';
import { accountState, addAccount, callPhase, hostLab, invoke, phases } from './host-lab-helpers.js';
import { parseSippTrace } from './sipp-trace.js';

const { lab, phone, cleanups } = hostLab('host-calls');

describe('the host registers an account and runs its calls', () => {
  it('registers with digest over WebSocket: connecting, registering, registered until a time', async () => {
    const p = await phone();
    const id = await addAccount(lab(), p);
    const registered = await accountState(p, id, 'registered');
    expect(registered.aor).toBe(`sip:alice@${lab().proxy.realm}`);
    expect(registered.registeredUntil).toBeGreaterThan(Date.now());
    const states = p.page.events.filter((e) => e.type === 'account-status').map((e) => (e as Extract<AppEvent, { type: 'account-status' }>).status.state);
    expect(states.slice(0, 3)).toEqual(['connecting', 'registering', 'registered']);
  });

  it('dials the reliable-183 far end: trying/early media (PRACK on the wire) before the answer, then our hangup sends BYE', async () => {
    const p = await phone();
    const id = await addAccount(lab(), p);
    await accountState(p, id, 'registered');
    const farEnd = await lab().startUas('uas-reliable-183');
    const dialled = await invoke<CallView>(p, 'dial', { accountId: id, target: lab().farEndUri(farEnd.port) });
    expect(dialled.phase).toBe('dialing');
    const early = await callPhase(p, 'early-media', dialled.id);
    expect(early.earlyMedia).toBe(true);
    expect(early.ringback).toBe(false);
    const answered = await callPhase(p, 'answered', dialled.id);
    expect(answered.timings.inviteSent).toBeGreaterThanOrEqual(0);
    expect(answered.timings.earlyMedia).toBeGreaterThanOrEqual(answered.timings.firstProvisional ?? 0);
    expect(answered.timings.answered).toBeGreaterThanOrEqual(answered.timings.earlyMedia ?? 0);
    await invoke(p, 'hangup', { callId: dialled.id });
    const ended = await callPhase(p, 'ended', dialled.id);
    expect(ended.end).toMatchObject({ cause: 'hangup-local', words: 'You hung up' });
    expect(phases(p, dialled.id)).toEqual(['dialing', 'trying', 'early-media', 'answered', 'ended']);
    expect((await farEnd.result).explanation).toBe('');
    const received = parseSippTrace(farEnd.messageLog()).filter((e) => e.direction === 'received').map((e) => e.startLine.split(' ')[0]);
    expect(received).toEqual(['INVITE', 'PRACK', 'ACK', 'BYE']);
    // The page was asked for an offer, then the early answer (provisional) and the final one.
    const asked = p.page.requests.filter((r) => r.callId === dialled.id).map((r) => r.kind === 'apply-answer' ? `apply-${r.provisional ? 'pr' : 'final'}` : r.kind);
    expect(asked).toEqual(['create-offer', 'apply-pr', 'apply-final', 'close']);
    expect(p.stores.entries[0]).toMatchObject({ direction: 'outgoing', outcome: 'answered', cause: 'hangup-local' });
  });

  it('keeps the call\'s diagnostics live: the INVITE client transaction Calling → Proceeding → Accepted → Terminated, PRACK, ACK and BYE, no findings', async () => {
    // T1 = 100 ms: the INVITE's Timer M (64·T1, RFC 6026) ends it in 6.4 s instead of 32 s.
    const p = await phone({ stores: 'real', t1: 100 });
    const id = await addAccount(lab(), p);
    await accountState(p, id, 'registered');
    const farEnd = await lab().startUas('uas-reliable-183');
    const dialled = await invoke<CallView>(p, 'dial', { accountId: id, target: lab().farEndUri(farEnd.port) });
    await callPhase(p, 'answered', dialled.id);
    const { subscriptionId, snapshot } = await invoke<SubscribeCallResult>(p, 'subscribeCall', { key: `live:${dialled.id}` });
    expect(subscriptionId).toBeGreaterThan(0);
    expect(snapshot.sipCallId).toBe(dialled.sipCallId);
    await invoke(p, 'hangup', { callId: dialled.id });
    await callPhase(p, 'ended', dialled.id);
    await farEnd.result;
    // Updates arrive while the call ends; then the call is saved and listed as recent.
    const recent = await p.page.next((e) => e.type === 'diagnostics-listed' && e.calls.some((c) => c.key === `recent:${dialled.id}`), 45_000);
    expect(recent).toBeDefined();
    const saved = await invoke<SubscribeCallResult>(p, 'subscribeCall', { key: `recent:${dialled.id}` });
    // The proxy challenges the first INVITE (407: Calling → Completed → Terminated); the one with credentials is answered.
    const invites = saved.snapshot.transactions.filter((t) => t.method === 'INVITE' && t.role === 'client');
    expect(invites.map((t) => t.finalStatus)).toEqual([407, 200]);
    const invite = invites[1]!;
    expect(invite.states.map((s) => s.to)).toEqual(['Proceeding', 'Accepted', 'Terminated']);
    expect(invite.states[0]!.from).toBe('Calling');
    expect(saved.snapshot.transactions.map((t) => t.method)).toEqual(expect.arrayContaining(['INVITE', 'PRACK', 'BYE']));
    expect(saved.snapshot.messages.some((m) => m.startLine.startsWith('ACK '))).toBe(true);
    expect(saved.snapshot.findings).toEqual([]);
    const exported = await invoke<{ fileName: string; data: string }>(p, 'exportCall', { key: `recent:${dialled.id}`, format: 'pcap' });
    expect(exported.fileName).toMatch(/\.pcap$/);
    expect(Buffer.from(exported.data, 'base64').length).toBeGreaterThan(100);
  });

  it('rings for a SIPp caller through Kamailio, answers, and shows the caller\'s BYE as the other side hanging up', async () => {
    const p = await phone();
    const id = await addAccount(lab(), p);
    await accountState(p, id, 'registered');
    const caller = await lab().startUac('uac-basic', 'alice', { pauseMs: 500, timeoutS: 15 });
    const ringing = await callPhase(p, 'ringing');
    expect(ringing.direction).toBe('incoming');
    expect(ringing.peer).toMatchObject({ display: 'SIPp caller', uri: expect.stringMatching(/^sip:sipp-caller@/) });
    await invoke(p, 'answer', { callId: ringing.id });
    await callPhase(p, 'answered', ringing.id);
    const ended = await callPhase(p, 'ended', ringing.id);
    expect(ended.end).toMatchObject({ cause: 'hangup-remote', words: 'The other side hung up' });
    expect((await caller.result).explanation).toBe('');
    expect(p.page.requests.filter((r) => r.callId === ringing.id).map((r) => r.kind)).toEqual(['create-answer', 'close']);
  });

  it('a wrong password: failed with 401/403 and a reason that says what to check', async () => {
    const p = await phone();
    const id = await addAccount(lab(), p, { password: { action: 'set', value: 'not-the-password' } });
    const failed = await accountState(p, id, 'failed');
    expect(failed.failure).toMatchObject({ step: 'register', kind: 'auth' });
    expect([401, 403, 407]).toContain(failed.failure?.status);
    expect(failed.failure?.reason).toMatch(/password/);
  });

  it('an untrusted certificate: retrying, with the certificate problem named, and no REGISTER sent', async () => {
    const p = await phone();
    const id = await addAccount(lab(), p, { serverUrl: lab().proxy.wssUrl });
    const retrying = await accountState(p, id, 'retrying');
    expect(retrying.failure).toMatchObject({ step: 'connect', kind: 'tls-certificate' });
    expect(retrying.failure?.reason).toMatch(/certificate/i);
    expect(retrying.retryAt).toBeGreaterThan(Date.now() - 1000);
  });

  it('the media owner goes away mid-call: BYE on the wire and "the phone window closed" recorded', async () => {
    const p = await phone();
    const id = await addAccount(lab(), p);
    await accountState(p, id, 'registered');
    const farEnd = await lab().startUas('uas-ringing-answer');
    const dialled = await invoke<CallView>(p, 'dial', { accountId: id, target: lab().farEndUri(farEnd.port) });
    await callPhase(p, 'answered', dialled.id);
    const watcher = new NodeMediaOwner(p.host);
    cleanups.push(async () => watcher.close());
    p.page.close();
    const ended = await watcher.next((e) => e.type === 'call-updated' && e.call.id === dialled.id && e.call.phase === 'ended');
    expect((ended as Extract<AppEvent, { type: 'call-updated' }>).call.end).toMatchObject({ cause: 'window-closed', words: 'Ended: the phone window closed' });
    await farEnd.result;
    const received = parseSippTrace(farEnd.messageLog()).filter((e) => e.direction === 'received').map((e) => e.startLine.split(' ')[0]);
    expect(received).toContain('BYE');
  });
});
