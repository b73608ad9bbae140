// The terminal view of a model: for each call its ladder of messages, its
// transactions (states with times, retransmissions, timers), its media
// streams and its findings, or "no findings". A view only: everything it
// prints is in the model.
import type { CallModel, Finding, RtpStreamSummary, TraceMessage, TraceModel, TransactionModel } from './model-types.js';

export interface ReportOptions {
  /** Print the message ladder (default true). */
  readonly ladder?: boolean;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`;
}

function who(m: TraceMessage, side: 'src' | 'dst'): string {
  const e = m[side];
  if (e) return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
  if (side === 'src') return m.direction === 'sent' ? 'local' : 'remote';
  return m.direction === 'received' ? 'local' : 'remote';
}

function ladderLine(m: TraceMessage, t0: number): string {
  const flags = [m.retransmission ? 'retransmission' : '', m.parseError ? `malformed: ${m.parseError}` : ''].filter(Boolean).join('; ');
  return `  #${String(m.index).padEnd(4)} +${seconds(m.at - t0).padStart(9)}  ${who(m, 'src')} -> ${who(m, 'dst')}  ${m.startLine}${flags ? `  (${flags})` : ''}`;
}

function transactionLines(tx: TransactionModel, t0: number): string[] {
  const re = tx.retransmissions;
  const head = `  ${tx.id} ${tx.method} ${tx.role} ${tx.transport} key=${tx.key}  final=${tx.finalStatus ?? 'none'}  state=${tx.state}`
    + `  retransmissions: ${re.requests} request, ${re.responses} response  [${tx.source}]`;
  const states = tx.states.map((s) => `      +${seconds(s.at - t0)} ${s.from} -> ${s.to} (${s.cause})`);
  const timers = tx.timers.filter((t) => t.event !== 'started').map((t) => `      +${seconds(t.at - t0)} Timer ${t.timer} ${t.event} (${t.durationMs} ms)`);
  return [head, ...states, ...timers];
}

function streamLine(s: RtpStreamSummary, t0: number): string {
  const where = s.local ? `${s.local}` : `${s.src ? `${s.src.address}:${s.src.port}` : '?'} -> ${s.dst ? `${s.dst.address}:${s.dst.port}` : '?'}`;
  const loss = s.lost === undefined ? '' : `, lost ${s.lost} (${s.expected ? ((100 * s.lost) / s.expected).toFixed(1) : '0.0'}%)`;
  const jitter = s.jitterMs === undefined ? '' : `, jitter ${s.jitterMs.toFixed(2)} ms (max ${(s.maxJitterMs ?? s.jitterMs).toFixed(2)})`;
  const gap = s.maxGapMs === undefined ? '' : `, max gap ${s.maxGapMs.toFixed(0)} ms`;
  const times = s.firstAt === undefined ? '' : ` +${seconds(s.firstAt - t0)}..+${seconds((s.lastAt ?? s.firstAt) - t0)}`;
  const silent = s.levelPackets ? `, silent ${s.silentPackets ?? 0}/${s.levelPackets}` : '';
  return `  ${s.way} ${where} ${s.codec ?? (s.payloadType === undefined ? '' : `PT ${s.payloadType}`)}`
    + `${s.ssrc === undefined ? '' : ` ssrc 0x${s.ssrc.toString(16).padStart(8, '0')}`}${s.encrypted ? ' (SRTP)' : ''}: `
    + `${s.packets} packet(s)${times}${loss}${jitter}${gap}${silent}`;
}

function findingLines(f: Finding): string[] {
  return [
    `  [${f.severity}] ${f.code}: ${f.title} (${f.rfc})`,
    `      ${f.explanation}`,
    `      messages: ${f.messages.map((i) => `#${i}`).join(' ')}`,
    ...f.nextSteps.map((s) => `      - ${s}`),
  ];
}

export function formatCall(model: TraceModel, call: CallModel, options: ReportOptions = {}): string {
  return formatCallMessages(call, call.messages.map((i) => model.messages[i]!), options);
}

/** One call, given its messages (in the call's order): what streaming analysis prints as each call finishes. */
export function formatCallMessages(call: CallModel, messages: readonly TraceMessage[], options: ReportOptions = {}): string {
  const t0 = messages[0]?.at ?? 0;
  const lines = [`Call ${call.callId}: ${messages.length} message(s), ${call.transactions.length} transaction(s), ${call.dialogs.length} dialog(s)`];
  if (options.ladder !== false) lines.push(' Messages:', ...messages.map((m) => ladderLine(m, t0)));
  lines.push(' Transactions:', ...call.transactions.flatMap((tx) => transactionLines(tx, t0)));
  if (call.dialogs.length > 0) {
    lines.push(' Dialogs:', ...call.dialogs.map((d) => `  ${d.callerTag} / ${d.calleeTag}: ${d.state}; route set ${d.callerRouteSet.join(', ') || '(none)'}; callee target ${d.calleeContact ?? '?'}`));
  }
  if (call.media && call.media.streams.length > 0) lines.push(` Media (${call.media.source}):`, ...call.media.streams.map((s) => streamLine(s, t0)));
  lines.push(' Findings:', ...(call.findings.length === 0 ? ['  no findings'] : call.findings.flatMap(findingLines)));
  return `${lines.join('\n')}\n`;
}

/** Indices listed at most in a line about messages that belong to no call. */
const ORPHANS_LISTED = 100;

/** The closing lines of a streamed report: the counts, the notes, and the messages that belong to no call. */
export function formatSummary(summary: { readonly messages: number; readonly calls: number; readonly notes: readonly string[]; readonly orphans: readonly number[]; readonly orphanCount: number }): string {
  const parts = [`${summary.messages} SIP message(s) in ${summary.calls} call(s)\n`];
  if (summary.notes.length > 0) parts.push(`Notes:\n${summary.notes.map((n) => `  ${n}`).join('\n')}\n`);
  if (summary.orphanCount > 0) {
    const more = summary.orphanCount > summary.orphans.length ? ` (and ${summary.orphanCount - summary.orphans.length} more)` : '';
    parts.push(`${summary.orphanCount} message(s) belong to no call (unreadable Call-ID): ${summary.orphans.slice(0, ORPHANS_LISTED).map((i) => `#${i}`).join(' ')}${more}\n`);
  }
  return parts.join('');
}

export function formatReport(model: TraceModel, options: ReportOptions = {}): string {
  const parts = [`${model.messages.length} SIP message(s) in ${model.calls.length} call(s)\n`];
  if (model.notes.length > 0) parts.push(`Notes:\n${model.notes.map((n) => `  ${n}`).join('\n')}\n`);
  for (const call of model.calls) parts.push(`\n${formatCall(model, call, options)}`);
  const orphans = model.messages.filter((m) => m.callId === undefined);
  if (orphans.length > 0) parts.push(`\n${orphans.length} message(s) belong to no call (unreadable Call-ID): ${orphans.map((m) => `#${m.index}`).join(' ')}\n`);
  return parts.join('');
}
