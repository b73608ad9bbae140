// Streaming analysis finds what importTrace finds: the same calls, messages,
// transactions, dialogs and findings, with the same trace-wide indices, on
// traces of many interleaved calls fed in small chunks of every size — pcap,
// pcapng and text dumps. And it lets go of calls as they finish: a call quiet
// longer than every RFC 3261 timer is handed on before the trace ends, one
// whose answered dialog no BYE ended is kept.
import { describe, expect, it } from 'vitest';
import { exportPcap } from '../../../src/diagnostics/export/pcap-export.js';
import { exportText } from '../../../src/diagnostics/export/text-export.js';
import { importTrace } from '../../../src/diagnostics/import/trace-import.js';
import type { CallModel, TraceMessage, TraceModel } from '../../../src/diagnostics/model-types.js';
import { TraceAnalysis, type AssembledCall } from '../../../src/diagnostics/stream/trace-analysis.js';
import { rng } from '../../support/rng.js';
import { request, response, sdp, Trace, UAC, UAS } from './crafted.js';

type Scenario = (t: Trace, at: number, id: string) => void;

/** Calls that show most findings, and clean ones; every branch names its call. */
const scenarios: Record<string, Scenario> = {
  clean: (t, at, id) => {
    const s = { callId: id, via: [`192.0.2.10:5060;branch=z9hG4bK-${id}-1`] };
    t.add(at, UAC, UAS, request('INVITE', { ...s, body: sdp })).add(at + 10, UAS, UAC, response(100, 'INVITE', s))
      .add(at + 20, UAS, UAC, response(180, 'INVITE', { ...s, toTag: 'b1' })).add(at + 900, UAS, UAC, response(200, 'INVITE', { ...s, toTag: 'b1', body: sdp }))
      .add(at + 910, UAC, UAS, request('ACK', { callId: id, toTag: 'b1', via: [`192.0.2.10:5060;branch=z9hG4bK-${id}-ack`] }));
    const b = { callId: id, toTag: 'b1', cseq: 2, via: [`192.0.2.10:5060;branch=z9hG4bK-${id}-2`] };
    t.add(at + 3000, UAC, UAS, request('BYE', b)).add(at + 3010, UAS, UAC, response(200, 'BYE', b));
  },
  missingAck: (t, at, id) => {
    const s = { callId: id, via: [`192.0.2.10:5060;branch=z9hG4bK-${id}-1`] };
    const ok = response(200, 'INVITE', { ...s, toTag: 'b1', body: sdp });
    t.add(at, UAC, UAS, request('INVITE', { ...s, body: sdp })).add(at + 10, UAS, UAC, response(180, 'INVITE', { ...s, toTag: 'b1' }))
      .add(at + 500, UAS, UAC, ok).repeat([at + 1000, at + 2000, at + 4000], UAS, UAC, ok);
  },
  busyNoAck: (t, at, id) => {
    const s = { callId: id, via: [`192.0.2.10:5060;branch=z9hG4bK-${id}-1`] };
    const busy = response(486, 'INVITE', { ...s, toTag: 'b2' });
    t.add(at, UAC, UAS, request('INVITE', { ...s, body: sdp })).add(at + 50, UAS, UAC, busy).repeat([at + 550, at + 1550], UAS, UAC, busy);
  },
  silent: (t, at, id) => {
    const invite = request('INVITE', { callId: id, body: sdp, via: [`192.0.2.10:5060;branch=z9hG4bK-${id}-1`] });
    t.add(at, UAC, UAS, invite).repeat([at + 500, at + 1500, at + 3500], UAC, UAS, invite);
  },
  unprackedReliable: (t, at, id) => {
    const s = { callId: id, via: [`192.0.2.10:5060;branch=z9hG4bK-${id}-1`] };
    const rel = response(183, 'INVITE', { ...s, toTag: 'b3', body: sdp, headers: ['Require: 100rel', 'RSeq: 1'] });
    t.add(at, UAC, UAS, request('INVITE', { ...s, body: sdp })).add(at + 20, UAS, UAC, rel).repeat([at + 520, at + 1520], UAS, UAC, rel);
  },
  cancelEarly: (t, at, id) => {
    const s = { callId: id, via: [`192.0.2.10:5060;branch=z9hG4bK-${id}-1`] };
    t.add(at, UAC, UAS, request('INVITE', { ...s, body: sdp })).add(at + 5, UAC, UAS, request('CANCEL', s))
      .add(at + 15, UAS, UAC, response(200, 'CANCEL', s)).add(at + 20, UAS, UAC, response(487, 'INVITE', { ...s, toTag: 'b4' }))
      .add(at + 25, UAC, UAS, request('ACK', { ...s, toTag: 'b4' }));
  },
  options: (t, at, id) => {
    const s = { callId: id, via: [`192.0.2.10:5060;branch=z9hG4bK-${id}-1`] };
    t.add(at, UAC, UAS, request('OPTIONS', s)).add(at + 10, UAS, UAC, response(200, 'OPTIONS', s));
  },
};

