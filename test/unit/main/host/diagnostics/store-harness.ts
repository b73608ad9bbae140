// Helpers for the diagnostics store's tests: a temporary data directory, a store on a
// FakeClock, a call between two real user agents (test/unit/ua/call-harness.ts) followed
// by the store as the host would follow it, and the page's side of a subscription
// (snapshot + updates applied in order).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallDiagnostics, CallDiagnosticsUpdate } from '../../../../../main/contract/diagnostics.js';
import { createDiagnosticsStore, type DiagnosticsStoreOptions, type HostDiagnosticsStore } from '../../../../../main/host/diagnostics/diagnostics-store.js';
import type { TransactionModel } from '../../../../../src/diagnostics/model-types.js';
import type { Call } from '../../../../../src/ua/call/types.js';
import type { FakeClock } from '../../../../../src/util/fake-clock.js';
import { setup } from '../../../ua/call-harness.js';

export const EPOCH = 1_700_000_000_000;

const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'callscope-diagnostics-'));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function storeOn(clock: FakeClock, dataDir: string, extra: Partial<DiagnosticsStoreOptions> = {}): { store: HostDiagnosticsStore; notices: string[] } {
  const notices: string[] = [];
  const store = createDiagnosticsStore({ dataDir, clock, now: () => EPOCH + clock.now(), log: () => undefined, ...extra });
  store.onNotice((text) => notices.push(text));
  return { store, notices };
}

/** The page's copy of a subscribed call: the snapshot with every update applied. */
export class PageCopy {
  readonly updates: CallDiagnosticsUpdate[] = [];
  private current: { -readonly [K in keyof CallDiagnostics]: CallDiagnostics[K] };

  constructor(snapshot: CallDiagnostics) {
    this.current = { ...snapshot };
  }

  readonly apply = (update: CallDiagnosticsUpdate): void => {
    this.updates.push(update);
    const c = this.current;
    c.messages = [...c.messages, ...update.messages];
    const byId = new Map(c.transactions.map((tx) => [tx.id, tx]));
    for (const tx of update.transactions) byId.set(tx.id, tx);
    c.transactions = [...byId.values()];
    if (update.dialogs) c.dialogs = update.dialogs;
    if (update.findings) c.findings = update.findings;
    if (update.notes) c.notes = update.notes;
    c.media = [...c.media, ...update.media];
  };

  get model(): CallDiagnostics {
    return this.current;
  }
}

export function byId(transactions: readonly TransactionModel[]): TransactionModel[] {
  return [...transactions].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/** What a page compares: everything but the order transactions arrived in (they are replaced by id). */
export function comparable(c: CallDiagnostics) {
  return { ...c, key: c.key.replace(/^(live|recent):/, ''), source: undefined, transactions: byId(c.transactions) };
}

/** Alice calls Bob over the in-memory pair; the store follows both ends as the host would. */
export async function followedCall(dataDir: string, options: {
  storeExtra?: Partial<DiagnosticsStoreOptions>;
  /** Runs before the call starts (e.g. to attach a reference recorder). */
  before?: (harness: ReturnType<typeof setup>) => void;
} = {}) {
  const harness = setup();
  const { clock, alice, bob, advance } = harness;
  options.before?.(harness);
  const { store, notices } = storeOn(clock, dataDir, options.storeExtra);
  store.attachAccount('alice', alice.endpoint.diagnostics);
  store.attachAccount('bob', bob.endpoint.diagnostics);
  let incoming: Call | undefined;
  bob.agent().onIncomingCall((call) => {
    incoming = call;
    store.callStarted({ id: 'c-bob', callTag: call.callTag, sipCallId: call.callId, accountId: 'bob', title: '← alice', startedAt: EPOCH + clock.now() });
    call.on('ended', () => store.callEnded('c-bob'));
    void call.answer();
  });
  const outgoing = alice.agent().call('sip:bob@127.0.0.1:5070');
  store.callStarted({ id: 'c-alice', callTag: outgoing.callTag, sipCallId: outgoing.callId, accountId: 'alice', title: '→ bob', startedAt: EPOCH + clock.now() });
  outgoing.on('ended', () => store.callEnded('c-alice'));
  return { ...harness, store, notices, outgoing, incoming: () => incoming, advance };
}

/** Sends `count` INFO requests in the call, one after the other. */
export async function infos(call: Call, advance: (ms: number, step?: number) => Promise<void>, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    let outcome: { ok: boolean } | undefined;
    void call.sendInfo({ body: `Signal=${i % 10}\r\nDuration=160\r\n`, contentType: 'application/dtmf-relay' }).then((o) => { outcome = o; });
    // Retransmissions (a lost answer) take the clock forward too.
    for (let waited = 0; !outcome && waited < 40_000; waited += 20) await advance(20);
    if (!outcome?.ok) throw new Error(`INFO ${i} failed`);
  }
}
