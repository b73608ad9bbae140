// One call's diagnostics as a file to save: pcap (Wireshark, tshark, sngrep), sngrep-style
// text, or Callscope's JSON, with a name that is safe anywhere:
// `callscope-20240501-120000-<call id>.pcap`. Exports hold what went over the wire; the
// stack never puts a password there (digest responses are hashes).
import type { ExportedFile } from '../../contract/diagnostics.js';
import { exportJson } from '../../../src/diagnostics/export/json-export.js';
import { exportPcap } from '../../../src/diagnostics/export/pcap-export.js';
import { exportText } from '../../../src/diagnostics/export/text-export.js';
import type { TraceModel } from '../../../src/diagnostics/model-types.js';

export type ExportFormat = 'pcap' | 'text' | 'json';

export interface ExportSubject {
  readonly model: TraceModel;
  /** Only this call of the model (imports hold several). */
  readonly callId?: string;
  /** Wall-clock ms of a live model's time 0. */
  readonly epochMs?: number;
  /** ms since the epoch, for the file name. */
  readonly startedAt: number;
  readonly sipCallId: string;
}

const FORMATS: Readonly<Record<ExportFormat, { extension: string; mimeType: string }>> = {
  pcap: { extension: 'pcap', mimeType: 'application/vnd.tcpdump.pcap' },
  text: { extension: 'txt', mimeType: 'text/plain; charset=utf-8' },
  json: { extension: 'json', mimeType: 'application/json' },
};

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** A file name without path separators, dots in front or characters a file system may refuse. */
export function exportFileName(startedAt: number, sipCallId: string, format: ExportFormat): string {
  const d = new Date(Number.isFinite(startedAt) ? startedAt : 0);
  const date = `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}-${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`;
  const id = sipCallId.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[._]+/, '').slice(0, 64) || 'call';
  return `callscope-${date}-${id}.${FORMATS[format].extension}`;
}

export function exportCallFile(subject: ExportSubject, format: ExportFormat): ExportedFile {
  const selection = {
    ...(subject.callId === undefined ? {} : { callId: subject.callId }),
    ...(subject.epochMs === undefined ? {} : { epochMs: subject.epochMs }),
  };
  let data: Buffer;
  switch (format) {
    case 'pcap':
      data = Buffer.from(exportPcap(subject.model, selection));
      break;
    case 'text':
      // One char per byte (latin1): the messages' own bytes come back exactly.
      data = Buffer.from(exportText(subject.model, selection), 'latin1');
      break;
    case 'json':
      data = Buffer.from(exportJson(subject.model, subject.callId === undefined ? {} : { callId: subject.callId }), 'utf8');
      break;
  }
  return { fileName: exportFileName(subject.startedAt, subject.sipCallId, format), mimeType: FORMATS[format].mimeType, data: data.toString('base64') };
}
