// A live call as its subscribers see it, kept up to date event by event: message rows
// appended, transactions changed in place, so an update costs what changed and not the
// whole call. It follows the live path of LiveRecorder + buildTraceModel exactly (the same
// §17 keys to match a message to its transaction, the same retransmission rule, the same
// transaction fields), so its rows equal the model's; the tests compare them on real calls.
// Dialogs, findings and notes come from the full model, rebuilt less often (call-bucket.ts).
import { createHash } from 'node:crypto';
import type { MessageSummary } from '../../contract/diagnostics.js';
import type { Endpoint, StateChange, TimerRecord, TransactionModel } from '../../../src/diagnostics/model-types.js';
import { clientKeyOfResponse, serverKey } from '../../../src/diagnostics/transaction-matching.js';
import { initialState } from '../../../src/diagnostics/transaction-replay.js';
import { knownTransactionFields } from '../../../src/diagnostics/model-builder.js';
import { parseMessage, type ParseResult, type SipMessage } from '../../../src/message/index.js';
import type { DiagnosticsEvent, Peer, TransactionCreated, TransactionRole } from '../../../src/trace/events.js';
import { firstLine, summarize } from './message-summary.js';

interface PendingMessage {
  readonly at: number;
  readonly direction: 'sent' | 'received';
  readonly src?: Endpoint;
  readonly dst?: Endpoint;
  readonly transport: string;
  readonly raw: Uint8Array;
  readonly stackTransactionId?: string;
  readonly sip?: SipMessage;
  readonly parseFailure?: string;
  statedRetransmission?: boolean;
  malformedReason?: string;
}

interface ViewTransaction {
  readonly created: TransactionCreated;
  readonly messagesBefore: number;
  callTag?: string;
  readonly states: StateChange[];
  readonly timers: TimerRecord[];
  readonly messages: number[];
  readonly seen: Set<string>;
  requests: number;
  responses: number;
  matchKey: string;
  branch?: string;
  cseq?: number;
  client?: Endpoint;
  server?: Endpoint;
  finalStatus?: number;
}

function endpoint(peer: Peer): Endpoint {
  return { transport: peer.transport, address: peer.address, port: peer.port };
}

function endpointText(e: Endpoint | undefined): string {
  return e ? `${e.transport}:${e.address}:${e.port}` : '';
}

/** The model builder's "same bytes, same way" key, hashed so a call does not keep every message twice. */
function fingerprint(m: PendingMessage): string {
  return createHash('sha1').update(`${m.direction}|${endpointText(m.src)}|${endpointText(m.dst)}|`).update(m.raw).digest('base64');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}

export class CallView {
  private readonly rows: MessageSummary[] = [];
  private readonly raws: Uint8Array[] = [];
  private readonly pending: PendingMessage[] = [];
  /** In the order the stream announced them. */
  private readonly transactions = new Map<string, ViewTransaction>();
  private readonly byRoleKey = new Map<string, ViewTransaction[]>();
  /** In the order of their first message (the model's order). */
  private readonly withMessages: ViewTransaction[] = [];
  private readonly pendingRetransmission = new Set<string>();
  private readonly seenOutside = new Set<string>();
  private readonly changed = new Set<ViewTransaction>();
  private lastReceived: PendingMessage | undefined;

  /** Messages recorded so far (rows and the few not yet matched). */
  get messageCount(): number {
    return this.rows.length + this.pending.length;
  }

  /** Every transaction of the call has reached Terminated (true when it had none). */
  allTerminated(): boolean {
    for (const tx of this.transactions.values()) if (tx.states[tx.states.length - 1]?.to !== 'Terminated') return false;
    return true;
  }

  transactionIds(): IterableIterator<string> {
    return this.transactions.keys();
  }

