// `callscope call <target>`: connect (and register if asked), place one
// call, handle PRACK and early media, stay up --duration seconds, hang up,
// and report what every transaction did and the audio (media on by default:
// call-media.ts, loaded only when media is on). With --count N (and --rate R)
// it places N calls as load instead (load-run.ts, signalling only) and reports
// their figures.
import type { CliCommand, CliIo } from './command.js';
import { exitStatusHelp } from './command.js';
import { CallTimeline, callReport } from './call-report.js';
import { faultOptionNames, faultUsage, parseFaults } from './fault-flags.js';
import type { MediaChoice } from './call-media.js';
import { mediaOptionNames, mediaUsage } from './media-usage.js';
import type { LoadPlan } from './load-run.js';
import { DeferredRecorder } from './deferred-recorder.js';
import { CONNECTION_USAGE, endedCleanly, onInterrupt, parseArgv, seconds, userAgentOptions, type Values } from './options.js';
import { JsonLinesStream, ReportSink } from './report-stream.js';
import { DiagnosticsStream } from '../trace/events.js';
import { describeFaults, type CallFaults } from '../ua/call/faults.js';
import { UserAgent, type UserAgentOptions } from '../ua/user-agent.js';

const USAGE = `Usage: callscope call [options] <target>

Place one call to <target> (a SIP URI, or a user at the server's host), handle
reliable provisionals (PRACK) and early media, stay up --duration seconds,
hang up, and report each step and the audio.

Call options:
  --duration S          seconds to stay up once answered (default 5)
  --ring-timeout S      give up (CANCEL) when not answered within S seconds (default 60)
  --delayed-offer       send the INVITE without SDP; the offer comes back in a reliable 18x or the 2xx

${mediaUsage('call')}

Load (test calls in numbers; any one of these turns it on):
  --count N             place N calls (then it stops by itself)
  --rate R              at R calls per second (default 10)
  --concurrency C       at most C calls at once (default: no limit but --count)
  --connections MODE    shared (default): every call over one flow; per-call: each call
                        opens its own flow (its own socket or WebSocket, like one WebRTC
                        client per user), registers on it with --register, and closes it
  --users N             with --user NAME{n} (and --password ...{n} if they differ):
                        calls are placed as NAME1..NAMEN in turn (needs --connections per-call)
  --reconnect-timeout S shared flow: give up when it is lost and not back within S s (default 60)
  A progress line is drawn on a terminal; the report gives attempts, answered,
  failures by status, setup time (INVITE to 2xx) and post-dial delay (INVITE to
  first 18x) percentiles, retransmissions and the findings seen. --json FILE|-
  writes JSON Lines: {"type":"call",...} per call as it finishes, then
  {"type":"summary",...}. Load is signalling only: its calls offer the --sdp
  session (or the default one) and send no audio; the media options
  (--media rtp|webrtc, --play, --record, --expect-audio) are refused with it.

${faultUsage('caller')}

${CONNECTION_USAGE}
  -h, --help            show this help

${exitStatusHelp('the call (every call, in load) was answered and ended cleanly, and with media audio flowed both ways',
  'it was not: rejected, unanswered, failed, the connection was lost, or audio did not flow both ways')}`;

const LOAD_VALUES = ['--count', '--rate', '--concurrency', '--connections', '--users', '--reconnect-timeout'];

/** The media options load refuses (it sends no audio); an error is one sentence. */
function mediaInLoad(values: Values): string | undefined {
  const media = values.get('--media');
  if (typeof media === 'string' && media !== 'none') return `--media ${media} is for one call: load (--count) is signalling only`;
  const asked = ['--play', '--record', '--expect-audio'].find((name) => values.has(name));
  return asked === undefined ? undefined : `${asked} is for one call: load (--count) is signalling only, it sends no audio`;
}

/**
 * The media choice, loading the media code only when media may be on: --media none (or
 * --sdp without --media) with no other media option is signalling only and loads nothing.
 */
