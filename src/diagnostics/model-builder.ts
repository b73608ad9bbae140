// The model builder: one pure function from messages (and, when live, the
// transactions the stream announced) to the per-call model. Both the live
// recorder and the importers end here, so every view sees one model.
import { parseMessage } from '../message/index.js';
import type { SipMessage } from '../message/index.js';
import { bytesToByteString } from '../message/bytes.js';
import { buildDialogs } from './dialog-builder.js';
import { runFindings, type FindingOptions } from './findings/run-findings.js';
import type {
  CallModel, Endpoint, MessageDirection, StateChange, TimerRecord, TraceMessage, TraceModel, TransactionModel,
} from './model-types.js';
import { clientKeyOfResponse, legacyKeyOf, matchKeyOf, serverKey } from './transaction-matching.js';
import { initialState, replayStates, type ReplayRole, type ReplayStep } from './transaction-replay.js';
import type { MediaEvidence } from './media/capture-media.js';
import type { TransactionKind, TransactionRole } from '../trace/events.js';

/** One message handed to the builder. */
export interface MessageInput {
  readonly at: number;
  readonly direction: MessageDirection;
  readonly src?: Endpoint;
  readonly dst?: Endpoint;
  readonly transport: string;
  readonly raw: Uint8Array;
  /** Live: the stack's transaction that sent it. */
  readonly stackTransactionId?: string;
  /** Live: the stream stated it was a retransmission (sent or absorbed). */
  readonly statedRetransmission?: boolean;
  /** Live: the stream reported it malformed (or discarded) with this reason. */
  readonly malformedReason?: string;
}

/** A transaction the stream announced, with what the stream said about it. */
export interface StreamTransaction {
  readonly id: string;
  readonly key: string;
  readonly method: string;
  readonly role: TransactionRole;
  readonly kind: TransactionKind;
  readonly transport: string;
  readonly callId: string;
  readonly callTag?: string;
  readonly createdAt: number;
  /** How many messages the stream had reported when it was created. */
  readonly messagesBefore: number;
  readonly states: readonly StateChange[];
  readonly timers: readonly TimerRecord[];
}

export interface BuildInput {
  readonly source: 'live' | 'import';
  readonly messages: readonly MessageInput[];
  readonly transactions?: readonly StreamTransaction[];
  readonly notes?: readonly string[];
  /** T1 in ms (default 500). */
  readonly t1?: number;
  readonly findings?: FindingOptions;
  /** The calls' media: RTP in a capture, or the media owner's reports (live). */
  readonly media?: MediaEvidence;
}

interface TxDraft {
  id: string;
  key: string;
  matchKey: string;
  method: string;
  role: 'client' | 'server' | 'observed';
  kind: TransactionKind;
  transport: string;
  callId: string;
  callTag?: string;
  stream?: StreamTransaction;
  legacyKey: string;
  messages: number[];
  seen: Set<string>;
  client?: Endpoint;
  server?: Endpoint;
  branch?: string;
  cseq?: number;
  finalStatus?: number;
}

interface MsgDraft {
  input: MessageInput;
  index: number;
  sip?: SipMessage;
  parseError?: string;
  callId?: string;
  tx?: TxDraft;
  retransmission: boolean;
}

const CALL_ID_LINE = /^(?:Call-ID|i)[ \t]*:[ \t]*(\S+)/im;

function firstLine(raw: Uint8Array): string {
  let end = raw.indexOf(0x0d);
  if (end < 0 || end > 300) end = Math.min(raw.length, 300);
  return bytesToByteString(raw.subarray(0, end));
}

function endpointText(e: Endpoint | undefined): string {
  return e ? `${e.transport}:${e.address}:${e.port}` : '';
}

function roleOf(direction: MessageDirection): ReplayRole {
  return direction === 'sent' ? 'client' : direction === 'received' ? 'server' : 'observed';
}

function parse(input: MessageInput): Pick<MsgDraft, 'sip' | 'parseError' | 'callId'> {
  const parsed = parseMessage(input.raw);
  if (parsed.ok) {
    if (input.malformedReason) return { sip: parsed.value, parseError: input.malformedReason, callId: parsed.value.callId };
    return { sip: parsed.value, callId: parsed.value.callId };
  }
  const text = bytesToByteString(input.raw.subarray(0, 4096));
  const callId = CALL_ID_LINE.exec(text)?.[1];
  return { parseError: input.malformedReason ?? parsed.error.message, ...(callId ? { callId } : {}) };
}

