// JSON export of a whole model (the library's): the same JSON Lines records as
// `callscope analyze --json` streams (json-records.ts, version 3: calls carry their media).
import type { TraceModel } from '../model-types.js';
import { callRecord, orphanRecord, summaryRecord, traceRecord } from './json-records.js';
import { selectCalls, type ExportSelection } from './select.js';

export { JSON_EXPORT_VERSION } from './json-records.js';

/** The records, in order: the trace, each call (with its messages), messages of no call, the summary. */
export function modelToJson(model: TraceModel, selection: ExportSelection = {}): Record<string, unknown>[] {
  const calls = selectCalls(model, selection);
  const orphans = selection.callId === undefined ? model.messages.filter((m) => m.callId === undefined) : [];
  return [
    traceRecord(model),
    ...calls.map((c) => callRecord(c, c.messages.map((i) => model.messages[i]!))),
    ...orphans.map(orphanRecord),
    summaryRecord({ messages: selection.callId === undefined ? model.messages.length : calls.reduce((n, c) => n + c.messages.length, 0), calls: calls.length, notes: model.notes }),
  ];
}

/** JSON Lines: one record per line. */
export function exportJson(model: TraceModel, selection: ExportSelection = {}): string {
  return modelToJson(model, selection).map((r) => `${JSON.stringify(r)}\n`).join('');
}
