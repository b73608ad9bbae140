// `callscope analyze` on large captures against sngrep on the same files, in
// the same run: 100k and 1M SIP messages (synthetic clean calls over UDP,
// 100 calls/s, generated here into a temporary directory). Wall time, CPU
// time and peak RSS of each program reading the whole file; Callscope prints
// its full text report (to /dev/null), sngrep reads without its interface.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticCapture } from '../test/support/synthetic-capture.js';
import { cli, fmt, hasProgram, measure } from './processes.js';

const SNGREP = '/usr/bin/sngrep';

export async function runAnalyzeBench(log: (line: string) => void, sizes: readonly number[] = [100_000, 1_000_000]): Promise<void> {
  log('');
  log('callscope analyze vs sngrep on the same pcap (synthetic clean calls, 100 calls/s)');
  const dir = mkdtempSync(join(tmpdir(), 'callscope-bench-'));
  try {
    for (const messages of sizes) {
      const file = join(dir, `calls-${messages}.pcap`);
      const capture = writeSyntheticCapture(file, { calls: Math.ceil(messages / 7), callsPerSecond: 100 });
      const label = `${(capture.messages / 1000).toFixed(0)}k messages (${(capture.bytes / 1e6).toFixed(0)} MB)`;
      const ours = await measure(process.execPath, [cli, 'analyze', file], { timeoutMs: 30 * 60_000 });
      const ok = ours.code === 0 ? '' : `  (exit ${ours.code}: ${ours.stderr.trim().split('\n').at(-1)})`;
      log(`  ${label.padEnd(28)} callscope: ${fmt(ours.wallMs / 1000)} s wall, ${fmt(ours.cpuS)} s CPU, peak RSS ${fmt(ours.peakMb, 0)} MB${ok}`);
      if (hasProgram(SNGREP)) {
        const theirs = await measure(SNGREP, ['-I', file, '-N', '-q'], { timeoutMs: 30 * 60_000 });
        log(`  ${''.padEnd(28)} sngrep:    ${fmt(theirs.wallMs / 1000)} s wall, ${fmt(theirs.cpuS)} s CPU, peak RSS ${fmt(theirs.peakMb, 0)} MB`);
      }
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
