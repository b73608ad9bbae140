// pcap export read by tshark (an independent reader) and by Callscope: UDP and
// TCP (with a handshake and per-direction sequence numbers), IPv4 and IPv6,
// a live model placed at a chosen wall-clock time, one call or all.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportPcap } from '../../../src/diagnostics/export/pcap-export.js';
import { importTrace } from '../../../src/diagnostics/import/trace-import.js';
import { buildTraceModel } from '../../../src/diagnostics/model-builder.js';
import { request, response, sdp, Trace } from './crafted.js';

const hasTshark = existsSync('/usr/bin/tshark');
const dir = mkdtempSync(join(tmpdir(), 'callscope-pcap-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const V6A = { transport: 'TCP', address: '2001:db8::10', port: 5060 };
const V6B = { transport: 'TCP', address: '2001:db8::20', port: 5070 };
const V4A = { transport: 'UDP', address: '192.0.2.10', port: 5060 };
const V4B = { transport: 'UDP', address: '192.0.2.20', port: 5062 };

const model = new Trace()
  .add(1_700_000_000_000.5, V6A, V6B, request('INVITE', { callId: 'tcp-v6', body: sdp.repeat(20) }))
  .add(1_700_000_000_010, V6B, V6A, response(180, 'INVITE', { callId: 'tcp-v6', toTag: 'b' }))
  .add(1_700_000_000_020, V4A, V4B, request('OPTIONS', { callId: 'udp-v4' }))
  .add(1_700_000_000_030, V6B, V6A, response(200, 'INVITE', { callId: 'tcp-v6', toTag: 'b', body: sdp }))
  .add(1_700_000_000_040, V4B, V4A, response(200, 'OPTIONS', { callId: 'udp-v4' }))
  .model();

function tshark(file: string, fields: string[]): string[][] {
  return execFileSync('tshark', ['-r', file, '-Y', 'sip', '-T', 'fields', ...fields.flatMap((f) => ['-e', f])],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean).map((l) => l.split('\t'));
}

describe('pcap export', () => {
  it('Callscope reads its export back: same messages, addresses, transports and times (µs)', () => {
    const again = importTrace(exportPcap(model));
    if (!again.ok) throw new Error(again.reason);
    expect(again.model.notes).toEqual([]);
    expect(again.model.messages.map((m) => [m.startLine, m.src, m.dst, Math.round(m.at * 1000)]))
      .toEqual(model.messages.map((m) => [m.startLine, m.src, m.dst, Math.round(m.at * 1000)]));
    // A 1.9 kB INVITE went as two TCP segments and came back whole.
    expect(again.model.messages[0]!.raw).toEqual(model.messages[0]!.raw);
  });

  it('a live model (monotonic times, no own address) is placed at epochMs with the given local address', () => {
    const live = buildTraceModel({ source: 'live', messages: [
      { at: 10, direction: 'sent', dst: V4B, transport: 'UDP', raw: new TextEncoder().encode(request('OPTIONS', { callId: 'live-1' })) },
      { at: 25, direction: 'received', src: V4B, transport: 'UDP', raw: new TextEncoder().encode(response(200, 'OPTIONS', { callId: 'live-1' })) },
    ], transactions: [] });
    const again = importTrace(exportPcap(live, { epochMs: 1_600_000_000_000, local: V4A }));
    if (!again.ok) throw new Error(again.reason);
    expect(again.model.messages.map((m) => [m.at, m.src, m.dst])).toEqual([
      [1_600_000_000_010, V4A, V4B], [1_600_000_000_025, V4B, V4A]]);
  });

  it.skipIf(!hasTshark)('tshark sees the same SIP messages, Call-IDs, methods and addresses (IPv6 over TCP, IPv4 over UDP)', () => {
    const file = join(dir, 'all.pcap');
    writeFileSync(file, exportPcap(model));
    const rows = tshark(file, ['sip.Call-ID', 'sip.CSeq.method', 'sip.Status-Code', 'ipv6.src', 'ip.src', 'tcp.srcport', 'udp.srcport']);
    expect(rows.map((r) => [r[0], r[1], r[2] || '-'])).toEqual([
      ['tcp-v6', 'INVITE', '-'], ['tcp-v6', 'INVITE', '180'], ['udp-v4', 'OPTIONS', '-'], ['tcp-v6', 'INVITE', '200'], ['udp-v4', 'OPTIONS', '200']]);
    expect(rows[0]!.slice(3)).toEqual(['2001:db8::10', '', '5060', '']);
    expect(rows[2]!.slice(3)).toEqual(['', '192.0.2.10', '', '5060']);
    // No checksum or sequence complaints from tshark's expert info.
    const warnings = execFileSync('tshark', ['-r', file, '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE',
      '-Y', '_ws.expert.severity >= warning'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(warnings.trim()).toBe('');
  });

  it.skipIf(!hasTshark)('one call only', () => {
    const file = join(dir, 'one.pcap');
    writeFileSync(file, exportPcap(model, { callId: 'udp-v4' }));
    expect(tshark(file, ['sip.Call-ID']).map((r) => r[0])).toEqual(['udp-v4', 'udp-v4']);
  });
});