export function buildTraceModel(input: BuildInput): TraceModel {
  const live = input.transactions !== undefined;
  const drafts: MsgDraft[] = input.messages.map((m, index) => ({ input: m, index, retransmission: false, ...parse(m) }));
  const txs: TxDraft[] = [];
  const byStackId = new Map<string, TxDraft>();
  const byMatchKey = new Map<string, TxDraft>();
  const byLegacyKey = new Map<string, TxDraft>();
  let nextId = 1;

  const streamTx = (s: StreamTransaction): TxDraft => {
    let tx = byStackId.get(s.id);
    if (!tx) {
      tx = {
        id: s.id, key: s.key, matchKey: '', method: s.method, role: s.role, kind: s.kind, transport: s.transport,
        callId: s.callId, stream: s, legacyKey: '', messages: [], seen: new Set(),
        ...(s.callTag === undefined ? {} : { callTag: s.callTag }),
      };
      byStackId.set(s.id, tx);
      txs.push(tx);
    }
    return tx;
  };
  const stream = input.transactions ?? [];
  // Indexed once: a live call with thousands of transactions must not be scanned per message.
  const streamById = new Map<string, StreamTransaction>();
  const streamByRoleKey = new Map<string, StreamTransaction[]>();
  for (const s of stream) {
    if (!streamById.has(s.id)) streamById.set(s.id, s);
    const roleKey = `${s.role}|${s.key}`;
    const list = streamByRoleKey.get(roleKey);
    if (list) list.push(s);
    else streamByRoleKey.set(roleKey, [s]);
  }
  /** The last transaction announced with this role and key when `messagesBefore` was at most `bound`. */
  const latestStream = (role: TransactionRole, key: string, bound: number) => {
    const list = streamByRoleKey.get(`${role}|${key}`) ?? [];
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.messagesBefore <= bound) return list[i];
    return undefined;
  };

  const derivedTx = (d: MsgDraft, request: SipMessage & { kind: 'request' }): TxDraft => {
    const key = matchKeyOf(request) ?? legacyKeyOf(request);
    const tx: TxDraft = {
      id: `t${nextId++}`, key, matchKey: key, method: request.method, role: roleOf(d.input.direction),
      kind: request.method === 'INVITE' ? 'invite' : 'non-invite', transport: d.input.transport,
      callId: request.callId, legacyKey: legacyKeyOf(request), messages: [], seen: new Set(),
    };
    txs.push(tx);
    byMatchKey.set(key, tx);
    byLegacyKey.set(tx.legacyKey, tx);
    return tx;
  };

  for (const d of drafts) {
    const sip = d.sip;
    let tx: TxDraft | undefined;
    if (d.input.stackTransactionId !== undefined) {
      const s = streamById.get(d.input.stackTransactionId);
      if (s) tx = streamTx(s);
    }
    if (!tx && sip) {
      if (sip.kind === 'response') {
        if (live) {
          const key = clientKeyOfResponse(sip);
          const s = key === undefined ? undefined : latestStream('client', key, d.index);
          if (s) tx = streamTx(s);
        } else {
          const key = matchKeyOf(sip);
          tx = key === undefined ? byLegacyKey.get(legacyKeyOf(sip)) : byMatchKey.get(key);
        }
      } else if (sip.method === 'ACK') {
        const candidate = live
          ? (() => {
            const key = serverKey(sip);
            const s = latestStream('server', key, d.index);
            return s ? streamTx(s) : undefined;
          })()
          : byMatchKey.get(matchKeyOf(sip) ?? '') ?? byLegacyKey.get(legacyKeyOf(sip));
        // §17.2.3 / §17.1.1.3: only the ACK of a non-2xx belongs to the INVITE transaction.
        if (candidate && candidate.method === 'INVITE' && (candidate.finalStatus ?? 0) >= 300) tx = candidate;
      } else if (live) {
        const key = serverKey(sip);
        const s = latestStream('server', key, d.index + 1);
        if (s) tx = streamTx(s);
      } else {
        const key = matchKeyOf(sip) ?? legacyKeyOf(sip);
        tx = byMatchKey.get(key) ?? derivedTx(d, sip);
      }
    }
    if (!tx) continue;
    d.tx = tx;
    if (sip) {
      if (tx.messages.length === 0 && sip.kind === 'request') {
        tx.branch = sip.topVia.branch;
        tx.cseq = sip.cseq.seq;
        tx.matchKey = matchKeyOf(sip) ?? legacyKeyOf(sip);
        tx.legacyKey = legacyKeyOf(sip);
        if (d.input.src) tx.client = d.input.src;
        if (d.input.dst) tx.server = d.input.dst;
      }
      // Retransmission: the stream said so, or the very same bytes went the same way before.
      const fingerprint = `${d.input.direction}|${endpointText(d.input.src)}|${endpointText(d.input.dst)}|${bytesToByteString(d.input.raw)}`;
      d.retransmission = d.input.statedRetransmission === true || tx.seen.has(fingerprint);
      tx.seen.add(fingerprint);
      if (sip.kind === 'response' && sip.status >= 200 && tx.finalStatus === undefined) tx.finalStatus = sip.status;
    }
    tx.messages.push(d.index);
  }

  // 2xx retransmissions outside any transaction (after the transaction ended) are still repeats.
  const seenOutside = new Set<string>();
  for (const d of drafts) {
    if (d.tx) continue;
    const fingerprint = `${d.input.direction}|${endpointText(d.input.src)}|${endpointText(d.input.dst)}|${bytesToByteString(d.input.raw)}`;
    d.retransmission = d.input.statedRetransmission === true || seenOutside.has(fingerprint);
    seenOutside.add(fingerprint);
  }

  const messages: TraceMessage[] = drafts.map((d) => ({
    index: d.index, at: d.input.at, direction: d.input.direction, transport: d.input.transport, raw: d.input.raw,
    startLine: d.sip?.startLine ?? firstLine(d.input.raw), retransmission: d.retransmission,
    ...(d.input.src ? { src: d.input.src } : {}),
    ...(d.input.dst ? { dst: d.input.dst } : {}),
    ...(d.sip ? { sip: d.sip } : {}),
    ...(d.parseError === undefined ? {} : { parseError: d.parseError }),
    ...(d.callId === undefined ? {} : { callId: d.callId }),
    ...(d.tx ? { transactionId: d.tx.id } : {}),
  }));

  // Stream transactions that saw no message still belong in the model.
  for (const s of stream) streamTx(s);

  const transactions = txs.map((tx) => finishTransaction(tx, messages));
  const t1 = input.t1 ?? 500;
  const grouped = groupCalls(messages, transactions);
  const media = input.media?.(grouped, messages);
  const calls = grouped.map((call) => {
    const dialogs = buildDialogs(call.messages.map((i) => messages[i]!));
    const callMedia = media?.get(call.callId);
    const partial = { ...call, dialogs, ...(callMedia ? { media: callMedia } : {}) };
    return { ...partial, findings: runFindings(partial, messages, { t1, ...input.findings }) };
  });
  return { source: input.source, notes: input.notes ?? [], messages, calls, t1 };
}

