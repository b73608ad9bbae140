// The per-call model built while a trace streams past. Messages are grouped by
// Call-ID as they come; a call is finished when nothing more can belong to it:
// it has been quiet longer than every RFC 3261 timer runs (64·T1, plus T4 for
// Timer K/I) — or, when it holds an answered dialog that no BYE ended, longer
// than `openDialogQuietMs` (the call may still be up) — or the trace ended.
// A finished call's model is built from its messages alone (the same builder
// as importTrace), moved to the trace's message indices and handed on, and its
// messages are let go: memory follows the calls open at once, not the file.
import { scanHeaders } from '../call-id-scan.js';
import { callAt, messageAt } from '../model-merge.js';
import { buildTraceModel, type MessageInput } from '../model-builder.js';
import type { CallModel, TraceMessage } from '../model-types.js';
import type { FindingOptions } from '../findings/run-findings.js';
import { scanDialogStep } from './dialog-scan.js';

export interface AssembledCall {
  /** The call with trace-wide indices (messages, transactions, dialogs, findings). */
  readonly call: CallModel;
  /** Its messages, in trace order, each with its trace-wide index. */
  readonly messages: readonly TraceMessage[];
}

export interface CallAssemblerOptions {
  /** RFC 3261 T1 in ms (default 500). */
  readonly t1?: number;
  readonly findings?: FindingOptions;
  /** A call with an answered dialog and no BYE is finished after this much quiet (default 2 h). */
  readonly openDialogQuietMs?: number;
  /** Messages kept per call; more are counted in a note (default 100 000). */
  readonly messagesPerCall?: number;
  /** Only this Call-ID (the others are read past, not held). */
  readonly callId?: string;
  readonly onCall: (call: AssembledCall) => void;
  /** A message with no readable Call-ID: it belongs to no call. */
  readonly onOrphan?: (message: TraceMessage) => void;
}

interface OpenCall {
  readonly callId: string;
  readonly inputs: MessageInput[];
  readonly indices: number[];
  lastAt: number;
  answered: boolean;
  byeSeen: boolean;
  dropped: number;
}

const CALL_ID_AND_CSEQ = [['call-id', 'i'], ['cseq', undefined]] as const;

export class CallAssembler {
  private readonly open = new Map<string, OpenCall>();
  /**
   * Activity in arrival order: (call, its lastAt then). An entry whose call has been
   * active since is stale and skipped; the front holds the least recently active.
   */
  private activity: Array<{ call: OpenCall; at: number }> = [];
  private activityHead = 0;
  /** Answered calls with no BYE, quiet past the timers: in the same order, checked against openDialogQuietMs. */
  private parked: Array<{ call: OpenCall; at: number }> = [];
  private parkedHead = 0;
  private index = 0;
  private transactionIds = 0;
  private finishedCalls = 0;
  private readonly t1: number;
  private readonly quietMs: number;
  private readonly openDialogQuietMs: number;
  private readonly perCall: number;
  readonly notes: string[] = [];

  constructor(private readonly options: CallAssemblerOptions) {
    this.t1 = options.findings?.t1 ?? options.t1 ?? 500;
    // Timers B, F, H, J, L, M run 64·T1; K and I run T4 (5 s) after them at most.
    this.quietMs = 64 * this.t1 + 5000;
    this.openDialogQuietMs = options.openDialogQuietMs ?? 2 * 3600 * 1000;
    this.perCall = options.messagesPerCall ?? 100_000;
  }

  /** Messages seen so far (the next message's index). */
  get messages(): number {
    return this.index;
  }

  /** Calls handed on so far. */
  get calls(): number {
    return this.finishedCalls;
  }

  /** Calls held right now, and the messages they hold. */
  get held(): { calls: number; messages: number } {
    let messages = 0;
    for (const call of this.open.values()) messages += call.inputs.length;
    return { calls: this.open.size, messages };
  }

