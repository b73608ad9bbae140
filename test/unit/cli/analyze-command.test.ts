// `callscope analyze` through main(argv, io): report, JSON, exports, exit codes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { exportPcap } from '../../../src/diagnostics/export/pcap-export.js';
import { importTrace } from '../../../src/diagnostics/import/trace-import.js';
import { request, response, sdp, Trace, UAC, UAS } from '../diagnostics/crafted.js';
import { captureIo } from '../../support/cli-run.js';

const capture = captureIo;

const dir = mkdtempSync(join(tmpdir(), 'callscope-analyze-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ok = response(200, 'INVITE', { toTag: 'b1', body: sdp });
const missingAck = new Trace().add(1_700_000_000_000, UAC, UAS, request('INVITE', { body: sdp }))
  .add(1_700_000_000_010, UAS, UAC, response(180, 'INVITE', { toTag: 'b1' }))
  .add(1_700_000_000_500, UAS, UAC, ok).repeat([1_700_000_001_000, 1_700_000_002_000], UAS, UAC, ok)
  .add(1_700_000_005_000, UAC, UAS, request('OPTIONS', { callId: 'clean-1' }))
  .add(1_700_000_005_010, UAS, UAC, response(200, 'OPTIONS', { callId: 'clean-1' }))
  .model();
const pcapFile = join(dir, 'trace.pcap');
writeFileSync(pcapFile, exportPcap(missingAck));

describe('callscope analyze', () => {
  it('prints each call with its messages, transactions and findings, and exits 0 even with findings', async () => {
    const { io, out } = capture();
    expect(await main(['analyze', pcapFile], io)).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(/trace\.pcap \(pcap\): 7 SIP message\(s\) in 2 call\(s\)/);
    expect(out.stdout).toMatch(/Call call-1: 5 message\(s\), 1 transaction\(s\), 1 dialog\(s\)/);
    expect(out.stdout).toMatch(/\[error\] missing-ack: 2xx retransmitted, ACK never arrived \(RFC 3261 §13\.3\.1\.4\)/);
    expect(out.stdout).toMatch(/INVITE observed UDP .* final=200 .*retransmissions: 0 request, 2 response/);
    expect(out.stdout).toMatch(/Call clean-1:[\s\S]*Findings:\n {2}no findings/);
  });

  it('--json - prints the model as JSON Lines instead; --json FILE writes it beside the report', async () => {
    const { io, out } = capture();
    expect(await main(['analyze', pcapFile, '--json', '-'], io)).toBe(0);
    const records = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records[0]).toEqual({ type: 'trace', version: 3, source: 'import', format: 'pcap', t1: 500 });
    const calls = records.filter((r) => r.type === 'call') as Array<{ callId: string; findings: Array<{ code: string; messages: number[] }>; findingsSummary: string; messages: Array<{ index: number; raw?: string; rawBase64?: string }> }>;
    expect(calls.map((c) => [c.callId, c.findings.map((f) => f.code), c.findingsSummary]))
      .toEqual([['call-1', ['missing-ack'], '1 finding(s)'], ['clean-1', [], 'no findings']]);
    // Every message once, inside its call, its bytes once.
    expect(calls.flatMap((c) => c.messages.map((m) => m.index))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(calls[0]!.messages[0]!.raw).toMatch(/^INVITE /);
    expect(calls[0]!.messages[0]!.rawBase64).toBeUndefined();
    expect(calls[0]!.findings[0]!.messages.every((i) => calls[0]!.messages.some((m) => m.index === i))).toBe(true);
    expect(records.at(-1)).toEqual({ type: 'summary', messages: 7, calls: 2, notes: [] });
    const file = join(dir, 'model.jsonl');
    const second = capture();
    expect(await main(['analyze', pcapFile, '--json', file], second.io)).toBe(0);
    expect(second.out.stdout).toMatch(/missing-ack/);
    expect(readFileSync(file, 'utf8').trim().split('\n').filter((l) => JSON.parse(l).type === 'call')).toHaveLength(2);
  });

  it('--call, --export-pcap and --export-text select and write one call', async () => {
    const { io, out } = capture();
    const pcap = join(dir, 'one.pcap');
    const text = join(dir, 'one.txt');
    expect(await main(['analyze', pcapFile, '--call', 'clean-1', '--export-pcap', pcap, '--export-text', text], io)).toBe(0);
    expect(out.stdout).not.toMatch(/call-1:/);
    const again = importTrace(new Uint8Array(readFileSync(pcap)));
    expect(again.ok && again.model.messages.map((m) => m.callId)).toEqual(['clean-1', 'clean-1']);
    expect(readFileSync(text, 'utf8')).toMatch(/^\d{4}\/\d{2}\/\d{2} [\d:.]+ 192\.0\.2\.10:5060 -> 192\.0\.2\.20:5060\nOPTIONS /);
  });

  it('reads stdin with "-", and --pdd changes the post-dial-delay threshold', async () => {
    const slow = new Trace().add(0, UAC, UAS, request('INVITE', { body: sdp })).add(3000, UAS, UAC, response(180, 'INVITE', { toTag: 'b1' })).model();
    const { io, out } = capture(exportPcap(slow));
    expect(await main(['analyze', '-', '--pdd', '2000', '--no-ladder'], io)).toBe(0);
    expect(out.stdout).toMatch(/post-dial-delay/);
    expect(out.stdout).not.toMatch(/ Messages:/);
  });

  it('exits 2 with the reason for an unreadable or unknown file, a bad option, or an unknown call', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['analyze', join(dir, 'missing.pcap')], /cannot read .*missing\.pcap: ENOENT/],
      [['analyze', (() => { const f = join(dir, 'junk.bin'); writeFileSync(f, 'not a trace at all'); return f; })()], /unknown file format/],
      [['analyze'], /missing FILE/],
      [['analyze', pcapFile, '--bogus'], /unknown option --bogus/],
      [['analyze', pcapFile, '--t1', 'zero'], /positive number/],
      [['analyze', pcapFile, '--call', 'nope'], /no call with Call-ID nope/],
    ];
    for (const [argv, reason] of cases) {
      const { io, out } = capture();
      expect(await main(argv, io)).toBe(2);
      expect(out.stderr).toMatch(reason);
    }
  });

  it('is listed in callscope --help and has its own usage', async () => {
    const { io, out } = capture();
    expect(await main(['--help'], io)).toBe(0);
    expect(out.stdout).toMatch(/analyze +read a SIP trace/);
    const usage = capture();
    expect(await main(['analyze', '--help'], usage.io)).toBe(0);
    expect(usage.out.stdout).toMatch(/--json FILE\|-/);
  });
});
