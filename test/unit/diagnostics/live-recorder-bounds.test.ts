// The live recorder holds a bounded amount whatever arrives: junk is counted
// with a few samples, a call keeps at most its per-call limit, finished calls
// are handed over and let go, and a total limit releases the oldest calls; a
// call's media is folded in constant memory and let go with the call.
import { describe, expect, it } from 'vitest';
import { LiveRecorder, type FinishedCall } from '../../../src/diagnostics/live-recorder.js';
import type { MediaSample } from '../../../src/diagnostics/model-types.js';
import type { DiagnosticsEvent } from '../../../src/trace/events.js';
import { rng } from '../../support/rng.js';

const peer = { transport: 'UDP', address: '192.0.2.7', port: 5060 };
const bytes = (text: string) => new TextEncoder().encode(text);

function request(method: string, callId: string, branch: string, pad = 0): Uint8Array {
  return bytes([
    `${method} sip:bob@192.0.2.1 SIP/2.0`, `Via: SIP/2.0/UDP 192.0.2.7:5060;branch=${branch}`, 'From: <sip:a@x>;tag=1',
    'To: <sip:bob@x>', `Call-ID: ${callId}`, `CSeq: 1 ${method}`, `X-Pad: ${'p'.repeat(pad)}`, 'Content-Length: 0', '', '',
  ].join('\r\n'));
}

function response(status: number, method: string, callId: string, branch: string): Uint8Array {
  return bytes([
    `SIP/2.0 ${status} OK`, `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=${branch}`, 'From: <sip:a@x>;tag=1',
    'To: <sip:bob@x>;tag=2', `Call-ID: ${callId}`, `CSeq: 1 ${method}`, 'Content-Length: 0', '', '',
  ].join('\r\n'));
}

/** One OPTIONS we sent and its 200: a call (Call-ID) with one client transaction. */
function exchange(recorder: LiveRecorder, n: number, options: { terminate?: boolean; pad?: number } = {}): void {
  const callId = `c${n}@test`;
  const id = `tx${n}`;
  const branch = `z9hG4bK${n}`;
  const events: DiagnosticsEvent[] = [
    { type: 'transaction-created', at: n, transactionId: id, key: `${branch}|OPTIONS`, method: 'OPTIONS', role: 'client', kind: 'non-invite', transport: 'UDP', callId },
    { type: 'message-sent', at: n, peer, raw: request('OPTIONS', callId, branch, options.pad ?? 0), transactionId: id },
    { type: 'message-received', at: n + 1, peer, raw: response(200, 'OPTIONS', callId, branch) },
    { type: 'transaction-state', at: n + 1, transactionId: id, from: 'Trying', to: 'Completed', cause: '200 received' },
  ];
  if (options.terminate !== false) events.push({ type: 'transaction-state', at: n + 2, transactionId: id, from: 'Completed', to: 'Terminated', cause: 'Timer K fired' });
  for (const e of events) recorder.record(e);
}

