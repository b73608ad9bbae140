// Text export in sngrep's text format (readable by eye, and by Callscope's
// importer): a line "YYYY/MM/DD HH:MM:SS.uuuuuu SRC -> DST", the message, a
// blank line. Addresses a live model does not know are written as `local`.
import { bytesToByteString } from '../../message/bytes.js';
import type { Endpoint, TraceMessage, TraceModel } from '../model-types.js';
import { selectMessages, type ExportSelection } from './select.js';

export interface TextExportOptions extends ExportSelection {
  /** This user agent's address for live models (default 127.0.0.1:5060). */
  readonly local?: Endpoint;
  /** Unix time (ms) of a live model's time 0 (default: now minus the last message's time). */
  readonly epochMs?: number;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

export function formatTimestamp(ms: number): string {
  const total = Math.round(ms * 1000);
  const seconds = Math.floor(total / 1e6);
  const d = new Date(seconds * 1000);
  return `${d.getUTCFullYear()}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())} `
    + `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(total - seconds * 1e6).padStart(6, '0')}`;
}

function endpointText(e: Endpoint): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

/** One message in sngrep's text format; `local` stands in for an unknown address. */
export function textRecord(m: Pick<TraceMessage, 'at' | 'src' | 'dst' | 'raw'>, local: Endpoint, offsetMs = 0): string {
  return `${formatTimestamp(m.at + offsetMs)} ${endpointText(m.src ?? local)} -> ${endpointText(m.dst ?? local)}\n${bytesToByteString(m.raw)}\n\n`;
}

export function exportText(model: TraceModel, options: TextExportOptions = {}): string {
  const local = options.local ?? { transport: 'UDP', address: '127.0.0.1', port: 5060 };
  const last = model.messages[model.messages.length - 1]?.at ?? 0;
  const offset = model.source === 'live' ? (options.epochMs ?? Date.now() - last) : 0;
  return selectMessages(model, options).map((m) => textRecord(m, local, offset)).join('');
}
