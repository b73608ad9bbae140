// Call history: newest first, bounded, paged with `before`, missed calls counted until
// seen, kept across restarts in a 0600 file written whole; a damaged file is kept aside,
// replaced, and reported once.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../../../main/contract/history.js';
import { createHistoryStore, HISTORY_FILE } from '../../../../../main/host/history/history-store.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'callscope-history-'));
  dirs.push(dir);
  return dir;
}

function entry(n: number, outcome: HistoryEntry['outcome'] = 'answered'): Omit<HistoryEntry, 'id'> {
  const missed = outcome === 'missed';
  return {
    direction: missed ? 'incoming' : 'outgoing', accountId: 'acc', peerDisplay: `Peer ${n}`, peerUri: `sip:peer${n}@example.com`,
    startedAt: 1_700_000_000_000 + n * 1000, endedAt: 1_700_000_000_500 + n * 1000, durationS: missed ? 0 : 1, outcome,
    cause: missed ? 'missed' : 'hangup-local', words: missed ? 'Missed' : 'Ended', diagnosticsKey: `recent:c-${n}`,
  };
}

describe('call history', () => {
  it('newest first, at most maxEntries, paged with before; kept across restarts in a 0600 file', async () => {
    const dir = tempDir();
    const history = createHistoryStore({ dataDir: dir, maxEntries: 5, log: () => undefined });
    const recorded: HistoryEntry[] = [];
    for (let n = 1; n <= 7; n++) recorded.push(await history.record(entry(n)));
    expect(recorded[6]).toMatchObject({ ...entry(7), id: expect.stringMatching(/^[A-Za-z0-9-]{1,64}$/) });
    const first = await history.page({ limit: 2 });
    expect(first.entries.map((e) => e.peerDisplay)).toEqual(['Peer 7', 'Peer 6']);
    const second = await history.page({ before: first.entries[1]!.id, limit: 2 });
    expect(second.entries.map((e) => e.peerDisplay)).toEqual(['Peer 5', 'Peer 4']);
    const last = await history.page({ before: second.entries[1]!.id, limit: 2 });
    expect(last.entries.map((e) => e.peerDisplay)).toEqual(['Peer 3']);
    await expect(history.page({ before: recorded[0]!.id, limit: 2 })).rejects.toMatchObject({ kind: 'not-found' });
    expect(statSync(join(dir, HISTORY_FILE)).mode & 0o777).toBe(0o600);

    const again = createHistoryStore({ dataDir: dir, maxEntries: 5 });
    expect((await again.page({ limit: 100 })).entries).toEqual((await history.page({ limit: 100 })).entries);
    const afterRemove = await again.remove(recorded[5]!.id);
    expect(afterRemove.entries.map((e) => e.peerDisplay)).toEqual(['Peer 7', 'Peer 5', 'Peer 4', 'Peer 3']);
    await expect(again.remove(recorded[5]!.id)).rejects.toMatchObject({ kind: 'not-found' });
    expect((await again.clear()).entries).toEqual([]);
    expect((await createHistoryStore({ dataDir: dir }).page({ limit: 10 })).entries).toEqual([]);
  });

  it('counts missed calls until they are seen; later ones count again', async () => {
    let clock = 1_700_000_100_000;
    const history = createHistoryStore({ dataDir: tempDir(), now: () => clock });
    await history.record(entry(1, 'missed'));
    await history.record(entry(2, 'answered'));
    await history.record(entry(3, 'missed'));
    expect(await history.missed()).toBe(2);
    expect((await history.page({ limit: 1 })).missed).toBe(2);
    expect((await history.markMissedSeen()).missed).toBe(0);
    expect(await history.missed()).toBe(0);
    clock += 1_000_000;
    await history.record({ ...entry(4, 'missed'), endedAt: clock + 10 });
    expect(await history.missed()).toBe(1);
    expect((await history.page({ limit: 10 })).missed).toBe(1);
  });

  it('writes one at a time: concurrent records all land', async () => {
    const dir = tempDir();
    const history = createHistoryStore({ dataDir: dir });
    await Promise.all(Array.from({ length: 20 }, (_, n) => history.record(entry(n))));
    expect((await createHistoryStore({ dataDir: dir }).page({ limit: 100 })).entries).toHaveLength(20);
    expect(readdirSync(dir)).toEqual([HISTORY_FILE]);
  });

  it('a damaged file is kept aside, replaced, and reported once', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, HISTORY_FILE), '{"version":1,"entries":[{"id":');
    const history = createHistoryStore({ dataDir: dir, now: () => 1234, log: () => undefined });
    const page = await history.page({ limit: 10 });
    expect(page.entries).toEqual([]);
    expect(page.notice).toBe(`The call history file was damaged (not valid JSON) and was replaced; the damaged file is kept as ${join(dir, HISTORY_FILE)}.corrupt-1234.`);
    expect(readFileSync(join(dir, `${HISTORY_FILE}.corrupt-1234`), 'utf8')).toBe('{"version":1,"entries":[{"id":');
    expect((await history.page({ limit: 10 })).notice).toBeUndefined();
    await history.record(entry(1));
    expect((await createHistoryStore({ dataDir: dir }).page({ limit: 10 })).entries).toHaveLength(1);
  });

  it('entries that cannot be read are dropped (the file kept aside); the rest stay', async () => {
    const dir = tempDir();
    const good = { ...entry(1), id: 'good-1' };
    writeFileSync(join(dir, HISTORY_FILE), JSON.stringify({ version: 1, entries: [good, { id: 'bad', outcome: 'exploded' }] }));
    const history = createHistoryStore({ dataDir: dir, now: () => 99, log: () => undefined });
    const page = await history.page({ limit: 10 });
    expect(page.entries).toEqual([good]);
    expect(page.notice).toMatch(/damaged \(1 of its 2 entries could not be read\)/);
    expect(existsSync(join(dir, `${HISTORY_FILE}.corrupt-99`))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, HISTORY_FILE), 'utf8')).entries).toEqual([good]);
  });

  it('a file of another shape is replaced too', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, HISTORY_FILE), '[1, 2, 3]');
    const page = await createHistoryStore({ dataDir: dir, now: () => 5, log: () => undefined }).page({ limit: 10 });
    expect(page.notice).toMatch(/not a Callscope history file/);
  });
});
