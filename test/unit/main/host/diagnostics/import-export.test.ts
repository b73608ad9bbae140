// Exports of a call (pcap read by tshark and by Callscope, sngrep text, JSON) and imports
// in chunks: each export of a real call comes back as the same messages, listed as
// `import:<upload>:<Call-ID>` with its findings; a JSON export keeps the stack's own
// transaction states. Uploads are bounded (size, number, time); no export holds a password.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExportedFile } from '../../../../../main/contract/diagnostics.js';
import { exportFileName } from '../../../../../main/host/diagnostics/call-export.js';
import type { HostDiagnosticsStore } from '../../../../../main/host/diagnostics/diagnostics-store.js';
import { callFileName } from '../../../../../main/host/diagnostics/recent-calls.js';
import { buildResponseTo, type SipRequest } from '../../../../../src/message/index.js';
import type { ServerTransaction } from '../../../../../src/transaction/transaction-layer.js';
import { Authenticator } from '../../../../../src/ua/auth/authenticator.js';
import { importTrace } from '../../../../../src/diagnostics/import/trace-import.js';
import { FakeClock } from '../../../../../src/util/fake-clock.js';
import { writeSyntheticCapture } from '../../../../support/synthetic-capture.js';
import { setup } from '../../../ua/call-harness.js';
import { EPOCH, followedCall, infos, removeTempDirs, storeOn, tempDir } from './store-harness.js';

afterAll(removeTempDirs);

const hasTshark = existsSync('/usr/bin/tshark');

/** Uploads `bytes` in chunks of `size` bytes, as the page does. */
async function upload(store: HostDiagnosticsStore, fileName: string, bytes: Uint8Array, size = 4000) {
  let uploadId: string | undefined;
  for (let offset = 0; ; offset += size) {
    const last = offset + size >= bytes.byteLength;
    const data = Buffer.from(bytes.subarray(offset, offset + size)).toString('base64');
    const result = await store.importChunk({ ...(uploadId ? { uploadId } : {}), fileName, data, last });
    if (result.done) return result;
    expect(result.received).toBe(offset + size);
    uploadId = result.uploadId;
  }
}

const decode = (file: ExportedFile) => Buffer.from(file.data, 'base64');

