// The host's calls once connected, through the lab's Kamailio: hold and resume (re-INVITE
// with the right direction), DTMF by SIP INFO, a blind transfer with its NOTIFY progress,
// an incoming call when no window owns the media (480, and the user told why), and
// account changes with a call up.
import { describe, expect, it } from 'vitest';
import type { AppEvent, CallView } from '../../main/contract/app-api.js';
import { Authenticator } from '../../src/ua/auth/authenticator.js';
import { sdpDirection } from '../../src/ua/sdp/media-direction.js';
import { Registration, newInstanceId } from '../../src/ua/registration/registration.js';
import { udpUa, wssUa, type LabUa } from './calls-lab-helpers.js';
import { accountState, addAccount, callPhase, hostLab, invoke, type Phone } from './host-lab-helpers.js';

const { lab, phone, cleanups } = hostLab('host-midcall');

async function bob(): Promise<LabUa & { port: number }> {
  const ua = await udpUa(lab(), { user: 'bob', agent: { authenticator: new Authenticator({ username: 'bob', password: lab().account('bob').password }) } });
  cleanups.push(() => ua.close());
  ua.agent.onIncomingCall((call) => void call.answer());
  return ua;
}

/** Carol, registered over WSS, answering the first call she gets (a replacing one the agent answers itself). */
async function registeredCarol(): Promise<LabUa> {
  const account = lab().account('carol');
  const ua = await wssUa(lab(), { user: 'carol', password: account.password });
  const registration = new Registration({
    endpoint: ua.endpoint, aor: `sip:carol@${lab().proxy.realm}`, credentials: { username: 'carol', password: account.password },
    instanceId: newInstanceId(),
  });
  cleanups.push(async () => {
    await registration.stop({ timeoutMs: 2000 });
    await ua.close();
  });
  if ((await registration.start()).name !== 'registered') throw new Error('carol did not register');
  let first = true;
  ua.agent.onIncomingCall((call) => {
    if (first) void call.answer();
    first = false;
  });
  return ua;
}

async function connected(p: Phone, fields: Record<string, unknown> = {}): Promise<{ id: string; far: LabUa & { port: number }; call: CallView }> {
  const id = await addAccount(lab(), p, fields);
  await accountState(p, id, 'registered');
  const far = await bob();
  const dialled = await invoke<CallView>(p, 'dial', { accountId: id, target: lab().farEndUri(far.port) });
  const call = await callPhase(p, 'answered', dialled.id);
  return { id, far, call };
}

