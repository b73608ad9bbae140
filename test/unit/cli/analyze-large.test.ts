// `callscope analyze` on a capture far larger than anything it should hold: two
// hundred thousand messages (generated here, not committed), --json to a file.
// The JSON Lines parse and count every call, and the process's peak memory
// stays under a bound that holding the whole capture could never meet (the
// analysis before streaming took ~7 KB per message: 1.4 GB for this file).
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../../support/cli-process.js';
import { writeSyntheticCapture } from '../../support/synthetic-capture.js';

const dir = mkdtempSync(join(tmpdir(), 'callscope-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Peak RSS allowed: the process (Node, tsx) plus the calls open at once, not the file. */
const PEAK_RSS_MB = 300;

describe('callscope analyze on a large capture', () => {
  it(`200 000 messages, --json to a file: every call in the output, peak RSS under ${PEAK_RSS_MB} MB`, async () => {
    const file = join(dir, 'large.pcap');
    const capture = writeSyntheticCapture(file, { calls: 28_572, callsPerSecond: 50 });
    expect(capture.messages).toBeGreaterThanOrEqual(200_000);
    const json = join(dir, 'large.jsonl');
    const run = await spawnCli(['analyze', file, '--json', json, '--no-ladder'], { discardStdout: true, timeoutMs: 170_000 }).result;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    let calls = 0;
    let messages = 0;
    const findings = new Map<string, number>();
    let summary: Record<string, unknown> | undefined;
    for await (const line of createInterface({ input: createReadStream(json) })) {
      const record = JSON.parse(line) as { type: string; messages?: unknown[]; findings?: Array<{ code: string }> };
      if (record.type === 'call') {
        calls++;
        messages += record.messages!.length;
        for (const f of record.findings ?? []) findings.set(f.code, (findings.get(f.code) ?? 0) + 1);
      } else if (record.type === 'summary') {
        summary = record;
      }
    }
    expect(calls).toBe(capture.calls);
    // Clean calls between private addresses (SDP from another address of the same LAN): no finding.
    expect(Object.fromEntries(findings)).toEqual({});
    expect(messages).toBe(capture.messages);
    expect(summary).toMatchObject({ messages: capture.messages, calls: capture.calls });
    if (run.peakRssKb !== undefined) {
      console.log(`analyze of ${capture.messages} messages: peak RSS ${Math.round(run.peakRssKb / 1024)} MB`);
      expect(run.peakRssKb / 1024).toBeLessThan(PEAK_RSS_MB);
    }
  }, 180_000);
});
