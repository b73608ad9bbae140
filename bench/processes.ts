// Helpers for the bench figures that run whole programs: the built CLI, SIPp,
// sngrep, a bare `node -e 0`. Times are wall clock (what a user waits for), CPU
// is the child's user + system time, and peak memory its maximum resident set,
// as GNU time reports them when it is installed (else read from /proc).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const cli = process.env.CALLSCOPE_BENCH_CLI ?? `${root}bin/callscope.js`;

/** Compiles src/ (so the figures are the current code's); returns an error line or undefined. */
export function buildCli(): string | undefined {
  const run = spawnSync('npx', ['tsc', '-p', 'tsconfig.node.json'], { cwd: root, encoding: 'utf8' });
  return run.status === 0 ? undefined : `tsc failed: ${(run.stdout + run.stderr).trim().split('\n')[0]}`;
}

export function hasProgram(path: string): boolean {
  return existsSync(path);
}

export interface Measured {
  readonly wallMs: number;
  readonly cpuS: number | undefined;
  readonly peakMb: number | undefined;
  readonly code: number | null;
  readonly stderr: string;
}

const GNU_TIME = '/usr/bin/time';

/** Runs a program to its end; `%e %U %S %M` from GNU time when there is one. */
export function measure(command: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<Measured> {
  const timed = existsSync(GNU_TIME);
  const marker = '@@callscope-bench@@';
  const [cmd, argv] = timed ? [GNU_TIME, ['-f', `${marker} %U %S %M`, command, ...args]] : [command, [...args]];
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: options.cwd ?? root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let peakKb: number | undefined;
    const sampler = timed ? undefined : setInterval(() => {
      try {
        const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, 'latin1'));
        if (m) peakKb = Number(m[1]);
      } catch { /* gone */ }
    }, 20);
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      const wallMs = performance.now() - started;
      const line = stderr.split('\n').find((l) => l.startsWith(marker));
      const [user, sys, maxKb] = line ? line.slice(marker.length).trim().split(/\s+/).map(Number) : [];
      resolve({
        wallMs, code, stderr: stderr.split('\n').filter((l) => !l.startsWith(marker)).join('\n'),
        cpuS: user === undefined || sys === undefined ? undefined : user + sys,
        peakMb: (maxKb ?? peakKb) === undefined ? undefined : (maxKb ?? peakKb)! / 1024,
      });
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)]!;
}

export const fmt = (v: number | undefined, digits = 1) => (v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(digits));
