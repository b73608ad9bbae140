// The process around the CLI (bin/callscope.js runs this): main()'s return
// value becomes the exit status, and nothing may end the process silently or
// with a status other than 0, 1 or 2.
// - While a command runs, a handle keeps the process alive: the stack's
//   background timers do not (a finished transaction's last timer must not
//   hold a finished command), so without it a command waiting only on such a
//   timer — a reconnect backoff — would see Node exit under it (status 13).
// - An error nobody caught is a bug: one line, status 1, no stack trace
//   (CALLSCOPE_DEBUG=1 prints it).
// - A closed stdout (`| head`) ends the command quietly with what it had.
import { main } from './main.js';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function die(what: string, error: unknown): never {
  process.stderr.write(`callscope: internal error (${what}): ${describe(error)}\n`);
  if (process.env.CALLSCOPE_DEBUG === '1' && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}

export async function runCliProcess(argv: readonly string[]): Promise<void> {
  process.on('uncaughtException', (error) => die('uncaught exception', error));
  process.on('unhandledRejection', (error) => die('unhandled rejection', error));
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    die('stdout', error);
  });
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    die('command failed', error);
  } finally {
    clearInterval(keepAlive);
  }
}