  add(input: MessageInput): void {
    const index = this.index++;
    this.finishQuiet(input.at);
    const [callId, cseq] = scanHeaders(input.raw, CALL_ID_AND_CSEQ);
    if (callId === undefined) {
      if (this.options.callId === undefined) this.orphan(input, index);
      return;
    }
    if (this.options.callId !== undefined && callId !== this.options.callId) return;
    let call = this.open.get(callId);
    if (!call) {
      call = { callId, inputs: [], indices: [], lastAt: input.at, answered: false, byeSeen: false, dropped: 0 };
      this.open.set(callId, call);
    }
    call.lastAt = Math.max(call.lastAt, input.at);
    this.activity.push({ call, at: call.lastAt });
    const step = scanDialogStep(input.raw, cseq);
    if (step === 'answered') call.answered = true;
    else if (step === 'bye') call.byeSeen = true;
    if (call.inputs.length >= this.perCall) {
      call.dropped++;
      return;
    }
    call.inputs.push(input);
    call.indices.push(index);
  }

  /** The trace ended: every call still open is finished, in order of its first message. */
  end(): void {
    const rest = [...this.open.values()].sort((a, b) => a.indices[0]! - b.indices[0]!);
    this.open.clear();
    this.activity = [];
    this.activityHead = 0;
    this.parked = [];
    this.parkedHead = 0;
    for (const call of rest) this.finish(call);
  }

  private finishQuiet(now: number): void {
    this.activityHead = this.drain(this.activity, this.activityHead, now, this.quietMs, true);
    this.parkedHead = this.drain(this.parked, this.parkedHead, now, this.openDialogQuietMs, false);
    if (this.activityHead > 4096 && this.activityHead * 2 > this.activity.length) {
      this.activity = this.activity.slice(this.activityHead);
      this.activityHead = 0;
    }
    if (this.parkedHead > 4096 && this.parkedHead * 2 > this.parked.length) {
      this.parked = this.parked.slice(this.parkedHead);
      this.parkedHead = 0;
    }
  }

  /** Finishes the calls at the front of `queue` quiet for longer than `quietMs`; returns the new head. */
  private drain(queue: Array<{ call: OpenCall; at: number }>, head: number, now: number, quietMs: number, park: boolean): number {
    while (head < queue.length) {
      const entry = queue[head]!;
      // The least recently active come first: once one is recent, the rest are too.
      if (now - entry.at <= quietMs) break;
      head++;
      const { call, at } = entry;
      if (call.lastAt !== at || this.open.get(call.callId) !== call) continue; // active since, or finished
      if (park && call.answered && !call.byeSeen) {
        this.parked.push(entry);
        continue;
      }
      this.open.delete(call.callId);
      this.finish(call);
    }
    return head;
  }

  private finish(call: OpenCall): void {
    if (call.inputs.length === 0) return;
    const model = buildTraceModel({ source: 'import', messages: call.inputs, t1: this.t1, findings: { t1: this.t1, ...this.options.findings } });
    const at = (local: number) => call.indices[local]!;
    const renamed = new Map<string, string>();
    const rename = (id: string) => {
      let name = renamed.get(id);
      if (name === undefined) renamed.set(id, name = `t${++this.transactionIds}`);
      return name;
    };
    // Indexed by the call's own (local) index.
    const messages = model.messages.map((m) => {
      const moved = messageAt(m, at(m.index));
      return m.transactionId === undefined ? moved : { ...moved, transactionId: rename(m.transactionId) };
    });
    for (const built of model.calls) {
      const moved = callAt(built, at);
      this.finishedCalls++;
      this.options.onCall({
        call: { ...moved, transactions: moved.transactions.map((tx) => ({ ...tx, id: rename(tx.id) })) },
        messages: built.messages.map((local) => messages[local]!),
      });
    }
    if (call.dropped > 0) {
      this.notes.push(`call ${call.callId}: ${call.dropped} message(s) past the first ${this.perCall} were not analysed`);
    }
  }

  private orphan(input: MessageInput, index: number): void {
    const model = buildTraceModel({ source: 'import', messages: [input], t1: this.t1 });
    this.options.onOrphan?.(messageAt(model.messages[0]!, index));
  }
}
