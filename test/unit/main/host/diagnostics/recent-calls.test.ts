// Recent calls on disk: bounded by count and size (oldest removed first), a few kept in
// memory and the rest read back when opened, and every kind of damage (a changed file, a
// file damaged in place, a damaged or missing index, a directory that cannot be written)
// met with a notice and without losing the other calls.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostDiagnosticsStore } from '../../../../../main/host/diagnostics/diagnostics-store.js';
import { callFileName } from '../../../../../main/host/diagnostics/recent-calls.js';
import { FakeClock } from '../../../../../src/util/fake-clock.js';
import { removeTempDirs, storeOn, tempDir } from './store-harness.js';
import { SyntheticWire } from './synthetic-wire.js';

afterAll(removeTempDirs);

/** A store with `n` ended calls c1..cn, saved. */
async function storeWithCalls(dataDir: string, n: number, limits: Parameters<typeof storeOn>[2] = {}) {
  const clock = new FakeClock();
  const { store, notices } = storeOn(clock, dataDir, limits);
  const wire = new SyntheticWire(clock);
  store.attachAccount('acc', wire.stream);
  for (let i = 1; i <= n; i++) {
    store.callStarted({ id: `c${i}`, callTag: `t${i}`, sipCallId: `call-${i}@example.com`, accountId: 'acc', title: `→ ${i}`, startedAt: 1_700_000_000_000 + i });
    for (let cseq = 1; cseq <= 3; cseq++) wire.exchange(`call-${i}@example.com`, cseq);
    store.callEnded(`c${i}`);
    clock.advance(1);
  }
  await store.flushed();
  return { store, notices, clock };
}

async function reopened(dataDir: string): Promise<{ store: HostDiagnosticsStore; notices: string[] }> {
  const { store, notices } = storeOn(new FakeClock(), dataDir);
  await store.ready();
  return { store, notices };
}

const keys = (store: HostDiagnosticsStore) => store.list().map((c) => c.key);

