// `callscope listen`: connect (register if asked) and take incoming calls:
// ring (or early media as a reliable 183 with SDP), answer after a delay or
// reject with a status, stop after --count calls, and report them all, each
// answered call with its audio measured (media on by default). A lost
// connection reconnects with back-off (and registers again); one that cannot
// come back ends the command with status 1 and the reason.
import type { CliCommand } from './command.js';
import { exitStatusHelp } from './command.js';
import { ConnectionWatch } from './connection-watch.js';
import { faultOptionNames, faultUsage, parseFaults } from './fault-flags.js';
import type { CallTimings } from './call-report.js';
import { CallLedger, type Settled } from './listen-ledger.js';
import type { IncomingCall } from '../ua/call/incoming-call.js';
import type { CallMedia, MediaChoice } from './call-media.js';
import { mediaOptionNames, mediaUsage } from './media-usage.js';
import { CONNECTION_USAGE, onInterrupt, parseArgv, seconds, userAgentOptions } from './options.js';
import { JsonReportStream, ReportSink } from './report-stream.js';
import { LISTEN_LIMITS, LiveRecorder } from '../diagnostics/live-recorder.js';
import type { SipRequest } from '../message/index.js';
import { DiagnosticsStream } from '../trace/events.js';
import { UdpTransport } from '../transport/udp-transport.js';
import { describeFaults } from '../ua/call/faults.js';
import type { MediaSession } from '../media/media-session.js';
import type { SdpHandler } from '../ua/sdp/sdp-handler.js';
import { UserAgent } from '../ua/user-agent.js';
import { backgroundClock } from '../util/clock.js';

const USAGE = `Usage: callscope listen [options]

Take incoming calls and report what every transaction did. Each call rings
(180; reliable when the caller supports 100rel), or with --early-media gets a
183 with SDP first, then is answered after --answer-after seconds, or rejected
with --reject CODE. An INVITE refused before it rings (421 when --100rel
required meets a caller without 100rel, 488 for an offer with no stream we can
take, 415 for a body that is no SDP) counts as a call that came, and is
reported with its status and why. Each answered call's audio is measured and
reported (see the media options).

A connection to the server that is lost (the server closes it, or it cannot be
read any more) is re-established with back-off (RFC 5626 §4.4), registering
again when --register; listen gives up when it is not back within
--reconnect-timeout seconds.

Listen options:
  --answer-after S      seconds to ring before answering (default 0)
  --early-media         send a 183 with SDP (early media) instead of 180
  --reject CODE         reject every call with this status (e.g. 486, 603)
  --count N             stop after N calls (default 1)
  --duration S          hang up S seconds after answering (default: wait for the caller's BYE)
  --timeout S           give up when no call has come within S seconds
  --reconnect-timeout S give up when a lost connection is not back within S seconds (default 60)

${mediaUsage('listen')}

The JSON report (--json) is written as the calls finish: { command, as, server,
calls: [ { index, direction, callId, outcome, ..., media } ], outcome, ... }.

${faultUsage('callee')}

${CONNECTION_USAGE}
  -h, --help            show this help

${exitStatusHelp('--count calls were handled as asked (answered and ended cleanly and, with media, audio flowed both ways; or rejected with CODE)',
  'a call was not handled as asked (or its audio did not flow both ways), too few came, or the connection was lost for good')}`;

/** The media choice, loading the media code only when media may be on (as `call` does). */
async function mediaChoiceOf(values: ReadonlyMap<string, string | true>): Promise<MediaChoice | { error: string; code: 1 | 2 }> {
  const off = values.get('--media') === 'none' || (values.has('--sdp') && !values.has('--media'));
  const more = ['--play', '--record', '--echo', '--expect-audio', '--no-expect-audio'].some((name) => values.has(name));
  if (off && !more) return { kind: 'none', expectAudio: false };
  return (await import('./call-media.js')).parseMediaOptions(values);
}

/**
 * Each call's media session, by the SdpHandler the call was given. A session made for
 * an INVITE that was refused before it became a call is closed at once.
 */
class ListenMedia {
  private readonly sessions = new Map<SdpHandler, MediaSession>();
  private unclaimed: MediaSession | undefined;

  constructor(readonly media: CallMedia) {}

  create(): SdpHandler {
    this.unclaimed?.close();
    const session = this.media.session();
    this.unclaimed = session;
    return session;
  }

  /** The call took the session it was made with. */
  claim(handler: SdpHandler): MediaSession | undefined {
    if (this.unclaimed !== handler) return this.sessions.get(handler);
    const session = this.unclaimed;
    this.unclaimed = undefined;
    this.sessions.set(handler, session);
    return session;
  }

