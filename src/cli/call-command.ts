// `callscope call <target>`: connect (and register if asked), place one
// call, handle PRACK and early media, stay up --duration seconds, hang up,
// and report what every transaction did. Exit 0 only when the call was
// answered and ended cleanly; otherwise 1 with the reason in one line (2 for
// a usage error). The options shared with `listen` live here too.
import { readFile, writeFile } from 'node:fs/promises';
import type { CliCommand, CliIo } from './command.js';

import type { ReliableProvisionalPolicy } from '../ua/call/incoming-call.js';
import { CallTimeline, callReport } from './call-report.js';
import { describeFaults } from '../ua/call/faults.js';
import { faultOptionNames, faultUsage, parseFaults } from './fault-flags.js';
import { checkSdp } from '../ua/sdp/static-sdp.js';
import { backgroundClock } from '../util/clock.js';
import { UserAgent, type UserAgentOptions } from '../ua/user-agent.js';
import { LiveRecorder } from '../diagnostics/live-recorder.js';
import { DiagnosticsStream } from '../trace/events.js';
import type { CallEnded } from '../ua/call/types.js';
import { CallMedia, mediaOptionNames, mediaUsage, parseMediaOptions } from './call-media.js';
import { mediaLines, mediaSection } from './media-report.js';

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

const USAGE = `Usage: callscope call [options] <target>

Place one call to <target> (a SIP URI, or a user at the server's host), handle
reliable provisionals (PRACK) and early media, stay up --duration seconds,
hang up, and report each step and the audio. Exit 0 when the call was
answered and ended cleanly (and, with media, audio flowed both ways), 1
otherwise (with the reason in one line), 2 for a usage error.

Call options:
  --duration S          seconds to stay up once answered (default 5)
  --ring-timeout S      give up (CANCEL) when not answered within S seconds (default 60)
  --delayed-offer       send the INVITE without SDP; the offer comes back in a reliable 18x or the 2xx

${mediaUsage('call')}

${faultUsage('caller')}

${CONNECTION_USAGE}
  -h, --help            show this help`;

type Values = Map<string, string | true>;

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

