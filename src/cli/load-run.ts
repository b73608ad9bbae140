// `callscope call --count N --rate R`: test calls as load. Calls are placed at
// R calls/s (at most --concurrency at once), each held --duration seconds and
// hung up, over one shared flow or a flow of its own per call (a WebRTC client
// has one WebSocket per user: --connections per-call, with --user a range).
// Memory stays flat however many calls: a call's figures go into histograms
// and counters when it ends, its per-call record (JSON Lines) is written when
// the recorder hands its transactions over, and nothing keeps the call.
import type { FinishedCall } from '../diagnostics/live-recorder.js';
import { LISTEN_LIMITS, LiveRecorder } from '../diagnostics/live-recorder.js';
import { DiagnosticsStream } from '../trace/events.js';
import type { CallFaults } from '../ua/call/faults.js';
import type { OutgoingCall } from '../ua/call/outgoing-call.js';
import { UserAgent, type UserAgentOptions } from '../ua/user-agent.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { CallTimeline } from './call-report.js';
import { ConnectionWatch } from './connection-watch.js';
import { DurationHistogram, Tally } from './load-stats.js';
import { endedCleanly } from './options.js';
import type { JsonLinesStream } from './report-stream.js';

export interface LoadPlan {
  readonly target: string;
  readonly count: number;
  /** Calls per second. */
  readonly rate: number;
  readonly concurrency: number;
  readonly connections: 'shared' | 'per-call';
  /** The users calls are placed as, in turn (one, or a range). */
  readonly users: readonly { readonly user: string; readonly password?: string }[];
  /** Options of every user agent (server, trust, timers, register ...); user and password come from `users`. */
  readonly ua: UserAgentOptions;
  readonly durationMs: number;
  readonly ringTimeoutMs: number;
  readonly reconnectTimeoutMs: number;
  readonly faults?: CallFaults;
}

export interface LoadIo {
  /** A line of the run's log (connection changes). */
  readonly say: (line: string) => void;
  /** Redraws the progress line (a terminal only). */
  readonly progress?: (line: string) => void;
  readonly records?: JsonLinesStream;
  readonly clock: Clock;
}

/** One placed call's figures, kept from its end until its record is written. */
interface CallFigures {
  readonly index: number;
  readonly user: string;
  readonly outcome: string;
  readonly clean: boolean;
  readonly finalStatus?: number;
  readonly reason: string;
  readonly setupMs?: number;
  readonly pddMs?: number;
}

export interface LoadResult {
  readonly summary: Record<string, unknown>;
  /** Why the run is a failure, in one line; undefined when every call was answered and ended cleanly. */
  readonly problem?: string;
  /** The final report, lines for a human. */
  readonly text: string;
}

const ms = (v: number | undefined) => (v === undefined ? '-' : `${v} ms`);

export class LoadRun {
  private placed = 0;
  private going = 0;
  private ended = 0;
  private answered = 0;
  private clean = 0;
  private readonly failures = new Tally();
  private readonly setup = new DurationHistogram();
  private readonly pdd = new DurationHistogram();
  private readonly findings = new Tally();
  private readonly retransmissions = { sent: 0, absorbed: 0 };
  private readonly pending = new Map<string, CallFigures>();
  private readonly live = new Set<OutgoingCall>();
  private stopped: string | undefined;
  private nextTimer: TimerHandle | undefined;
  private progressTimer: TimerHandle | undefined;
  private startedAt = 0;
  private finish!: () => void;
  private readonly done = new Promise<void>((resolve) => { this.finish = resolve; });
  private shared: { ua: UserAgent; recorder: LiveRecorder; watch: ConnectionWatch } | undefined;

  constructor(private readonly plan: LoadPlan, private readonly io: LoadIo) {}

