// One entry for every importer: recognises the file by its content (not its
// name) and returns the model, or a reason it could not read the file.
import type { FindingOptions } from '../findings/run-findings.js';
import { buildTraceModel } from '../model-builder.js';
import type { TraceModel } from '../model-types.js';
import { captureFormatOf } from './capture-file.js';
import type { ImportOptions, TraceFormat } from './imported-trace.js';
import { importCapture } from './pcap-import.js';
import { importTextDump, textFormatOf } from './text-dumps.js';

export type { ImportOptions, TraceFormat } from './imported-trace.js';

export interface TraceImportOptions extends ImportOptions {
  readonly findings?: FindingOptions;
}

export type TraceImport =
  | { readonly ok: true; readonly format: TraceFormat; readonly model: TraceModel }
  | { readonly ok: false; readonly reason: string };

export function detectTraceFormat(bytes: Uint8Array): TraceFormat | undefined {
  return captureFormatOf(bytes) ?? textFormatOf(new TextDecoder('latin1').decode(bytes.subarray(0, 4096)));
}

/** Reads a trace file's bytes. Never throws: garbage gives `{ ok: false, reason }`. */
export function importTrace(bytes: Uint8Array, options: TraceImportOptions = {}): TraceImport {
  try {
    const format = detectTraceFormat(bytes);
    if (!format) {
      return { ok: false, reason: 'unknown file format: expected pcap, pcapng, an sngrep text export, a Kamailio sipdump text file or a SIPp -trace_msg log' };
    }
    const imported = format === 'pcap' || format === 'pcapng' ? importCapture(bytes, options) : importTextDump(bytes, options);
    if (typeof imported === 'string') return { ok: false, reason: imported };
    const model = buildTraceModel({
      source: 'import', messages: imported.messages, notes: imported.notes,
      ...(imported.media ? { media: imported.media } : {}),
      ...(options.findings?.t1 === undefined ? {} : { t1: options.findings.t1 }),
      ...(options.findings ? { findings: options.findings } : {}),
    });
    return { ok: true, format, model };
  } catch (error) {
    // A bug, not the file's fault; still no crash for the caller.
    return { ok: false, reason: `internal error while reading the trace: ${error instanceof Error ? error.message : String(error)}` };
  }
}
