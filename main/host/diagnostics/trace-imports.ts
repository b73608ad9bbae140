// Traces the user imports: uploaded in base64 chunks (the bridge carries at most 256 KiB a
// message), read with importTrace (pcap, pcapng, sngrep / sipdump / SIPp text) or as a
// Callscope JSON export, then listed per call as `import:<upload>:<Call-ID>`, read-only.
// Uploads are capped in size and number and expire when abandoned; the last few imports
// stay in memory, bounded by count and by the bytes of their messages.
import { randomUUID } from 'node:crypto';
import { IMPORT_CHUNK_BYTES, type CallListItem, type ImportChunkResult } from '../../contract/diagnostics.js';
import { importTrace } from '../../../src/diagnostics/import/trace-import.js';
import type { TraceModel } from '../../../src/diagnostics/model-types.js';
import type { Clock, TimerHandle } from '../../../src/util/clock.js';
import { looksLikeCallFile, parseCallFile } from './call-file.js';
import { formatBytes, formatCount, type DiagnosticsLimits } from './limits.js';
import { rawBytesOf, storedListItem, withoutParsedMessages, type StoredCall } from './stored-call.js';
import { StoreError } from './types.js';

const SAFE_CALL_ID = /^[A-Za-z0-9_.:@-]{1,150}$/;
const MAX_NOTES = 50;

interface Upload {
  readonly id: string;
  readonly fileName: string;
  readonly chunks: Buffer[];
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
    upload.chunks.push(data);
    upload.bytes += data.byteLength;
    upload.timer.cancel();
    if (!request.last) {
      upload.timer = this.expiry(upload.id);
      return { done: false, uploadId: upload.id, received: upload.bytes };
    }
    this.end(upload);
    return this.read(upload);
  }

  get(key: string): StoredCall | undefined {
    for (const trace of this.imports.values()) {
      const call = trace.calls.get(key);
      if (call) return call;
    }
    return undefined;
  }

  list(): CallListItem[] {
    return [...this.imports.values()].flatMap((t) => t.items);
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
    const upload: Upload = { id, fileName, chunks: [], bytes: 0, timer: this.expiry(id) };
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

  private read(upload: Upload): ImportChunkResult {
    const bytes = Buffer.concat(upload.chunks);
    upload.chunks.length = 0;
    let model: TraceModel;
    if (looksLikeCallFile(bytes)) {
      const file = parseCallFile(bytes.toString('utf8'));
      if (typeof file === 'string') throw new StoreError('invalid', `${upload.fileName}: ${file}`);
      model = file.model;
    } else {
      const imported = importTrace(bytes);
      if (!imported.ok) throw new StoreError('invalid', `${upload.fileName}: ${imported.reason}`);
      model = imported.model;
    }
    model = withoutParsedMessages(model);
    const trace = this.keep(upload, model);
    this.imports.set(upload.id, trace);
    this.trim(upload.id);
    this.options.changed();
    const notes = model.notes.length > MAX_NOTES
      ? [...model.notes.slice(0, MAX_NOTES), `${formatCount(model.notes.length - MAX_NOTES)} more notes`]
      : [...model.notes];
    if (model.calls.length === 0) notes.push(`no SIP calls found in ${upload.fileName}`);
    return { done: true, calls: trace.items, notes };
  }

  private keep(upload: Upload, model: TraceModel): ImportedTrace {
    const calls = new Map<string, StoredCall>();
    const used = new Set<string>();
    model.calls.forEach((call, i) => {
      let name = SAFE_CALL_ID.test(call.callId) ? call.callId : `call-${i + 1}`;
      while (used.has(name)) name = `${name}-${i + 1}`;
      used.add(name);
      const key = `import:${upload.id}:${name}`;
      const first = model.messages[call.messages[0] ?? -1];
      calls.set(key, {
        meta: { key, source: 'import', title: call.callId, sipCallId: call.callId, startedAt: first?.at ?? 0, fileName: upload.fileName },
        model, callId: call.callId, media: [], bytes: rawBytesOf(model, call.messages),
      });
    });
    return { uploadId: upload.id, calls, items: [...calls.values()].map(storedListItem), bytes: rawBytesOf(model) };
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
