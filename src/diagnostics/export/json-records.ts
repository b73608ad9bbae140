// The JSON export, version 3: JSON Lines (one JSON object per line), so that a
// trace of any size is written — and read — one call at a time.
//   {"type":"trace","version":3,"source":"import","format":"pcap","t1":500}
//   {"type":"call","callId":...,"messages":[{index,...,raw}],"transactions":[...],"dialogs":[...],"findings":[...],"media":{...}}
//   {"type":"message",...}   a message that belongs to no call (unreadable Call-ID)
//   {"type":"summary","messages":N,"calls":M,"notes":[...]}
// A message carries its bytes once: `raw` as text when they are valid UTF-8
// (nearly always: SIP is text), else `rawBase64`. Indices (a call's
// transactions, dialogs and findings) are the messages' `index` values.
// A call's `media` (its RTP streams from a capture matched by its SDPs, STUN/DTLS
// flows, or the media owner's reports live, with the ICE/DTLS history) is there
// when the source had any.
// Version 1 was one JSON document with every message twice (raw and base64);
// version 2 was either that document with calls' `media`, or these JSON Lines
// without it (two lines of work merged as 3).
import type { CallModel, TraceMessage } from '../model-types.js';

export const JSON_EXPORT_VERSION = 3;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** One message: its place, addresses, first line, matching, and its bytes once. */
export function messageRecord(m: TraceMessage): Record<string, unknown> {
  let text: string | undefined;
  try {
    text = strictUtf8.decode(m.raw);
  } catch {
    text = undefined;
  }
  return {
    index: m.index, at: m.at, direction: m.direction, transport: m.transport,
    ...(m.src ? { src: m.src } : {}), ...(m.dst ? { dst: m.dst } : {}),
    startLine: m.startLine, retransmission: m.retransmission,
    ...(m.callId === undefined ? {} : { callId: m.callId }),
    ...(m.transactionId === undefined ? {} : { transactionId: m.transactionId }),
    ...(m.parseError === undefined ? {} : { parseError: m.parseError }),
    size: m.raw.length,
    ...(text === undefined ? { rawBase64: Buffer.from(m.raw).toString('base64') } : { raw: text }),
  };
}

export function traceRecord(info: { readonly source: 'live' | 'import'; readonly t1: number; readonly format?: string }): Record<string, unknown> {
  return { type: 'trace', version: JSON_EXPORT_VERSION, source: info.source, ...(info.format ? { format: info.format } : {}), t1: info.t1 };
}

/** A call with its messages inside it (in the call's order). */
export function callRecord(call: CallModel, messages: readonly TraceMessage[]): Record<string, unknown> {
  const { messages: _indices, ...rest } = call;
  return {
    type: 'call', ...rest, messages: messages.map(messageRecord),
    findingsSummary: call.findings.length === 0 ? 'no findings' : `${call.findings.length} finding(s)`,
  };
}

export function orphanRecord(m: TraceMessage): Record<string, unknown> {
  return { type: 'message', ...messageRecord(m) };
}

export function summaryRecord(summary: { readonly messages: number; readonly calls: number; readonly notes: readonly string[] }): Record<string, unknown> {
  return { type: 'summary', messages: summary.messages, calls: summary.calls, notes: summary.notes };
}
