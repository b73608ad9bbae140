// The report of a CLI call (or of the calls a listener took): how each call
// ended, when each step happened, and — from the diagnostics model built
// off the stream, not re-derived here — its transactions with their state
// histories, timers and retransmissions, every message, and the findings.
// Credentials never appear: digest responses are redacted in every message.
import type { CallModel, TraceMessage, TraceModel, TransactionModel } from '../diagnostics/model-types.js';
import type { CallBase } from '../ua/call/call-base.js';
import type { CallEnded } from '../ua/call/types.js';

/** Clock times (ms) of a call's steps, the first time each happened. */
export interface CallTimings {
  readonly started: number;
  trying?: number;
  ringing?: number;
  progress?: number;
  earlyMedia?: number;
  answered?: number;
  confirmed?: number;
  ended?: number;
}

/** What a report says of a call once it is over: no reference to the call itself is kept. */
export interface CallSummary {
  readonly direction: 'outgoing' | 'incoming';
  readonly callId: string;
  readonly callTag: string;
  readonly state: string;
  readonly endedWith?: CallEnded;
  readonly timings: CallTimings;
}

/** Follows one call's events and notes when each step first happened. */
export class CallTimeline {
  readonly timings: CallTimings;

  constructor(readonly call: CallBase, started: number) {
    const timings: CallTimings = { started };
    this.timings = timings;
    call.on('trying', (e) => { timings.trying ??= e.at; });
    call.on('ringing', (e) => { timings.ringing ??= e.at; });
    call.on('progress', (e) => { timings.progress ??= e.at; });
    call.on('early-media', (e) => { timings.earlyMedia ??= e.at; });
    call.on('answered', (e) => { timings.answered ??= e.at; });
    call.on('confirmed', (e) => { timings.confirmed ??= e.at; });
    call.on('ended', (e) => { timings.ended ??= e.at; });
  }

  summary(): CallSummary {
    const { call } = this;
    return {
      direction: call.direction, callId: call.callId, callTag: call.callTag, state: call.state, timings: { ...this.timings },
      ...(call.endedWith ? { endedWith: call.endedWith } : {}),
    };
  }
}

/**
 * RFC 7616 §3.4: the `response` of an Authorization / Proxy-Authorization
 * proves knowledge of the password; it is replaced so a report can be shared.
 */
export function redactCredentials(text: string): string {
  return text.replace(/^((?:Proxy-)?Authorization\s*:.*?\bresponse\s*=\s*)("[^"]*"|[^,\s\r\n]+)/gim, '$1"<redacted>"');
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function relativeTimings(timings: CallTimings): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, at] of Object.entries(timings)) {
    if (name !== 'started' && typeof at === 'number') out[`${name}Ms`] = round(at - timings.started);
  }
  return out;
}

function transactionView(tx: TransactionModel, started: number) {
  return {
    id: tx.id, method: tx.method, role: tx.role, kind: tx.kind, transport: tx.transport,
    ...(tx.callTag === undefined ? {} : { callTag: tx.callTag }),
    ...(tx.cseq === undefined ? {} : { cseq: tx.cseq }),
    ...(tx.branch === undefined ? {} : { branch: tx.branch }),
    state: tx.state,
    ...(tx.finalStatus === undefined ? {} : { finalStatus: tx.finalStatus }),
    states: tx.states.map((s) => ({ atMs: round(s.at - started), from: s.from, to: s.to, cause: s.cause })),
    timers: tx.timers.map((t) => ({ atMs: round(t.at - started), timer: t.timer, event: t.event, durationMs: t.durationMs })),
    retransmissions: tx.retransmissions,
  };
}

function messageView(message: TraceMessage, started: number) {
  const peer = message.direction === 'sent' ? message.dst : message.src;
  return {
    index: message.index,
    atMs: round(message.at - started),
    direction: message.direction,
    ...(peer ? { peer: `${peer.transport} ${peer.address}:${peer.port}` } : {}),
    startLine: message.startLine,
    ...(message.transactionId === undefined ? {} : { transactionId: message.transactionId }),
    ...(message.retransmission ? { retransmission: true } : {}),
    ...(message.parseError === undefined ? {} : { parseError: message.parseError }),
    text: redactCredentials(new TextDecoder().decode(message.raw)),
  };
}

/** One call's part of the report; `model` holds the call (its own model, or a larger one). */
export function callReport(summary: CallSummary, model: TraceModel) {
  const { timings } = summary;
  const end = summary.endedWith;
  const modelCall: CallModel | undefined = model.calls.find((c) => c.callId === summary.callId);
  const started = timings.started;
  return {
    direction: summary.direction,
    callId: summary.callId,
    callTag: summary.callTag,
    outcome: end ? end.cause : summary.state,
    ...(end?.status === undefined ? {} : { finalStatus: end.status }),
    ...(end ? { reason: end.reason } : {}),
    ...(end?.byeStatus === undefined ? {} : { byeStatus: end.byeStatus }),
    timings: relativeTimings(timings),
    transactions: (modelCall?.transactions ?? []).map((tx) => transactionView(tx, started)),
    messages: (modelCall?.messages ?? []).map((i) => messageView(model.messages[i]!, started)),
    findings: (modelCall?.findings ?? []).map((f) => ({ code: f.code, severity: f.severity, title: f.title, rfc: f.rfc, explanation: f.explanation })),
    ...(model.notes.length > 0 ? { notes: model.notes } : {}),
  };
}

export type CallReportEntry = ReturnType<typeof callReport>;