  /** Feeds one event; `parsed` is the message's parse when the caller has it already. */
  record(event: DiagnosticsEvent, parsed?: ParseResult): void {
    switch (event.type) {
      case 'message-sent': {
        const stated = event.transactionId !== undefined && this.pendingRetransmission.delete(event.transactionId);
        this.push({
          at: event.at, direction: 'sent', dst: endpoint(event.peer), transport: event.peer.transport, raw: event.raw,
          ...(event.transactionId === undefined ? {} : { stackTransactionId: event.transactionId }),
          ...(stated ? { statedRetransmission: true } : {}),
        }, parsed);
        return;
      }
      case 'message-received':
        this.lastReceived = this.push({ at: event.at, direction: 'received', src: endpoint(event.peer), transport: event.peer.transport, raw: event.raw }, parsed);
        return;
      case 'message-malformed': {
        const last = this.lastReceived;
        if (last && sameBytes(last.raw, event.raw)) last.malformedReason = event.reason;
        else {
          this.push({
            at: event.at, direction: 'received', src: endpoint(event.peer), transport: event.peer.transport, raw: event.raw,
            malformedReason: event.reason,
          }, parsed);
        }
        return;
      }
      case 'retransmission-sent':
        this.pendingRetransmission.add(event.transactionId);
        return;
      case 'retransmission-absorbed':
        if (this.lastReceived) this.lastReceived.statedRetransmission = true;
        return;
      case 'transaction-created': {
        const tx: ViewTransaction = {
          created: event, messagesBefore: this.messageCount, states: [], timers: [], messages: [], seen: new Set(),
          requests: 0, responses: 0, matchKey: '', ...(event.callTag === undefined ? {} : { callTag: event.callTag }),
        };
        this.transactions.set(event.transactionId, tx);
        const roleKey = `${event.role}|${event.key}`;
        const list = this.byRoleKey.get(roleKey);
        if (list) list.push(tx);
        else this.byRoleKey.set(roleKey, [tx]);
        this.touch(tx);
        return;
      }
      case 'transaction-tagged':
        this.update(event.transactionId, (tx) => { tx.callTag = event.callTag; });
        return;
      case 'transaction-state':
        this.update(event.transactionId, (tx) => tx.states.push({ at: event.at, from: event.from, to: event.to, cause: event.cause }));
        return;
      case 'timer-started':
      case 'timer-fired':
      case 'timer-cancelled': {
        const kind = event.type === 'timer-started' ? 'started' : event.type === 'timer-fired' ? 'fired' : 'cancelled';
        this.update(event.transactionId, (tx) => tx.timers.push({ at: event.at, timer: event.timer, event: kind, durationMs: event.durationMs }));
        return;
      }
      case 'transport-choice':
      case 'transport-error':
      case 'transport-state':
      case 'registration-state':
      case 'call-state':
        // Notes are the full model's (call-bucket.ts); the call's own states are the call's view.
        return;
    }
  }

  /** Matches the messages still waiting (the stream states their transaction and retransmission just after them). */
  settle(): void {
    for (const m of this.pending.splice(0)) this.resolve(m, this.rows.length);
  }

  /** Rows from `from` on (after settle()). */
  rowsFrom(from: number): MessageSummary[] {
    return this.rows.slice(from);
  }

  /** The first message's start line (for a sample of traffic no call claimed). */
  firstStartLine(): string | undefined {
    const pending = this.pending[0];
    return this.rows[0]?.startLine ?? (pending ? pending.sip?.startLine ?? firstLine(pending.raw) : undefined);
  }

  /** The raw bytes and parse error of message `index`, once settled. */
  message(index: number): { raw: Uint8Array; parseError?: string } | undefined {
    const raw = this.raws[index];
    if (!raw) return undefined;
    const parseError = this.rows[index]!.parseError;
    return parseError === undefined ? { raw } : { raw, parseError };
  }

  /** Every transaction, in the model's order: by first message, then those that saw none. */
  allTransactions(): TransactionModel[] {
    const silent = [...this.transactions.values()].filter((tx) => tx.messages.length === 0);
    return [...this.withMessages, ...silent].map((tx) => this.model(tx));
  }

  /** The transactions that changed since the last call, whole. */
  takeChanged(): TransactionModel[] {
    const out = [...this.changed].map((tx) => this.model(tx));
    this.changed.clear();
    return out;
  }

