// What every finding detector reads: one call of the model (before findings),
// the trace's messages, and small helpers for "who sent this" and "who got
// this", which work for a user agent's own view (sent/received) and for a
// capture point (both addresses known).
import type { SipMessage, SipRequest, SipResponse } from '../../message/index.js';
import { CATALOGUE } from './catalogue.js';
import type { CallModel, Finding, FindingCode, Severity, TraceMessage, TransactionModel } from '../model-types.js';

export type CallDraft = Omit<CallModel, 'findings'>;

export interface FindingOptions {
  /** RFC 3261 T1 in ms (default 500). */
  readonly t1?: number;
  /** post-dial-delay threshold in ms (default 5000). */
  readonly postDialDelayMs?: number;
  /** How long media may be missing (or silent) before it is a finding, in ms (default 3000). */
  readonly mediaTimeoutMs?: number;
}

export interface ParsedMessage<M extends SipMessage = SipMessage> extends TraceMessage {
  readonly sip: M;
}

/** A finding plus the key under which the same problem seen on several legs is reported once. */
export interface DetectedFinding extends Finding {
  readonly dedupe: string;
}

export class FindingContext {
  readonly t1: number;
  readonly postDialDelayMs: number;
  readonly mediaTimeoutMs: number;
  /** The call's messages in trace order. */
  readonly messages: readonly TraceMessage[];
  readonly parsed: readonly ParsedMessage[];

  constructor(readonly call: CallDraft, readonly all: readonly TraceMessage[], options: FindingOptions) {
    this.t1 = options.t1 ?? 500;
    this.postDialDelayMs = options.postDialDelayMs ?? 5000;
    this.mediaTimeoutMs = options.mediaTimeoutMs ?? 3000;
    this.messages = call.messages.map((i) => all[i]!);
    this.parsed = this.messages.filter((m): m is ParsedMessage => m.sip !== undefined);
  }

  get requests(): ParsedMessage<SipRequest>[] {
    return this.parsed.filter((m): m is ParsedMessage<SipRequest> => m.sip.kind === 'request');
  }

  get responses(): ParsedMessage<SipResponse>[] {
    return this.parsed.filter((m): m is ParsedMessage<SipResponse> => m.sip.kind === 'response');
  }

  txMessages(tx: TransactionModel): ParsedMessage[] {
    return tx.messages.map((i) => this.all[i]!).filter((m): m is ParsedMessage => m.sip !== undefined);
  }

  transactions(method?: string): TransactionModel[] {
    return this.call.transactions.filter((tx) => method === undefined || tx.method === method);
  }

  finding(code: FindingCode, severity: Severity, messages: readonly number[], explanation: string, dedupe = ''): DetectedFinding {
    const entry = CATALOGUE[code];
    return {
      code, severity, title: entry.title, rfc: entry.rfc, nextSteps: entry.nextSteps, explanation,
      messages: [...new Set(messages)].sort((a, b) => a - b), dedupe,
    };
  }
}

/** Who sent a message: its source address, or `local` for what this user agent sent. */
export function senderOf(m: TraceMessage): string {
  if (m.src) return `${m.src.address}:${m.src.port}`;
  return m.direction === 'sent' ? 'local' : 'remote';
}

/** Who received a message: its destination address, or `local` for what this user agent received. */
export function receiverOf(m: TraceMessage): string {
  if (m.dst) return `${m.dst.address}:${m.dst.port}`;
  return m.direction === 'received' ? 'local' : 'remote';
}

/**
 * Who sent a response, in words: its sender on the wire, or, in a user agent's own view of
 * what it received (a proxy in between), the far end through that peer.
 */
export function responderOf(m: TraceMessage): string {
  return m.direction === 'received' ? `the far end (through ${senderOf(m)})` : senderOf(m);
}

/** A printable hop: "10.0.0.1:5060 → 10.0.0.2:5060". */
export function hopOf(m: TraceMessage): string {
  return `${senderOf(m)} → ${receiverOf(m)}`;
}

/** Seconds with up to three decimals, for explanations. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

export function isReliableProvisional(sip: SipResponse): boolean {
  return sip.status > 100 && sip.status < 200 && sip.rseq !== undefined && sip.require.some((t) => t.toLowerCase() === '100rel');
}

/**
 * The INVITE a response answers, as the responder got it: the copy with the same Call-ID
 * and CSeq that went to the response's sender (a capture may hold a copy per hop), else any copy.
 */
export function inviteFor(ctx: FindingContext, response: ParsedMessage<SipResponse>): ParsedMessage<SipRequest> | undefined {
  const copies = ctx.requests.filter((r) => r.index < response.index && r.sip.method === 'INVITE' && r.sip.cseq.seq === response.sip.cseq.seq
    && r.sip.callId === response.sip.callId && r.sip.from.tag === response.sip.from.tag);
  return copies.find((r) => receiverOf(r) === senderOf(response)) ?? copies.at(-1);
}

/** What an INVITE says of 100rel (RFC 3262): required, supported, or neither; unknown without the INVITE. */
export function hundredRelOf(invite: ParsedMessage<SipRequest> | undefined): 'required' | 'supported' | 'none' | 'unknown' {
  if (invite === undefined) return 'unknown';
  if (invite.sip.require.some((t) => t.toLowerCase() === '100rel')) return 'required';
  return invite.sip.supported.some((t) => t.toLowerCase() === '100rel') ? 'supported' : 'none';
}

export function hasSdp(sip: SipMessage): boolean {
  if (sip.bodyLength === 0) return false;
  const type = sip.contentType;
  if (type && type.type === 'application' && type.subtype === 'sdp') return true;
  if (type && type.type === 'multipart') return /application\/sdp/i.test(sip.bodyText);
  return false;
}