async function mediaChoiceOf(values: Values): Promise<MediaChoice | { error: string; code: 1 | 2 }> {
  const off = values.get('--media') === 'none' || (values.has('--sdp') && !values.has('--media'));
  const more = ['--play', '--record', '--echo', '--expect-audio', '--no-expect-audio'].some((name) => values.has(name));
  if (off && !more) return { kind: 'none', expectAudio: false };
  return (await import('./call-media.js')).parseMediaOptions(values);
}

/** The load plan from the options; an error is one sentence. */
function loadPlan(values: Values, target: string, ua: UserAgentOptions, faults: CallFaults, durationS: number, ringS: number): LoadPlan | string {
  const number = (name: string, fallback: number, integer: boolean): number | string => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    return typeof raw === 'string' && Number.isFinite(n) && n > 0 && (!integer || Number.isInteger(n)) ? n : `${name} needs a positive ${integer ? 'whole ' : ''}number, not '${String(raw)}'`;
  };
  const count = number('--count', 1, true);
  if (typeof count === 'string') return count;
  const rate = number('--rate', 10, false);
  if (typeof rate === 'string') return rate;
  const concurrency = number('--concurrency', count, true);
  if (typeof concurrency === 'string') return concurrency;
  const userCount = number('--users', 1, true);
  if (typeof userCount === 'string') return userCount;
  const reconnect = seconds(values, '--reconnect-timeout', 60);
  if (typeof reconnect === 'string') return reconnect;
  const connections = values.get('--connections') ?? 'shared';
  if (connections !== 'shared' && connections !== 'per-call') return `--connections needs shared or per-call, not '${String(connections)}'`;
  const user = ua.user ?? 'callscope';
  if (userCount > 1 && !user.includes('{n}')) return '--users N needs --user with {n} in it (e.g. --user load{n})';
  if (userCount > 1 && connections !== 'per-call') return '--users N needs --connections per-call (one flow per user)';
  const users = Array.from({ length: userCount }, (_, i) => {
    const n = String(i + 1);
    return { user: user.replaceAll('{n}', n), ...(ua.password === undefined ? {} : { password: ua.password.replaceAll('{n}', n) }) };
  });
  if (ua.from?.includes('{n}') && userCount > 1) return '--from cannot take {n}; leave it out and the From follows --user';
  return {
    target, count, rate, concurrency, connections, users, ua, faults,
    durationMs: durationS * 1000, ringTimeoutMs: ringS * 1000, reconnectTimeoutMs: (reconnect ?? 60) * 1000,
  };
}

async function runLoadCommand(io: CliIo, plan: LoadPlan, json: string | undefined, fail: (message: string, code: number) => number): Promise<number> {
  const say = json === '-' ? io.stderr : io.stdout;
  const sink = json === undefined ? undefined : ReportSink.open(io, json);
  if (typeof sink === 'string') return fail(sink, 1);
  const records = sink && new JsonLinesStream(sink);
  const [{ LoadRun }, { backgroundClock }] = await Promise.all([import('./load-run.js'), import('../util/clock.js')]);
  const clock = plan.ua.clock ?? backgroundClock;
  const begin = clock.now();
  say(`load: ${plan.count} call(s) to ${plan.target} at ${plan.rate} calls/s via ${plan.ua.server}\n`);
  const run = new LoadRun(plan, {
    clock, say: (line) => say(`${`${Math.round(clock.now() - begin)} ms`.padStart(9)}  ${line}\n`),
    ...(io.interactive ? { progress: (line: string) => io.stderr(`\r\x1b[2K${line}`) } : {}),
    ...(records ? { records } : {}),
  });
  const stopInterrupt = onInterrupt(() => run.stop('interrupted (Ctrl-C)'));
  const result = await run.run();
  stopInterrupt();
  say(result.text);
  records?.line(result.summary);
  records?.end();
  return result.problem === undefined ? 0 : fail(result.problem, 1);
}

