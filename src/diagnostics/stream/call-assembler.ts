// The per-call model built while a trace streams past. Messages are grouped by
// Call-ID as they come; a call is finished when nothing more can belong to it:
// it has been quiet longer than every RFC 3261 timer runs (64·T1, plus T4 for
// Timer K/I) — or, when it holds an answered dialog that no BYE ended, longer
// than `openDialogQuietMs` (the call may still be up) — or the trace ended.
// A finished call's model is built from its messages alone (the same builder
// as importTrace), moved to the trace's message indices and handed on, and its
// messages are let go: memory follows the calls open at once, not the file.
// With a capture's media (StreamMedia), a call's SDPs are read as they come,
// its RTP keeps it from being quiet, and its media goes into its model.
import { scanHeaders } from '../call-id-scan.js';
import { callAt, messageAt } from '../model-merge.js';
import { buildTraceModel, type MessageInput } from '../model-builder.js';
import type { CallModel, TraceMessage } from '../model-types.js';
import type { FindingOptions } from '../findings/run-findings.js';
import { parseMessage } from '../../message/index.js';
import { scanDialogStep } from './dialog-scan.js';
import type { CallSdp, StreamMedia } from './stream-media.js';

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
  /** The capture's media, matched as it is read: each finished call's goes into its model. */
  readonly media?: StreamMedia;
}

interface OpenCall {
  readonly callId: string;
  readonly inputs: MessageInput[];
  readonly indices: number[];
  lastAt: number;
  answered: boolean;
  byeSeen: boolean;
  dropped: number;
  /** The time of its last media datagram (StreamMedia): media counts as activity. */
  mediaAt: number;
  readonly sdp: CallSdp;
  /** Messages to read for SDP once the capture turns out to have media (nothing is parsed for a file without). */
  sdpLater: Array<{ input: MessageInput; index: number; sdp: boolean }>;
}

const CALL_ID_CSEQ_TYPE = [['call-id', 'i'], ['cseq', undefined], ['content-type', 'c']] as const;

/** What identifies a repeat of the same message (as the model builder tells retransmissions). */
function fingerprint(input: MessageInput): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < input.raw.length; i++) hash = Math.imul(hash ^ input.raw[i]!, 0x01000193);
  const end = (e: MessageInput['src']) => (e ? `${e.transport}|${e.address}|${e.port}` : '');
  return `${input.direction}|${end(input.src)}|${end(input.dst)}|${input.raw.length}|${hash >>> 0}`;
}

const INVITE = 'INVITE '.split('').map((c) => c.charCodeAt(0));
const isInvite = (raw: Uint8Array) => INVITE.every((c, i) => raw[i] === c);

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
  /** A datagram that is not SIP was read: calls' SDPs are read from then on. */
  private mediaSeen = false;
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
    this.options.media?.advance(input.at);
    this.finishQuiet(input.at);
    const [callId, cseq, contentType] = scanHeaders(input.raw, CALL_ID_CSEQ_TYPE);
    if (callId === undefined) {
      if (this.options.callId === undefined) this.orphan(input, index);
      return;
    }
    if (this.options.callId !== undefined && callId !== this.options.callId) return;
    let call = this.open.get(callId);
    if (!call) {
      call = { callId, inputs: [], indices: [], lastAt: input.at, answered: false, byeSeen: false, dropped: 0, mediaAt: -Infinity, sdp: { seen: new Set() }, sdpLater: [] };
      this.open.set(callId, call);
    }
    call.lastAt = Math.max(call.lastAt, input.at);
    this.activity.push({ call, at: call.lastAt });
    const step = scanDialogStep(input.raw, cseq);
    if (step === 'answered') call.answered = true;
    else if (step === 'bye') call.byeSeen = true;
    if (this.options.media) this.readSdp(call, input, index, contentType);
    if (call.inputs.length >= this.perCall) {
      call.dropped++;
      return;
    }
    call.inputs.push(input);
    call.indices.push(index);
  }

  /** A media datagram of this call was read at `at`: the call is not quiet. */
  touch(callId: string, at: number): void {
    const call = this.open.get(callId);
    if (call && at > call.mediaAt) call.mediaAt = at;
  }

  /** The first datagram that is not SIP: the open calls' SDPs read so far go to the media matcher, and the next ones as they come. */
  mediaStarted(): void {
    if (this.mediaSeen) return;
    this.mediaSeen = true;
    for (const call of this.open.values()) {
      for (const m of call.sdpLater) this.announce(call, m.input, m.index, m.sdp);
      call.sdpLater = [];
    }
  }

  /** Hands the call's SDPs to the media matcher: only INVITEs (until the caller's tag is known) and bodies that may be SDP are parsed. */
  private readSdp(call: OpenCall, input: MessageInput, index: number, contentType: string | undefined): void {
    const type = contentType?.toLowerCase();
    const sdp = type !== undefined && (type.includes('sdp') || type.startsWith('multipart'));
    if (!sdp && !(call.sdp.callerTag === undefined && isInvite(input.raw))) return;
    if (this.mediaSeen) this.announce(call, input, index, sdp);
    else call.sdpLater.push({ input, index, sdp });
  }

  private announce(call: OpenCall, input: MessageInput, index: number, sdp: boolean): void {
    if (!sdp && call.sdp.callerTag !== undefined) return;
    const parsed = parseMessage(input.raw);
    if (!parsed.ok) return;
    let repeat = false;
    if (sdp) {
      const print = fingerprint(input);
      repeat = call.sdp.seen.has(print) || input.statedRetransmission === true;
      call.sdp.seen.add(print);
    }
    this.options.media!.message(call.callId, call.sdp, { index, at: input.at, sip: parsed.value }, repeat);
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
      if (call.mediaAt > at) {
        // Its media went on: quiet counts from its last datagram.
        call.lastAt = call.mediaAt;
        this.activity.push({ call, at: call.lastAt });
        continue;
      }
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
    const media = this.options.media?.take(call.callId);
    if (call.inputs.length === 0) return;
    const model = buildTraceModel({
      source: 'import', messages: call.inputs, t1: this.t1, findings: { t1: this.t1, ...this.options.findings },
      ...(media ? { media: () => new Map([[call.callId, media]]) } : {}),
    });
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
