// Running the `callscope` CLI as its own process (through tsx, from the sources):
// for what only a process shows — its exit code, what it prints when something
// ends it, and whether it stays alive while its work is not done.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ProcessRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningCli {
  readonly result: Promise<ProcessRun>;
  output(): string;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `callscope ...argv` as a child process; `timeoutMs` kills it (SIGKILL) if it hangs. */
export function spawnCli(argv: readonly string[], options: { timeoutMs?: number; stdin?: string } = {}): RunningCli {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...argv], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.stdin.end(options.stdin ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const result = new Promise<ProcessRun>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { result, output: () => stdout + stderr, kill: (signal = 'SIGTERM') => void child.kill(signal) };
}
