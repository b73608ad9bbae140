// The app API's contract as the host enforces it: every payload validated, every failure a
// `{ ok: false }` with a plain message, never a throw.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { operationNames, requestSchemas } from '../../../main/contract/app-api.js';
import type { ApiResult } from '../../../main/contract/app-api.js';
import { createHost } from '../../../main/host/host.js';
import type { Host } from '../../../main/host/host.js';
import { createFileKeyVault } from '../../../main/secret-vault.js';
import { memoryStores } from '../../support/memory-stores.js';

let dataDir: string;
let host: Host;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'callscope-api-'));
  host = createHost({ mode: 'browser', dataDir, vault: createFileKeyVault({ dataDir }), stores: () => memoryStores(), log: () => undefined });
});

afterEach(async () => {
  await host.close();
  await rm(dataDir, { recursive: true, force: true });
});

const validAccount = {
  serverUrl: 'wss://sip.example.com:8443/ws',
  user: 'alice',
  domain: 'example.com',
  displayName: 'Alice Example',
  password: { action: 'set', value: 'correct horse battery staple' },
};

function expectFailure(result: ApiResult<unknown>, code: string, message: RegExp): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe(code);
  expect(result.error.message).toMatch(message);
}

describe('app API contract', () => {
  it('has a schema for every operation', () => {
    expect([...operationNames].sort()).toEqual([
      'answer', 'answerMediaRequest', 'attendedTransfer', 'cancelTraceImport', 'claimMediaOwner', 'clearHistory', 'deleteAccount', 'deleteHistoryEntry',
      'dial', 'exportCall', 'getAppInfo', 'getHistory', 'getMessage', 'getSettings', 'getStatus', 'getTestLine', 'hangup', 'hold',
      'importTraceChunk', 'listDiagnostics', 'markMissedSeen', 'normalizeTarget', 'reject', 'reportMedia', 'resume',
      'retryRegistration', 'saveAccount', 'sendDtmf', 'setTestLine', 'subscribeCall', 'testConnection', 'transfer', 'unsubscribeCall',
    ]);
    for (const name of operationNames) expect(requestSchemas[name]).toBeDefined();
  });

  it('answers getAppInfo with the host facts', async () => {
    const result = await host.invoke('getAppInfo', undefined);
    expect(result).toMatchObject({ ok: true, value: { name: 'Callscope', mode: 'browser', platform: process.platform, capabilities: { calling: true } } });
  });

  it('rejects unknown operations without throwing', async () => {
    expectFailure(await host.invoke('launchMissiles', {}), 'unknown-operation', /unknown operation "launchMissiles"/);
    expectFailure(await host.invoke(42, {}), 'unknown-operation', /of type number/);
    expectFailure(await host.invoke('__proto__', {}), 'unknown-operation', /unknown operation/);
    expectFailure(await host.invoke('toString', {}), 'unknown-operation', /unknown operation/);
  });

  it('rejects arguments to operations that take none', async () => {
    expectFailure(await host.invoke('getSettings', { sneaky: true }), 'invalid-request', /^getSettings: request takes no arguments$/);
  });

  it.each([
    ['http:// server URL', { serverUrl: 'http://sip.example.com' }, /serverUrl must be a wss:\/\/ URL/],
    ['plain ws:// to a remote host', { serverUrl: 'ws://sip.example.com' }, /serverUrl must be a wss:\/\/ URL/],
    ['credentials in the URL', { serverUrl: 'wss://alice:secret@sip.example.com' }, /serverUrl must be a wss:\/\/ URL/],
    ['a user with a space', { user: 'alice smith' }, /user may contain only SIP user characters/],
    ['a user with @', { user: 'alice@example.com' }, /user may contain only SIP user characters/],
    ['a bad domain', { domain: 'exa mple.com' }, /domain must be a host name/],
    ['a display name with a newline', { displayName: 'Alice\r\nVia: evil' }, /displayName must not contain control characters/],
    ['an empty password', { password: { action: 'set', value: '' } }, /password.value must not be empty/],
    ['an unknown password action', { password: { action: 'show' } }, /password/],
    ['an unknown field', { admin: true }, /has unknown field\(s\): admin/],
    ['a missing server URL', { serverUrl: undefined }, /serverUrl is required/],
    ['a numeric user', { user: 7 }, /user must be a string/],
  ])('rejects saveAccount with %s', async (_name, change, message) => {
    const result = await host.invoke('saveAccount', { ...validAccount, ...change });
    expectFailure(result, 'invalid-request', message);
    expect((await host.settings.read()).accounts).toHaveLength(0);
  });

  it('rejects a non-object saveAccount payload', async () => {
    expectFailure(await host.invoke('saveAccount', 'alice'), 'invalid-request', /^saveAccount: request must be an object$/);
    expectFailure(await host.invoke('saveAccount', null), 'invalid-request', /^saveAccount: /);
  });

  it('never echoes a rejected password in the error message', async () => {
    const result = await host.invoke('saveAccount', { ...validAccount, user: 'bad user', password: { action: 'set', value: 'hunter2-secret', extra: 1 } });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('hunter2-secret');
  });

  it('accepts ws:// only to loopback (the lab)', async () => {
    const result = await host.invoke('saveAccount', { ...validAccount, serverUrl: 'ws://127.0.0.1:5066' });
    expect(result.ok).toBe(true);
  });

  it('saves, lists and deletes an account, returning only hasPassword', async () => {
    const saved = await host.invoke('saveAccount', validAccount);
    expect(saved.ok).toBe(true);
    if (!saved.ok) return;
    expect(saved.value).toMatchObject({ user: 'alice', domain: 'example.com', hasPassword: true });
    expect(JSON.stringify(saved)).not.toContain(validAccount.password.value);

    const listed = await host.invoke('getSettings', undefined);
    expect(JSON.stringify(listed)).not.toContain(validAccount.password.value);
    expect(listed).toMatchObject({ ok: true, value: { accounts: [{ id: (saved.value as { id: string }).id, hasPassword: true }] } });

    const id = (saved.value as { id: string }).id;
    const removed = await host.invoke('deleteAccount', { id });
    expect(removed).toEqual({ ok: true, value: { accounts: [] } });
    expectFailure(await host.invoke('deleteAccount', { id }), 'not-found', /no account with id/);
  });

  it('keeps, replaces and clears the password as asked', async () => {
    const first = await host.invoke('saveAccount', validAccount);
    const id = first.ok ? (first.value as { id: string }).id : '';
    const kept = await host.invoke('saveAccount', { ...validAccount, id, displayName: 'Alice', password: { action: 'keep' } });
    expect(kept).toMatchObject({ ok: true, value: { displayName: 'Alice', hasPassword: true } });
    expect(await host.settings.revealPassword(id)).toBe(validAccount.password.value);

    await host.invoke('saveAccount', { ...validAccount, id, password: { action: 'set', value: 'new-secret' } });
    expect(await host.settings.revealPassword(id)).toBe('new-secret');

    const cleared = await host.invoke('saveAccount', { ...validAccount, id, password: { action: 'clear' } });
    expect(cleared).toMatchObject({ ok: true, value: { hasPassword: false } });
    expect(await host.settings.revealPassword(id)).toBeUndefined();
  });

  it('reports an unknown account id as not-found', async () => {
    expectFailure(await host.invoke('saveAccount', { ...validAccount, id: 'no-such-account' }), 'not-found', /no account with id no-such-account/);
  });

  it('emits settings-changed events to subscribers', async () => {
    const events: unknown[] = [];
    const unsubscribe = host.onEvent((event) => events.push(event));
    await host.invoke('saveAccount', validAccount);
    unsubscribe();
    await host.invoke('saveAccount', { ...validAccount, user: 'bob' });
    // Saving also starts the account's user agent (account-status events); settings-changed comes once.
    const settingsEvents = events.filter((e) => (e as { type: string }).type === 'settings-changed');
    expect(settingsEvents).toHaveLength(1);
    expect(settingsEvents[0]).toMatchObject({ type: 'settings-changed', settings: { accounts: [{ user: 'alice', hasPassword: true }] } });
  });
});
