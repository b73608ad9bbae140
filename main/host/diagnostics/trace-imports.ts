// Traces the user imports: uploaded in base64 chunks (the bridge carries at most 256 KiB a
// message). A capture or text dump (pcap, pcapng, sngrep / sipdump / SIPp text) is read as
// its chunks arrive, by the streaming analysis (import-analysis.ts); a Callscope JSON export
// is read whole. Its calls are listed as `import:<upload>:<Call-ID>`, read-only.
// Uploads are capped in size and number and expire when abandoned; the last few imports
// stay in memory, bounded by count and by the bytes of their messages.
import { randomUUID } from 'node:crypto';
import { IMPORT_CHUNK_BYTES, type CallListItem, type ImportChunkResult } from '../../contract/diagnostics.js';
import type { TraceModel } from '../../../src/diagnostics/model-types.js';
import type { Clock, TimerHandle } from '../../../src/util/clock.js';
import { looksLikeCallFile, parseCallFile } from './call-file.js';
import { ImportAnalysis, type ImportedCall } from './import-analysis.js';
import { formatBytes, formatCount, type DiagnosticsLimits } from './limits.js';
import { rawBytesOf, storedListItem, withoutParsedMessages, type StoredCall } from './stored-call.js';
import { StoreError } from './types.js';

const SAFE_CALL_ID = /^[A-Za-z0-9_.:@-]{1,150}$/;
const MAX_NOTES = 50;
/** A Callscope JSON export is read whole (one JSON document): bounded as the whole-file import was. */
const CALL_FILE_MAX_BYTES = 64 * 1024 * 1024;
/** Enough of the start to tell a Callscope JSON export (looksLikeCallFile) from a trace. */
const DECIDE_BYTES = 64;

/** How an upload is read, decided by its first chunk. */
type UploadReader =
  /** Fewer bytes than it takes to tell a Callscope export from a trace. */
  | { readonly kind: 'undecided'; readonly head: Buffer[] }
  | { readonly kind: 'analysis'; readonly analysis: ImportAnalysis }
  /** A Callscope JSON export: one JSON document, read when it is whole. */
  | { readonly kind: 'call-file'; readonly chunks: Buffer[] };

interface Upload {
  readonly id: string;
  readonly fileName: string;
  reader: UploadReader;
  bytes: number;
  timer: TimerHandle;
}

interface ImportedTrace {
  readonly uploadId: string;
  readonly calls: Map<string, StoredCall>;
  readonly items: readonly CallListItem[];
  readonly bytes: number;
}

export interface ImportRequest {
  readonly uploadId?: string;
  readonly fileName: string;
  readonly data: string;
  readonly last: boolean;
}

export class TraceImports {
  private readonly uploads = new Map<string, Upload>();
  /** Oldest first. */
  private readonly imports = new Map<string, ImportedTrace>();

  constructor(private readonly options: {
    readonly clock: Clock;
    readonly limits: DiagnosticsLimits;
    readonly changed: () => void;
  }) {}

  chunk(request: ImportRequest): ImportChunkResult {
    const data = Buffer.from(request.data, 'base64');
    if (data.byteLength > IMPORT_CHUNK_BYTES) throw new StoreError('too-large', `a chunk may hold at most ${formatBytes(IMPORT_CHUNK_BYTES)}`);
    const upload = request.uploadId === undefined ? this.start(request.fileName) : this.uploads.get(request.uploadId);
    if (!upload) throw new StoreError('not-found', 'no import in progress with this id (it may have expired after a pause); start it again');
    const max = this.options.limits.importMaxBytes;
    if (upload.bytes + data.byteLength > max) {
      this.end(upload);
      throw new StoreError('too-large', `${request.fileName} is larger than ${formatBytes(max)}, the most Callscope imports; cut the capture to the calls you need (e.g. editcap or tshark -Y sip), or read it with \`callscope analyze\`, which streams files of any size`);
    }
    upload.bytes += data.byteLength;
    upload.timer.cancel();
    try {
      this.take(upload, data, request.last);
    } catch (error) {
      // Refused as soon as it is known (an unknown format shows in the first chunk): the rest need not be sent.
      this.end(upload);
      throw error;
    }
    if (!request.last) {
      upload.timer = this.expiry(upload.id);
      return { done: false, uploadId: upload.id, received: upload.bytes };
    }
    this.end(upload);
    return this.finish(upload);
  }

  /** Drops an upload in progress and what its analysis holds. */
  cancel(uploadId: string): boolean {
    const upload = this.uploads.get(uploadId);
    if (!upload) return false;
    this.end(upload);
    return true;
  }

  get(key: string): StoredCall | undefined {
    for (const trace of this.imports.values()) {
      const call = trace.calls.get(key);
      if (call) return call;
    }
    return undefined;
  }

  /** The newest import first; each import's calls in the order they start in its file. */
  list(): CallListItem[] {
    return [...this.imports.values()].reverse().flatMap((t) => t.items);
  }

  get stats(): { uploads: number; imports: number; bytes: number } {
    let bytes = 0;
    for (const trace of this.imports.values()) bytes += trace.bytes;
    return { uploads: this.uploads.size, imports: this.imports.size, bytes };
  }

  close(): void {
    for (const upload of this.uploads.values()) upload.timer.cancel();
    this.uploads.clear();
    this.imports.clear();
  }

