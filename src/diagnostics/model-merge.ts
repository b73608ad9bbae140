// Models built one call at a time, put back together. The live recorder and
// the streaming analysis build each call's model from that call's messages
// alone (indices 0..n-1); a message's place in the whole trace is another
// number. These helpers move a call's model to the trace's indices, and merge
// calls into one model in trace order.
import type { CallModel, DialogModel, Finding, TraceMessage, TraceModel, TransactionModel } from './model-types.js';

/** Index `i` of a call's own model, as the index in the whole trace. */
export type IndexMap = (local: number) => number;

function dialogAt(d: DialogModel, at: IndexMap): DialogModel {
  return {
    ...d, createdBy: at(d.createdBy),
    ...(d.confirmedBy === undefined ? {} : { confirmedBy: at(d.confirmedBy) }),
    ...(d.terminatedBy === undefined ? {} : { terminatedBy: at(d.terminatedBy) }),
  };
}

function transactionAt(tx: TransactionModel, at: IndexMap): TransactionModel {
  return { ...tx, messages: tx.messages.map(at) };
}

function findingAt(f: Finding, at: IndexMap): Finding {
  return { ...f, messages: f.messages.map(at) };
}

/** A call's model with every message index moved by `at`. */
export function callAt(call: CallModel, at: IndexMap): CallModel {
  return {
    ...call,
    messages: call.messages.map(at),
    unmatched: call.unmatched.map(at),
    transactions: call.transactions.map((tx) => transactionAt(tx, at)),
    dialogs: call.dialogs.map((d) => dialogAt(d, at)),
    findings: call.findings.map((f) => findingAt(f, at)),
  };
}

/** A message with its index in the whole trace. */
export function messageAt(message: TraceMessage, index: number): TraceMessage {
  return message.index === index ? message : { ...message, index };
}

/** One part of a merge: a model built from some messages, and each message's order key in the whole trace. */
export interface ModelPart {
  readonly model: TraceModel;
  /** Order keys of `model.messages`, ascending (the recorder's sequence numbers, or capture positions). */
  readonly keys: readonly number[];
}

/**
 * Merges models built from disjoint sets of messages into one, with messages in
 * order of their keys and every index (calls, transactions, dialogs, findings)
 * pointing into the merged list. Calls keep the order of their first message.
 */
export function mergeModels(parts: readonly ModelPart[], base: Pick<TraceModel, 'source' | 'notes' | 't1'>): TraceModel {
  const order: Array<{ part: number; local: number; key: number }> = [];
  parts.forEach((p, part) => p.keys.forEach((key, local) => order.push({ part, local, key })));
  order.sort((a, b) => a.key - b.key);
  const global = parts.map((p) => new Array<number>(p.model.messages.length));
  const messages: TraceMessage[] = order.map(({ part, local }, index) => {
    global[part]![local] = index;
    return messageAt(parts[part]!.model.messages[local]!, index);
  });
  const calls: Array<{ first: number; call: CallModel }> = [];
  parts.forEach((p, part) => {
    const at: IndexMap = (local) => global[part]![local]!;
    for (const call of p.model.calls) {
      const moved = callAt(call, at);
      calls.push({ first: moved.messages[0] ?? Number.MAX_SAFE_INTEGER, call: moved });
    }
  });
  calls.sort((a, b) => a.first - b.first);
  return { ...base, messages, calls: calls.map((c) => c.call) };
}
