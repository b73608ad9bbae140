// The host with its built-in test line, no SIP lab: a fresh install registers the "Test
// line" account with no input; echo gives early media before the answer and the caller's
// own audio back (WebRTC on both sides, through the media engine); every fault number
// gives exactly its finding in the caller's model, built from the host's diagnostics
// stream; callback rings the host; the line can be turned off and on, and never starts by
// itself once an account is saved.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_LINE_ACCOUNT_ID, type CallView, type HostStatus, type TestLineView } from '../../main/contract/app-api.js';
import { concatSamples } from '../../src/media/audio/audio-frame.js';
import { mediaVerdicts } from '../../src/media/measure/verdicts.js';
import { TEST_LINE_DIRECTORY } from '../../src/testline/directory.js';
import { toneShare } from '../support/goertzel.js';
import { accountState, callPhase, invoke, useTestLineHost, type TestLinePhone } from './host-testline-helpers.js';

const { phone } = useTestLineHost();

const entry = (number: string) => TEST_LINE_DIRECTORY.find((n) => n.number === number)!;

async function dial(p: TestLinePhone, target: string): Promise<CallView> {
  return invoke<CallView>(p, 'dial', { accountId: TEST_LINE_ACCOUNT_ID, target });
}

async function ended(p: TestLinePhone, call: CallView, timeoutMs = 20_000): Promise<CallView> {
  return callPhase(p, 'ended', (c) => c.id === call.id, timeoutMs);
}

describe('the host starts its test line when no account is saved', () => {
  it('registers the built-in "Test line" account with no input, never saved, and refuses to edit it', async () => {
    const p = await phone();
    const registered = await accountState(p, TEST_LINE_ACCOUNT_ID, 'registered');
    expect(registered.aor).toBe('sip:phone@127.0.0.1');
    const view = await invoke<TestLineView>(p, 'getTestLine');
    expect(view).toMatchObject({ enabled: true, state: 'running', accountId: 'test-line' });
    expect(view.account).toMatchObject({ id: 'test-line', label: 'Test line', builtIn: true, hasPassword: true, user: 'phone' });
    expect(view.account!.serverUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/sip\/[A-Za-z0-9_-]{24}$/);
    expect(view.numbers.map((n) => n.number)).toContain('echo');
    const status = await invoke<HostStatus>(p, 'getStatus');
    expect(status.accounts.find((a) => a.accountId === TEST_LINE_ACCOUNT_ID)?.state).toBe('registered');
    // Not one of the saved accounts, and nothing of it on disk.
    expect((await invoke<{ accounts: unknown[] }>(p, 'getSettings')).accounts).toEqual([]);
    const onDisk = await readFile(join(p.dataDir, 'settings.json'), 'utf8').catch(() => '');
    expect(onDisk).not.toContain('test-line');
    const save = await p.page.session.invoke('saveAccount', { id: TEST_LINE_ACCOUNT_ID, serverUrl: 'ws://127.0.0.1:1', user: 'x' });
    expect(save).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/built in/) } });
    expect(await p.page.session.invoke('deleteAccount', { id: TEST_LINE_ACCOUNT_ID })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await p.page.session.invoke('setTestLine', { enabled: 'yes' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('keeps running when an account is added, stops when turned off (the account says disabled), starts again on demand', async () => {
    const p = await phone();
    await accountState(p, TEST_LINE_ACCOUNT_ID, 'registered');
    await invoke(p, 'saveAccount', { serverUrl: 'ws://127.0.0.1:9', user: 'alice', password: { action: 'set', value: 'x-secret' } });
    expect((await invoke<TestLineView>(p, 'getTestLine')).state).toBe('running');
    const off = await invoke<TestLineView>(p, 'setTestLine', { enabled: false });
    expect(off).toMatchObject({ enabled: false, state: 'stopped' });
    expect(off.account).toBeUndefined();
    await accountState(p, TEST_LINE_ACCOUNT_ID, 'disabled');
    const on = await invoke<TestLineView>(p, 'setTestLine', { enabled: true });
    expect(on.state).toBe('running');
    const again = p.page.next((e) => e.type === 'account-status' && e.status.accountId === TEST_LINE_ACCOUNT_ID && e.status.state === 'registered'
      && p.page.events.indexOf(e) > p.page.events.findIndex((x) => x.type === 'account-status' && x.status.state === 'disabled'));
    await again;
  });

  it('does not start by itself when an account is saved', async () => {
    const first = await phone();
    await invoke(first, 'saveAccount', { serverUrl: 'ws://127.0.0.1:9', user: 'alice' });
    const second = await phone({ dataDir: first.dataDir });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await invoke<TestLineView>(second, 'getTestLine')).toMatchObject({ enabled: false, state: 'stopped' });
    expect((await invoke<HostStatus>(second, 'getStatus')).accounts.map((a) => a.accountId)).not.toContain(TEST_LINE_ACCOUNT_ID);
  });
});

