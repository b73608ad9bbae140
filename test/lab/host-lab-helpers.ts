// What the host-*.lab.test.ts files share: a host with a Node page as its media owner
// (test/support/node-media-owner.ts), in-memory stores, an account on the lab's Kamailio,
// and waits for account and call events.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { AccountStatus, AppEvent, CallView } from '../../main/contract/app-api.js';
import { createHost, type Host } from '../../main/host/host.js';
import { defaultStores } from '../../main/host/stores.js';
import { createFileKeyVault } from '../../main/secret-vault.js';
import { NodeMediaOwner } from '../support/node-media-owner.js';
import { memoryStores, type MemoryStores } from '../support/memory-stores.js';
import type { Lab } from './lab.js';
import { useLab } from './vitest-lab.js';

export interface Phone {
  readonly host: Host;
  readonly page: NodeMediaOwner;
  readonly stores: MemoryStores;
  readonly dataDir: string;
}

/** One lab per test file, and a phone factory whose phones are closed after each test. */
export function hostLab(name: string) {
  const lab = useLab({ name });
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  /** `real`: the data directory's diagnostics and history stores (default: in memory, for tests about calls). */
  const phone = async (options: { stores?: 'memory' | 'real'; t1?: number } = {}): Promise<Phone> => {
    const dataDir = await mkdtemp(join(tmpdir(), 'callscope-host-lab-'));
    const stores = memoryStores();
    const host = createHost({
      mode: 'browser', dataDir, vault: createFileKeyVault({ dataDir }), log: () => undefined,
      stores: options.stores === 'real' ? defaultStores : () => stores,
      mediaGraceMs: 300, accountRuntime: { retry: { baseMs: 200, maxMs: 1000 }, ...(options.t1 === undefined ? {} : { t1: options.t1 }) },
    });
    const page = new NodeMediaOwner(host);
    await page.claim();
    cleanups.push(async () => {
      page.close();
      await host.close();
      await rm(dataDir, { recursive: true, force: true });
    });
    return { host, page, stores, dataDir };
  };
  return { lab, phone, cleanups };
}

export async function addAccount(lab: Lab, p: Phone, fields: Record<string, unknown> = {}): Promise<string> {
  const saved = await p.host.invoke('saveAccount', {
    serverUrl: lab.proxy.wsUrl, user: 'alice', domain: lab.proxy.realm,
    password: { action: 'set', value: lab.account('alice').password }, ...fields,
  });
  if (!saved.ok) throw new Error(saved.error.message);
  return (saved.value as { id: string }).id;
}

export function accountState(p: Phone, id: string, state: AccountStatus['state'], timeoutMs = 15_000): Promise<AccountStatus> {
  return p.page.next((e) => e.type === 'account-status' && e.status.accountId === id && e.status.state === state, timeoutMs)
    .then((e) => (e as Extract<AppEvent, { type: 'account-status' }>).status);
}

export function callPhase(p: Phone, phase: CallView['phase'], id?: string, timeoutMs = 15_000): Promise<CallView> {
  return p.page.next((e) => e.type === 'call-updated' && e.call.phase === phase && (id === undefined || e.call.id === id), timeoutMs)
    .then((e) => (e as Extract<AppEvent, { type: 'call-updated' }>).call);
}

export function phases(p: Phone, id: string): CallView['phase'][] {
  const seen: CallView['phase'][] = [];
  for (const e of p.page.events) {
    if (e.type === 'call-updated' && e.call.id === id && seen.at(-1) !== e.call.phase) seen.push(e.call.phase);
  }
  return seen;
}

export async function invoke<T>(p: Phone, operation: string, payload?: unknown): Promise<T> {
  const result = await p.page.session.invoke(operation, payload);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as T;
}
