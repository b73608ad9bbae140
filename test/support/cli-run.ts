// Running the `callscope` CLI in-process for tests: main(argv, io) with an io
// that keeps what the command wrote.
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/command.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** An io whose output accumulates in `out`; `stdin` is what the command reads from `-`. */
export function captureIo(stdin: Uint8Array = new Uint8Array()): { io: CliIo; out: { stdout: string; stderr: string } } {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    readStdin: async () => Buffer.from(stdin),
  };
  return { io, out };
}

/** Starts the CLI; `output()` shows what it wrote so far (for commands that keep running). */
export function startCli(...argv: string[]): { result: Promise<CliRun>; output: () => string } {
  const { io, out } = captureIo();
  return { result: main(argv, io).then((code) => ({ code, ...out })), output: () => out.stdout + out.stderr };
}

/** Runs the CLI to its end. */
export function runCli(...argv: string[]): Promise<CliRun> {
  return startCli(...argv).result;
}
