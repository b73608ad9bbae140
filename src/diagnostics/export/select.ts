// Which messages an export covers: one call (by Call-ID) or the whole trace.
import type { CallModel, TraceMessage, TraceModel } from '../model-types.js';

export interface ExportSelection {
  /** Only this call; default every message of the trace. */
  readonly callId?: string;
}

export function selectCalls(model: TraceModel, selection: ExportSelection): CallModel[] {
  return model.calls.filter((c) => selection.callId === undefined || c.callId === selection.callId);
}

export function selectMessages(model: TraceModel, selection: ExportSelection): TraceMessage[] {
  if (selection.callId === undefined) return [...model.messages];
  const call = model.calls.find((c) => c.callId === selection.callId);
  return call ? call.messages.map((i) => model.messages[i]!) : [];
}
