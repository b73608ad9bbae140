// The phone's operations as the host enforces them: every payload validated (a user's
// typed input never reaches SIP unchecked), unknown calls and pages refused plainly, the
// media channel answered only by its owner, and no secret in what the host writes.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiResult } from '../../../../main/contract/app-api.js';
import { createHost, type Host } from '../../../../main/host/host.js';
import { createFileKeyVault } from '../../../../main/secret-vault.js';
import { memoryStores } from '../../../support/memory-stores.js';
import { NodeMediaOwner } from '../../../support/node-media-owner.js';
import { waitFor } from '../../../support/wait-for.js';

let dataDir: string;
let host: Host;
const logged: string[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'callscope-host-api-'));
  logged.length = 0;
  host = createHost({
    mode: 'browser', dataDir, vault: createFileKeyVault({ dataDir }), stores: () => memoryStores(), log: (m) => logged.push(m),
    accountRuntime: { retry: { baseMs: 50, maxMs: 100 } },
  });
});

afterEach(async () => {
  await host.close();
  await rm(dataDir, { recursive: true, force: true });
});

function expectFailure(result: ApiResult<unknown>, code: string, message: RegExp): void {
  expect(result).toMatchObject({ ok: false, error: { code } });
  if (!result.ok) expect(result.error.message).toMatch(message);
}

const PASSWORD = 'sip-password-do-not-leak';
const TURN_SECRET = 'turn-credential-do-not-leak';