function finishTransaction(tx: TxDraft, messages: readonly TraceMessage[]): TransactionModel {
  const own = tx.messages.map((i) => messages[i]!);
  let requests = 0;
  let responses = 0;
  for (const m of own) {
    if (!m.retransmission || !m.sip) continue;
    if (m.sip.kind === 'request') requests++;
    else responses++;
  }
  const states = tx.stream ? [...tx.stream.states] : replayStates(tx.method, tx.role, tx.transport, own.flatMap((m): ReplayStep[] => {
    if (!m.sip) return [];
    if (m.sip.kind === 'response') return [{ at: m.at, kind: 'response', status: m.sip.status, retransmission: m.retransmission }];
    return [{ at: m.at, kind: m.sip.method === 'ACK' ? 'ack' : 'request', retransmission: m.retransmission }];
  }));
  const state = states.length > 0 ? states[states.length - 1]!.to : initialState(tx.method, tx.role);
  return {
    id: tx.id, key: tx.key, matchKey: tx.matchKey || tx.key, method: tx.method, role: tx.role, kind: tx.kind,
    transport: tx.transport, callId: tx.callId, source: tx.stream ? 'stream' : 'derived', states, state,
    timers: tx.stream ? [...tx.stream.timers] : [], retransmissions: { requests, responses }, messages: tx.messages,
    ...knownTransactionFields(tx),
  };
}

type OptionalTransactionFields = Pick<TransactionModel, 'callTag' | 'branch' | 'cseq' | 'client' | 'server' | 'finalStatus'>;

/** A transaction model's optional fields, each present only when known (the live host's view builds its models with it too). */
export function knownTransactionFields(tx: { readonly [K in keyof OptionalTransactionFields]?: OptionalTransactionFields[K] | undefined }): OptionalTransactionFields {
  return {
    ...(tx.callTag === undefined ? {} : { callTag: tx.callTag }),
    ...(tx.branch === undefined ? {} : { branch: tx.branch }),
    ...(tx.cseq === undefined ? {} : { cseq: tx.cseq }),
    ...(tx.client ? { client: tx.client } : {}),
    ...(tx.server ? { server: tx.server } : {}),
    ...(tx.finalStatus === undefined ? {} : { finalStatus: tx.finalStatus }),
  };
}

type CallDraft = Omit<CallModel, 'findings' | 'dialogs' | 'media'>;

function groupCalls(messages: readonly TraceMessage[], transactions: readonly TransactionModel[]): CallDraft[] {
  const order: string[] = [];
  const byCall = new Map<string, { messages: number[]; unmatched: number[]; transactions: TransactionModel[]; tags: Set<string> }>();
  const get = (callId: string) => {
    let c = byCall.get(callId);
    if (!c) {
      c = { messages: [], unmatched: [], transactions: [], tags: new Set() };
      byCall.set(callId, c);
      order.push(callId);
    }
    return c;
  };
  for (const m of messages) {
    if (m.callId === undefined) continue;
    const c = get(m.callId);
    c.messages.push(m.index);
    if (m.transactionId === undefined) c.unmatched.push(m.index);
  }
  for (const tx of transactions) {
    const c = get(tx.callId);
    c.transactions.push(tx);
    if (tx.callTag !== undefined) c.tags.add(tx.callTag);
  }
  return order.map((callId) => {
    const c = byCall.get(callId)!;
    return { callId, callTags: [...c.tags], messages: c.messages, transactions: c.transactions, unmatched: c.unmatched };
  });
}
