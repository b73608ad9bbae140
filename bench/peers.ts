// How each parser is driven from Node, doing the work a UA needs per received message:
// top Via branch, From and To tags, Call-ID, CSeq number and method, and the Contact URI
// (parsed into an object, as a UA needs its host/user to send in-dialog requests).
//
// - Callscope: `parseMessage(text)` from src/message; every header is validated while
//   parsing (the strict configuration that rejects all 19 RFC 4475 §3.1.2 messages).
// - JsSIP 3.x: its `Parser.parseMessage(data, ua)` module (`jssip/lib/Parser`, CommonJS)
//   parses the start line and the core headers through its PEG grammar and exposes
//   `via_branch`, `from_tag`, `to_tag`, `call_id`, `cseq`, `method`; the Contact is parsed
//   on demand with `parseHeader('contact')` (a NameAddrHeader whose `.uri` is a URI object).
// - SIP.js 0.21: `Parser.parseMessage(data, logger)` from `sip.js/lib/core/messages/parser.js`
//   (ESM); fields `viaBranch`, `fromTag`, `toTag`, `callId`, `cseq`, `method`, and
//   `parseHeader('contact')` for the Contact.
// - sip 0.0.6: `sip.parse(text)` (regex based; URIs stay strings), then `sip.parseUri()` on
//   the Contact URI so it does the same work as the others.

import { createRequire } from 'node:module';
import { Parser as SipJsParser } from 'sip.js/lib/core/messages/parser.js';
import { parseMessage } from '../src/message/index.js';

const require = createRequire(import.meta.url);

interface JsSipMessage {
  via_branch?: string; from_tag?: string; to_tag?: string; call_id?: string; cseq?: number; method?: string;
  parseHeader(name: string): { uri?: unknown } | undefined;
}
const JsSipParser = require('jssip/lib/Parser') as { parseMessage(data: string, ua: unknown): JsSipMessage | undefined };

interface SipLibMessage {
  headers: {
    via?: { params: Record<string, string> }[]; from?: { params: Record<string, string> }; to?: { params: Record<string, string> };
    'call-id'?: string; cseq?: { seq: number; method: string }; contact?: { uri: string }[] | string;
  };
}
const sipLib = require('sip') as { parse(text: string): SipLibMessage | undefined; parseUri(uri: string): unknown };

const quietLogger = { warn() {}, log() {}, debug() {}, error() {} };

/** The UA's per-message work; returns a tuple so nothing is optimised away, or undefined if the parser rejected the message. */
export interface Peer {
  readonly name: string;
  readonly work: (text: string) => unknown[] | undefined;
}

export const PEERS: readonly Peer[] = [
  {
    name: 'callscope',
    work(text) {
      const r = parseMessage(text);
      if (!r.ok) return undefined;
      const m = r.value;
      return [m.topVia.branch, m.from.tag, m.to.tag, m.callId, m.cseq.seq, m.cseq.method, m.contacts[0]?.uri];
    },
  },
  {
    name: 'sip',
    work(text) {
      const m = sipLib.parse(text);
      if (!m) return undefined;
      const h = m.headers;
      const contact = Array.isArray(h.contact) ? h.contact[0] : undefined;
      return [h.via?.[0]?.params.branch, h.from?.params.tag, h.to?.params.tag, h['call-id'], h.cseq?.seq, h.cseq?.method, contact ? sipLib.parseUri(contact.uri) : undefined];
    },
  },
  {
    name: 'jssip',
    work(text) {
      const m = JsSipParser.parseMessage(text, undefined);
      if (!m) return undefined;
      return [m.via_branch, m.from_tag, m.to_tag, m.call_id, m.cseq, m.method, m.parseHeader('contact')?.uri];
    },
  },
  {
    name: 'sip.js',
    work(text) {
      const m = SipJsParser.parseMessage(text, quietLogger as never);
      if (!m) return undefined;
      return [m.viaBranch, m.fromTag, m.toTag, m.callId, m.cseq, m.method, (m.parseHeader('contact') as { uri?: unknown } | undefined)?.uri];
    },
  },
];

/** True when the peer rejects the message (returns nothing or throws). */
export function rejects(peer: Peer, text: string): boolean {
  try {
    return peer.work(text) === undefined;
  } catch {
    return true;
  }
}
