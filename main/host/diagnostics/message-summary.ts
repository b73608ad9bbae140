// A message as a ladder row (MessageSummary: no bytes), and as text for the message pane
// (MessageText: at most 256 KiB, invalid UTF-8 shown as U+FFFD). The same functions serve
// live calls (call-view.ts) and stored ones (recent and imported models).
import type { MessageSummary, MessageText } from '../../contract/diagnostics.js';
import type { Endpoint, TraceMessage } from '../../../src/diagnostics/model-types.js';
import { bytesToByteString } from '../../../src/message/bytes.js';
import { summarizeSdp } from './sdp-summary.js';

export const MESSAGE_TEXT_MAX_BYTES = 256 * 1024;

/** "127.0.0.1:5060", "[2001:db8::1]:5060". */
export function endpointLabel(e: Endpoint): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

/** The start line of bytes that may not parse (what the model builder shows for them). */
export function firstLine(raw: Uint8Array): string {
  let end = raw.indexOf(0x0d);
  if (end < 0 || end > 300) end = Math.min(raw.length, 300);
  return bytesToByteString(raw.subarray(0, end));
}

export interface SummaryFields {
  readonly index: number;
  readonly at: number;
  readonly direction: MessageSummary['direction'];
  readonly src?: Endpoint | undefined;
  readonly dst?: Endpoint | undefined;
  readonly transport: string;
  readonly raw: Uint8Array;
  readonly startLine: string;
  readonly transactionId?: string | undefined;
  readonly retransmission: boolean;
  readonly parseError?: string | undefined;
}

export function summarize(fields: SummaryFields): MessageSummary {
  const sdp = summarizeSdp(fields.raw);
  return {
    index: fields.index, at: fields.at, direction: fields.direction, transport: fields.transport,
    startLine: fields.startLine, bytes: fields.raw.byteLength, retransmission: fields.retransmission,
    ...(fields.src ? { src: endpointLabel(fields.src) } : {}),
    ...(fields.dst ? { dst: endpointLabel(fields.dst) } : {}),
    ...(fields.transactionId === undefined ? {} : { transactionId: fields.transactionId }),
    ...(fields.parseError === undefined ? {} : { parseError: fields.parseError }),
    ...(sdp === undefined ? {} : { sdp }),
  };
}

export function summarizeTraceMessage(m: TraceMessage): MessageSummary {
  return summarize(m);
}

/** The longest prefix of at most `max` bytes that does not cut a UTF-8 sequence in two. */
function utf8Prefix(raw: Uint8Array, max: number): Uint8Array {
  if (raw.byteLength <= max) return raw;
  let end = max;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut sequence, at most 3.
  for (let back = 0; back < 3 && end > 0 && (raw[end]! & 0xc0) === 0x80; back++) end--;
  return raw.subarray(0, end);
}

export function messageText(index: number, raw: Uint8Array, parseError?: string): MessageText {
  const truncated = raw.byteLength > MESSAGE_TEXT_MAX_BYTES;
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(utf8Prefix(raw, MESSAGE_TEXT_MAX_BYTES));
  return { index, text, truncated, ...(parseError === undefined ? {} : { parseError }) };
}