describe('exports and imports', { timeout: 30_000 }, () => {
  it('pcap, text and JSON exports of a live call come back as the same call when imported in chunks', async () => {
    const dir = tempDir();
    const { store, advance, outgoing } = await followedCall(dir);
    await advance(300);
    await infos(outgoing, advance, 3);
    await advance(1500, 5);
    const live = (await store.subscribe('live:c-alice', 1, () => undefined)).snapshot;

    const pcap = await store.exportCall('live:c-alice', 'pcap');
    expect(pcap.mimeType).toBe('application/vnd.tcpdump.pcap');
    expect(pcap.fileName).toBe(exportFileName(EPOCH, outgoing.callId, 'pcap'));
    expect(pcap.fileName).toMatch(/^callscope-20231114-221320-[A-Za-z0-9_.-]+\.pcap$/);
    const imported = await upload(store, 'alice.pcap', decode(pcap));
    expect(imported.calls.map((c) => c.key)).toEqual([expect.stringMatching(new RegExp(`^import:[A-Za-z0-9-]+:${outgoing.callId.replace(/[.]/g, '\\.')}$`))]);
    expect(imported.calls[0]).toMatchObject({ source: 'import', fileName: 'alice.pcap', messageCount: live.messages.length, active: false, title: outgoing.callId });
    const fromPcap = (await store.subscribe(imported.calls[0]!.key, 1, () => undefined)).snapshot;
    expect(fromPcap.messages.map((m) => [m.startLine, m.bytes, m.sdp])).toEqual(live.messages.map((m) => [m.startLine, m.bytes, m.sdp]));
    expect(fromPcap.findings.map((f) => f.code)).toEqual(live.findings.map((f) => f.code));
    expect((await store.getMessage(imported.calls[0]!.key, 0)).text).toBe((await store.getMessage('live:c-alice', 0)).text);

    const text = await store.exportCall('live:c-alice', 'text');
    expect(text.fileName).toMatch(/\.txt$/);
    const fromText = (await store.subscribe((await upload(store, 'alice.txt', decode(text))).calls[0]!.key, 1, () => undefined)).snapshot;
    expect(fromText.messages.map((m) => m.startLine)).toEqual(live.messages.map((m) => m.startLine));

    // JSON keeps what the stack said: transaction states and timers, not a replay.
    const json = await store.exportCall('live:c-alice', 'json');
    expect(json.mimeType).toBe('application/json');
    const fromJson = (await store.subscribe((await upload(store, 'alice.json', decode(json))).calls[0]!.key, 1, () => undefined)).snapshot;
    expect(fromJson.messages).toEqual(live.messages);
    expect(fromJson.transactions).toEqual(live.transactions);
    expect(fromJson.transactions[0]!.timers.length).toBeGreaterThan(0);
    expect(fromJson.dialogs).toEqual(live.dialogs);

    // An export of an imported call is its own file again.
    const again = await store.exportCall(fromPcap.key, 'json');
    const reimported = await upload(store, 'again.json', decode(again));
    expect(reimported.calls[0]!.messageCount).toBe(live.messages.length);
    await store.close();
  });

  it.skipIf(!hasTshark)('tshark reads the pcap export of a call: the same number of SIP messages, the same Call-ID', async () => {
    const dir = tempDir();
    const { store, advance, outgoing } = await followedCall(dir);
    await advance(300);
    await infos(outgoing, advance, 2);
    outgoing.hangup();
    await advance(40_000, 100);
    const saved = (await store.subscribe('recent:c-alice', 1, () => undefined)).snapshot;
    const file = join(dir, 'export.pcap');
    writeFileSync(file, decode(await store.exportCall('recent:c-alice', 'pcap')));
    const lines = execFileSync('tshark', ['-r', file, '-Y', 'sip', '-T', 'fields', '-e', 'sip.Call-ID', '-e', 'frame.time_epoch'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean);
    expect(lines).toHaveLength(saved.messages.length);
    expect(new Set(lines.map((l) => l.split('\t')[0]))).toEqual(new Set([outgoing.callId]));
    // Placed at the wall-clock time the call happened (the store's clock: EPOCH + stack time).
    expect(Math.round(Number(lines[0]!.split('\t')[1]) * 1000)).toBe(EPOCH + saved.messages[0]!.at);
    await store.close();
  });

  it('no export and no saved file holds the password (digest responses are hashes)', async () => {
    const dir = tempDir();
    const password = 'alice-very-secret-password';
    const { clock, alice, bob, advance } = setup();
    const { store } = storeOn(clock, dir);
    store.attachAccount('alice', alice.endpoint.diagnostics);
    let invites = 0;
    bob.endpoint.handle('INVITE', (request: SipRequest, tx: ServerTransaction) => {
      const built = buildResponseTo(request, invites++ === 0
        ? { status: 407, headers: [{ name: 'Proxy-Authenticate', value: 'Digest realm="callscope.test", nonce="5f2a9c", qop="auth", algorithm=MD5' }] }
        : { status: 486 });
      if (!built.ok) throw new Error(built.error.message);
      tx.respond(built.value);
    });
    const call = alice.agent({ authenticator: new Authenticator({ username: 'alice', password }) }).call('sip:bob@127.0.0.1:5070');
    store.callStarted({ id: 'c-auth', callTag: call.callTag, sipCallId: call.callId, accountId: 'alice', title: '→ bob', startedAt: EPOCH });
    call.on('ended', () => store.callEnded('c-auth'));
    await advance(100);
    const exports = await Promise.all((['pcap', 'text', 'json'] as const).map((f) => store.exportCall('live:c-auth', f)));
    await advance(40_000, 100);
    await store.flushed();
    const saved = readFileSync(join(dir, 'calls', callFileName('c-auth')));
    for (const bytes of [...exports.map(decode), saved]) {
      expect(bytes.toString('latin1')).toMatch(/Proxy-Authorization: Digest username=\\?"alice\\?"/);
      expect(bytes.toString('latin1')).not.toContain(password);
      expect(bytes.toString('latin1')).not.toContain(Buffer.from(password).toString('base64').slice(0, 16));
    }
    await store.close();
  });

  it('uploads: too large refused, unknown or expired ids not found, at most two at once, garbage refused with the reason', async () => {
    const clock = new FakeClock();
    const { store } = storeOn(clock, tempDir(), { limits: { importMaxBytes: 10_000 } });
    // A pcap header, then empty frames: a trace the reader takes, until it is too large.
    const big = new Uint8Array(12_000);
    big.set([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0]);
    await expect(upload(store, 'big.pcap', big)).rejects.toMatchObject({
      kind: 'too-large', message: 'big.pcap is larger than 10 KiB, the most Callscope imports; cut the capture to the calls you need (e.g. editcap or tshark -Y sip), or read it with `callscope analyze`, which streams files of any size',
    });
    expect(store.stats().uploads).toBe(0);
    await expect(store.importChunk({ uploadId: 'no-such-upload', fileName: 'x.pcap', data: '', last: true })).rejects.toMatchObject({ kind: 'not-found' });
    const first = await store.importChunk({ fileName: 'a.pcap', data: 'AAAA', last: false });
    await store.importChunk({ fileName: 'b.pcap', data: 'AAAA', last: false });
    await expect(store.importChunk({ fileName: 'c.pcap', data: 'AAAA', last: false })).rejects.toMatchObject({ kind: 'too-large' });
    clock.advance(120_000);
    expect(store.stats().uploads).toBe(0);
    if (first.done) throw new Error('not done yet');
    await expect(store.importChunk({ uploadId: first.uploadId, fileName: 'a.pcap', data: 'AAAA', last: true })).rejects.toMatchObject({ kind: 'not-found' });
    await expect(upload(store, 'notes.txt', new TextEncoder().encode('hello, this is not a trace'))).rejects.toMatchObject({
      kind: 'invalid', message: expect.stringMatching(/^notes\.txt: unknown file format: expected pcap, pcapng/),
    });
    await store.close();
  });

  it('a file that is not a trace is refused by its first chunks, before the rest is sent', async () => {
    const clock = new FakeClock();
    const { store } = storeOn(clock, tempDir());
    const text = new TextEncoder().encode('this is a letter, not a capture. '.repeat(1000));
    const first = await store.importChunk({ fileName: 'letter.txt', data: Buffer.from(text.subarray(0, 100)).toString('base64'), last: false });
    if (first.done) throw new Error('not done yet');
    // The format is known from 4 KiB (or the first line): the second chunk is refused, and the upload is gone.
    await expect(store.importChunk({ uploadId: first.uploadId, fileName: 'letter.txt', data: Buffer.from(text.subarray(100, 8000)).toString('base64'), last: false }))
      .rejects.toMatchObject({ kind: 'invalid', message: expect.stringMatching(/^letter\.txt: unknown file format/) });
    expect(store.stats().uploads).toBe(0);
    await store.close();
  });

  it('an import stopped halfway is forgotten: its id is not found again, and nothing is listed', async () => {
    const { store } = storeOn(new FakeClock(), tempDir());
    const bytes = readFileSync(join(import.meta.dirname, '../../../../fixtures/two-calls.pcap'));
    const first = await store.importChunk({ fileName: 'two-calls.pcap', data: bytes.subarray(0, 2000).toString('base64'), last: false });
    if (first.done) throw new Error('not done yet');
    expect(store.stats().uploads).toBe(1);
    expect(store.cancelImport(first.uploadId)).toBe(true);
    expect(store.stats().uploads).toBe(0);
    expect(store.cancelImport(first.uploadId)).toBe(false);
    await expect(store.importChunk({ uploadId: first.uploadId, fileName: 'two-calls.pcap', data: bytes.subarray(2000).toString('base64'), last: true }))
      .rejects.toMatchObject({ kind: 'not-found' });
    expect(store.list()).toEqual([]);
    await store.close();
  });

  it('a capture read as it arrives gives each call what reading the whole file gives: messages, transactions, dialogs, findings', async () => {
    const { store } = storeOn(new FakeClock(), tempDir());
    const files = ['two-calls.pcap', 'real-stacks/cli-ws-sipp-prack-error.pcap', 'real-stacks/baresip-udp-ws-callee-hold.pcap', 'real-stacks/cli-ws-linphone-reliable-180-no-contact.pcap'];
    let findings = 0;
    for (const name of files) {
      const bytes = readFileSync(join(import.meta.dirname, '../../../../fixtures', name));
      const whole = importTrace(bytes);
      if (!whole.ok) throw new Error(whole.reason);
      // Small chunks: calls and messages cut across chunk boundaries.
      const imported = await upload(store, name.replace(/.*\//, ''), bytes, 1000);
      expect(imported.calls.map((c) => c.sipCallId)).toEqual(whole.model.calls.map((c) => c.callId));
      expect(imported.notes).toEqual(whole.model.notes);
      for (const [i, item] of imported.calls.entries()) {
        const call = whole.model.calls[i]!;
        const snapshot = (await store.subscribe(item.key, 1, () => undefined)).snapshot;
        const firstLine = (k: number) => Buffer.from(whole.model.messages[k]!.raw).toString('latin1').split('\r\n')[0];
        expect(snapshot.messages.map((m) => m.startLine)).toEqual(call.messages.map(firstLine));
        expect(snapshot.messages.map((m) => m.bytes)).toEqual(call.messages.map((k) => whole.model.messages[k]!.raw.byteLength));
        // Indices are the call's own (0..n-1); moved back, they are the whole file's. (Transaction ids are numbered per call.)
        const same = (t: (typeof call.transactions)[number], messages: readonly number[]) =>
          [t.method, t.kind, t.branch, t.state, t.finalStatus, t.states.map((s) => s.to), t.retransmissions, messages];
        expect(snapshot.transactions.map((t) => same(t, t.messages.map((k) => call.messages[k]!))))
          .toEqual(call.transactions.map((t) => same(t, t.messages)));
        expect(snapshot.findings.map((f) => [f.code, f.severity, f.messages.map((k) => call.messages[k])]))
          .toEqual(call.findings.map((f) => [f.code, f.severity, f.messages]));
        // Dialogs whole, their message indices moved back to the file's.
        const back = (k: number | undefined) => (k === undefined ? undefined : call.messages[k]);
        expect(snapshot.dialogs.map((d) => ({ ...d, createdBy: back(d.createdBy), confirmedBy: back(d.confirmedBy), terminatedBy: back(d.terminatedBy) })))
          .toEqual(call.dialogs.map((d) => ({ ...d, confirmedBy: d.confirmedBy, terminatedBy: d.terminatedBy })));
        findings += call.findings.length;
        // A message opens by the call's own index.
        expect((await store.getMessage(item.key, 0)).text).toBe(Buffer.from(whole.model.messages[call.messages[0]!]!.raw).toString('latin1'));
      }
    }
    // The comparison covered findings, not only clean calls.
    expect(findings).toBeGreaterThan(0);
    await store.close();
  });

  it('a capture whose calls never end is refused while it is read, once it holds too many messages open', async () => {
    const { store } = storeOn(new FakeClock(), tempDir(), { limits: { importOpenMessages: 10 } });
    const file = join(tempDir(), 'open.pcap');
    // Calls held for an hour: none of them ends within the capture.
    writeSyntheticCapture(file, { calls: 20, callsPerSecond: 100, holdMs: 3_600_000 });
    await expect(upload(store, 'open.pcap', readFileSync(file), 1000)).rejects.toMatchObject({
      kind: 'too-large', message: expect.stringMatching(/^open\.pcap holds too many calls open at once \(\d+ calls, \d+ messages without an end after \d+ messages\); cut the capture/),
    });
    expect(store.stats().uploads).toBe(0);
    await store.close();
  });

  it('only the last imports are kept', async () => {
    const dir = tempDir();
    const { store, advance } = await followedCall(dir, { storeExtra: { limits: { imports: 2 } } });
    await advance(300);
    const pcap = decode(await store.exportCall('live:c-alice', 'pcap'));
    const keys: string[] = [];
    for (const name of ['1.pcap', '2.pcap', '3.pcap']) keys.push((await upload(store, name, pcap)).calls[0]!.key);
    expect(store.list().filter((c) => c.source === 'import').map((c) => c.key)).toEqual([keys[2], keys[1]]);
    await expect(store.subscribe(keys[0]!, 1, () => undefined)).rejects.toMatchObject({ kind: 'not-found' });
    expect(store.stats().imports).toBe(2);
    await store.close();
  });
});