  /** Places every call, waits for the last to end; never throws. */
  async run(): Promise<LoadResult> {
    const { plan, io } = this;
    if (plan.connections === 'shared') {
      const started = await this.startUserAgent(plan.users[0]!, (finished) => this.handOver(finished));
      if (typeof started === 'string') return { summary: { attempts: 0 }, problem: started, text: '' };
      const watch = new ConnectionWatch({
        connection: started.ua.connection, registration: started.ua.registration, clock: io.clock, say: io.say, reconnectTimeoutMs: plan.reconnectTimeoutMs,
      });
      void watch.failed.then((reason) => this.stop(reason));
      this.shared = { ...started, watch };
    }
    this.startedAt = io.clock.now();
    this.drawProgress();
    this.schedule();
    await this.done;
    this.nextTimer?.cancel();
    this.progressTimer?.cancel();
    if (this.io.progress) this.io.progress('');
    if (this.shared) {
      this.shared.watch.stop();
      await this.shared.ua.close();
      this.shared.recorder.flush();
    }
    return this.result();
  }

  /** Stops placing calls (Ctrl-C, a connection lost for good) and hangs up the ones going. */
  stop(reason: string): void {
    if (this.stopped !== undefined) return;
    this.stopped = reason;
    for (const call of this.live) call.hangup();
    this.checkDone();
  }

  private async startUserAgent(who: LoadPlan['users'][number], onCallFinished: (finished: FinishedCall) => void)
    : Promise<{ ua: UserAgent; recorder: LiveRecorder } | string> {
    const diagnostics = new DiagnosticsStream();
    const recorder = new LiveRecorder({ limits: LISTEN_LIMITS, onCallFinished });
    recorder.attach(diagnostics);
    diagnostics.subscribe((event) => {
      if (event.type === 'retransmission-sent') this.retransmissions.sent++;
      else if (event.type === 'retransmission-absorbed') this.retransmissions.absorbed++;
    });
    const { password: _password, ...base } = this.plan.ua;
    const started = await UserAgent.start({
      ...base, user: who.user, ...(who.password === undefined ? {} : { password: who.password }), diagnostics,
      ...(this.plan.faults ? { faults: this.plan.faults } : {}),
    });
    return started.ok ? { ua: started.value, recorder } : started.error;
  }

  /** Places the calls that are due (R per second from the start), as far as the concurrency allows. */
  private schedule(): void {
    const { plan, io } = this;
    this.nextTimer = undefined;
    while (this.stopped === undefined && this.placed < plan.count && this.going < plan.concurrency) {
      const due = this.startedAt + (this.placed * 1000) / plan.rate;
      const now = io.clock.now();
      if (due > now) {
        this.nextTimer = io.clock.setTimer(due - now, () => this.schedule());
        return;
      }
      void this.place(this.placed++);
    }
    this.checkDone();
  }

  private async place(index: number): Promise<void> {
    const { plan } = this;
    const who = plan.users[index % plan.users.length]!;
    this.going++;
    let ua: UserAgent;
    let recorder: LiveRecorder | undefined;
    if (this.shared) {
      ua = this.shared.ua;
    } else {
      const started = await this.startUserAgent(who, (finished) => this.handOver(finished));
      if (typeof started === 'string') {
        this.ended++;
        this.going--;
        this.record({ index, user: who.user, outcome: 'connect-failed', clean: false, reason: started }, undefined);
        this.schedule();
        return;
      }
      ({ ua, recorder } = started);
    }
    const call = ua.agent.call(ua.target(plan.target), { ringTimeoutMs: plan.ringTimeoutMs });
    this.live.add(call);
    const timeline = new CallTimeline(call, this.io.clock.now());
    let answered = false;
    call.on('answered', () => {
      answered = true;
      this.answered++;
      const hold = this.io.clock.setTimer(plan.durationMs, () => call.hangup());
      void call.ended.then(() => hold.cancel());
    });
    if (this.stopped !== undefined) call.hangup();
    const end = await call.ended;
    this.live.delete(call);
    const t = timeline.timings;
    const first18x = Math.min(t.ringing ?? Infinity, t.progress ?? Infinity, t.earlyMedia ?? Infinity);
    const clean = endedCleanly(end, answered);
    this.record({
      index, user: who.user, clean, reason: end.reason,
      outcome: clean ? 'answered' : answered ? `answered, then ${end.cause}` : end.cause,
      ...(end.status === undefined ? {} : { finalStatus: end.status }),
      ...(t.answered === undefined ? {} : { setupMs: Math.round((t.answered - t.started) * 10) / 10 }),
      ...(first18x === Infinity ? {} : { pddMs: Math.round((first18x - t.started) * 10) / 10 }),
    }, call.callId);
    if (recorder) {
      await ua.close();
      recorder.flush();
    }
    this.ended++;
    this.going--;
    this.schedule();
  }