describe('the live recorder is bounded', () => {
  it('a flood of junk is kept as a count and the last few samples', () => {
    const recorder = new LiveRecorder();
    const random = rng(7);
    for (let i = 0; i < 20_000; i++) {
      const raw = Uint8Array.from({ length: 1000 }, () => Math.floor(random() * 256));
      recorder.record({ type: 'message-received', at: i, peer, raw });
      recorder.record({ type: 'message-malformed', at: i, peer, raw, reason: 'not SIP' });
    }
    expect(recorder.stats.bytes).toBeLessThan(64 * 1024);
    expect(recorder.stats.malformedOutsideCalls).toBe(20_000);
    const model = recorder.model();
    expect(model.messages).toHaveLength(0);
    expect(model.notes.join('\n')).toMatch(/20000 malformed message\(s\) outside any call \(20000000 bytes\)/);
    expect(model.notes.join('\n').split(' | ')).toHaveLength(5);
  });

  it('one call keeps at most its per-call limit, and says how many it dropped', () => {
    const recorder = new LiveRecorder({ limits: { messagesPerCall: 50 } });
    exchange(recorder, 1, { terminate: false });
    for (let i = 0; i < 1000; i++) recorder.record({ type: 'message-received', at: 10 + i, peer, raw: response(200, 'OPTIONS', 'c1@test', 'z9hG4bK1') });
    const model = recorder.callModel('c1@test')!;
    expect(model.messages).toHaveLength(50);
    expect(model.notes.join()).toMatch(/952 message\(s\) of call c1@test dropped \(\d+ bytes\): per-call limit of 50 messages/);
  });

  it('finished calls are handed over with their own model and let go; model() keeps the last few', () => {
    const finished: FinishedCall[] = [];
    const recorder = new LiveRecorder({ limits: { finishedCalls: 10 }, onCallFinished: (call) => finished.push(call) });
    for (let n = 0; n < 300; n++) exchange(recorder, n);
    expect(finished).toHaveLength(300);
    expect(finished[0]).toMatchObject({ callId: 'c0@test', why: 'finished' });
    expect(finished[0]!.model.calls).toHaveLength(1);
    expect(finished[0]!.model.messages.map((m) => m.startLine)).toEqual(['OPTIONS sip:bob@192.0.2.1 SIP/2.0', 'SIP/2.0 200 OK']);
    expect(recorder.stats.calls).toBe(10);
    expect(recorder.model().calls.map((c) => c.callId)).toEqual(Array.from({ length: 10 }, (_, i) => `c${290 + i}@test`));
  });

  it('a call is finished only once its transactions terminated and its call (ua/call) ended', () => {
    const finished: string[] = [];
    const recorder = new LiveRecorder({ onCallFinished: (call) => finished.push(call.callId) });
    recorder.record({ type: 'call-state', at: 0, callTag: 'call-1', callId: 'c7@test', direction: 'outgoing', to: 'calling', cause: 'INVITE sent' });
    exchange(recorder, 7);
    expect(finished).toEqual([]);
    expect(recorder.callModel('c7@test')!.messages).toHaveLength(2);
    recorder.record({ type: 'call-state', at: 9, callTag: 'call-1', callId: 'c7@test', direction: 'outgoing', from: 'answered', to: 'ended', cause: 'BYE' });
    expect(finished).toEqual(['c7@test']);
  });

  it('over the total limit the oldest calls are released early, handed over with a note', () => {
    const finished: FinishedCall[] = [];
    const recorder = new LiveRecorder({ limits: { totalBytes: 100_000 }, onCallFinished: (call) => finished.push(call) });
    for (let n = 0; n < 200; n++) exchange(recorder, n, { terminate: false, pad: 1500 });
    expect(recorder.stats.bytes).toBeLessThanOrEqual(100_000);
    expect(finished.length).toBeGreaterThan(100);
    expect(finished[0]).toMatchObject({ callId: 'c0@test', why: 'released' });
    expect(finished[0]!.model.notes.join()).toMatch(/released before it finished: the recorder's total limit/);
    // A late message of a released call is counted, not kept, and opens nothing.
    recorder.record({ type: 'message-received', at: 999, peer, raw: response(200, 'OPTIONS', 'c0@test', 'z9hG4bK0') });
    expect(recorder.callModel('c0@test')).toBeUndefined();
    expect(recorder.model().notes.join()).toMatch(/1 message\(s\) of calls already released/);
  });

  it('a call\'s media summaries are folded into its group, in its model, and let go with it; others are counted', () => {
    const recorder = new LiveRecorder();
    const sample = (callId: string, at: number): MediaSample => ({
      callId, at, iceState: 'connected', dtlsState: 'connected', muted: false,
      outbound: { packets: at / 20, bytes: at * 8 }, inbound: { packets: at / 20, bytes: at * 8 },
    });
    exchange(recorder, 1, { terminate: false });
    const before = recorder.stats.bytes;
    for (let at = 1000; at <= 600_000; at += 250) recorder.recordMedia(sample('c1@test', at));
    // Ten minutes of summaries cost what one does.
    expect(recorder.stats.bytes - before).toBeLessThanOrEqual(4096);
    expect(recorder.callModel('c1@test')!.calls[0]!.media).toMatchObject({ source: 'media-owner', reportedFrom: 1000, reportedUntil: 600_000 });
    expect(recorder.model().calls[0]!.media?.streams.map((st) => st.packets)).toEqual([30_000, 30_000]);
    recorder.recordMedia(sample('nobody@test', 1000));
    expect(recorder.stats.mediaOutsideCalls).toBe(1);
    recorder.flush();
    expect(recorder.stats).toMatchObject({ calls: 0, bytes: 0 });
    recorder.recordMedia(sample('c1@test', 600_250));
    expect(recorder.stats.mediaOutsideCalls).toBe(2);
  });
});
