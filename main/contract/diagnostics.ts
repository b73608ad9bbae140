// Per-call diagnostics in the app API. A page lists the calls the host has diagnostics
// for (live, recent — kept on disk —, imported), subscribes to one (a snapshot, then
// batched incremental updates: new messages appended, changed transactions replaced), and
// fetches a message's full text only when it is shown. The model's shapes are the
// diagnostics layer's own (src/diagnostics/model-types.ts), minus the raw bytes.
import { z } from 'zod';
import type { DialogModel, Finding, TransactionModel } from '../../src/diagnostics/model-types.js';
import type { MediaSummary } from './media.js';

export const diagnosticsKeySchema = z.string().regex(/^(live|recent|import):[A-Za-z0-9_.:@-]{1,200}$/, 'must be a diagnostics key');

export const subscribeCallRequestSchema = z.strictObject({ key: diagnosticsKeySchema });
export const unsubscribeCallRequestSchema = z.strictObject({ subscriptionId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
export const getMessageRequestSchema = z.strictObject({ key: diagnosticsKeySchema, index: z.number().int().nonnegative().max(10_000_000) });
export const exportCallRequestSchema = z.strictObject({
  key: diagnosticsKeySchema,
  format: z.enum(['pcap', 'text', 'json']),
});

/**
 * Imports travel in chunks (the bridge takes at most 256 KiB a message); the host refuses more
 * than IMPORT_MAX_BYTES. The host reads a trace as its chunks arrive (the streaming analysis
 * `callscope analyze` uses) but keeps every call of it for the panel: about 8 times the file's
 * size at its peak (302 MB for a 38 MB capture of 100k messages in `npm run bench`; reading the
 * whole file at once took 615 MB), so the bound keeps the host well inside its heap. Larger
 * captures are for `callscope analyze`, which keeps nothing but the calls open at once.
 */
export const IMPORT_CHUNK_BYTES = 128 * 1024;
export const IMPORT_MAX_BYTES = 128 * 1024 * 1024;
export const importChunkRequestSchema = z.strictObject({
  /** Absent on the first chunk; the host's answer names the upload. */
  uploadId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/).optional(),
  fileName: z.string().trim().min(1).max(255).regex(/^[^\p{Cc}/\\]+$/u, 'must be a file name'),
  /** Base64 of at most IMPORT_CHUNK_BYTES bytes. */
  data: z.string().max(Math.ceil(IMPORT_CHUNK_BYTES / 3) * 4, 'is too large').regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
  last: z.boolean(),
});

/** Stops an import in progress: the host forgets what it read of it. */
export const cancelImportRequestSchema = z.strictObject({
  uploadId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
});

export type DiagnosticsSource = 'live' | 'recent' | 'import';
export type Severity = Finding['severity'];

export interface CallListItem {
  /** `live:<call id>`, `recent:<call id>`, `import:<upload>:<Call-ID>`. */
  readonly key: string;
  readonly source: DiagnosticsSource;
  /** "alice → sip:bob@example.com", or the Call-ID for an import. */
  readonly title: string;
  readonly sipCallId: string;
  readonly accountId?: string;
  /** ms since the epoch (live and recent), or the capture's time. */
  readonly startedAt: number;
  readonly messageCount: number;
  readonly findingCount: number;
  readonly worst?: Severity;
  /** The call is still up (live). */
  readonly active: boolean;
  /** Imported from this file. */
  readonly fileName?: string;
}

/** A message without its bytes: enough for a ladder row; `getMessage` gives the text. */
export interface MessageSummary {
  readonly index: number;
  /** ms: live and recent calls on the host's monotonic clock; imports since the epoch. */
  readonly at: number;
  readonly direction: 'sent' | 'received' | 'observed';
  readonly src?: string;
  readonly dst?: string;
  readonly transport: string;
  readonly startLine: string;
  readonly bytes: number;
  readonly transactionId?: string;
  readonly retransmission: boolean;
  readonly parseError?: string;
  /** A one-line summary of its SDP: codecs, direction, media address. */
  readonly sdp?: string;
}

export interface CallDiagnostics {
  readonly key: string;
  readonly title: string;
  readonly source: DiagnosticsSource;
  readonly sipCallId: string;
  /** T1 used for timing judgements (ms). */
  readonly t1: number;
  /** What was dropped or skipped, in words. */
  readonly notes: readonly string[];
  readonly messages: readonly MessageSummary[];
  readonly transactions: readonly TransactionModel[];
  readonly dialogs: readonly DialogModel[];
  readonly findings: readonly Finding[];
  readonly media: readonly MediaSummary[];
}

/** A batch of changes to a subscribed call: messages appended in order, the rest replaced. */
export interface CallDiagnosticsUpdate {
  readonly subscriptionId: number;
  /** Increases by one per update of this subscription. */
  readonly seq: number;
  readonly messages: readonly MessageSummary[];
  /** Changed transactions, whole (replace by id). */
  readonly transactions: readonly TransactionModel[];
  /** Present when they changed: replace. */
  readonly dialogs?: readonly DialogModel[];
  readonly findings?: readonly Finding[];
  readonly notes?: readonly string[];
  readonly media: readonly MediaSummary[];
}

export interface SubscribeCallResult {
  readonly subscriptionId: number;
  readonly snapshot: CallDiagnostics;
}

export interface MessageText {
  readonly index: number;
  /** The message as text (invalid UTF-8 shown as U+FFFD), at most 256 KiB. */
  readonly text: string;
  readonly truncated: boolean;
  readonly parseError?: string;
}

export interface ExportedFile {
  readonly fileName: string;
  readonly mimeType: string;
  /** Base64 of the file. */
  readonly data: string;
}

export type ImportChunkResult =
  | { readonly done: false; readonly uploadId: string; readonly received: number }
  | { readonly done: true; readonly calls: readonly CallListItem[]; readonly notes: readonly string[] };
