// `callscope analyze` on large captures against sngrep on the same files, in
// the same run: 100k and 1M SIP messages (synthetic clean calls over UDP,
// 100 calls/s, generated here into a temporary directory). Wall time, CPU
// time and peak RSS of each program reading the whole file; Callscope prints
// its full text report (to /dev/null), sngrep reads without its interface.
// At 100k messages also the desktop app's import (the whole file read at once by
// importTrace, as a dropped file is: every call with its findings and media, for the
// panel) and `tshark -r FILE -Y sip`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticCapture } from '../test/support/synthetic-capture.js';
import { cli, fmt, hasProgram, measure } from './processes.js';

const SNGREP = '/usr/bin/sngrep';
const TSHARK = '/usr/bin/tshark';
/** The desktop app's import of a dropped file (main/host/diagnostics/trace-imports.ts), alone in a process. */
const IMPORT_SCRIPT = `const { readFileSync } = await import('node:fs');
const { importTrace } = await import(process.argv[2]);
const result = importTrace(readFileSync(process.argv[1]));
if (!result.ok) { console.error(result.reason); process.exit(1); }
console.log(result.model.messages.length + ' messages, ' + result.model.calls.length + ' calls');`;

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
      if (messages <= 100_000) {
        const importer = new URL('../dist/src/diagnostics/import/trace-import.js', import.meta.url).href;
        const app = await measure(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT, file, importer], { timeoutMs: 30 * 60_000 });
        const failed = app.code === 0 ? '' : `  (exit ${app.code}: ${app.stderr.trim().split('\n').at(-1)})`;
        log(`  ${''.padEnd(28)} app import: ${fmt(app.wallMs / 1000)} s wall, ${fmt(app.cpuS)} s CPU, peak RSS ${fmt(app.peakMb, 0)} MB${failed}`);
        if (hasProgram(TSHARK)) {
          const tshark = await measure(TSHARK, ['-r', file, '-Y', 'sip'], { timeoutMs: 30 * 60_000 });
          log(`  ${''.padEnd(28)} tshark -Y sip: ${fmt(tshark.wallMs / 1000)} s wall, ${fmt(tshark.cpuS)} s CPU, peak RSS ${fmt(tshark.peakMb, 0)} MB`);
        }
      }
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