  /** A call ended: into the figures; its record waits for its transactions (handOver). */
  private record(figures: CallFigures, callId: string | undefined): void {
    if (figures.clean) this.clean++;
    else this.failures.add(figures.finalStatus !== undefined ? `${figures.finalStatus}${figures.outcome.startsWith('answered') ? ` (${figures.outcome})` : ''}` : figures.outcome);
    if (figures.setupMs !== undefined) this.setup.add(figures.setupMs);
    if (figures.pddMs !== undefined) this.pdd.add(figures.pddMs);
    if (callId === undefined) this.io.records?.line({ type: 'call', ...figures, findings: [] });
    else this.pending.set(callId, figures);
  }

  private handOver(finished: FinishedCall): void {
    const codes = finished.model.calls.flatMap((c) => c.findings.map((f) => f.code));
    for (const code of codes) this.findings.add(code);
    const figures = this.pending.get(finished.callId);
    if (!figures) return;
    this.pending.delete(finished.callId);
    this.io.records?.line({ type: 'call', callId: finished.callId, ...figures, findings: codes });
  }

  private checkDone(): void {
    const allPlaced = this.placed >= this.plan.count || this.stopped !== undefined;
    if (allPlaced && this.going === 0) this.finish();
  }

  private drawProgress(): void {
    const progress = this.io.progress;
    if (!progress) return;
    const elapsed = (this.io.clock.now() - this.startedAt) / 1000;
    progress(`placed ${this.placed}/${this.plan.count}  answered ${this.answered}  failed ${this.ended - this.clean}  going ${this.going}`
      + `  ${elapsed > 0 ? (this.placed / elapsed).toFixed(1) : '0'} calls/s`);
    this.progressTimer = this.io.clock.setTimer(500, () => this.drawProgress());
  }

  private result(): LoadResult {
    const { plan } = this;
    const seconds = (this.io.clock.now() - this.startedAt) / 1000;
    const failed = this.ended - this.clean;
    const summary = {
      type: 'summary', target: plan.target, attempts: this.placed, answered: this.answered, endedCleanly: this.clean, failed,
      failedBy: this.failures.toJSON(), setupMs: this.setup.summary(), postDialDelayMs: this.pdd.summary(),
      retransmissions: { sentByUs: this.retransmissions.sent, absorbedFromPeers: this.retransmissions.absorbed },
      findings: this.findings.toJSON(), durationS: Math.round(seconds * 10) / 10,
      callsPerSecond: seconds > 0 ? Math.round((this.placed / seconds) * 10) / 10 : 0,
      ...(this.stopped !== undefined ? { stopped: this.stopped } : {}),
    };
    const s = summary.setupMs;
    const p = summary.postDialDelayMs;
    const text = [
      `attempts         ${this.placed} of ${plan.count} at ${plan.rate} calls/s (concurrency ${plan.concurrency}, connections ${plan.connections})`,
      `answered         ${this.answered}`,
      `ended cleanly    ${this.clean}`,
      `failed           ${failed}${failed > 0 ? `: ${this.failures.text()}` : ''}`,
      `setup time       p50 ${ms(s.p50)}  p95 ${ms(s.p95)}  p99 ${ms(s.p99)}  (INVITE to 2xx, ${s.count} calls)`,
      `post-dial delay  p50 ${ms(p.p50)}  p95 ${ms(p.p95)}  p99 ${ms(p.p99)}  (INVITE to first 18x, RFC 6076 §4.2, ${p.count} calls)`,
      `retransmissions  ${this.retransmissions.sent} sent by us, ${this.retransmissions.absorbed} absorbed from peers`,
      `findings         ${this.findings.text()}`,
      `took             ${summary.durationS} s, ${summary.callsPerSecond} calls/s placed`,
    ].join('\n');
    const problem = this.stopped ?? (failed > 0 || this.placed < plan.count
      ? `${failed} of ${this.placed} call(s) failed${failed > 0 ? ` (${this.failures.text()})` : ''}` : undefined);
    return { summary, text: `${text}\n`, ...(problem === undefined ? {} : { problem }) };
  }
}