export const callCommand: CliCommand = {
  name: 'call',
  usage: USAGE,
  async run(args, io) {
    const fail = (message: string, code: number) => {
      io.stderr(`callscope call: ${message}\n`);
      return code;
    };
    const faultNames = faultOptionNames('caller');
    const mediaNames = mediaOptionNames('call');
    const parsed = parseArgv(args, ['--duration', '--ring-timeout', ...LOAD_VALUES, ...faultNames.values, ...mediaNames.values],
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
    const json = parsed.values.get('--json') as string | undefined;
    if (LOAD_VALUES.some((name) => parsed.values.has(name))) {
      if (parsed.values.has('--delayed-offer')) return fail('--delayed-offer is for one call, not load', 2);
      const mediaProblem = mediaInLoad(parsed.values);
      if (mediaProblem) return fail(mediaProblem, 2);
      const plan = loadPlan(parsed.values, parsed.positionals[0]!, options, faults, duration ?? 5, ringTimeout ?? 60);
      if (typeof plan === 'string') return fail(plan, 2);
      return runLoadCommand(io, plan, json, fail);
    }
    const mediaChoice = await mediaChoiceOf(parsed.values);
    if ('error' in mediaChoice) return fail(mediaChoice.error, mediaChoice.code);
    const say = json === '-' ? io.stderr : io.stdout;
    if (mediaChoice.note) io.stderr(`callscope call: ${mediaChoice.note}\n`);

    const faultList = describeFaults(faults);
    const diagnostics = new DiagnosticsStream();
    const deferred = new DeferredRecorder(diagnostics);
    const started = await UserAgent.start({ ...options, diagnostics, ...(faultList.length > 0 ? { faults } : {}) });
    if (!started.ok) return fail(started.error, 1);
    const ua = started.value;
    const clock = ua.endpoint.clock;
    const target = ua.target(parsed.positionals[0]!);
    const media = mediaChoice.kind === 'none' ? undefined
      : await (await import('./call-media.js')).CallMedia.start(mediaChoice, options.server, () => clock.now(), options.localHost);
    const session = media?.session();
    const begin = clock.now();
    const call = ua.agent.call(target, {
      ringTimeoutMs: (ringTimeout ?? 60) * 1000,
      ...(parsed.values.get('--delayed-offer') === true ? { delayedOffer: true } : {}),
      ...(session ? { sdp: session } : {}),
    });
    call.on('answered', () => session?.markAnswered());
    const timeline = new CallTimeline(call, begin);
    // The INVITE is on its way: now the diagnostics code may load.
    const loadingRecorder = deferred.load();
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
    const mediaReport = measured && (answered || measured.negotiated) ? (await import('./media-report.js')).mediaSection(measured, {
      startedAt: begin, ...(earlyMedia === undefined ? {} : { earlyMediaAt: earlyMedia }), ...(answeredAt === undefined ? {} : { answeredAt }),
    }) : undefined;
    if (mediaReport) for (const line of (await import('./media-report.js')).mediaLines(mediaReport)) say(`${line}\n`);
    const recorder = await loadingRecorder;
    const model = recorder.callModel(call.callId) ?? recorder.model();
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
      calls: [{ ...callReport(timeline.summary(), model), ...(mediaReport ? { media: mediaReport } : {}) }],
    };
    await ua.close();
    await media?.close();
    if (json !== undefined) {
      const sink = ReportSink.open(io, json);
      if (typeof sink === 'string') return fail(sink, 1);
      sink.text(`${JSON.stringify(report, null, 2)}\n`);
      sink.close();
    }
    if (ok && mediaChoice.expectAudio && mediaReport?.audio !== 'two-way') return fail(mediaReport?.audio ?? 'no media measurements (the media session did not close in time)', 1);
    if (ok) return 0;
    return fail(answered ? `the call did not end cleanly: ${end.reason}` : end.reason, 1);
  },
};
