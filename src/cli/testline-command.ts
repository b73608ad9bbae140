// `callscope testline`: the built-in test line, headless, for pointing any SIP-over-
// WebSocket client at it. Loopback unless --listen says otherwise; the digest credentials
// (random unless given) and the secret path are printed at start; one line per call.
import { networkInterfaces } from 'node:os';
import type { CliCommand } from './command.js';
import { exitStatusHelp } from './command.js';
import { onInterrupt, parseArgv, seconds } from './options.js';
import { TestLine } from '../testline/test-line.js';
import { TEST_LINE_DIRECTORY } from '../testline/directory.js';

const USAGE = `Usage: callscope testline [options]

Run the built-in test line: a SIP-over-WebSocket (RFC 7118) service with a
directory of numbers that answer, ring, refuse, call back, and reproduce the
classic failures (each with the finding Callscope names for it). Clients
register with digest credentials (printed at start, random unless given) on a
secret path (printed too). Media: WebRTC for WebRTC offers, plain RTP
(PCMU/PCMA) otherwise. Runs until Ctrl-C.

Options:
  --port N              port to listen on (default 5066; 0 picks a free one)
  --listen ADDR         address to listen on (default 127.0.0.1: this machine
                        only); 0.0.0.0 lets other machines in
  --path PATH           the WebSocket path (default a random /sip/<secret>)
  --user USER           digest user clients register with (default test)
  --password PASSWORD   digest password (default a random one)
  --media-address ADDR  address plain-RTP media is advertised on (default
                        the listen address)
  --t1 MS               T1 in ms (default 500); T2 and T4 scale with it
  --stop-after S        stop after S seconds (default: run until Ctrl-C)
  -h, --help            show this help

${exitStatusHelp('the test line ran and stopped (--stop-after, or Ctrl-C)', 'it could not start (the port is taken, an address cannot be used)')}`;

/** For a wildcard listen address: this machine's first external IPv4 address, which other machines can reach. */
function reachableAddress(host: string): string {
  if (host !== '0.0.0.0' && host !== '::') return host;
  const external = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
  return external?.address ?? '127.0.0.1';
}

export const testlineCommand: CliCommand = {
  name: 'testline',
  usage: USAGE,
  async run(args, io) {
    const fail = (message: string, code: number) => {
      io.stderr(`callscope testline: ${message}\n`);
      return code;
    };
    const parsed = parseArgv(args, ['--port', '--listen', '--path', '--media-address', '--stop-after'], []);
    if (typeof parsed === 'string') return fail(parsed, 2);
    if (parsed.positionals.length > 0) return fail(`unexpected argument ${parsed.positionals[0]}`, 2);
    const text = (name: string) => {
      const v = parsed.values.get(name);
      return typeof v === 'string' ? v : undefined;
    };
    for (const ignored of ['--server', '--from', '--display-name', '--ca', '--100rel', '--sdp', '--local', '--json', '--auth-user', '--insecure', '--register']) {
      if (parsed.values.has(ignored)) return fail(`unknown option ${ignored}`, 2);
    }
    const port = Number(text('--port') ?? 5066);
    if (!Number.isInteger(port) || port < 0 || port > 65535) return fail(`--port needs a port number, not '${text('--port')}'`, 2);
    const path = text('--path');
    if (path !== undefined && !/^\/[A-Za-z0-9._~\-/]*$/.test(path)) return fail(`--path needs a URL path such as /sip, not '${path}'`, 2);
    const user = text('--user');
    if (user !== undefined && !/^[A-Za-z0-9._~-]{1,64}$/.test(user)) return fail(`--user needs a plain user name, not '${user}'`, 2);
    const password = text('--password');
    if (password !== undefined && password.length < 8) return fail('--password needs at least 8 characters', 2);
    const t1Text = text('--t1');
    const t1 = t1Text === undefined ? undefined : Number(t1Text);
    if (t1 !== undefined && !(Number.isFinite(t1) && t1 > 0)) return fail(`--t1 needs a positive number of milliseconds, not '${t1Text}'`, 2);
    const stopAfter = seconds(parsed.values, '--stop-after');
    if (typeof stopAfter === 'string') return fail(stopAfter, 2);
    const host = text('--listen') ?? '127.0.0.1';
    const reachable = reachableAddress(host);
    const mediaAddress = text('--media-address') ?? reachable;

    let line: TestLine;
    try {
      line = await TestLine.start({
        host, port, user: user ?? 'test',
        ...(path === undefined ? {} : { path }),
        ...(password === undefined ? {} : { password }),
        mediaAddress,
        ...(t1 === undefined ? {} : { t1 }),
        onCallEnded: (s) => io.stdout(`${new Date().toISOString()}  ${s.direction === 'callback' ? 'called back' : `call from ${s.from} to`} ${s.number}: ${s.cause} — ${s.reason}\n`),
      });
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error), 1);
    }
    const loopback = /^(127\.|::1$|localhost$)/.test(host);
    const url = line.url.replace(/^ws:\/\/[^/]+/, (authority) => (reachable === host ? authority : `ws://${reachable}:${new URL(line.url).port}`));
    io.stdout([
      `callscope test line on ${url}${loopback ? ' (this machine only)' : ''}`,
      `  register as sip:${line.credentials.user}@${line.domain} with digest user ${line.credentials.user}, password ${line.credentials.password}`
        + ` (realm ${line.credentials.realm})`,
      `  then call sip:<number>@${line.domain}:`,
      ...TEST_LINE_DIRECTORY.map((n) => `    ${n.number.padEnd(12)}${n.title}${n.finding ? ` [${n.finding}]` : n.media && n.media.verdict !== 'two-way-audio' ? ` [media: ${n.media.verdict}]` : ''}`),
      '',
    ].join('\n'));
    if (!loopback) io.stderr(`callscope testline: listening on ${host}: anyone who can reach this port, and knows the path and the password, can call the line.\n`);

    await new Promise<void>((resolve) => {
      const stop = onInterrupt(resolve);
      if (stopAfter !== undefined) setTimeout(() => { stop(); resolve(); }, stopAfter * 1000).unref();
    });
    await line.close();
    io.stdout('callscope test line stopped\n');
    return 0;
  },
};
