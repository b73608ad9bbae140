// A call whose diagnostics no longer change: a recent call (saved when it ended, or read
// back from disk) or one call of an imported trace. It holds a TraceModel without the
// parsed messages (the raw bytes are enough for rows, text and every export).
import type { CallDiagnostics, CallListItem, MessageSummary, Severity } from '../../contract/diagnostics.js';
import type { MediaSummary } from '../../contract/media.js';
import type { CallModel, Finding, TraceMessage, TraceModel } from '../../../src/diagnostics/model-types.js';
import { summarizeTraceMessage } from './message-summary.js';

export interface StoredCallMeta {
  readonly key: string;
  readonly source: 'recent' | 'import';
  readonly title: string;
  readonly sipCallId: string;
  readonly accountId?: string;
  /** ms since the epoch (recent), or the first message's time (import). */
  readonly startedAt: number;
  readonly fileName?: string;
  /** Wall-clock ms of a live model's time 0, for exports. */
  readonly epochMs?: number;
}

export interface StoredCall {
  readonly meta: StoredCallMeta;
  /** Without `sip` on its messages. */
  readonly model: TraceModel;
  /** The call of the model this is (an import holds several); every call of the model when undefined. */
  readonly callId?: string;
  readonly media: readonly MediaSummary[];
  /** Bytes of its raw messages, for the memory budgets. */
  readonly bytes: number;
  /** Rows, computed the first time someone opens it. */
  rows?: readonly MessageSummary[];
}

const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info'];

export function worstOf(findings: readonly Finding[]): Severity | undefined {
  for (const severity of SEVERITY_ORDER) if (findings.some((f) => f.severity === severity)) return severity;
  return undefined;
}

/** The model without parsed messages (they are big, and nothing downstream needs them). */
export function withoutParsedMessages(model: TraceModel): TraceModel {
  return { ...model, messages: model.messages.map(({ sip: _sip, ...rest }): TraceMessage => rest) };
}

export function rawBytesOf(model: TraceModel, indices?: readonly number[]): number {
  let total = 0;
  if (indices) for (const i of indices) total += model.messages[i]?.raw.byteLength ?? 0;
  else for (const m of model.messages) total += m.raw.byteLength;
  return total;
}

export function callsOf(stored: StoredCall): readonly CallModel[] {
  return stored.callId === undefined ? stored.model.calls : stored.model.calls.filter((c) => c.callId === stored.callId);
}

/** Indices of the stored call's messages, in order. */
export function messageIndicesOf(stored: StoredCall): readonly number[] {
  if (stored.callId === undefined) return stored.model.messages.map((m) => m.index);
  return callsOf(stored).flatMap((c) => c.messages).sort((a, b) => a - b);
}

export function storedRows(stored: StoredCall): readonly MessageSummary[] {
  stored.rows ??= messageIndicesOf(stored).map((i) => summarizeTraceMessage(stored.model.messages[i]!));
  return stored.rows;
}

export function storedSnapshot(stored: StoredCall): CallDiagnostics {
  const calls = callsOf(stored);
  return {
    key: stored.meta.key, title: stored.meta.title, source: stored.meta.source, sipCallId: stored.meta.sipCallId,
    t1: stored.model.t1, notes: stored.model.notes, messages: storedRows(stored),
    transactions: calls.flatMap((c) => c.transactions), dialogs: calls.flatMap((c) => c.dialogs),
    findings: calls.flatMap((c) => c.findings), media: stored.media,
  };
}

/** The message `index` of the stored call, if it is one of its own. */
export function storedMessage(stored: StoredCall, index: number): TraceMessage | undefined {
  const message = stored.model.messages[index];
  if (!message) return undefined;
  if (stored.callId !== undefined && message.callId !== stored.callId) return undefined;
  return message;
}

export function storedListItem(stored: StoredCall): CallListItem {
  const findings = callsOf(stored).flatMap((c) => c.findings);
  const worst = worstOf(findings);
  const { meta } = stored;
  return {
    key: meta.key, source: meta.source, title: meta.title, sipCallId: meta.sipCallId, startedAt: meta.startedAt,
    messageCount: messageIndicesOf(stored).length, findingCount: findings.length, active: false,
    ...(meta.accountId === undefined ? {} : { accountId: meta.accountId }),
    ...(worst ? { worst } : {}),
    ...(meta.fileName === undefined ? {} : { fileName: meta.fileName }),
  };
}
