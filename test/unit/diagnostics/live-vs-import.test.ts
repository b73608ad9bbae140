// The same model from a live run and from an import of that run's messages:
// two transaction layers talk over an in-memory pair (FakeClock), one side's
// diagnostics stream is recorded, its messages are exported as pcap, the
// pcap is imported from that side's point of view, and both models agree on
// transactions (keys, roles, message-driven states, retransmissions, final
// status) and on findings.
import { describe, expect, it } from 'vitest';
import { buildRequest, buildResponseTo, randomToken } from '../../../src/message/index.js';
import type { SipRequest, SipResponse } from '../../../src/message/index.js';
import { LiveRecorder } from '../../../src/diagnostics/live-recorder.js';
import { exportPcap } from '../../../src/diagnostics/export/pcap-export.js';
import { importCapture } from '../../../src/diagnostics/import/pcap-import.js';
import { buildTraceModel } from '../../../src/diagnostics/model-builder.js';
import type { TraceModel } from '../../../src/diagnostics/model-types.js';
import { isMessageDriven } from '../../../src/diagnostics/transaction-replay.js';
import { TransactionLayer, type ServerTransaction } from '../../../src/transaction/transaction-layer.js';
import { createMemoryTransportPair, type MemoryTransport } from '../../../src/transport/memory-transport.js';
import type { TransportProtocol } from '../../../src/transport/transport.js';
import { FakeClock } from '../../../src/util/fake-clock.js';

const A = { host: '127.0.0.1', port: 5060 };
const B = { host: '127.0.0.1', port: 5070 };

function request(method: string, from: MemoryTransport, callId: string, cseq: number, extra: Partial<Parameters<typeof buildRequest>[0]> = {}): SipRequest {
  const built = buildRequest({
    method, uri: 'sip:bob@127.0.0.1:5070', cseq,
    via: [{ transport: from.protocol, host: from.sentBy.host, port: from.sentBy.port, branch: `z9hG4bK${randomToken()}`, rport: true }],
    from: { uri: 'sip:alice@127.0.0.1', tag: 'alice-tag' }, to: { uri: 'sip:bob@127.0.0.1' }, callId,
    contact: [{ uri: 'sip:alice@127.0.0.1:5060' }],
    ...extra,
  });
  if (!built.ok) throw new Error(built.error.message);
  return built.value;
}

function respond(req: SipRequest, status: number, extra: Parameters<typeof buildResponseTo>[1] = { status }): SipResponse {
  const built = buildResponseTo(req, { toTag: status === 100 ? undefined : 'bob-tag', ...extra, status } as Parameters<typeof buildResponseTo>[1]);
  if (!built.ok) throw new Error(built.error.message);
  return built.value;
}

interface Run {
  live: TraceModel;
  imported: TraceModel;
}

/** Runs a scenario with A recorded; B answers by `answer`. */
function run(protocol: TransportProtocol, scenario: (ctx: {
  clock: FakeClock; a: TransactionLayer; ta: MemoryTransport; tb: MemoryTransport; onRequest: (h: (r: SipRequest, tx: ServerTransaction) => void) => void;
}) => void): Run {
  const clock = new FakeClock();
  const [ta, tb] = createMemoryTransportPair({ protocol, clock, latencyMs: 5, addresses: [A, B] });
  let handler: (r: SipRequest, tx: ServerTransaction) => void = () => undefined;
  const ignore = { onAck: () => undefined, onStrayResponse: () => undefined };
  const a = new TransactionLayer({ clock, user: { onRequest: () => undefined, ...ignore } });
  const b = new TransactionLayer({ clock, user: { onRequest: (r, tx) => handler(r, tx), ...ignore } });
  a.attach(ta);
  b.attach(tb);
  const local = { transport: protocol, address: A.host, port: A.port };
  const recorder = new LiveRecorder({ local });
  recorder.attach(a.diagnostics);
  scenario({ clock, a, ta, tb, onRequest: (h) => { handler = h; } });
  const live = recorder.model();
  const pcap = exportPcap(live, { epochMs: 1_700_000_000_000 });
  const imported = importCapture(pcap, { local: [`${A.host}:${A.port}`] });
  if (typeof imported === 'string') throw new Error(imported);
  return { live, imported: buildTraceModel({ source: 'import', messages: imported.messages, notes: imported.notes, t1: live.t1 }) };
}

function comparable(model: TraceModel) {
  return model.calls.map((call) => ({
    callId: call.callId,
    messages: call.messages.map((i) => `${model.messages[i]!.direction} ${model.messages[i]!.startLine}${model.messages[i]!.retransmission ? ' (re)' : ''}`),
    transactions: call.transactions.map((tx) => ({
      matchKey: tx.matchKey, method: tx.method, role: tx.role, finalStatus: tx.finalStatus, retransmissions: tx.retransmissions,
      messages: tx.messages.length, states: tx.states.filter(isMessageDriven).map((s) => `${s.from}->${s.to}: ${s.cause}`),
    })),
    dialogs: call.dialogs.map((d) => ({ state: d.state, callerTag: d.callerTag, calleeTag: d.calleeTag, rr: d.recordRoute })),
    unmatched: call.unmatched.length,
    findings: call.findings.map((f) => ({ code: f.code, severity: f.severity, messages: f.messages.length })),
  }));
}

