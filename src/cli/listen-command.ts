// `callscope listen`: connect (register if asked) and take incoming calls:
// ring (or early media as a reliable 183 with SDP), answer after a delay or
// reject with a status, stop after --count calls, and report them all.
import type { CliCommand } from './command.js';
import {
  CONNECTION_USAGE, endedCleanly, onInterrupt, parseArgv, seconds, userAgentOptions, writeReport,
} from './call-command.js';
import { CallTimeline, callReport } from './call-report.js';
import { describeFaults } from '../ua/call/faults.js';
import { faultOptionNames, faultUsage, parseFaults } from './fault-flags.js';
import type { IncomingCall } from '../ua/call/incoming-call.js';
import { UserAgent } from '../ua/user-agent.js';
import { backgroundClock } from '../util/clock.js';
import { LiveRecorder } from '../diagnostics/live-recorder.js';
import { DiagnosticsStream } from '../trace/events.js';
import { CallMedia, mediaOptionNames, mediaUsage, parseMediaOptions } from './call-media.js';
import { mediaLines, mediaSection, type MediaSection } from './media-report.js';
import type { MediaSession } from '../media/media-session.js';
import type { SdpHandler } from '../ua/sdp/sdp-handler.js';

const USAGE = `Usage: callscope listen [options]

Take incoming calls and report what every transaction did. Each call rings
(180; reliable when the caller supports 100rel), or with --early-media gets a
183 with SDP first, then is answered after --answer-after seconds, or rejected
with --reject CODE. Each answered call's audio is measured and reported.
Exit 0 when --count calls were handled as asked (answered and ended cleanly
and, with media, audio flowed both ways; or rejected with CODE), 1
otherwise, 2 for a usage error.

Listen options:
  --answer-after S      seconds to ring before answering (default 0)
  --early-media         send a 183 with SDP (early media) instead of 180
  --reject CODE         reject every call with this status (e.g. 486, 603)
  --count N             stop after N calls (default 1)
  --duration S          hang up S seconds after answering (default: wait for the caller's BYE)
  --timeout S           give up when no call has come within S seconds

${mediaUsage('listen')}

${faultUsage('callee')}

${CONNECTION_USAGE}
  -h, --help            show this help`;

