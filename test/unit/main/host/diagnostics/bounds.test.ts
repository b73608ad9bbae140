// The diagnostics store stays bounded whatever arrives: junk datagrams become a count and a
// few samples, Call-IDs no call claims are kept briefly and few, a call keeps at most its
// share (and says what it dropped), updates carry only what is new, the full model behind
// the findings is rebuilt at most about once a second, and an ended call whose
// transactions never finish is saved after the grace period.
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { CallDiagnosticsUpdate } from '../../../../../main/contract/diagnostics.js';
import { LiveRecorder } from '../../../../../src/diagnostics/live-recorder.js';
import { FakeClock } from '../../../../../src/util/fake-clock.js';
import { comparable, PageCopy, removeTempDirs, storeOn, tempDir } from './store-harness.js';
import { SyntheticWire } from './synthetic-wire.js';

afterAll(removeTempDirs);

function callInfo(id: string, sipCallId: string) {
  return { id, callTag: `tag-${id}`, sipCallId, accountId: 'acc', title: `→ ${id}`, startedAt: 1_700_000_000_000 };
}

describe('diagnostics bounds', { timeout: 30_000 }, () => {
  it('a flood of junk and of unclaimed Call-IDs keeps memory under its caps; a followed call is untouched', () => {
    const clock = new FakeClock();
    const { store } = storeOn(clock, tempDir(), { limits: { pendingCallIds: 8, pendingTotalBytes: 64 * 1024 } });
    const wire = new SyntheticWire(clock);
    store.attachAccount('acc', wire.stream);
    store.callStarted(callInfo('real', 'real-call'));
    for (let i = 0; i < 3000; i++) {
      wire.junk(i);
      wire.exchange(`stray-${i}`, 1);
      if (i % 100 === 0) wire.exchange('real-call', i + 1);
      clock.advance(1);
    }
    const stats = store.stats();
    expect(stats.pendingCallIds).toBeLessThanOrEqual(8);
    expect(stats.malformed.count).toBe(3000);
    expect(stats.malformed.samples).toHaveLength(5);
    expect(stats.malformed.samples[4]).toMatchObject({ reason: 'not a SIP start line', peer: '192.0.2.20:5060' });
    expect(stats.strays.callIds).toBeGreaterThanOrEqual(3000 - 8);
    expect(stats.strays.samples).toHaveLength(5);
    // Everything kept: the followed call (30 exchanges) and at most 8 small unclaimed Call-IDs.
    expect(stats.retainedBytes).toBeLessThan(64 * 1024 + 30 * 2 * 1000);
    expect(stats.retainedEvents).toBeLessThanOrEqual(30 * 5 + 8 * 5);
    expect(store.list().find((c) => c.key === 'live:real')!.messageCount).toBe(60);
  });

  it('an unclaimed Call-ID is forgotten after a minute without traffic', () => {
    const clock = new FakeClock();
    const { store } = storeOn(clock, tempDir());
    const wire = new SyntheticWire(clock);
    store.attachAccount('acc', wire.stream);
    wire.exchange('registration', 1, { method: 'REGISTER' });
    expect(store.stats().pendingCallIds).toBe(1);
    clock.advance(59_000);
    expect(store.stats().pendingCallIds).toBe(1);
    clock.advance(31_000);
    expect(store.stats()).toMatchObject({ pendingCallIds: 0, retainedBytes: 0, strays: { callIds: 1, messages: 2 } });
    expect(store.stats().strays.samples[0]).toMatchObject({ callId: 'registration', firstLine: 'REGISTER sip:bob@example.com SIP/2.0' });
  });

  it('a call keeps at most its per-call share and says what it dropped, in its notes and as a notice', async () => {
    const clock = new FakeClock();
    const { store, notices } = storeOn(clock, tempDir(), { limits: { perCallMessages: 50 } });
    const wire = new SyntheticWire(clock);
    store.attachAccount('acc', wire.stream);
    store.callStarted(callInfo('busy', 'busy-call'));
    for (let i = 1; i <= 150; i++) wire.exchange('busy-call', i);
    const { snapshot } = await store.subscribe('live:busy', 1, () => undefined);
    expect(snapshot.messages).toHaveLength(50);
    expect(snapshot.notes[0]).toBe('250 messages dropped (per-call limit 50 messages / 32 MiB)');
    expect(notices).toEqual(['diagnostics of call → busy: messages beyond the per-call limit of 50 messages / 32 MiB are dropped (counted, not kept)']);
    store.callEnded('busy');
    clock.advance(1);
    expect(store.list().map((c) => c.key)).toEqual(['recent:busy']);
    expect(notices[1]).toBe('diagnostics of call → busy: 250 messages dropped (per-call limit 50 messages / 32 MiB); 125 transaction events dropped with them');
    const saved = await store.subscribe('recent:busy', 1, () => undefined);
    expect(saved.snapshot.notes[0]).toBe('250 messages dropped (per-call limit 50 messages / 32 MiB)');
    await store.close();
  });

  it('big messages hit the per-call byte budget; all calls together share the total budget', async () => {
    const clock = new FakeClock();
    const { store } = storeOn(clock, tempDir(), { limits: { perCallBytes: 100 * 1024, totalBytes: 150 * 1024 } });
    const wire = new SyntheticWire(clock);
    store.attachAccount('acc', wire.stream);
    store.callStarted(callInfo('one', 'call-one'));
    store.callStarted(callInfo('two', 'call-two'));
    const body = 'x'.repeat(10_000);
    for (let i = 1; i <= 30; i++) {
      wire.exchange('call-one', i, { body });
      wire.exchange('call-two', i, { body });
    }
    expect(store.stats().retainedBytes).toBeLessThanOrEqual(150 * 1024);
    const one = (await store.subscribe('live:one', 1, () => undefined)).snapshot;
    const two = (await store.subscribe('live:two', 1, () => undefined)).snapshot;
    expect(one.messages.filter((m) => m.bytes > 10_000).length).toBeLessThanOrEqual(10);
    expect([...one.notes, ...two.notes].join('\n')).toMatch(/messages dropped \((per-call limit 20,000 messages \/ 100 KiB|all live calls together keep at most 150 KiB)\)/);
    expect(two.notes.join('\n')).toMatch(/all live calls together keep at most 150 KiB/);
    await store.close();
  });

  it('messages before the call was claimed count, up to the limit for unclaimed Call-IDs', async () => {
    const clock = new FakeClock();
    const { store } = storeOn(clock, tempDir(), { limits: { pendingMessagesPerCallId: 6 } });
    const wire = new SyntheticWire(clock);
    store.attachAccount('acc', wire.stream);
    for (let i = 1; i <= 5; i++) wire.exchange('early-call', i);
    store.callStarted(callInfo('early', 'early-call'));
    wire.exchange('early-call', 6);
    const { snapshot } = await store.subscribe('live:early', 1, () => undefined);
    expect(snapshot.messages.map((m) => m.startLine.split(' ')[0])).toEqual(['OPTIONS', 'SIP/2.0', 'OPTIONS', 'SIP/2.0', 'OPTIONS', 'SIP/2.0', 'OPTIONS', 'SIP/2.0']);
    expect(snapshot.notes[0]).toMatch(/^4 messages dropped before the call started \(at most 6 messages/);
    await store.close();
  });

  it('updates carry only the new rows and the changed transactions; the full model is rebuilt about once a second', async () => {
    const clock = new FakeClock();
    const { store } = storeOn(clock, tempDir());
    const wire = new SyntheticWire(clock);
    store.attachAccount('acc', wire.stream);
    store.callStarted(callInfo('big', 'big-call'));
    for (let i = 1; i <= 500; i++) wire.exchange('big-call', i);
    const updates: CallDiagnosticsUpdate[] = [];
    const { snapshot } = await store.subscribe('live:big', 1, (u) => {
      updates.push(u);
      page.apply(u);
    });
    const page = new PageCopy(snapshot);
    expect(snapshot.messages).toHaveLength(1000);
    clock.advance(1000);
    updates.length = 0;
    const builds = vi.spyOn(LiveRecorder.prototype, 'model');
    // Busy for 3 s: an exchange every 10 ms.
    for (let t = 0; t < 3000; t += 10) {
      wire.exchange('big-call', 501 + t / 10);
      clock.advance(10);
    }
    clock.advance(1000);
    const built = builds.mock.calls.length;
    builds.mockRestore();
    // 4 s: about one build a second (fewer when a build is slow), never one per update.
    expect(built).toBeGreaterThanOrEqual(1);
    expect(built).toBeLessThanOrEqual(5);
    // At most one update per 200 ms, each with only what is new.
    expect(updates.length).toBeLessThanOrEqual(4000 / 200 + 1);
    const rows = updates.flatMap((u) => u.messages.map((m) => m.index));
    expect(rows).toEqual(Array.from({ length: 600 }, (_, i) => 1000 + i));
    for (const update of updates) {
      const changed = new Set(update.messages.map((m) => m.transactionId));
      expect(update.transactions.every((tx) => changed.has(tx.id))).toBe(true);
    }
    // Once quiet, the last build comes through: the page's copy is the call.
    clock.advance(6000);
    expect(comparable(page.model)).toEqual(comparable((await store.subscribe('live:big', 2, () => undefined)).snapshot));
    await store.close();
  });

  it('an ended call whose transactions never finish is saved after the grace period', async () => {
    const clock = new FakeClock();
    const { store } = storeOn(clock, tempDir(), { limits: { endGraceMs: 40_000 } });
    const wire = new SyntheticWire(clock);
    store.attachAccount('acc', wire.stream);
    store.callStarted(callInfo('stuck', 'stuck-call'));
    wire.exchange('stuck-call', 1, { answered: false });
    store.callEnded('stuck');
    clock.advance(39_999);
    expect(store.list().map((c) => c.key)).toEqual(['live:stuck']);
    clock.advance(1);
    expect(store.list().map((c) => c.key)).toEqual(['recent:stuck']);
    expect(store.stats().retainedBytes).toBe(0);
    await store.close();
  });

  it('two host calls on one Call-ID (a call to oneself) share its diagnostics; saved when both ended', async () => {
    const clock = new FakeClock();
    const { store } = storeOn(clock, tempDir());
    const wire = new SyntheticWire(clock);
    store.attachAccount('acc', wire.stream);
    store.callStarted(callInfo('out', 'loop-call'));
    store.callStarted(callInfo('in', 'loop-call'));
    wire.exchange('loop-call', 1);
    expect(store.list().map((c) => [c.key, c.messageCount])).toEqual([['live:out', 2], ['live:in', 2]]);
    store.callEnded('out');
    clock.advance(1);
    expect(store.list().map((c) => [c.key, c.active])).toEqual([['live:out', false], ['live:in', true]]);
    store.callEnded('in');
    clock.advance(1);
    expect(store.list().map((c) => c.key).sort()).toEqual(['recent:in', 'recent:out']);
    await store.close();
  });
});

