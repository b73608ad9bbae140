// Diagnostics as a file: Callscope's JSON export (diagnostics/export/json-export.ts, JSON
// Lines, version 3) with, for a saved call, a `callscope` record naming the call. Recent
// calls are kept on disk in it, and a JSON export (of a whole trace or of one call, or
// `callscope analyze --json`) can be imported back; so can the one-document export of
// version 2 that recent calls were saved in before. Reading checks every field, every
// message's size and every message index: a damaged file is refused, never trusted.
import { z } from 'zod';
import type { MediaSummary } from '../../contract/media.js';
import { mediaSummarySchema } from '../../contract/media.js';
import { modelToJson } from '../../../src/diagnostics/export/json-export.js';
import type { CallModel, TraceMessage, TraceModel } from '../../../src/diagnostics/model-types.js';
import { FINDING_CODES } from '../../../src/trace/finding-codes.js';

const STATES = ['Calling', 'Trying', 'Proceeding', 'Completed', 'Confirmed', 'Accepted', 'Terminated'] as const;
const TIMERS = ['A', 'B', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'Trying'] as const;

const index = z.number().int().nonnegative();
const endpointSchema = z.object({ transport: z.string(), address: z.string(), port: z.number().int().min(0).max(65535) });
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const messageFields = {
  index, at: z.number(), direction: z.enum(['sent', 'received', 'observed']),
  src: endpointSchema.optional(), dst: endpointSchema.optional(), transport: z.string(), startLine: z.string(),
  parseError: z.string().optional(), callId: z.string().optional(), transactionId: z.string().optional(),
  retransmission: z.boolean(),
};
/** A message of the one-document export (version 2): its bytes in base64 (and as text, not read). */
const documentMessageSchema = z.object({ ...messageFields, rawBase64: base64 });
/** A message record (JSON Lines): its bytes once, as text when they are UTF-8, else in base64, and their size. */
const recordMessageSchema = z.object({ ...messageFields, size: index, raw: z.string().optional(), rawBase64: base64.optional() })
  .refine((m) => (m.raw === undefined) !== (m.rawBase64 === undefined), { message: 'a message needs its bytes once, raw or rawBase64' });
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
const callFields = {
  callId: z.string(), callTags: z.array(z.string()), transactions: z.array(transactionSchema),
  dialogs: z.array(dialogSchema), unmatched: z.array(index), findings: z.array(findingSchema),
};
const callSchema = z.object({ ...callFields, messages: z.array(index) });
const savedCallSchema = z.object({
  version: z.literal(1), id: z.string().min(1), title: z.string(), sipCallId: z.string(), accountId: z.string().optional(),
  startedAt: z.number(), epochMs: z.number().optional(), media: z.array(mediaSummarySchema).default([]),
});
/** Version 2's one document (recent calls saved before JSON Lines). */
const documentSchema = z.object({
  version: z.literal(2), source: z.enum(['live', 'import']), t1: z.number().positive(), notes: z.array(z.string()),
  messages: z.array(documentMessageSchema), calls: z.array(callSchema), callscope: savedCallSchema.optional(),
});
/** JSON Lines (version 3, or 2 before calls carried media); a call's `media` is not read back. */
const recordSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('trace'), version: z.union([z.literal(2), z.literal(3)]), source: z.enum(['live', 'import']), format: z.string().optional(), t1: z.number().positive() }),
  z.object({ type: z.literal('call'), ...callFields, messages: z.array(recordMessageSchema) }),
  z.object({ type: z.literal('message'), ...messageFields, size: index, raw: z.string().optional(), rawBase64: base64.optional() }),
  z.object({ type: z.literal('summary'), messages: index, calls: index, notes: z.array(z.string()) }),
  z.object({ type: z.literal('callscope'), ...savedCallSchema.shape }),
]);

export type SavedCallInfo = z.output<typeof savedCallSchema>;

export interface CallFile {
  readonly model: TraceModel;
  readonly saved?: SavedCallInfo;
}

type FileMessage = z.output<typeof documentMessageSchema> | z.output<typeof recordMessageSchema>;

/** What either form holds, before its indices are checked. */
interface FileContent {
  readonly source: 'live' | 'import';
  readonly t1: number;
  readonly notes: readonly string[];
  readonly messages: ReadonlyArray<{ readonly message: Omit<FileMessage, 'raw' | 'rawBase64' | 'size'>; readonly raw: Uint8Array }>;
  readonly calls: ReadonlyArray<z.output<typeof callSchema>>;
  readonly callscope?: SavedCallInfo;
}

/** The JSON export of `model` (JSON Lines), with a record naming the saved call. */
export function callFileText(model: TraceModel, saved: Omit<SavedCallInfo, 'version' | 'media'> & { media: readonly MediaSummary[] }): string {
  const records = modelToJson(model);
  const summary = records.pop();
  return [...records, { type: 'callscope', version: 1, ...saved }, ...(summary ? [summary] : [])]
    .map((r) => `${JSON.stringify(r)}\n`).join('');
}

