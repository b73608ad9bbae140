import { existsSync, readFileSync } from 'node:fs';
import type { CliIo } from './command.js';
import { processIo } from './command.js';
import { commands } from './commands.js';

/** Callscope's package.json: the nearest one above this file (dist/src/cli or src/cli). */
function version(): string {
  for (let dir = new URL('.', import.meta.url); dir.pathname !== '/'; dir = new URL('..', dir)) {
    const file = new URL('package.json', dir);
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
    if (pkg.name === 'callscope') return pkg.version;
  }
  return 'unknown';
}

export function helpText(): string {
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'callscope — a SIP softphone that shows what every call\'s transactions really did.',
    '',
    'Usage: callscope <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    '  -h, --help     show this help (or `callscope <command> --help`)',
    '  -v, --version  print the version',
    '',
    'Exit status: 0 ok, 1 a failure, 2 a usage or input error; the reason of a',
    'non-zero exit is one line on stderr. `callscope <command> --help` says more.',
    '',
  ].join('\n');
}

/** Entry point of the CLI. Returns the exit code: 0 ok, 1 failure, 2 usage or input error. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr(helpText());
    io.stderr('callscope: no command given\n');
    return 2;
  }
  if (first === '-h' || first === '--help' || first === 'help') {
    io.stdout(helpText());
    return 0;
  }
  if (first === '-v' || first === '--version') {
    io.stdout(`${version()}\n`);
    return 0;
  }
  const entry = commands.find((c) => c.name === first);
  if (!entry) {
    io.stderr(`callscope: unknown command '${first}'. Run \`callscope --help\` for the list.\n`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('-h') || rest.includes('--help')) {
    io.stdout(`${command.usage}\n`);
    return 0;
  }
  return command.run(rest, io);
}