/** Many calls from the scenarios, overlapping, with quiet stretches (> 64·T1) between groups. */
function trace(seed: number, calls: number): Trace {
  const random = rng(seed);
  const names = Object.keys(scenarios);
  const parts: Trace[] = [];
  let start = 1_700_000_000_000;
  for (let n = 0; n < calls; n++) {
    start += random() < 0.1 ? 45_000 : Math.floor(random() * 800);
    const part = new Trace();
    scenarios[names[Math.floor(random() * names.length)]!]!(part, start, `c${seed}-${n}`);
    parts.push(part);
  }
  const all = new Trace();
  all.inputs.push(...parts.flatMap((p) => p.inputs).sort((a, b) => a.at - b.at));
  return all;
}

function comparable(call: CallModel, message: (i: number) => TraceMessage) {
  return {
    callId: call.callId,
    messages: call.messages.map((i) => `${i} ${message(i).startLine}${message(i).retransmission ? ' (re)' : ''}`),
    transactions: call.transactions.map((tx) => ({ key: tx.matchKey, method: tx.method, state: tx.state, final: tx.finalStatus, re: tx.retransmissions, messages: tx.messages })),
    dialogs: call.dialogs.map(({ id: _id, ...d }) => d),
    unmatched: call.unmatched,
    findings: call.findings.map((f) => ({ code: f.code, severity: f.severity, messages: f.messages, explanation: f.explanation })),
  };
}

function fromImport(model: TraceModel) {
  return model.calls.map((c) => comparable(c, (i) => model.messages[i]!)).sort((a, b) => a.callId.localeCompare(b.callId));
}

function streamed(bytes: Uint8Array, chunkSizes: () => number): { calls: ReturnType<typeof fromImport>; analysis: TraceAnalysis } {
  const found: AssembledCall[] = [];
  const analysis = new TraceAnalysis({ onCall: (c) => found.push(c) });
  for (let p = 0; p < bytes.length;) {
    const n = chunkSizes();
    analysis.push(bytes.slice(p, p + n));
    p += n;
  }
  analysis.end();
  const calls = found.map(({ call, messages }) => comparable(call, (i) => messages.find((m) => m.index === i)!)).sort((a, b) => a.callId.localeCompare(b.callId));
  return { calls, analysis };
}

describe('streaming analysis finds what importTrace finds', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 150 interleaved calls as pcap, read in chunks of 1 to 600 bytes`, () => {
      const pcap = exportPcap(trace(seed, 150).model());
      const whole = importTrace(pcap);
      if (!whole.ok) throw new Error(whole.reason);
      const random = rng(seed + 100);
      const { calls, analysis } = streamed(pcap, () => 1 + Math.floor(random() * 600));
      expect(calls).toEqual(fromImport(whole.model));
      expect(analysis.notes()).toEqual(whole.model.notes);
      expect(analysis.messages).toBe(whole.model.messages.length);
    });
  }

  it('in chunks of hundreds of KiB (records cut at chunk boundaries are bridged, not copied)', () => {
    const pcap = exportPcap(trace(6, 700).model());
    expect(pcap.length).toBeGreaterThan(4 * 270_000);
    const whole = importTrace(pcap);
    if (!whole.ok) throw new Error(whole.reason);
    const random = rng(8);
    expect(streamed(pcap, () => 260_000 + Math.floor(random() * 20_000)).calls).toEqual(fromImport(whole.model));
  }, 30_000);

  it('over TCP, reassembled from segments cut across chunks', () => {
    const tcp = new Trace();
    for (const input of trace(5, 60).inputs) {
      tcp.inputs.push({ ...input, transport: 'TCP', src: { ...input.src!, transport: 'TCP' }, dst: { ...input.dst!, transport: 'TCP' } });
    }
    const pcap = exportPcap(tcp.model());
    const whole = importTrace(pcap);
    if (!whole.ok) throw new Error(whole.reason);
    const random = rng(7);
    expect(streamed(pcap, () => 1 + Math.floor(random() * 3000)).calls).toEqual(fromImport(whole.model));
  });

  it('as an sngrep text export, read 4 KiB at a time', () => {
    const text = new TextEncoder().encode(exportText(trace(4, 80).model()));
    const whole = importTrace(text);
    if (!whole.ok) throw new Error(whole.reason);
    const { calls } = streamed(text, () => 4096);
    expect(calls).toEqual(fromImport(whole.model));
  });

  it('hands a call on once it is quiet beyond every timer, but keeps an answered call that no BYE ended', () => {
    const t = new Trace();
    scenarios.options!(t, 0, 'early');
    // An answered call, no BYE yet.
    const s = { callId: 'up', via: ['192.0.2.10:5060;branch=z9hG4bK-up-1'] };
    t.add(100, UAC, UAS, request('INVITE', { ...s, body: sdp })).add(200, UAS, UAC, response(200, 'INVITE', { ...s, toTag: 'u' , body: sdp }))
      .add(210, UAC, UAS, request('ACK', { callId: 'up', toTag: 'u', via: ['192.0.2.10:5060;branch=z9hG4bK-up-ack'] }));
    scenarios.options!(t, 60_000, 'late');
    const order: string[] = [];
    const analysis = new TraceAnalysis({ onCall: ({ call }) => order.push(`${call.callId}@${analysis.messages}`) });
    analysis.push(exportPcap(t.model()));
    expect(order).toEqual(['early@6']);
    analysis.end();
    expect(order).toEqual(['early@6', 'up@7', 'late@7']);
  });
});
