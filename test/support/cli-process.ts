// Running the `callscope` CLI as its own process (through tsx, from the sources):
// for what only a process shows — its exit code, what it prints when something
// ends it, and whether it stays alive while its work is not done.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ProcessRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident set (kB) as Linux last reported it before the process ended (VmHWM); undefined elsewhere. */
  readonly peakRssKb: number | undefined;
}

/** The process's peak RSS so far, from /proc (Linux). */
function peakRss(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface RunningCli {
  readonly result: Promise<ProcessRun>;
  output(): string;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `callscope ...argv` as a child process; `timeoutMs` kills it (SIGKILL) if it hangs. */
export function spawnCli(argv: readonly string[], options: { timeoutMs?: number; stdin?: string; discardStdout?: boolean } = {}): RunningCli {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...argv], {
    cwd: root, stdio: ['pipe', options.discardStdout ? 'ignore' : 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let peak: number | undefined;
  const sampler = setInterval(() => { peak = peakRss(child.pid) ?? peak; }, 50);
  child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.stdin?.end(options.stdin ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const result = new Promise<ProcessRun>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(sampler);
      resolve({ code, signal, stdout, stderr, peakRssKb: peak });
    });
  });
  return { result, output: () => stdout + stderr, kill: (signal = 'SIGTERM') => void child.kill(signal) };
}