  /** Nobody needs the changes so far (the first watcher starts from a snapshot). */
  forgetChanged(): void {
    this.changed.clear();
  }

  private push(m: Omit<PendingMessage, 'sip' | 'parseFailure'>, known?: ParseResult): PendingMessage {
    // The stream states a message's transaction and retransmission just after the message itself,
    // before the next message: everything before this one can be matched now.
    this.settle();
    const parsed = known ?? parseMessage(m.raw);
    const pending: PendingMessage = parsed.ok ? { ...m, sip: parsed.value } : { ...m, parseFailure: parsed.error.message };
    this.pending.push(pending);
    return pending;
  }

  private update(id: string, change: (tx: ViewTransaction) => void): void {
    const tx = this.transactions.get(id);
    if (!tx) return;
    change(tx);
    this.touch(tx);
  }

  private touch(tx: ViewTransaction): void {
    this.changed.add(tx);
  }

  private latest(role: TransactionRole, key: string, bound: number): ViewTransaction | undefined {
    const list = this.byRoleKey.get(`${role}|${key}`) ?? [];
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.messagesBefore <= bound) return list[i];
    return undefined;
  }

  private resolve(m: PendingMessage, index: number): void {
    const sip = m.sip;
    let tx = m.stackTransactionId === undefined ? undefined : this.transactions.get(m.stackTransactionId);
    if (!tx && sip) {
      if (sip.kind === 'response') {
        const key = clientKeyOfResponse(sip);
        tx = key === undefined ? undefined : this.latest('client', key, index);
      } else if (sip.method === 'ACK') {
        // §17.2.3 / §17.1.1.3: only the ACK of a non-2xx belongs to the INVITE transaction.
        const candidate = this.latest('server', serverKey(sip), index);
        if (candidate && candidate.created.method === 'INVITE' && (candidate.finalStatus ?? 0) >= 300) tx = candidate;
      } else {
        tx = this.latest('server', serverKey(sip), index + 1);
      }
    }
    let retransmission: boolean;
    if (tx) {
      retransmission = false;
      if (sip) {
        if (tx.messages.length === 0 && sip.kind === 'request') {
          tx.branch = sip.topVia.branch;
          tx.cseq = sip.cseq.seq;
          tx.matchKey = serverKey(sip);
          if (m.src) tx.client = m.src;
          if (m.dst) tx.server = m.dst;
        }
        const seen = fingerprint(m);
        retransmission = m.statedRetransmission === true || tx.seen.has(seen);
        tx.seen.add(seen);
        if (sip.kind === 'response' && sip.status >= 200 && tx.finalStatus === undefined) tx.finalStatus = sip.status;
        if (retransmission) {
          if (sip.kind === 'request') tx.requests++;
          else tx.responses++;
        }
      }
      if (tx.messages.length === 0) this.withMessages.push(tx);
      tx.messages.push(index);
      this.touch(tx);
    } else {
      const seen = fingerprint(m);
      retransmission = m.statedRetransmission === true || this.seenOutside.has(seen);
      this.seenOutside.add(seen);
    }
    this.raws.push(m.raw);
    this.rows.push(summarize({
      index, at: m.at, direction: m.direction, src: m.src, dst: m.dst, transport: m.transport, raw: m.raw,
      startLine: sip?.startLine ?? firstLine(m.raw), transactionId: tx?.created.transactionId, retransmission,
      parseError: m.malformedReason ?? m.parseFailure,
    }));
  }

  /** The transaction as the model builder gives it (built when asked: a call keeps no second copy). */
  private model(tx: ViewTransaction): TransactionModel {
    const c = tx.created;
    const state = tx.states[tx.states.length - 1]?.to ?? initialState(c.method, c.role);
    return {
      id: c.transactionId, key: c.key, matchKey: tx.matchKey || c.key, method: c.method, role: c.role, kind: c.kind,
      transport: c.transport, callId: c.callId, source: 'stream', states: [...tx.states], state, timers: [...tx.timers],
      retransmissions: { requests: tx.requests, responses: tx.responses }, messages: [...tx.messages],
      ...knownTransactionFields(tx),
    };
  }
}