const nothing = () => undefined;
const user = { onResponse: nothing, onTimeout: nothing, onTransportError: nothing };

describe('live model and imported model agree', () => {
  for (const protocol of ['UDP', 'TCP'] as const) {
    it(`INVITE answered 200 and the ACK withheld, then BYE (${protocol}): missing-ack from both`, () => {
      const { live, imported } = run(protocol, ({ clock, a, ta, tb, onRequest }) => {
        onRequest((r, tx) => {
          if (r.method !== 'INVITE') {
            tx.respond(respond(r, 200));
            return;
          }
          tx.respond(respond(r, 180));
          clock.setTimer(100, () => {
            const ok = respond(r, 200, { status: 200, contact: [{ uri: 'sip:bob@127.0.0.1:5070' }] } as Parameters<typeof buildResponseTo>[1]);
            tx.respond(ok);
            // The callee's TU retransmits the 2xx (§13.3.1.4): T1, 2T1, 4T1.
            for (const t of [500, 1500, 3500]) clock.setTimer(t, () => tx.respond(ok));
          });
        });
        a.sendRequest(request('INVITE', ta, 'call-1', 1), { transport: ta, destination: tb.address }, user);
        clock.advance(6000);
        // The caller never ACKs; it hangs up instead.
        const bye = request('BYE', ta, 'call-1', 2, { to: { uri: 'sip:bob@127.0.0.1', tag: 'bob-tag' } });
        a.sendRequest(bye, { transport: ta, destination: tb.address }, user);
        clock.advance(40_000);
      });
      expect(live.calls).toHaveLength(1);
      expect(comparable(imported)).toEqual(comparable(live));
      const codes = live.calls[0]!.findings.map((f) => f.code);
      expect(codes).toContain('missing-ack');
      // The live model knows the timers; the import cannot see them.
      expect(live.calls[0]!.transactions[0]!.timers.length).toBeGreaterThan(0);
      expect(imported.calls[0]!.transactions[0]!.timers).toEqual([]);
    });
  }

  it('UDP INVITE that nobody answers: retransmissions, Timer B, no-provisional from both', () => {
    const { live, imported } = run('UDP', ({ clock, a, ta, tb, onRequest }) => {
      onRequest(() => undefined);
      tb.intercept(() => 'drop');
      a.sendRequest(request('INVITE', ta, 'call-2', 1), { transport: ta, destination: tb.address }, user);
      clock.advance(40_000);
    });
    expect(comparable(imported)).toEqual(comparable(live));
    const tx = live.calls[0]!.transactions[0]!;
    expect(tx.retransmissions.requests).toBe(6);
    expect(tx.states.at(-1)!.cause).toMatch(/Timer B/);
    expect(live.calls[0]!.findings.map((f) => f.code)).toEqual(['no-provisional']);
  });

  it('UDP OPTIONS answered at once: a clean call, "no findings" on both sides', () => {
    const { live, imported } = run('UDP', ({ clock, a, ta, tb, onRequest }) => {
      onRequest((r, tx) => tx.respond(respond(r, 200)));
      a.sendRequest(request('OPTIONS', ta, 'call-3', 1), { transport: ta, destination: tb.address }, user);
      clock.advance(10_000);
    });
    expect(comparable(imported)).toEqual(comparable(live));
    expect(live.calls[0]!.findings).toEqual([]);
    expect(live.calls[0]!.transactions[0]!.states.map((s) => s.to)).toEqual(['Completed', 'Terminated']);
  });

  it('486 to an INVITE over UDP whose ACK is lost: missing-ack-non2xx (B side recorded as server)', () => {
    // Record the server side this time: swap roles by having A answer.
    const clock = new FakeClock();
    const [ta, tb] = createMemoryTransportPair({ protocol: 'UDP', clock, latencyMs: 5, addresses: [A, B] });
    const ignore = { onAck: () => undefined, onStrayResponse: () => undefined };
    const a = new TransactionLayer({ clock, user: { onRequest: (r, tx) => tx.respond(respond(r, 486)), ...ignore } });
    const b = new TransactionLayer({ clock, user: { onRequest: () => undefined, ...ignore } });
    a.attach(ta);
    b.attach(tb);
    const recorder = new LiveRecorder({ local: { transport: 'UDP', address: A.host, port: A.port } });
    recorder.attach(a.diagnostics);
    // B's ACKs never arrive at A.
    tb.intercept((p) => (new TextDecoder().decode(p.data).startsWith('ACK') ? 'drop' : 'deliver'));
    b.sendRequest(request('INVITE', tb, 'call-4', 1), { transport: tb, destination: ta.address }, user);
    clock.advance(40_000);
    const live = recorder.model();
    const imported = importCapture(exportPcap(live, { epochMs: 1_700_000_000_000 }), { local: ['127.0.0.1:5060'] });
    if (typeof imported === 'string') throw new Error(imported);
    const again = buildTraceModel({ source: 'import', messages: imported.messages, t1: live.t1 });
    expect(comparable(again)).toEqual(comparable(live));
    const tx = live.calls[0]!.transactions[0]!;
    expect(tx.role).toBe('server');
    expect(tx.timers.some((t) => t.timer === 'H' && t.event === 'fired')).toBe(true);
    expect(live.calls[0]!.findings.map((f) => f.code)).toEqual(['missing-ack-non2xx']);
  });
});