/** True when the bytes look like a JSON export: JSON Lines opening with its trace record, or version 2's one document. */
export function looksLikeCallFile(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).replace(/^\uFEFF/, '');
  return /^\s*\{\s*("version"\s*:|"type"\s*:\s*"trace")/.test(head);
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'record'}: ${issue.message}` : 'unexpected shape';
}

function messageBytes(m: { readonly raw?: string | undefined; readonly rawBase64?: string | undefined }): Uint8Array {
  return m.rawBase64 !== undefined ? new Uint8Array(Buffer.from(m.rawBase64, 'base64')) : new TextEncoder().encode(m.raw ?? '');
}

function fromDocument(json: unknown): FileContent | string {
  const parsed = documentSchema.safeParse(json);
  if (!parsed.success) return `not a Callscope JSON export (${issueText(parsed.error)})`;
  const file = parsed.data;
  return {
    source: file.source, t1: file.t1, notes: file.notes, calls: file.calls,
    messages: file.messages.map(({ rawBase64, ...message }) => ({ message, raw: messageBytes({ rawBase64 }) })),
    ...(file.callscope ? { callscope: file.callscope } : {}),
  };
}

function fromLines(lines: readonly string[]): FileContent | string {
  let trace: { source: 'live' | 'import'; t1: number } | undefined;
  let notes: readonly string[] | undefined;
  let callscope: SavedCallInfo | undefined;
  const messages: Array<FileContent['messages'][number]> = [];
  const calls: Array<z.output<typeof callSchema>> = [];
  const take = (m: z.output<typeof recordMessageSchema>): string | undefined => {
    const { raw: text, rawBase64, size, ...message } = m;
    const raw = messageBytes({ raw: text, rawBase64 });
    if (raw.length !== size) return `message ${m.index} has ${raw.length} bytes, its record says ${size}`;
    messages.push({ message, raw });
    return undefined;
  };
  for (const [i, line] of lines.entries()) {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      return `not valid JSON (line ${i + 1}: ${error instanceof Error ? error.message : String(error)})`;
    }
    const parsed = recordSchema.safeParse(json);
    if (!parsed.success) return `not a Callscope JSON export (line ${i + 1}: ${issueText(parsed.error)})`;
    const record = parsed.data;
    if (i === 0 && record.type !== 'trace') return 'not a Callscope JSON export (line 1: not a trace record)';
    if (notes !== undefined) return `damaged: line ${i + 1} follows the summary`;
    switch (record.type) {
      case 'trace':
        if (i !== 0) return `damaged: a second trace record on line ${i + 1}`;
        trace = { source: record.source, t1: record.t1 };
        break;
      case 'call': {
        const { type: _type, messages: own, ...call } = record;
        for (const m of own) {
          const problem = take(m);
          if (problem) return `damaged: ${problem}`;
        }
        calls.push({ ...call, messages: own.map((m) => m.index) });
        break;
      }
      case 'message': {
        const { type: _type, ...m } = record;
        if ((m.raw === undefined) === (m.rawBase64 === undefined)) return `not a Callscope JSON export (line ${i + 1}: a message needs its bytes once, raw or rawBase64)`;
        const problem = take(m);
        if (problem) return `damaged: ${problem}`;
        break;
      }
      case 'callscope': {
        const { type: _type, ...saved } = record;
        callscope = saved;
        break;
      }
      case 'summary':
        notes = record.notes;
        break;
    }
  }
  if (!trace) return 'not a Callscope JSON export (no trace record)';
  if (notes === undefined) return 'damaged: no summary record (the file was cut short)';
  messages.sort((a, b) => a.message.index - b.message.index);
  return { ...trace, notes, messages, calls, ...(callscope ? { callscope } : {}) };
}

/** Reads a JSON export; the reason when it is not one (or is damaged). */
export function parseCallFile(text: string): CallFile | string {
  const body = text.replace(/^\uFEFF/, '');
  let content: FileContent | string;
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    document = undefined;
  }
  if (document !== undefined && typeof document === 'object' && document !== null && !('type' in document)) {
    content = fromDocument(document);
  } else {
    content = fromLines(body.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== ''));
  }
  if (typeof content === 'string') return content;
  const file = content;
  // An export of one call keeps the trace's indices: number the messages 0.. again.
  const renumber = new Map<number, number>();
  file.messages.forEach((m, i) => renumber.set(m.message.index, i));
  if (renumber.size !== file.messages.length) return 'damaged: two messages have the same index';
  const to = (i: number): number => {
    const mapped = renumber.get(i);
    if (mapped === undefined) throw new RangeError(`message ${i} is referenced but not in the file`);
    return mapped;
  };
  try {
    const messages = file.messages.map(({ message, raw }, i): TraceMessage => ({ ...message, index: i, raw }));
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
