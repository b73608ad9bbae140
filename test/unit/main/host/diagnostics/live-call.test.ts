// The diagnostics store on real stack traffic: Alice calls Bob over the in-memory pair
// (FakeClock), sends INFOs and hangs up, with the store following both ends as the host
// does. The page's copy (snapshot + updates) equals a fresh snapshot, and both equal the
// diagnostics layer's own model (LiveRecorder → buildTraceModel); the ended call is saved
// once its transactions terminate, and a new store on the same directory reopens it.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDiagnosticsStore } from '../../../../../main/host/diagnostics/diagnostics-store.js';
import { summarizeTraceMessage } from '../../../../../main/host/diagnostics/message-summary.js';
import { LiveRecorder } from '../../../../../src/diagnostics/live-recorder.js';
import { comparable, followedCall, infos, PageCopy, removeTempDirs, tempDir } from './store-harness.js';

afterAll(removeTempDirs);

describe('a followed call', { timeout: 30_000 }, () => {
  it('snapshot + updates = a fresh snapshot = the diagnostics model; saved when its transactions end; reopened after a restart', async () => {
    const dir = tempDir();
    // The diagnostics layer's own model of Alice's side, for comparison.
    const reference = new LiveRecorder();
    let stopReference = () => undefined as unknown;
    const call = await followedCall(dir, { before: ({ alice }) => { stopReference = reference.attach(alice.endpoint.diagnostics); } });
    const { store, advance, outgoing } = call;
    const subscribed = await store.subscribe('live:c-alice', 1, (update) => page.apply(update));
    const page = new PageCopy(subscribed.snapshot);
    expect(subscribed.snapshot.messages.map((m) => m.startLine)).toEqual(['INVITE sip:bob@127.0.0.1:5070 SIP/2.0']);
    expect(subscribed.snapshot.messages[0]!.sdp).toBe('PCMU/8000 sendrecv 127.0.0.1:40000');

    await advance(300);
    expect(outgoing.state).toBe('answered');
    await infos(outgoing, advance, 12);
    await advance(1500, 5);

    // Updates: one at a time, in order, each with only rows not sent before.
    expect(page.updates.map((u) => u.seq)).toEqual(page.updates.map((_, i) => i + 1));
    const indices = page.model.messages.map((m) => m.index);
    expect(indices).toEqual(indices.map((_, i) => i));
    const fresh = await store.subscribe('live:c-alice', 2, () => undefined);
    expect(comparable(page.model)).toEqual(comparable(fresh.snapshot));
    // INVITE, 200, ACK, then each INFO and its 200.
    expect(fresh.snapshot.messages.length).toBe(3 + 2 * 12);
    expect(fresh.snapshot.dialogs).toHaveLength(1);
    expect(fresh.snapshot.dialogs[0]!.state).toBe('confirmed');

    // Equal to the model the diagnostics layer builds from the same stream.
    const model = reference.model();
    expect(model.calls).toHaveLength(1);
    expect(fresh.snapshot.messages).toEqual(model.messages.map(summarizeTraceMessage));
    expect(fresh.snapshot.transactions).toEqual(model.calls[0]!.transactions);
    expect(fresh.snapshot.dialogs).toEqual(model.calls[0]!.dialogs);
    expect(fresh.snapshot.findings).toEqual(model.calls[0]!.findings);
    stopReference();

    // Bob's side was claimed after his INVITE arrived: that INVITE counts.
    const bobSide = await store.subscribe('live:c-bob', 3, () => undefined);
    expect(bobSide.snapshot.messages[0]!.startLine).toBe('INVITE sip:bob@127.0.0.1:5070 SIP/2.0');
    expect(bobSide.snapshot.messages[0]!.direction).toBe('received');
    expect(bobSide.snapshot.messages.length).toBe(fresh.snapshot.messages.length);

    // Hang up: saved once every transaction is Terminated (Timer M / L: 64·T1 after the 2xx).
    outgoing.hangup();
    await advance(200, 5);
    expect(store.list().find((c) => c.key === 'live:c-alice')).toMatchObject({ active: false });
    await advance(40_000, 100);
    expect(store.list().map((c) => c.key).sort()).toEqual(['recent:c-alice', 'recent:c-bob']);
    expect(store.stats()).toMatchObject({ liveCalls: 0 });
    await store.flushed();
    const file = join(dir, 'calls', 'call-c-alice.json');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // The last update brought the BYE; the page's copy equals the saved call.
    const saved = await store.subscribe('recent:c-alice', 1, () => undefined);
    expect(page.model.messages.at(-1)!.startLine).toBe('SIP/2.0 200 OK');
    expect(comparable(page.model)).toEqual(comparable(saved.snapshot));
    expect(saved.snapshot.transactions.every((tx) => tx.state === 'Terminated')).toBe(true);
    // A live key of a saved call opens the saved one.
    expect((await store.subscribe('live:c-alice', 1, () => undefined)).snapshot.key).toBe('recent:c-alice');
    await store.close();

    // A new store on the same directory lists and reopens it, read-only.
    const again = createDiagnosticsStore({ dataDir: dir, log: () => undefined });
    await again.ready();
    expect(again.list().map((c) => c.key).sort()).toEqual(['recent:c-alice', 'recent:c-bob']);
    expect(again.list().find((c) => c.key === 'recent:c-alice')).toMatchObject({
      source: 'recent', title: '→ bob', accountId: 'alice', sipCallId: outgoing.callId, active: false, messageCount: saved.snapshot.messages.length,
    });
    const reopened = await again.subscribe('recent:c-alice', 7, () => undefined);
    expect(reopened.snapshot).toEqual(saved.snapshot);
    const text = await again.getMessage('recent:c-alice', 0);
    expect(text.text).toMatch(/^INVITE sip:bob@127\.0\.0\.1:5070 SIP\/2\.0\r\n/);
    expect(text.truncated).toBe(false);
    await again.close();
  });

  it('with losses (retransmitted INFO, 2xx and its ACK repeated) the rows and transactions still equal the model, on both ends', async () => {
    const references = { alice: new LiveRecorder(), bob: new LiveRecorder() };
    const call = await followedCall(tempDir(), {
      before: ({ alice, bob }) => {
        references.alice.attach(alice.endpoint.diagnostics);
        references.bob.attach(bob.endpoint.diagnostics);
        // Alice's first ACK and Bob's first answer to an INFO are lost.
        let acks = 0;
        alice.intercept((p) => (Buffer.from(p.data).toString('latin1').startsWith('ACK ') && acks++ === 0 ? 'drop' : 'deliver'));
        let infoAnswers = 0;
        bob.intercept((p) => (/^SIP\/2\.0 200 OK[^]*CSeq: \d+ INFO/.test(Buffer.from(p.data).toString('latin1')) && infoAnswers++ === 0 ? 'drop' : 'deliver'));
      },
    });
    const { store, advance, outgoing } = call;
    await advance(1200, 5);
    await infos(outgoing, advance, 3);
    await advance(3000, 5);
    for (const [side, id] of [['alice', 'c-alice'], ['bob', 'c-bob']] as const) {
      const model = references[side].model();
      const { snapshot } = await store.subscribe(`live:${id}`, 1, () => undefined);
      expect(snapshot.messages.some((m) => m.retransmission)).toBe(true);
      expect(snapshot.messages).toEqual(model.messages.map(summarizeTraceMessage));
      expect(snapshot.transactions).toEqual(model.calls[0]!.transactions);
      expect(snapshot.findings).toEqual(model.calls[0]!.findings);
    }
    await store.close();
  });

  it('a live call\'s updates stop after unsubscribe; a closed session loses all its subscriptions', async () => {
    const call = await followedCall(tempDir());
    const { store, advance, outgoing } = call;
    const seen: number[] = [];
    const one = await store.subscribe('live:c-alice', 5, (u) => seen.push(u.subscriptionId));
    await advance(300);
    await store.subscribe('live:c-bob', 5, (u) => seen.push(u.subscriptionId));
    expect(seen.length).toBeGreaterThan(0);
    store.unsubscribe(one.subscriptionId, 6);
    expect(store.stats().subscriptions).toBe(2);
    store.unsubscribeAll(5);
    expect(store.stats().subscriptions).toBe(0);
    seen.length = 0;
    await infos(outgoing, advance, 2);
    await advance(500);
    expect(seen).toEqual([]);
    await store.close();
  });
});
