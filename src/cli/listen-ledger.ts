// The calls `callscope listen` took or refused, each reported once: its part
// of the JSON report is written when the recorder hands the call over (its
// transactions done) or at the end of the run, and then only a verdict is
// kept. Nothing here holds a call once it ended, so ten thousand calls cost
// what the calls going at once cost.
import type { FinishedCall } from '../diagnostics/live-recorder.js';
import type { TraceModel } from '../diagnostics/model-types.js';
import type { RefusedCall } from '../ua/call/call-agent.js';
import type { IncomingCall } from '../ua/call/incoming-call.js';
import { CallTimeline, callReport, type CallSummary, type CallTimings } from './call-report.js';
import { endedCleanly } from './options.js';
import type { JsonReportStream } from './report-stream.js';

interface Entry {
  readonly index: number;
  readonly callId: string;
  timeline?: CallTimeline;
  summary?: CallSummary;
  refusal?: RefusedCall;
  answered: boolean;
  /** A model handed over before the call ended (released early by the recorder). */
  model?: TraceModel;
  /** True while the call has ended but its settling (media measurements) is not done. */
  settling: boolean;
  /** What settling added to the call's report (its media section). */
  fields?: Record<string, unknown>;
  /** Why settling says the call was not handled as asked (audio did not flow both ways). */
  settledProblem?: string;
}

/** What a call's settling found once it ended: fields for its report, and a problem if any. */
export interface Settled {
  readonly fields?: Record<string, unknown>;
  readonly problem?: string;
}

export interface LedgerOptions {
  /** The status every call is to be rejected with (--reject), if any. */
  readonly reject?: number;
  /**
   * Work on a call once it ended, before it is judged and written (its media's last
   * measurements); the call counts as ended once this resolved.
   */
  readonly settle?: (call: IncomingCall, index: number, answered: boolean, timings: CallTimings) => Promise<Settled | undefined>;
}

const EMPTY: TraceModel = { source: 'live', notes: [], messages: [], calls: [], t1: 500 };

export class CallLedger {
  private readonly open = new Map<string, Entry>();
  private readonly going = new Set<Entry>();
  private came = 0;
  private finished = 0;
  private firstProblem: { index: number; reason: string } | undefined;
  private report: JsonReportStream | undefined;
  private readonly settling = new Set<Promise<void>>();

  constructor(private readonly options: LedgerOptions) {}

  /** Where each call's part of the report goes, from now on. */
  reportTo(report: JsonReportStream | undefined): void {
    this.report = report;
  }

  /** Calls that came: taken or refused. */
  get count(): number {
    return this.came;
  }

  /** True when every call that came has ended (or was refused). */
  get allEnded(): boolean {
    return this.finished === this.came;
  }

  /** The calls still going, to hang up at the end. */
  calls(): IncomingCall[] {
    return [...this.going].map((e) => e.timeline!.call as IncomingCall);
  }

  take(call: IncomingCall, at: number, onEnded: () => void): number {
    const entry: Entry = { index: ++this.came, callId: call.callId, timeline: new CallTimeline(call, at), answered: false, settling: false };
    this.open.set(call.callId, entry);
    this.going.add(entry);
    call.on('answered', () => { entry.answered = true; });
    call.on('ended', () => {
      entry.summary = entry.timeline!.summary();
      delete entry.timeline;
      this.going.delete(entry);
      const settle = this.options.settle;
      if (!settle) {
        this.ended(entry);
        onEnded();
        return;
      }
      entry.settling = true;
      const settled = (result: Settled | undefined) => {
        entry.settling = false;
        if (result?.fields) entry.fields = result.fields;
        if (result?.problem !== undefined) entry.settledProblem = result.problem;
        this.ended(entry);
        onEnded();
      };
      const pending = settle(call, entry.index, entry.answered, entry.summary.timings).then(settled, () => settled(undefined));
      this.settling.add(pending);
      void pending.then(() => this.settling.delete(pending));
    });
    return entry.index;
  }

  private ended(entry: Entry): void {
    this.finished++;
    this.judge(entry);
    if (entry.model && this.open.has(entry.callId)) this.write(entry, entry.model);
  }

  refuse(refusal: RefusedCall): number {
    const entry: Entry = { index: ++this.came, callId: refusal.invite.callId, refusal, answered: false, settling: false };
    this.open.set(entry.callId, entry);
    this.finished++;
    this.judge(entry);
    return entry.index;
  }

  /** The recorder handed a call over: write its part of the report once the call is over. */
  handOver(finished: FinishedCall): void {
    const entry = this.open.get(finished.callId);
    if (!entry) return;
    // Without a report nothing reads the model: it is never built.
    if (!this.report) {
      if (!entry.timeline) this.open.delete(entry.callId);
      return;
    }
    if (entry.timeline || entry.settling) entry.model = finished.model;
    else this.write(entry, finished.model);
  }

  /** Resolves once every call that ended has been settled (its media measured). */
  async whenSettled(): Promise<void> {
    await Promise.all([...this.settling]);
  }

  /** End of the run: every call not yet written is written with what the recorder still holds. */
  writeRest(modelOf: (callId: string) => TraceModel | undefined): void {
    for (const entry of [...this.open.values()]) {
      if (entry.timeline || entry.settling) {
        if (entry.timeline) entry.summary = entry.timeline.summary();
        entry.settling = false;
        this.going.delete(entry);
        this.judge(entry);
      }
      this.write(entry, this.report ? entry.model ?? modelOf(entry.callId) ?? EMPTY : EMPTY);
    }
  }

  /** The first call not handled as asked, in one line; undefined when all were. */
  problem(): string | undefined {
    return this.firstProblem === undefined ? undefined : `call ${this.firstProblem.index}: ${this.firstProblem.reason}`;
  }

  private judge(entry: Entry): void {
    const reason = this.verdict(entry);
    if (reason !== undefined && (this.firstProblem === undefined || entry.index < this.firstProblem.index)) {
      this.firstProblem = { index: entry.index, reason };
    }
  }

  /** Why a call was not handled as asked, or undefined when it was. */
  private verdict(entry: Entry): string | undefined {
    if (entry.refusal) return `refused with ${entry.refusal.status}: ${entry.refusal.reason}`;
    const end = entry.summary?.endedWith;
    if (!end) return `still ${entry.summary?.state ?? 'going'} when listen ended`;
    if (this.options.reject !== undefined) {
      return end.cause === 'rejected' && end.status === this.options.reject ? undefined : end.reason;
    }
    if (!endedCleanly(end, entry.answered)) return end.reason;
    return entry.settledProblem;
  }

  private write(entry: Entry, model: TraceModel): void {
    this.open.delete(entry.callId);
    const report = this.report;
    if (!report) return;
    if (entry.refusal) {
      const call = model.calls.find((c) => c.callId === entry.callId);
      report.item({
        index: entry.index, direction: 'incoming', callId: entry.callId, outcome: 'refused',
        finalStatus: entry.refusal.status, reason: entry.refusal.reason,
        findings: (call?.findings ?? []).map((f) => ({ code: f.code, severity: f.severity, title: f.title, rfc: f.rfc, explanation: f.explanation })),
      });
      return;
    }
    if (entry.summary) report.item({ index: entry.index, ...callReport(entry.summary, model), ...entry.fields });
  }
}
