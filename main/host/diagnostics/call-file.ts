// Diagnostics as a file: Callscope's JSON export (diagnostics/export/json-export.ts) with,
// for a saved call, a `callscope` object naming the call. Recent calls are kept on disk
// in it, and a JSON export (of a whole trace or of one call) can be imported back. Reading
// checks every field and every message index: a damaged file is refused, never trusted.
import { z } from 'zod';
import type { MediaSummary } from '../../contract/media.js';
import { mediaSummarySchema } from '../../contract/media.js';
import { modelToJson, JSON_EXPORT_VERSION } from '../../../src/diagnostics/export/json-export.js';
import type { CallModel, TraceMessage, TraceModel } from '../../../src/diagnostics/model-types.js';
import { FINDING_CODES } from '../../../src/trace/finding-codes.js';

const STATES = ['Calling', 'Trying', 'Proceeding', 'Completed', 'Confirmed', 'Accepted', 'Terminated'] as const;
const TIMERS = ['A', 'B', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'Trying'] as const;

const index = z.number().int().nonnegative();
const endpointSchema = z.object({ transport: z.string(), address: z.string(), port: z.number().int().min(0).max(65535) });
const messageSchema = z.object({
  index, at: z.number(), direction: z.enum(['sent', 'received', 'observed']),
  src: endpointSchema.optional(), dst: endpointSchema.optional(), transport: z.string(), startLine: z.string(),
  parseError: z.string().optional(), callId: z.string().optional(), transactionId: z.string().optional(),
  retransmission: z.boolean(), rawBase64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/),
});
const transactionSchema = z.object({
  id: z.string(), key: z.string(), matchKey: z.string(), method: z.string(), role: z.enum(['client', 'server', 'observed']),
  kind: z.enum(['invite', 'non-invite']), transport: z.string(), callId: z.string(), callTag: z.string().optional(),
  branch: z.string().optional(), cseq: z.number().optional(), client: endpointSchema.optional(), server: endpointSchema.optional(),
  source: z.enum(['stream', 'derived']),
  states: z.array(z.object({ at: z.number(), from: z.enum(STATES), to: z.enum(STATES), cause: z.string() })),
  state: z.enum(STATES),
  timers: z.array(z.object({ at: z.number(), timer: z.enum(TIMERS), event: z.enum(['started', 'fired', 'cancelled']), durationMs: z.number() })),
  retransmissions: z.object({ requests: index, responses: index }),
  finalStatus: z.number().int().optional(), messages: z.array(index),
});
const dialogSchema = z.object({
  id: z.string(), callId: z.string(), callerTag: z.string(), calleeTag: z.string(), state: z.enum(['early', 'confirmed', 'terminated']),
  recordRoute: z.array(z.string()), callerRouteSet: z.array(z.string()), callerContact: z.string().optional(),
  calleeContact: z.string().optional(), createdBy: index, confirmedBy: index.optional(), terminatedBy: index.optional(),
});
const findingSchema = z.object({
  code: z.enum(FINDING_CODES), severity: z.enum(['error', 'warning', 'info']), title: z.string(), messages: z.array(index),
  rfc: z.string(), explanation: z.string(), nextSteps: z.array(z.string()),
});
const callSchema = z.object({
  callId: z.string(), callTags: z.array(z.string()), messages: z.array(index), transactions: z.array(transactionSchema),
  dialogs: z.array(dialogSchema), unmatched: z.array(index), findings: z.array(findingSchema),
});
const savedCallSchema = z.object({
  version: z.literal(1), id: z.string().min(1), title: z.string(), sipCallId: z.string(), accountId: z.string().optional(),
  startedAt: z.number(), epochMs: z.number().optional(), media: z.array(mediaSummarySchema).default([]),
});
const fileSchema = z.object({
  version: z.literal(JSON_EXPORT_VERSION), source: z.enum(['live', 'import']), t1: z.number().positive(), notes: z.array(z.string()),
  messages: z.array(messageSchema), calls: z.array(callSchema), callscope: savedCallSchema.optional(),
});

export type SavedCallInfo = z.output<typeof savedCallSchema>;

export interface CallFile {
  readonly model: TraceModel;
  readonly saved?: SavedCallInfo;
}

/** The JSON export of `model`, with what names a saved call. */
export function callFileText(model: TraceModel, saved: Omit<SavedCallInfo, 'version' | 'media'> & { media: readonly MediaSummary[] }): string {
  return JSON.stringify({ ...(modelToJson(model) as object), callscope: { version: 1, ...saved } });
}

/** True when the bytes look like a JSON export (an object whose first key is "version"). */
export function looksLikeCallFile(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).replace(/^\uFEFF/, '');
  return /^\s*\{\s*"version"\s*:/.test(head);
}

/** Reads a JSON export; the reason when it is not one (or is damaged). */
export function parseCallFile(text: string): CallFile | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `not a Callscope JSON export (${issue ? `${issue.path.join('.') || 'file'}: ${issue.message}` : 'unexpected shape'})`;
  }
  const file = parsed.data;
  // An export of one call keeps the trace's indices: number the messages 0.. again.
  const renumber = new Map<number, number>();
  file.messages.forEach((m, i) => renumber.set(m.index, i));
  if (renumber.size !== file.messages.length) return 'damaged: two messages have the same index';
  const to = (i: number): number => {
    const mapped = renumber.get(i);
    if (mapped === undefined) throw new RangeError(`message ${i} is referenced but not in the file`);
    return mapped;
  };
  try {
    const messages = file.messages.map(({ rawBase64, ...m }, i): TraceMessage => ({
      ...m, index: i, raw: new Uint8Array(Buffer.from(rawBase64, 'base64')),
    }));
    const calls = file.calls.map((c): CallModel => ({
      ...c,
      messages: c.messages.map(to), unmatched: c.unmatched.map(to),
      transactions: c.transactions.map((tx) => ({ ...tx, messages: tx.messages.map(to) })),
      dialogs: c.dialogs.map((d) => ({
        ...d, createdBy: to(d.createdBy),
        ...(d.confirmedBy === undefined ? {} : { confirmedBy: to(d.confirmedBy) }),
        ...(d.terminatedBy === undefined ? {} : { terminatedBy: to(d.terminatedBy) }),
      })),
      findings: c.findings.map((f) => ({ ...f, messages: f.messages.map(to) })),
    }));
    const model: TraceModel = { source: file.source, notes: file.notes, t1: file.t1, messages, calls };
    return file.callscope ? { model, saved: file.callscope } : { model };
  } catch (error) {
    return `damaged: ${error instanceof Error ? error.message : String(error)}`;
  }
}