  private start(fileName: string): Upload {
    if (this.uploads.size >= this.options.limits.concurrentUploads) {
      throw new StoreError('too-large', `at most ${this.options.limits.concurrentUploads} imports may be in progress at once; wait for one to finish`);
    }
    const id = randomUUID();
    const upload: Upload = { id, fileName, reader: { kind: 'undecided', head: [] }, bytes: 0, timer: this.expiry(id) };
    this.uploads.set(id, upload);
    return upload;
  }

  private expiry(id: string): TimerHandle {
    return this.options.clock.setTimer(this.options.limits.uploadIdleMs, () => this.uploads.delete(id));
  }

  private end(upload: Upload): void {
    upload.timer.cancel();
    this.uploads.delete(upload.id);
  }

  private take(upload: Upload, data: Buffer, last: boolean): void {
    if (upload.reader.kind === 'undecided') {
      upload.reader.head.push(data);
      if (upload.bytes < DECIDE_BYTES && !last) return;
      const head = Buffer.concat(upload.reader.head);
      upload.reader = looksLikeCallFile(head)
        ? { kind: 'call-file', chunks: [] }
        : { kind: 'analysis', analysis: this.analysis(upload) };
      data = head;
    }
    if (upload.reader.kind === 'call-file') {
      if (upload.bytes > CALL_FILE_MAX_BYTES) {
        throw new StoreError('too-large', `${upload.fileName} is a Callscope JSON export larger than ${formatBytes(CALL_FILE_MAX_BYTES)}, the most Callscope reads in this form (it is read whole); export the calls you need one by one`);
      }
      upload.reader.chunks.push(data);
    } else {
      upload.reader.analysis.push(data);
    }
  }

  private analysis(upload: Upload): ImportAnalysis {
    return new ImportAnalysis(upload.fileName, { openMessages: this.options.limits.importOpenMessages });
  }

  private finish(upload: Upload): ImportChunkResult {
    const { reader } = upload;
    let calls: StoredCall[];
    let notes: readonly string[];
    if (reader.kind === 'call-file') {
      const file = parseCallFile(Buffer.concat(reader.chunks).toString('utf8'));
      reader.chunks.length = 0;
      if (typeof file === 'string') throw new StoreError('invalid', `${upload.fileName}: ${file}`);
      const model = withoutParsedMessages(file.model);
      notes = model.notes;
      calls = this.callsOfModel(upload, model);
    } else {
      if (reader.kind !== 'analysis') throw new Error('an upload decides how it is read by its last chunk');
      const read = reader.analysis.end();
      notes = read.model.notes.length > MAX_NOTES
        ? [...read.model.notes.slice(0, MAX_NOTES), `${formatCount(read.model.notes.length - MAX_NOTES)} more notes`]
        : read.model.notes;
      calls = this.callsOfAnalysis(upload, read.calls, notes, read.model.t1);
    }
    const trace: ImportedTrace = {
      uploadId: upload.id, calls: new Map(calls.map((c) => [c.meta.key, c])),
      items: calls.map(storedListItem), bytes: calls.reduce((n, c) => n + c.bytes, 0),
    };
    this.imports.set(upload.id, trace);
    this.trim(upload.id);
    this.options.changed();
    const said = [...notes];
    if (calls.length === 0) said.push(`no SIP calls found in ${upload.fileName}`);
    return { done: true, calls: trace.items, notes: said };
  }

  /** A key per call that is safe in a URL and unique in its import. */
  private keys(upload: Upload, callIds: readonly string[]): string[] {
    const used = new Set<string>();
    return callIds.map((callId, i) => {
      let name = SAFE_CALL_ID.test(callId) ? callId : `call-${i + 1}`;
      while (used.has(name)) name = `${name}-${i + 1}`;
      used.add(name);
      return `import:${upload.id}:${name}`;
    });
  }

  /** The calls of a Callscope JSON export, which share its one model. */
  private callsOfModel(upload: Upload, model: TraceModel): StoredCall[] {
    const keys = this.keys(upload, model.calls.map((c) => c.callId));
    return model.calls.map((call, i) => {
      const key = keys[i]!;
      const first = model.messages[call.messages[0] ?? -1];
      return {
        meta: { key, source: 'import', title: call.callId, sipCallId: call.callId, startedAt: first?.at ?? 0, fileName: upload.fileName },
        model, callId: call.callId, media: [], bytes: rawBytesOf(model, call.messages),
      };
    });
  }

  /** The calls of an analysed trace, each its own model; the trace's notes are every call's. */
  private callsOfAnalysis(upload: Upload, calls: readonly ImportedCall[], notes: readonly string[], t1: number): StoredCall[] {
    const keys = this.keys(upload, calls.map((c) => c.callId));
    return calls.map((imported, i) => {
      const key = keys[i]!;
      const model: TraceModel = { source: 'import', notes, messages: imported.messages, calls: [imported.call], t1 };
      return {
        meta: { key, source: 'import', title: imported.callId, sipCallId: imported.callId, startedAt: imported.messages[0]?.at ?? 0, fileName: upload.fileName },
        model, callId: imported.callId, media: [], bytes: imported.bytes,
      };
    });
  }

  /** Drops the oldest imports beyond the count and byte budgets (never `keep`). */
  private trim(keep: string): void {
    const { imports, importBytes } = this.options.limits;
    let bytes = this.stats.bytes;
    for (const [id, trace] of this.imports) {
      if (this.imports.size <= imports && bytes <= importBytes) return;
      if (id === keep) continue;
      this.imports.delete(id);
      bytes -= trace.bytes;
    }
  }
}
