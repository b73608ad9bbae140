// JSON export: the model as data (messages with their raw bytes as text and
// base64, calls with transactions, dialogs, media and findings), for tools and tests.
import { bytesToByteString } from '../../message/bytes.js';
import type { TraceModel } from '../model-types.js';
import { selectCalls, type ExportSelection } from './select.js';

/** 2: calls carry `media` (their RTP stream summaries, STUN/DTLS flows, live ICE/DTLS history) when the source had any. */
export const JSON_EXPORT_VERSION = 2;

export function modelToJson(model: TraceModel, selection: ExportSelection = {}): unknown {
  const calls = selectCalls(model, selection);
  const wanted = new Set(calls.flatMap((c) => c.messages));
  const messages = model.messages
    .filter((m) => selection.callId === undefined || wanted.has(m.index))
    .map(({ sip: _sip, raw, ...rest }) => ({
      ...rest,
      raw: new TextDecoder().decode(raw),
      rawBase64: Buffer.from(raw).toString('base64'),
      ...(rest.parseError === undefined ? {} : { parseError: rest.parseError }),
      latin1Length: bytesToByteString(raw).length,
    }));
  return {
    version: JSON_EXPORT_VERSION,
    source: model.source,
    t1: model.t1,
    notes: model.notes,
    messages,
    calls: calls.map((c) => ({ ...c, findingsSummary: c.findings.length === 0 ? 'no findings' : `${c.findings.length} finding(s)` })),
  };
}

export function exportJson(model: TraceModel, selection: ExportSelection = {}): string {
  return `${JSON.stringify(modelToJson(model, selection), null, 2)}\n`;
}