/** Writes the JSON report to a file or stdout. */
export async function writeReport(io: CliIo, destination: string | undefined, report: unknown): Promise<void> {
  if (destination === undefined) return;
  const text = `${JSON.stringify(report, null, 2)}\n`;
  if (destination === '-') io.stdout(text);
  else await writeFile(destination, text);
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

export const callCommand: CliCommand = {
  name: 'call',
  summary: 'place one call (PRACK, early media), stay up, hang up, and report every transaction',
  usage: USAGE,
  async run(args, io) {
    const fail = (message: string, code: number) => {
      io.stderr(`callscope call: ${message}\n`);
      return code;
    };
    const faultNames = faultOptionNames('caller');
    const mediaNames = mediaOptionNames('call');
    const parsed = parseArgv(args, ['--duration', '--ring-timeout', ...faultNames.values, ...mediaNames.values],
      ['--delayed-offer', ...faultNames.flags, ...mediaNames.flags]);
    if (typeof parsed === 'string') return fail(parsed, 2);
    const faults = parseFaults(parsed.values, 'caller');
    if (typeof faults === 'string') return fail(faults, 2);
    if (parsed.positionals.length !== 1) return fail('give exactly one <target> (a SIP URI or a user)', 2);
    const duration = seconds(parsed.values, '--duration', 5);
    const ringTimeout = seconds(parsed.values, '--ring-timeout', 60);
    if (typeof duration === 'string') return fail(duration, 2);
    if (typeof ringTimeout === 'string') return fail(ringTimeout, 2);
    const options = await userAgentOptions(parsed.values);
    if (typeof options === 'string') return fail(options, 2);
    const mediaChoice = parseMediaOptions(parsed.values);
    if ('error' in mediaChoice) return fail(mediaChoice.error, mediaChoice.code);
    const json = parsed.values.get('--json') as string | undefined;
    const say = json === '-' ? io.stderr : io.stdout;
    if (mediaChoice.note) io.stderr(`callscope call: ${mediaChoice.note}\n`);

    const faultList = describeFaults(faults);
    const diagnostics = new DiagnosticsStream();
    const recorder = new LiveRecorder();
    recorder.attach(diagnostics);
    const started = await UserAgent.start({ ...options, diagnostics, ...(faultList.length > 0 ? { faults } : {}) });
    if (!started.ok) return fail(started.error, 1);
    const ua = started.value;
    const clock = ua.endpoint.clock;
    const target = ua.target(parsed.positionals[0]!);
    const media = await CallMedia.start(mediaChoice, options.server, () => clock.now(), options.localHost);
    const session = media?.session();
    const begin = clock.now();
    const call = ua.agent.call(target, {
      ringTimeoutMs: (ringTimeout ?? 60) * 1000,
      ...(parsed.values.get('--delayed-offer') === true ? { delayedOffer: true } : {}),
      ...(session ? { sdp: session } : {}),
    });
    call.on('answered', () => session?.markAnswered());
    const timeline = new CallTimeline(call, begin);
    const ms = (at: number) => `${Math.round(at - begin)} ms`.padStart(9);
    say(`calling ${target} from ${ua.from} via ${ua.connection.servers[0]!.display}\n`);
    if (faultList.length > 0) say(`FAULTS ON (deliberate protocol violations): ${faultList.join(', ')}\n`);
    call.on('trying', (e) => say(`${ms(e.at)}  trying\n`));
    call.on('ringing', (e) => say(`${ms(e.at)}  ringing (${e.status}${e.reliable ? ', reliable' : ''})\n`));
    call.on('progress', (e) => say(`${ms(e.at)}  progress (${e.status}${e.reliable ? ', reliable' : ''})\n`));
    call.on('early-media', (e) => say(`${ms(e.at)}  early media (${e.reliable ? 'reliable' : 'unreliable'} 18x)\n`));
    call.on('answered', (e) => say(`${ms(e.at)}  answered (${e.status})\n`));
    call.on('ended', (e) => say(`${ms(e.at)}  ended: ${e.cause} — ${e.reason}\n`));
    const stopInterrupt = onInterrupt(() => call.hangup());
    let answered = false;
    await new Promise<void>((resolve) => {
      call.on('answered', () => { answered = true; resolve(); });
      void call.ended.then(() => resolve());
    });
    if (!call.isEnded) {
      await Promise.race([call.ended, new Promise<void>((resolve) => clock.setTimer((duration ?? 5) * 1000, resolve))]);
      call.hangup();
    }
    const end = await call.ended;
    stopInterrupt();
    const ok = endedCleanly(end, answered);
    const measured = session && media ? await media.finish(session) : undefined;
    const { earlyMedia, answered: answeredAt } = timeline.timings;
    // A call that never got as far as a session (busy, unanswered) has no media to report.
    const mediaReport = measured && (answered || measured.negotiated) ? mediaSection(measured, {
      startedAt: begin, ...(earlyMedia === undefined ? {} : { earlyMediaAt: earlyMedia }), ...(answeredAt === undefined ? {} : { answeredAt }),
    }) : undefined;
    if (mediaReport) for (const line of mediaLines(mediaReport)) say(`${line}\n`);
    const model = recorder.model();
    // A clean end can hide a protocol error on the way (a failed PRACK): the outcome says so.
    const errors = [...new Set((model.calls.find((c) => c.callId === call.callId)?.findings ?? [])
      .filter((f) => f.severity === 'error').map((f) => f.code))];
    const clean = errors.length === 0 ? 'answered and ended cleanly' : `answered and ended cleanly, but with error findings: ${errors.join(', ')}`;
    if (ok) say(`outcome: ${clean}\n`);
    const report = {
      command: 'call', target, from: ua.from, server: ua.connection.servers[0]!.display,
      ...(faultList.length > 0 ? { faults: faultList } : {}),
      outcome: ok ? clean : end.cause,
      ...(end.status === undefined ? {} : { finalStatus: end.status }),
      reason: end.reason,
      calls: [{ ...callReport(timeline, model), ...(mediaReport ? { media: mediaReport } : {}) }],
    };
    await ua.close();
    await media?.close();
    try {
      await writeReport(io, json, report);
    } catch (error) {
      return fail(`cannot write the report to ${json}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 1);
    }
    if (ok && mediaChoice.expectAudio && mediaReport?.audio !== 'two-way') return fail(mediaReport?.audio ?? 'no media measurements (the media session did not close in time)', 1);
    if (ok) return 0;
    return fail(answered ? `the call did not end cleanly: ${end.reason}` : end.reason, 1);
  },
};