describe('echo through the host, with real audio (WebRTC both sides)', () => {
  it('early media before the answer, then our own 1 kHz tone back, then hang up; no findings', async () => {
    const p = await phone({ media: 'webrtc' });
    await accountState(p, TEST_LINE_ACCOUNT_ID, 'registered');
    const call = await dial(p, 'echo');
    await callPhase(p, 'early-media', (c) => c.id === call.id);
    const answered = await callPhase(p, 'answered', (c) => c.id === call.id);
    const media = p.sessions.get(call.id)!;
    // RTP from the line before its 200 OK: the chime, played as early media.
    const atAnswer = await media.measure();
    expect(atAnswer.received.packets).toBeGreaterThan(20);
    expect(atAnswer.received.level.audibleSeconds).toBeGreaterThan(0.5);
    expect(answered.earlyMedia).toBe(true);
    // Then the echo: what we send (1 kHz) comes back as 1 kHz.
    const heard: Int16Array[] = [];
    let rate = 48_000;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stop = media.onAudio((frame) => { heard.push(frame.samples); rate = frame.sampleRate; });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    stop();
    const samples = concatSamples(heard);
    expect(samples.length).toBeGreaterThan(rate);
    expect(toneShare(samples, rate, 1000)).toBeGreaterThan(0.5);
    await invoke(p, 'hangup', { callId: call.id });
    const done = await ended(p, call);
    expect(done.end).toMatchObject({ cause: 'hangup-local' });
    const asked = p.page.requests.filter((r) => r.callId === call.id).map((r) => (r.kind === 'apply-answer' ? `apply-${r.provisional ? 'pr' : 'final'}` : r.kind));
    expect(asked).toEqual(['create-offer', 'apply-pr', 'apply-final', 'close']);
    expect(p.codes(call)).toEqual([]);
    expect(p.stores.started.map((s) => s.accountId)).toEqual([TEST_LINE_ACCOUNT_ID]);
  });
});

describe('every fault number gives exactly its finding in the caller\'s model', () => {
  it.each(['no-ack', 'no-prack', 'trying-tag', 'silent', 'bad-contact', 'slow'])('%s', async (number) => {
    const p = await phone();
    await accountState(p, TEST_LINE_ACCOUNT_ID, 'registered');
    const call = await dial(p, number);
    const answersItself = ['trying-tag', 'bad-contact', 'slow'].includes(number);
    if (answersItself) {
      await callPhase(p, 'answered', (c) => c.id === call.id);
      await invoke(p, 'hangup', { callId: call.id });
    }
    const done = await ended(p, call);
    const expectedEnd: Record<string, object> = {
      'no-ack': { cause: 'hangup-remote' }, 'no-prack': { status: 504 }, silent: { cause: 'request-timeout', status: 408 },
      'trying-tag': { cause: 'hangup-local' }, 'bad-contact': { cause: 'hangup-local' }, slow: { cause: 'hangup-local' },
    };
    expect(done.end).toMatchObject(expectedEnd[number]!);
    expect(p.codes(done)).toEqual([entry(number).finding]);
  });
});

describe('service numbers through the host', () => {
  it('busy is "busy"; ring rings until hung up (cancelled); forked answers from its second early dialog; no findings', async () => {
    const p = await phone();
    await accountState(p, TEST_LINE_ACCOUNT_ID, 'registered');
    const busy = await ended(p, await dial(p, 'busy'));
    expect(busy.end).toMatchObject({ cause: 'busy', status: 486 });
    const ring = await dial(p, 'ring');
    await callPhase(p, 'ringing', (c) => c.id === ring.id);
    await invoke(p, 'hangup', { callId: ring.id });
    expect((await ended(p, ring)).end?.cause).toBe('cancelled');
    const forked = await dial(p, 'forked');
    await callPhase(p, 'answered', (c) => c.id === forked.id);
    await invoke(p, 'hangup', { callId: forked.id });
    const done = await ended(p, forked);
    expect(p.model(done).dialogs).toHaveLength(2);
    for (const call of [busy, ring, done]) expect(p.codes(call)).toEqual([]);
  });
});

describe('media faults, judged by the phone\'s media verdicts (WebRTC)', () => {
  it.each(['one-way', 'no-dtls'])('%s', async (number) => {
    const p = await phone({ media: 'webrtc' });
    await accountState(p, TEST_LINE_ACCOUNT_ID, 'registered');
    const call = await dial(p, number);
    await callPhase(p, 'answered', (c) => c.id === call.id);
    const media = p.sessions.get(call.id)!;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const measured = await media.measure();
    await invoke(p, 'hangup', { callId: call.id });
    await ended(p, call);
    const [verdict] = mediaVerdicts(measured, { startedAt: 0 });
    const promised = entry(number).media!;
    expect({ verdict: verdict!.code, ...(verdict!.flowing ? { flowing: verdict!.flowing } : {}) }).toEqual(promised);
    if (number === 'no-dtls') expect(measured.transport?.iceConnectedAt).toBeDefined();
    expect(p.codes(call)).toEqual([]);
  });
});

describe('callback rings the host', () => {
  it('the line hangs up, then calls the phone: an incoming call from sip:callback that can be answered', async () => {
    const p = await phone();
    await accountState(p, TEST_LINE_ACCOUNT_ID, 'registered');
    const call = await dial(p, 'callback');
    const first = await ended(p, call);
    expect(first.end?.cause).toBe('hangup-remote');
    const ringing = await callPhase(p, 'ringing', (c) => c.direction === 'incoming');
    expect(ringing).toMatchObject({ accountId: TEST_LINE_ACCOUNT_ID, peer: { display: 'Callscope test line', uri: expect.stringMatching(/^sip:callback@127\.0\.0\.1/) } });
    await invoke(p, 'answer', { callId: ringing.id });
    await callPhase(p, 'answered', (c) => c.id === ringing.id);
    await invoke(p, 'hangup', { callId: ringing.id });
    const back = await ended(p, ringing);
    expect(back.end?.cause).toBe('hangup-local');
    expect(p.codes(first)).toEqual([]);
    expect(p.codes(back)).toEqual([]);
  });
});

