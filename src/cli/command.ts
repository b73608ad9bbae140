/** One `callscope` sub-command. `run` returns the process exit code; it never calls process.exit. */
export interface CliCommand {
  readonly name: string;
  /** Full usage text for `callscope <name> --help`. */
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Where a command reads and writes, injected so tests can capture it. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<Buffer>;
  /** True when stderr is a terminal (progress lines are drawn there). */
  readonly interactive?: boolean;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  },
  get interactive() {
    return process.stderr.isTTY === true;
  },
};

/**
 * The exit status section of a command's help. Every command exits 0, 1 or 2
 * and says why in one line on stderr when it is not 0; nothing else.
 */
export function exitStatusHelp(ok: string, failure: string | undefined, usage = 'a usage error, or an input that cannot be read'): string {
  return [
    'Exit status:',
    `  0  ${ok}`,
    `  1  ${failure === undefined ? 'not used by this command (but an internal error, said in one line)' : `${failure} (the reason in one line on stderr)`}`,
    `  2  ${usage} (the reason in one line on stderr)`,
  ].join('\n');
}