  /** The INVITE the last session was made for was refused. */
  refused(): void {
    this.unclaimed?.close();
    this.unclaimed = undefined;
  }

  /** A call's session, let go (closed, for its last measurements). */
  release(handler: SdpHandler): MediaSession | undefined {
    const session = this.sessions.get(handler);
    this.sessions.delete(handler);
    return session;
  }
}

/** The caller as a line of output names it: the From user, else the From header. */
function callerOf(invite: SipRequest): string {
  const uri = invite.from.uri;
  return 'user' in uri && uri.user ? uri.user : invite.getHeader('From')?.value ?? '?';
}

export const listenCommand: CliCommand = {
  name: 'listen',
  usage: USAGE,
  async run(args, io) {
    const fail = (message: string, code: number) => {
      io.stderr(`callscope listen: ${message}\n`);
      return code;
    };
    const faultNames = faultOptionNames('callee');
    const mediaNames = mediaOptionNames('listen');
    const parsed = parseArgv(args, ['--answer-after', '--reject', '--count', '--duration', '--timeout', '--reconnect-timeout', ...faultNames.values, ...mediaNames.values],
      ['--early-media', ...faultNames.flags, ...mediaNames.flags]);
    if (typeof parsed === 'string') return fail(parsed, 2);
    const faults = parseFaults(parsed.values, 'callee');
    if (typeof faults === 'string') return fail(faults, 2);
    if (parsed.positionals.length > 0) return fail(`unexpected argument ${parsed.positionals[0]}`, 2);
    const answerAfter = seconds(parsed.values, '--answer-after', 0);
    const duration = seconds(parsed.values, '--duration');
    const timeout = seconds(parsed.values, '--timeout');
    const reconnectTimeout = seconds(parsed.values, '--reconnect-timeout', 60);
    if (typeof answerAfter === 'string') return fail(answerAfter, 2);
    if (typeof duration === 'string') return fail(duration, 2);
    if (typeof timeout === 'string') return fail(timeout, 2);
    if (typeof reconnectTimeout === 'string') return fail(reconnectTimeout, 2);
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
    const mediaChoice = await mediaChoiceOf(parsed.values);
    if ('error' in mediaChoice) return fail(mediaChoice.error, mediaChoice.code);
    const json = parsed.values.get('--json') as string | undefined;
    const say = json === '-' ? io.stderr : io.stdout;
    if (mediaChoice.note) io.stderr(`callscope listen: ${mediaChoice.note}\n`);
    const callMedia = mediaChoice.kind === 'none' ? undefined
      : await (await import('./call-media.js')).CallMedia.start(mediaChoice, options.server, () => (options.clock ?? backgroundClock).now(), options.localHost);
    const media = callMedia && new ListenMedia(callMedia);
    const mediaReport = media && await import('./media-report.js');
    const expectAudio = mediaChoice.expectAudio && reject === undefined;
    // Once a call ended: its media's last measurements, printed and put in its report.
    const settle = async (call: IncomingCall, index: number, answered: boolean, timings: CallTimings): Promise<Settled | undefined> => {
      const session = media?.release(call.media);
      if (!session || !media || !mediaReport) return undefined;
      const measured = await media.media.finish(session);
      if (!answered) return undefined;
      if (!measured) return expectAudio ? { problem: 'no media measurements (the media session did not close in time)' } : undefined;
      const section = mediaReport.mediaSection(measured, { startedAt: timings.started, ...(timings.answered === undefined ? {} : { answeredAt: timings.answered }) });
      say(`call ${index} `);
      for (const text of mediaReport.mediaLines(section)) say(`${text}\n`);
      return { fields: { media: section }, ...(expectAudio && section.audio !== 'two-way' ? { problem: section.audio } : {}) };
    };

    const faultList = describeFaults(faults);
    const diagnostics = new DiagnosticsStream();
    const calls = new CallLedger({ ...(reject === undefined ? {} : { reject }), ...(media ? { settle } : {}) });
    const recorder = new LiveRecorder({ limits: LISTEN_LIMITS, onCallFinished: (finished) => calls.handOver(finished) });
    recorder.attach(diagnostics);
    const started = await UserAgent.start({
      ...options, diagnostics, ...(faultList.length > 0 ? { faults } : {}),
      ...(media ? { createSdpHandler: () => media.create() } : {}),
    });
    if (!started.ok) {
      await callMedia?.close();
      return fail(started.error, 1);
    }
    const ua = started.value;
    const server = ua.connection.servers[0]!.display;
    const sink = json === undefined ? undefined : ReportSink.open(io, json);
    if (typeof sink === 'string') {
      await ua.close();
      await callMedia?.close();
      return fail(sink, 1);
    }
    const report = sink && new JsonReportStream(sink, {
      command: 'listen', as: ua.from, server, ...(faultList.length > 0 ? { faults: faultList } : {}),
    }, 'calls');
    const clock = ua.endpoint.clock;
    const begin = clock.now();
    calls.reportTo(report);
    const ms = (at: number) => `${Math.round(at - begin)} ms`.padStart(9);
    const line = (text: string, at = clock.now()) => say(`${ms(at)}  ${text}\n`);
    say(`listening as ${ua.from} (Contact ${ua.endpoint.contact()}) via ${server}${ua.registration ? ', registered' : ''}\n`);
    if (faultList.length > 0) say(`FAULTS ON (deliberate protocol violations): ${faultList.join(', ')}\n`);

    let finish!: () => void;
    const done = new Promise<void>((resolve) => { finish = resolve; });
    const checkDone = () => {
      if (calls.count >= count && calls.allEnded) finish();
    };
    const stopTaking = ua.agent.onIncomingCall((call) => {
      const session = media?.claim(call.media);
      if (calls.count >= count) {
        call.reject(486, 'Busy Here (listener is done)');
        media?.release(call.media);
        session?.close();
        return;
      }
      const index = calls.take(call, clock.now(), checkDone);
      line(`call ${index} from ${callerOf(call.invite)} (${call.reliable ? '100rel' : 'no 100rel'})`);
      call.on('answered', () => {
        session?.markAnswered();
        line('answered');
        if (duration !== undefined) clock.setTimer(duration * 1000, () => call.hangup());
      });
      call.on('confirmed', (e) => line('ACK received', e.at));
      call.on('early-media', (e) => line(`early media (${e.reliable ? 'reliable' : 'unreliable'})`, e.at));
      call.on('ended', (e) => line(`ended: ${e.cause} — ${e.reason}`, e.at));
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
    const stopRefusals = ua.agent.onRefusedCall((refusal) => {
      media?.refused();
      if (calls.count >= count) return;
      const index = calls.refuse(refusal);
      line(`call ${index} from ${callerOf(refusal.invite)} refused with ${refusal.status}: ${refusal.reason}`, refusal.at);
      checkDone();
    });
    let lostConnection: string | undefined;
    const watch = new ConnectionWatch({
      connection: ua.connection, registration: ua.registration, clock, say: (text) => line(text), reconnectTimeoutMs: (reconnectTimeout ?? 60) * 1000,
    });
    void watch.failed.then((reason) => {
      lostConnection = reason;
      finish();
    });
    const stopInterrupt = onInterrupt(() => {
      for (const call of calls.calls()) call.hangup();
      finish();
    });
    if (timeout !== undefined) {
      clock.setTimer(timeout * 1000, () => {
        if (calls.count < count) finish();
      });
    }
    await done;
    stopInterrupt();
    stopTaking();
    stopRefusals();
    watch.stop();
    // A call still going (Ctrl-C, --timeout, a lost connection) is hung up before the report.
    const going = calls.calls();
    for (const call of going) call.hangup();
    await Promise.race([Promise.all(going.map((call) => call.ended)), new Promise((r) => clock.setTimer(3000, () => r(undefined)))]);
    // Their media's last measurements (each bounded by the media's own close bound).
    await calls.whenSettled();

    const transport = ua.connection.transport;
    const dropped = transport instanceof UdpTransport ? transport.droppedDatagrams() : undefined;
    await ua.close();
    await callMedia?.close();
    recorder.flush();
    calls.writeRest((callId) => recorder.callModel(callId));
    const outside = recorder.stats;
    const problem = lostConnection ?? (calls.count < count ? `only ${calls.count} of ${count} call(s) came` : calls.problem());
    const outcome = problem ?? (reject !== undefined ? `rejected ${count} call(s) with ${reject}` : `answered ${count} call(s), ended cleanly`);
    if (dropped) say(`the kernel dropped ${dropped} datagram(s) sent to this socket (its receive buffer was full): requests that never reached SIP\n`);
    report?.end({
      outcome,
      ...(dropped ? { droppedDatagrams: dropped } : {}),
      ...(outside.malformedOutsideCalls > 0 ? { malformedOutsideCalls: outside.malformedOutsideCalls } : {}),
      ...(outside.strayOutsideCalls > 0 ? { strayOutsideCalls: outside.strayOutsideCalls } : {}),
    });
    return problem === undefined ? 0 : fail(problem, 1);
  },
};