export const listenCommand: CliCommand = {
  name: 'listen',
  summary: 'take incoming calls (ring, early media, answer or reject) and report every transaction',
  usage: USAGE,
  async run(args, io) {
    const fail = (message: string, code: number) => {
      io.stderr(`callscope listen: ${message}\n`);
      return code;
    };
    const faultNames = faultOptionNames('callee');
    const mediaNames = mediaOptionNames('listen');
    const parsed = parseArgv(args, ['--answer-after', '--reject', '--count', '--duration', '--timeout', ...faultNames.values, ...mediaNames.values],
      ['--early-media', ...faultNames.flags, ...mediaNames.flags]);
    if (typeof parsed === 'string') return fail(parsed, 2);
    const faults = parseFaults(parsed.values, 'callee');
    if (typeof faults === 'string') return fail(faults, 2);
    if (parsed.positionals.length > 0) return fail(`unexpected argument ${parsed.positionals[0]}`, 2);
    const answerAfter = seconds(parsed.values, '--answer-after', 0);
    const duration = seconds(parsed.values, '--duration');
    const timeout = seconds(parsed.values, '--timeout');
    if (typeof answerAfter === 'string') return fail(answerAfter, 2);
    if (typeof duration === 'string') return fail(duration, 2);
    if (typeof timeout === 'string') return fail(timeout, 2);
    const countText = parsed.values.get('--count');
    const count = countText === undefined ? 1 : Number(countText);
    if (!Number.isInteger(count) || count < 1) return fail(`--count needs a whole number of calls, not '${String(countText)}'`, 2);
    const rejectText = parsed.values.get('--reject');
    const reject = rejectText === undefined ? undefined : Number(rejectText);
    if (reject !== undefined && !(Number.isInteger(reject) && reject >= 300 && reject <= 699)) {
      return fail(`--reject needs a 3xx-6xx status, not '${String(rejectText)}'`, 2);
    }
    const options = await userAgentOptions(parsed.values);
    if (typeof options === 'string') return fail(options, 2);
    const mediaChoice = parseMediaOptions(parsed.values);
    if ('error' in mediaChoice) return fail(mediaChoice.error, mediaChoice.code);
    const json = parsed.values.get('--json') as string | undefined;
    const say = json === '-' ? io.stderr : io.stdout;
    if (mediaChoice.note) io.stderr(`callscope listen: ${mediaChoice.note}\n`);
    // Each call's media session, by the SdpHandler the call was given.
    const media = await CallMedia.start(mediaChoice, options.server, () => (options.clock ?? backgroundClock).now(), options.localHost);
    const sessions = new Map<SdpHandler, MediaSession>();

    const faultList = describeFaults(faults);
    const diagnostics = new DiagnosticsStream();
    const recorder = new LiveRecorder();
    recorder.attach(diagnostics);
    const started = await UserAgent.start({
      ...options, diagnostics, ...(faultList.length > 0 ? { faults } : {}),
      ...(media ? { createSdpHandler: () => { const session = media.session(); sessions.set(session, session); return session; } } : {}),
    });
    if (!started.ok) return fail(started.error, 1);
    const ua = started.value;
    const clock = ua.endpoint.clock;
    const begin = clock.now();
    const ms = (at: number) => `${Math.round(at - begin)} ms`.padStart(9);
    say(`listening as ${ua.from} (Contact ${ua.endpoint.contact()}) via ${ua.connection.servers[0]!.display}${ua.registration ? ', registered' : ''}\n`);
    if (faultList.length > 0) say(`FAULTS ON (deliberate protocol violations): ${faultList.join(', ')}\n`);

    const timelines: CallTimeline[] = [];
    const answered = new Set<IncomingCall>();
    let finish!: () => void;
    const done = new Promise<void>((resolve) => { finish = resolve; });
    const checkDone = () => {
      if (timelines.length >= count && timelines.every((t) => t.call.isEnded)) finish();
    };
    const stopTaking = ua.agent.onIncomingCall((call) => {
      if (timelines.length >= count) {
        call.reject(486, 'Busy Here (listener is done)');
        return;
      }
      timelines.push(new CallTimeline(call, clock.now()));
      const caller = call.invite.from.uri;
      say(`${ms(clock.now())}  call ${timelines.length} from ${'user' in caller && caller.user ? caller.user : call.invite.getHeader('From')?.value ?? '?'} (${call.reliable ? '100rel' : 'no 100rel'})\n`);
      call.on('answered', () => {
        answered.add(call);
        sessions.get(call.media)?.markAnswered();
        say(`${ms(clock.now())}  answered\n`);
        if (duration !== undefined) clock.setTimer(duration * 1000, () => call.hangup());
      });
      call.on('confirmed', (e) => say(`${ms(e.at)}  ACK received\n`));
      call.on('early-media', (e) => say(`${ms(e.at)}  early media (${e.reliable ? 'reliable' : 'unreliable'})\n`));
      call.on('ended', (e) => {
        say(`${ms(e.at)}  ended: ${e.cause} — ${e.reason}\n`);
        checkDone();
      });
      if (reject !== undefined) {
        call.reject(reject);
        return;
      }
      if (faults.rseqGap) {
        // FAULT rseq-gap needs two reliable provisionals: 180, then 183 with the skipped RSeq.
        void call.ring();
        void call.earlyMedia();
      } else {
        void (parsed.values.get('--early-media') === true || faults.unreliableEarlyMedia ? call.earlyMedia() : call.ring());
      }
      clock.setTimer((answerAfter ?? 0) * 1000, () => void call.answer());
    });
    const stopInterrupt = onInterrupt(() => {
      for (const t of timelines) t.call.hangup();
      finish();
    });
    if (timeout !== undefined) {
      clock.setTimer(timeout * 1000, () => {
        if (timelines.length < count) finish();
      });
    }
    await done;
    stopInterrupt();
    stopTaking();
    // A call still going (Ctrl-C, --timeout) is hung up before the report.
    for (const t of timelines) t.call.hangup();
    await Promise.race([Promise.all(timelines.map((t) => t.call.ended)), new Promise((r) => clock.setTimer(3000, () => r(undefined)))]);

    const asked = (call: IncomingCall): boolean => {
      const end = call.endedWith;
      if (!end) return false;
      if (reject !== undefined) return end.cause === 'rejected' && end.status === reject;
      return endedCleanly(end, answered.has(call));
    };
    const failures = timelines.filter((t) => !asked(t.call as IncomingCall));
    const mediaReports = new Map<CallTimeline, MediaSection>();
    for (const [i, t] of timelines.entries()) {
      const session = sessions.get(t.call.media);
      const measured = session && media ? await media.finish(session) : undefined;
      if (!measured || !answered.has(t.call as IncomingCall)) continue;
      const section = mediaSection(measured, { startedAt: t.timings.started, ...(t.timings.answered === undefined ? {} : { answeredAt: t.timings.answered }) });
      mediaReports.set(t, section);
      say(`call ${i + 1} `);
      for (const line of mediaLines(section)) say(`${line}\n`);
    }
    const silent = mediaChoice.expectAudio && reject === undefined
      ? timelines.find((t) => answered.has(t.call as IncomingCall) && mediaReports.get(t)?.audio !== 'two-way') : undefined;
    const problem = timelines.length < count ? `only ${timelines.length} of ${count} call(s) came`
      : failures.length > 0 ? `call ${timelines.indexOf(failures[0]!) + 1}: ${failures[0]!.call.endedWith?.reason ?? failures[0]!.call.state}`
      : silent ? `call ${timelines.indexOf(silent) + 1}: ${mediaReports.get(silent)?.audio ?? 'no media measurements (the media session did not close in time)'}` : undefined;
    const model = recorder.model();
    const report = {
      command: 'listen', as: ua.from, server: ua.connection.servers[0]!.display,
      ...(faultList.length > 0 ? { faults: faultList } : {}),
      outcome: problem ?? (reject !== undefined ? `rejected ${count} call(s) with ${reject}` : `answered ${count} call(s), ended cleanly`),
      calls: timelines.map((t) => {
        const section = mediaReports.get(t);
        return { ...callReport(t, model), ...(section ? { media: section } : {}) };
      }),
    };
    await ua.close();
    await media?.close();
    try {
      await writeReport(io, json, report);
    } catch (error) {
      return fail(`cannot write the report to ${json}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 1);
    }
    return problem === undefined ? 0 : fail(problem, 1);
  },
};