function waitFor(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out: ${what}`));
      else setTimeout(check, 20);
    };
    check();
  });
}

describe('the host in a call', () => {
  it('holds (re-INVITE offering sendonly) and resumes (sendrecv), showing on-hold then answered', async () => {
    const p = await phone();
    const { far, call } = await connected(p);
    const held = await invoke<CallView>(p, 'hold', { callId: call.id });
    expect(held).toMatchObject({ phase: 'on-hold', hold: { local: true, remote: false } });
    const resumed = await invoke<CallView>(p, 'resume', { callId: call.id });
    expect(resumed).toMatchObject({ phase: 'answered', hold: { local: false, remote: false } });
    const reinvites = far.requests('INVITE', 'received').slice(1);
    expect(reinvites.map((r) => sdpDirection(r.bodyText))).toEqual(['sendonly', 'sendrecv']);
    // The page was asked for both offers, with the direction.
    expect(p.page.requests.filter((r) => r.kind === 'create-offer' && r.callId === call.id).map((r) => r.kind === 'create-offer' ? r.direction ?? 'sendrecv' : ''))
      .toEqual(['sendrecv', 'sendonly', 'sendrecv']);
    await invoke(p, 'hangup', { callId: call.id });
    await callPhase(p, 'ended', call.id);
  });

  it('sends DTMF by SIP INFO (application/dtmf-relay) when the account says so, one INFO per tone, in order', async () => {
    const p = await phone();
    const { far, call } = await connected(p, { dtmfMethod: 'info' });
    expect(call.dtmf).toBe('info');
    expect(await invoke(p, 'sendDtmf', { callId: call.id, tones: '1#' })).toEqual({ method: 'info' });
    const infos = far.requests('INFO', 'received');
    expect(infos.map((r) => [r.getHeader('Content-Type')?.value, r.bodyText])).toEqual([
      ['application/dtmf-relay', 'Signal=1\r\nDuration=160\r\n'],
      ['application/dtmf-relay', 'Signal=#\r\nDuration=160\r\n'],
    ]);
    const injected = await p.page.session.invoke('sendDtmf', { callId: call.id, tones: '1\r\nX-Evil: yes' });
    expect(injected).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringMatching(/tones may contain only 0-9/) } });
    await invoke(p, 'hangup', { callId: call.id });
    await callPhase(p, 'ended', call.id);
  });

  it('transfers blind (REFER): the far end calls the target, NOTIFY progress is shown, and the call ends as transferred', async () => {
    const p = await phone();
    const { far, call } = await connected(p);
    const target = await lab().startUas('uas-ringing-answer');
    const after = await invoke<CallView>(p, 'transfer', { callId: call.id, target: lab().farEndUri(target.port) });
    expect(after.transfer).toMatchObject({ role: 'transferor', kind: 'blind', final: true, ok: true, status: 200 });
    const ended = await callPhase(p, 'ended', call.id);
    expect(ended.end).toMatchObject({ cause: 'transferred', words: 'Transferred' });
    const progress = p.page.events.filter((e): e is Extract<AppEvent, { type: 'call-updated' }> => e.type === 'call-updated' && e.call.id === call.id && e.call.transfer !== undefined);
    expect(progress.map((e) => e.call.phase)).toContain('transferring');
    expect(far.requests('REFER', 'received')).toHaveLength(1);
    // The transferee hangs up the target call: the SIPp far end sees its BYE.
    await waitFor(() => far.requests('BYE', 'sent').length >= 1, 'the transferee\'s BYE to us');
  });

  it('transfers attended (REFER with Replaces): B is sent to C in place of our call with C, and both our calls end as transferred', async () => {
    const p = await phone();
    const { id, far: b, call: toB } = await connected(p);
    const carol = await registeredCarol();
    const toC = await invoke<CallView>(p, 'dial', { accountId: id, target: `sip:carol@${lab().proxy.realm}` });
    await callPhase(p, 'answered', toC.id);
    const after = await invoke<CallView>(p, 'attendedTransfer', { callId: toB.id, toCallId: toC.id });
    expect(after.transfer).toMatchObject({ role: 'transferor', kind: 'attended', final: true, ok: true });
    const [endB, endC] = await Promise.all([callPhase(p, 'ended', toB.id), callPhase(p, 'ended', toC.id)]);
    expect(endB.end).toMatchObject({ cause: 'transferred', words: 'Transferred' });
    expect(endC.end).toMatchObject({ cause: 'transferred' });
    // C got B's INVITE carrying Replaces (RFC 3891) and took it without ringing.
    const replacing = carol.requests('INVITE', 'received').find((r) => r.getHeader('Replaces') !== undefined);
    expect(replacing?.getHeader('Replaces')?.value).toContain(endC.sipCallId);
    expect(b.requests('REFER', 'received')[0]?.getHeader('Refer-To')?.value).toMatch(/Replaces=/);
  });

  it('refuses an incoming call with 480 when no window owns the media, and tells the pages why', async () => {
    const p = await phone();
    const id = await addAccount(lab(), p);
    await accountState(p, id, 'registered');
    const watcher = new (await import('../support/node-media-owner.js')).NodeMediaOwner(p.host);
    cleanups.push(async () => watcher.close());
    p.page.close();
    await new Promise((r) => setTimeout(r, 500));
    const caller = await bob();
    const call = caller.agent.call(`sip:alice@${lab().proxy.realm}`);
    const end = await call.ended;
    expect(end).toMatchObject({ cause: 'rejected', status: 480 });
    const notice = await watcher.next((e) => e.type === 'notice');
    expect(notice).toMatchObject({ level: 'warning', text: expect.stringMatching(/no Callscope window is open/) });
  });

  it('an edit of the account waits for its call to end; deleting the account ends its call first', async () => {
    const p = await phone();
    const { id, call } = await connected(p);
    await invoke(p, 'saveAccount', { id, serverUrl: lab().proxy.wsUrl, user: 'alice', domain: lab().proxy.realm, displayName: 'Alice (edited)' });
    await new Promise((r) => setTimeout(r, 300));
    const stillUp = (await invoke<{ calls: CallView[] }>(p, 'getStatus')).calls.find((c) => c.id === call.id);
    expect(stillUp?.phase).toBe('answered');
    await invoke(p, 'deleteAccount', { id });
    const ended = await callPhase(p, 'ended', call.id);
    expect(ended.end?.words).toBe('Ended: the account was removed');
    expect((await invoke<{ accounts: unknown[] }>(p, 'getStatus')).accounts).toEqual([]);
  });
});