describe('recent calls on disk', { timeout: 30_000 }, () => {
  it('keep the newest by count, newest first; the oldest files are removed', async () => {
    const dir = tempDir();
    const { store } = await storeWithCalls(dir, 5, { limits: { recentOnDisk: 3 } });
    expect(keys(store)).toEqual(['recent:c5', 'recent:c4', 'recent:c3']);
    expect(readdirSync(join(dir, 'calls')).sort()).toEqual(['call-c3.json', 'call-c4.json', 'call-c5.json', 'index.json']);
    await store.close();
    const again = await reopened(dir);
    expect(keys(again.store)).toEqual(['recent:c5', 'recent:c4', 'recent:c3']);
    expect(again.notices).toEqual([]);
  });

  it('keep the newest by total size', async () => {
    const dir = tempDir();
    const { store } = await storeWithCalls(dir, 5, { limits: { recentDiskBytes: 20 * 1024 } });
    const files = readdirSync(join(dir, 'calls')).filter((f) => f.startsWith('call-'));
    const size = files.reduce((sum, f) => sum + readFileSync(join(dir, 'calls', f)).byteLength, 0);
    expect(size).toBeLessThanOrEqual(20 * 1024);
    expect(files.length).toBeGreaterThanOrEqual(1);
    expect(keys(store)[0]).toBe('recent:c5');
    expect(keys(store)).toHaveLength(files.length);
  });

  it('keep only the last few in memory; older ones are read back from disk when opened', async () => {
    const dir = tempDir();
    const { store } = await storeWithCalls(dir, 4, { limits: { recentInMemory: 1 } });
    expect(store.stats().recentInMemory).toBe(1);
    const { snapshot } = await store.subscribe('recent:c1', 1, () => undefined);
    expect(snapshot.messages).toHaveLength(6);
    expect(snapshot.sipCallId).toBe('call-1@example.com');
    expect(store.stats().recentInMemory).toBe(1);
    expect((await store.getMessage('recent:c2', 1)).text).toMatch(/^SIP\/2\.0 200 OK\r\n/);
  });

  it('a file that changed since it was written is read in full at start; a damaged one is set aside with a notice', async () => {
    const dir = tempDir();
    (await storeWithCalls(dir, 3)).store.close();
    const damaged = join(dir, 'calls', callFileName('c2'));
    writeFileSync(damaged, '{"version":1,"source":"live","t1":500,"notes":[],"mess');
    const { store, notices } = await reopened(dir);
    expect(keys(store)).toEqual(['recent:c3', 'recent:c1']);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/call-c2\.json are damaged \(not valid JSON .*\); skipped, and kept as call-c2\.json\.corrupt$/);
    expect(existsSync(`${damaged}.corrupt`)).toBe(true);
    // Once set aside, it is not reported again.
    expect((await reopened(dir)).notices).toEqual([]);
  });

  it('a file damaged in place is found when opened: not-found, a notice, and the list without it', async () => {
    const dir = tempDir();
    (await storeWithCalls(dir, 2)).store.close();
    const file = join(dir, 'calls', callFileName('c1'));
    const text = readFileSync(file, 'utf8');
    // Same size, one message's direction no longer one the file can have (a saved call is JSON Lines now, its bytes as text).
    writeFileSync(file, text.replace(/"direction":"(\w)/, '"direction":"!'));
    const { store, notices } = await reopened(dir);
    const lists: string[][] = [];
    store.onListChanged((calls) => lists.push(calls.map((c) => c.key)));
    expect(keys(store)).toEqual(['recent:c2', 'recent:c1']);
    await expect(store.subscribe('recent:c1', 1, () => undefined)).rejects.toMatchObject({ name: 'StoreError', kind: 'not-found' });
    expect(notices[0]).toMatch(/call-c1\.json are damaged \(not a Callscope JSON export \(line 2: messages\.0\.direction/);
    expect(lists.at(-1)).toEqual(['recent:c2']);
    await expect(store.subscribe('recent:c2', 1, () => undefined)).resolves.toBeDefined();
  });

  it('a damaged index is rebuilt from the files (with a notice), a missing one silently', async () => {
    const dir = tempDir();
    (await storeWithCalls(dir, 3)).store.close();
    writeFileSync(join(dir, 'calls', 'index.json'), 'not json');
    const first = await reopened(dir);
    expect(first.notices).toEqual([`the list of saved call diagnostics (${join(dir, 'calls', 'index.json')}) was damaged; it was rebuilt from the files`]);
    expect(keys(first.store)).toEqual(['recent:c3', 'recent:c2', 'recent:c1']);
    rmSync(join(dir, 'calls', 'index.json'));
    const second = await reopened(dir);
    expect(second.notices).toEqual([]);
    expect(keys(second.store)).toEqual(['recent:c3', 'recent:c2', 'recent:c1']);
    expect(JSON.parse(readFileSync(join(dir, 'calls', 'index.json'), 'utf8')).calls).toHaveLength(3);
  });

  it('a directory that cannot be written: a notice, and the call stays openable from memory', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'calls'), 'a file where the directory should be');
    const { store, notices } = await storeWithCalls(dir, 1);
    expect(notices[0]).toMatch(/^diagnostics of call → 1 could not be saved \(.*\); they are kept in memory until Callscope closes$/);
    expect(keys(store)).toEqual(['recent:c1']);
    expect((await store.subscribe('recent:c1', 1, () => undefined)).snapshot.messages).toHaveLength(6);
  });

  it('closing saves the calls still live: nothing is lost when Callscope quits', async () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const { store } = storeOn(clock, dir);
    const wire = new SyntheticWire(clock);
    store.attachAccount('acc', wire.stream);
    store.callStarted({ id: 'up', callTag: 't', sipCallId: 'still-up', accountId: 'acc', title: '→ up', startedAt: 1 });
    wire.exchange('still-up', 1);
    await store.close();
    const again = await reopened(dir);
    expect(keys(again.store)).toEqual(['recent:up']);
    expect((await again.store.subscribe('recent:up', 1, () => undefined)).snapshot.messages).toHaveLength(2);
  });

  it('media summaries from the page: in the snapshot, in updates, saved and reopened', async () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const { store } = storeOn(clock, dir);
    const wire = new SyntheticWire(clock);
    store.attachAccount('acc', wire.stream);
    store.callStarted({ id: 'media', callTag: 't', sipCallId: 'with-media', accountId: 'acc', title: '→ media', startedAt: 1 });
    const summary = (at: number) => ({
      callId: 'media', at, iceState: 'connected' as const, muted: false,
      outbound: { packets: at, bytes: at * 160 }, inbound: { packets: at, bytes: at * 160, lost: 0 },
    });
    store.addMedia('media', summary(1));
    const media: number[] = [];
    const { snapshot } = await store.subscribe('live:media', 1, (u) => media.push(...u.media.map((m) => m.at)));
    expect(snapshot.media).toEqual([summary(1)]);
    store.addMedia('media', summary(2));
    clock.advance(200);
    expect(media).toEqual([2]);
    store.callEnded('media');
    clock.advance(1);
    await store.close();
    const again = await reopened(dir);
    expect((await again.store.subscribe('recent:media', 1, () => undefined)).snapshot.media).toEqual([summary(1), summary(2)]);
  });
});

