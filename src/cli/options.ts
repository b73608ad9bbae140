// The options `call` and `listen` share: how to reach the server and as whom,
// timers, 100rel, the session description, and the JSON report's destination.
// Errors are one sentence, for the one line a usage error prints.
import { readFile } from 'node:fs/promises';
import type { ReliableProvisionalPolicy } from '../ua/call/incoming-call.js';
import type { CallEnded } from '../ua/call/types.js';
import { checkSdp } from '../ua/sdp/static-sdp.js';
import type { UserAgentOptions } from '../ua/user-agent.js';
import { backgroundClock } from '../util/clock.js';

export const CONNECTION_USAGE = `Connection options (call and listen):
  --server SERVER       wss://host[:port][/path], ws://... (loopback), or
                        sip:host[:port];transport=udp|tcp|tls, sips:host[:port]
  --user NAME           account user (From user, digest user name); default callscope
  --password PW         digest password (or the CALLSCOPE_PASSWORD environment variable);
                        never printed, never in a report
  --auth-user NAME      digest user name when it differs from --user
  --from URI            From URI (default sip:<user>@<server host>)
  --display-name TEXT   display name in From
  --ca FILE             trust this CA for wss:// and TLS (in addition to the system's)
  --insecure            accept a server certificate that cannot be verified (lab servers)
  --t1 MS               RFC 3261 T1 in ms (default 500); T2 = 8·T1, T4 = 10·T1
  --100rel MODE         off, supported (default) or required (RFC 3262)
  --sdp FILE            session description to offer and answer with (default: PCMU over RTP/AVP)
  --local HOST:PORT     UDP only: bind here (reachable as a far end)
  --register            register the From URI first (needs --password)
  --json FILE|-         write the report as JSON (- for stdout; progress then goes to stderr)`;

export type Values = Map<string, string | true>;

const COMMON_VALUES = ['--server', '--user', '--password', '--auth-user', '--from', '--display-name', '--ca', '--t1', '--100rel', '--sdp', '--local', '--json'];
const COMMON_FLAGS = ['--insecure', '--register'];

/** Splits argv into options (by name) and positionals; an error is one sentence. */
export function parseArgv(args: readonly string[], values: readonly string[], flags: readonly string[]): { values: Values; positionals: string[] } | string {
  const out: Values = new Map();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if ([...COMMON_FLAGS, ...flags].includes(arg)) {
      out.set(arg, true);
    } else if ([...COMMON_VALUES, ...values].includes(arg)) {
      const value = args[++i];
      if (value === undefined) return `${arg} needs a value`;
      out.set(arg, value);
    } else if (arg.startsWith('--')) {
      return `unknown option ${arg}`;
    } else {
      positionals.push(arg);
    }
  }
  return { values: out, positionals };
}

export function seconds(values: Values, name: string, fallback?: number): number | string | undefined {
  const raw = values.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  return typeof raw === 'string' && Number.isFinite(n) && n >= 0 ? n : `${name} needs a number of seconds, not '${String(raw)}'`;
}

/** The connection options; an error is one sentence. */
export async function userAgentOptions(values: Values): Promise<UserAgentOptions | string> {
  const server = values.get('--server');
  if (typeof server !== 'string') return '--server is required (wss://host:port, or sip:host:port;transport=udp|tcp|tls)';
  const str = (name: string) => {
    const v = values.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const t1Text = str('--t1');
  const t1 = t1Text === undefined ? undefined : Number(t1Text);
  if (t1 !== undefined && !(Number.isFinite(t1) && t1 > 0)) return `--t1 needs a positive number of milliseconds, not '${t1Text}'`;
  const rel = str('--100rel');
  if (rel !== undefined && rel !== 'off' && rel !== 'supported' && rel !== 'required') return `--100rel needs off, supported or required, not '${rel}'`;
  let sdp: string | undefined;
  const sdpFile = str('--sdp');
  if (sdpFile !== undefined) {
    try {
      sdp = await readFile(sdpFile, 'utf8');
    } catch (error) {
      return `cannot read --sdp ${sdpFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
    }
    const problem = checkSdp(sdp);
    if (problem) return `--sdp ${sdpFile}: ${problem}`;
  }
  let local: { host: string; port: number } | undefined;
  const localText = str('--local');
  if (localText !== undefined) {
    const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(localText);
    if (!match || Number(match[2]) > 65535) return `--local needs HOST:PORT, not '${localText}'`;
    local = { host: match[1]!, port: Number(match[2]) };
  }
  const password = str('--password') ?? process.env.CALLSCOPE_PASSWORD;
  // The command ends when its calls and connection are done, not when a finished transaction's last timer fires.
  const options: { -readonly [K in keyof UserAgentOptions]: UserAgentOptions[K] } = { server, clock: backgroundClock };
  const user = str('--user');
  if (user !== undefined) options.user = user;
  if (password !== undefined && password !== '') options.password = password;
  const authUser = str('--auth-user');
  if (authUser !== undefined) options.authUser = authUser;
  const from = str('--from');
  if (from !== undefined) options.from = from;
  const displayName = str('--display-name');
  if (displayName !== undefined) options.displayName = displayName;
  const ca = str('--ca');
  if (ca !== undefined) options.caFile = ca;
  if (values.get('--insecure') === true) options.insecure = true;
  if (t1 !== undefined) options.t1 = t1;
  if (rel !== undefined) options.reliableProvisionals = rel as ReliableProvisionalPolicy;
  if (sdp !== undefined) options.sdp = sdp;
  if (local) {
    options.localHost = local.host;
    options.localPort = local.port;
  }
  if (values.get('--register') === true) options.register = true;
  return options;
}

/** Answered and ended by a BYE that got a 2xx (ours), or by the peer's BYE. */
export function endedCleanly(end: CallEnded, answered: boolean): boolean {
  if (!answered) return false;
  if (end.cause === 'hangup-remote') return true;
  return end.cause === 'hangup-local' && end.byeStatus !== undefined && end.byeStatus >= 200 && end.byeStatus < 300;
}

/** Calls `onInterrupt` on Ctrl-C while the command runs; returns the function that stops listening. */
export function onInterrupt(onInterrupt: () => void): () => void {
  process.once('SIGINT', onInterrupt);
  return () => process.off('SIGINT', onInterrupt);
}