describe('phone operations at the host boundary', () => {
  it.each([
    ['dial', { accountId: 'a1', target: 'bob\r\nX-Injected: 1' }, /target must not contain control characters/],
    ['dial', { accountId: '../etc', target: 'bob' }, /accountId must be an account id/],
    ['dial', { accountId: 'a1', target: 'x'.repeat(600) }, /target is too long/],
    ['answer', { callId: 'c 1' }, /callId must be a call id/],
    ['reject', { callId: 'c-1', status: 200 }, /status must be a 4xx-6xx status/],
    ['sendDtmf', { callId: 'c-1', tones: '12\n' }, /tones may contain only 0-9/],
    ['answerMediaRequest', { requestId: 1, reply: { ok: true, sdp: 'v'.repeat(70_000) } }, /reply.sdp is too long/],
    ['answerMediaRequest', { requestId: -1, reply: { ok: true } }, /requestId/],
    ['reportMedia', { callId: 'c-1', at: 1, iceState: 'bogus', outbound: { packets: 1, bytes: 1 }, inbound: { packets: 1, bytes: 1 } }, /iceState/],
    ['reportMedia', { callId: 'c-1', at: 1, iceState: 'connected', outbound: { packets: -5, bytes: 1 }, inbound: { packets: 1, bytes: 1 } }, /outbound.packets/],
    ['subscribeCall', { key: 'live:../../etc/passwd' }, /key must be a diagnostics key/],
    ['importTraceChunk', { fileName: 'a.pcap', data: 'not base64!', last: true }, /data must be base64/],
    ['importTraceChunk', { fileName: '../../a.pcap', data: '', last: true }, /fileName must be a file name/],
    ['cancelTraceImport', { uploadId: 'x' }, /uploadId/],
    ['claimMediaOwner', { pageId: 'x' }, /pageId must be 8-64/],
    ['saveAccount', { serverUrl: 'wss://sip.example.com', user: 'a', iceServers: [{ urls: ['http://stun.example.com'] }] }, /iceServers.0.urls.0 must be a stun:/],
    ['saveAccount', { serverUrl: 'wss://sip.example.com', user: 'a', outboundProxy: 'proxy.example.com' }, /outboundProxy must be a sip: or sips: URI/],
    ['saveAccount', { serverUrl: 'wss://sip.example.com', user: 'a', authUser: 'a"b' }, /authUser must not contain/],
  ])('%s refuses %j', async (operation, payload, message) => {
    expectFailure(await host.invoke(operation, payload), 'invalid-request', message);
  });

  it('refuses operations on calls and accounts that do not exist, in words', async () => {
    expectFailure(await host.invoke('hangup', { callId: 'c-000000' }), 'not-found', /no such call/);
    expectFailure(await host.invoke('dial', { accountId: 'no-such', target: 'bob' }), 'not-found', /no enabled account/);
    expectFailure(await host.invoke('retryRegistration', { id: 'no-such' }), 'not-found', /no account/);
  });

  it('dialling without a page that owns the media says so', async () => {
    const saved = await host.invoke('saveAccount', { serverUrl: 'ws://127.0.0.1:9', user: 'alice', password: { action: 'set', value: PASSWORD } });
    if (!saved.ok) throw new Error(saved.error.message);
    const id = (saved.value as { id: string }).id;
    const result = await host.invoke('dial', { accountId: id, target: 'bob' });
    expectFailure(result, 'unavailable', /not connected yet|No phone window/);
  });

  it('answers to media requests come only from the page that owns the media', async () => {
    const page = new NodeMediaOwner(host);
    await page.claim();
    const other = new NodeMediaOwner(host);
    const claimed = await other.session.invoke('claimMediaOwner', { pageId: other.pageId });
    expect(claimed).toMatchObject({ ok: true, value: { owner: false, elsewhere: true } });
    expectFailure(await other.session.invoke('answerMediaRequest', { requestId: 1, reply: { ok: true } }), 'not-found', /no such media request/);
    page.close();
    other.close();
  });

  it('keeps secrets out of the settings file, getSettings, events and logs; TURN credentials are sealed too', async () => {
    const events: string[] = [];
    host.onEvent((event) => events.push(JSON.stringify(event)));
    const saved = await host.invoke('saveAccount', {
      serverUrl: 'ws://127.0.0.1:9', user: 'alice', password: { action: 'set', value: PASSWORD },
      iceServers: [{ urls: ['turn:turn.example.com:3478'], username: 'u', credential: { action: 'set', value: TURN_SECRET } }],
    });
    expect(saved).toMatchObject({ ok: true, value: { hasPassword: true, iceServers: [{ urls: ['turn:turn.example.com:3478'], username: 'u', hasCredential: true }] } });
    const id = (saved as { value: { id: string } }).value.id;
    expect(await host.settings.revealSecrets(id)).toEqual({ password: PASSWORD, iceCredentials: [TURN_SECRET] });
    // Saving again with `keep` keeps both.
    await host.invoke('saveAccount', { id, serverUrl: 'ws://127.0.0.1:9', user: 'alice', iceServers: [{ urls: ['turn:turn.example.com:3478'], username: 'u' }] });
    expect(await host.settings.revealSecrets(id)).toEqual({ password: PASSWORD, iceCredentials: [TURN_SECRET] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const everything = [
      JSON.stringify(await host.invoke('getSettings', undefined)), JSON.stringify(await host.invoke('getStatus', undefined)),
      ...events, ...logged,
      ...(await Promise.all((await readdir(dataDir)).map((f) => readFile(join(dataDir, f), 'latin1').catch(() => '')))),
    ].join('\n');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(TURN_SECRET);
    expect(everything).not.toContain(Buffer.from(PASSWORD).toString('base64'));
  });
});

describe('the built-in test line at the host boundary', () => {
  it('is off unless the host was told to start it; setTestLine starts it, its account registers and is never saved; off again says disabled', async () => {
    const events: Array<{ type: string; status?: { accountId: string; state: string } }> = [];
    host.onEvent((event) => events.push(event as (typeof events)[number]));
    const before = await host.invoke('getTestLine', undefined);
    expect(before).toMatchObject({ ok: true, value: { enabled: false, state: 'stopped', accountId: 'test-line' } });
    expect(before.ok && (before.value as { numbers: unknown[] }).numbers).toHaveLength(13);
    const on = await host.invoke('setTestLine', { enabled: true });
    expect(on).toMatchObject({ ok: true, value: { enabled: true, state: 'running', account: { id: 'test-line', builtIn: true, label: 'Test line' } } });
    await waitFor(() => events.some((e) => e.type === 'account-status' && e.status?.accountId === 'test-line' && e.status.state === 'registered'), 'registered');
    expect(await host.invoke('getSettings', undefined)).toMatchObject({ ok: true, value: { accounts: [] } });
    expectFailure(await host.invoke('saveAccount', { id: 'test-line', serverUrl: 'wss://sip.example.com', user: 'a' }), 'conflict', /built in/);
    const files = await readdir(dataDir);
    for (const file of files) expect(await readFile(join(dataDir, file), 'utf8').catch(() => '')).not.toMatch(/test-line|sip\/[A-Za-z0-9_-]{24}/);
    expect(await host.invoke('setTestLine', { enabled: false })).toMatchObject({ ok: true, value: { enabled: false, state: 'stopped' } });
    expect(events.filter((e) => e.type === 'account-status' && e.status?.accountId === 'test-line').at(-1)?.status?.state).toBe('disabled');
    expectFailure(await host.invoke('setTestLine', { enabled: true, port: 80 }), 'invalid-request', /unknown field/);
  });
});
