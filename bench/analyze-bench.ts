// `callscope analyze` on large captures against sngrep on the same files, in
// the same run: 100k and 1M SIP messages (synthetic clean calls over UDP,
// 100 calls/s, generated here into a temporary directory). Wall time, CPU
// time and peak RSS of each program reading the whole file; Callscope prints
// its full text report (to /dev/null), sngrep reads without its interface.
// At 100k messages also the desktop app's import of a dropped file (the host's
// TraceImports, fed 128 KiB base64 chunks as the page sends them, and keeping every call
// for the panel), the whole-file importTrace it used before, and `tshark -r FILE -Y sip`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticCapture } from '../test/support/synthetic-capture.js';
import { cli, fmt, hasProgram, measure } from './processes.js';

const SNGREP = '/usr/bin/sngrep';
const TSHARK = '/usr/bin/tshark';
/** The desktop app's import of a dropped file (main/host/diagnostics/trace-imports.ts), alone in a process. */
const IMPORT_SCRIPT = `const { openSync, readSync, closeSync } = await import('node:fs');
const { TraceImports } = await import(process.argv[2]);
const { DEFAULT_DIAGNOSTICS_LIMITS } = await import(process.argv[3]);
const { systemClock } = await import(process.argv[4]);
const imports = new TraceImports({ clock: systemClock, limits: { ...DEFAULT_DIAGNOSTICS_LIMITS, importMaxBytes: Infinity }, changed: () => {} });
const fd = openSync(process.argv[1], 'r');
const chunk = Buffer.alloc(128 * 1024);
let uploadId;
for (;;) {
  const n = readSync(fd, chunk, 0, chunk.length, null);
  const result = imports.chunk({ fileName: 'bench.pcap', data: chunk.subarray(0, n).toString('base64'), last: n < chunk.length, ...(uploadId ? { uploadId } : {}) });
  if (result.done) { console.log(result.calls.length + ' calls'); break; }
  uploadId = result.uploadId;
}
closeSync(fd);`;
/** What the app's import did before it streamed: the whole file read at once by importTrace. */
const WHOLE_IMPORT_SCRIPT = `const { readFileSync } = await import('node:fs');
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
        const dist = (path: string) => new URL(`../dist/${path}`, import.meta.url).href;
        const app = await measure(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT, file,
          dist('main/host/diagnostics/trace-imports.js'), dist('main/host/diagnostics/limits.js'), dist('src/util/clock.js')], { timeoutMs: 30 * 60_000 });
        const failed = app.code === 0 ? '' : `  (exit ${app.code}: ${app.stderr.trim().split('\n').at(-1)})`;
        log(`  ${''.padEnd(28)} app import (streamed, every call kept): ${fmt(app.wallMs / 1000)} s wall, ${fmt(app.cpuS)} s CPU, peak RSS ${fmt(app.peakMb, 0)} MB${failed}`);
        const whole = await measure(process.execPath, ['--input-type=module', '-e', WHOLE_IMPORT_SCRIPT, file, dist('src/diagnostics/import/trace-import.js')], { timeoutMs: 30 * 60_000 });
        const wholeFailed = whole.code === 0 ? '' : `  (exit ${whole.code}: ${whole.stderr.trim().split('\n').at(-1)})`;
        log(`  ${''.padEnd(28)} whole-file importTrace (the import before): ${fmt(whole.wallMs / 1000)} s wall, ${fmt(whole.cpuS)} s CPU, peak RSS ${fmt(whole.peakMb, 0)} MB${wholeFailed}`);
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
