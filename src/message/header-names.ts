// Header field names: canonical spelling, compact forms (RFC 3261 §7.3.3 and the IANA
// registry), and how each known header is parsed. Names compare case-insensitively.

import * as kinds from './fast/layout.js';

/**
 * How the parser treats a known header (values of HeaderDef.kind). The numbers are in
 * fast/layout.ts, which the fast path's scanners share (K.VIA is K_VIA there).
 */
export const K = {
  TEXT: kinds.K_TEXT, VIA: kinds.K_VIA, FROM: kinds.K_FROM, TO: kinds.K_TO, CALL_ID: kinds.K_CALL_ID,
  CSEQ: kinds.K_CSEQ, MAX_FORWARDS: kinds.K_MAX_FORWARDS, CONTENT_LENGTH: kinds.K_CONTENT_LENGTH,
  CONTENT_TYPE: kinds.K_CONTENT_TYPE, CONTACT: kinds.K_CONTACT, ROUTE: kinds.K_ROUTE,
  RECORD_ROUTE: kinds.K_RECORD_ROUTE, PATH: kinds.K_PATH, SERVICE_ROUTE: kinds.K_SERVICE_ROUTE,
  REQUIRE: kinds.K_REQUIRE, PROXY_REQUIRE: kinds.K_PROXY_REQUIRE, SUPPORTED: kinds.K_SUPPORTED,
  UNSUPPORTED: kinds.K_UNSUPPORTED, ALLOW: kinds.K_ALLOW, CONTENT_ENCODING: kinds.K_CONTENT_ENCODING,
  ALLOW_EVENTS: kinds.K_ALLOW_EVENTS, EXPIRES: kinds.K_EXPIRES, MIN_EXPIRES: kinds.K_MIN_EXPIRES,
  RSEQ: kinds.K_RSEQ, RACK: kinds.K_RACK, WWW_AUTHENTICATE: kinds.K_WWW_AUTHENTICATE,
  PROXY_AUTHENTICATE: kinds.K_PROXY_AUTHENTICATE, AUTHORIZATION: kinds.K_AUTHORIZATION,
  PROXY_AUTHORIZATION: kinds.K_PROXY_AUTHORIZATION, SESSION_EXPIRES: kinds.K_SESSION_EXPIRES,
  MIN_SE: kinds.K_MIN_SE, REFER_TO: kinds.K_REFER_TO, REFERRED_BY: kinds.K_REFERRED_BY,
  REPLACES: kinds.K_REPLACES, REASON: kinds.K_REASON, EVENT: kinds.K_EVENT, ACCEPT: kinds.K_ACCEPT,
  DATE: kinds.K_DATE, CONTENT_DISPOSITION: kinds.K_CONTENT_DISPOSITION,
} as const;

export interface HeaderDef {
  /** Index in HEADER_DEFS. */
  readonly id: number;
  readonly canonical: string;
  readonly kind: number;
  /** Single-valued: a second occurrence makes the message invalid. */
  readonly single: boolean;
  readonly compact?: string;
}

// [canonical, kind, single, compact form]
const DEFS: readonly (readonly [string, number, boolean, string?])[] = [
  ['Via', K.VIA, false, 'v'],
  ['From', K.FROM, true, 'f'],
  ['To', K.TO, true, 't'],
  ['Call-ID', K.CALL_ID, true, 'i'],
  ['CSeq', K.CSEQ, true],
  ['Max-Forwards', K.MAX_FORWARDS, true],
  ['Content-Length', K.CONTENT_LENGTH, true, 'l'],
  ['Content-Type', K.CONTENT_TYPE, true, 'c'],
  ['Contact', K.CONTACT, false, 'm'],
  ['Route', K.ROUTE, false],
  ['Record-Route', K.RECORD_ROUTE, false],
  ['Path', K.PATH, false],
  ['Service-Route', K.SERVICE_ROUTE, false],
  ['Require', K.REQUIRE, false],
  ['Proxy-Require', K.PROXY_REQUIRE, false],
  ['Supported', K.SUPPORTED, false, 'k'],
  ['Unsupported', K.UNSUPPORTED, false],
  ['Allow', K.ALLOW, false],
  ['Content-Encoding', K.CONTENT_ENCODING, false, 'e'],
  ['Allow-Events', K.ALLOW_EVENTS, false, 'u'],
  ['Expires', K.EXPIRES, true],
  ['Min-Expires', K.MIN_EXPIRES, true],
  ['RSeq', K.RSEQ, true],
  ['RAck', K.RACK, true],
  ['WWW-Authenticate', K.WWW_AUTHENTICATE, false],
  ['Proxy-Authenticate', K.PROXY_AUTHENTICATE, false],
  ['Authorization', K.AUTHORIZATION, false],
  ['Proxy-Authorization', K.PROXY_AUTHORIZATION, false],
  ['Session-Expires', K.SESSION_EXPIRES, true, 'x'],
  ['Min-SE', K.MIN_SE, true],
  ['Refer-To', K.REFER_TO, true, 'r'],
  ['Referred-By', K.REFERRED_BY, true, 'b'],
  ['Replaces', K.REPLACES, true],
  ['Reason', K.REASON, false],
  ['Event', K.EVENT, true, 'o'],
  ['Accept', K.ACCEPT, false],
  ['Date', K.DATE, true],
  ['Content-Disposition', K.CONTENT_DISPOSITION, true],
  // Known names kept as free text (validated as header-value only).
  ['Subject', K.TEXT, false, 's'],
  ['Accept-Contact', K.TEXT, false, 'a'],
  ['Request-Disposition', K.TEXT, false, 'd'],
  ['Reject-Contact', K.TEXT, false, 'j'],
  ['Identity-Info', K.TEXT, false, 'n'],
  ['Identity', K.TEXT, false, 'y'],
  ['Accept-Encoding', K.TEXT, false],
  ['Accept-Language', K.TEXT, false],
  ['Alert-Info', K.TEXT, false],
  ['Authentication-Info', K.TEXT, false],
  ['Call-Info', K.TEXT, false],
  ['Content-Language', K.TEXT, false],
  ['Error-Info', K.TEXT, false],
  ['In-Reply-To', K.TEXT, false],
  ['MIME-Version', K.TEXT, false],
  ['Organization', K.TEXT, false],
  ['Priority', K.TEXT, false],
  ['Reply-To', K.TEXT, false],
  ['Retry-After', K.TEXT, false],
  ['Server', K.TEXT, false],
  ['Subscription-State', K.TEXT, false],
  ['Timestamp', K.TEXT, false],
  ['User-Agent', K.TEXT, false],
  ['Warning', K.TEXT, false],
  ['P-Asserted-Identity', K.TEXT, false],
  ['P-Preferred-Identity', K.TEXT, false],
  ['Privacy', K.TEXT, false],
  ['Content-Transfer-Encoding', K.TEXT, false],
  ['Content-ID', K.TEXT, false],
];

const byName = new Map<string, HeaderDef>();
// Hash table for the reference path: the hash of a name is computed while its chars are
// scanned (`nameHash`), so looking a header up costs no substring and no string hashing.
const BUCKETS = 1024;
const buckets: { lower: string; def: HeaderDef }[][] = Array.from({ length: BUCKETS }, () => []);

/** Case-insensitive rolling hash step over one name char (ASCII letters fold to lower case). */
export function nameHashStep(h: number, c: number): number {
  return (Math.imul(h, 31) + (c | 0x20)) | 0;
}

function hashOf(lower: string): number {
  let h = 0;
  for (let i = 0; i < lower.length; i++) h = nameHashStep(h, lower.charCodeAt(i));
  return h;
}

// A trie over name bytes for the fast path: one walk finds where the name ends and which
// header it is, with no second pass to compare it. NAME_CLASS maps a byte to its symbol:
// 0 for a byte that cannot be in a token (the name ends), 1-26 letters in either case,
// 27-36 digits, 37 "-", 38 any other token char (no known name has one).
const WIDTH = 39;
const NAME_CLASS = new Uint8Array(256);
for (let c = 0; c < 26; c++) NAME_CLASS[0x61 + c] = NAME_CLASS[0x41 + c] = 1 + c;
for (let c = 0; c < 10; c++) NAME_CLASS[0x30 + c] = 27 + c;
for (const ch of '.!%*_+`\'~') NAME_CLASS[ch.charCodeAt(0)] = 38;
NAME_CLASS[0x2d] = 37;
// state 0 is dead (every transition stays there), state 1 the root
const trieRows: number[][] = [new Array<number>(WIDTH).fill(0), new Array<number>(WIDTH).fill(0)];
const trieDefs: number[] = [-1, -1];

function register(lower: string, def: HeaderDef): void {
  byName.set(lower, def);
  buckets[hashOf(lower) & (BUCKETS - 1)]!.push({ lower, def });
  let st = 1;
  for (let i = 0; i < lower.length; i++) {
    const cls = NAME_CLASS[lower.charCodeAt(i)]!;
    let next = trieRows[st]![cls]!;
    if (next === 0) {
      next = trieRows.length;
      trieRows.push(new Array<number>(WIDTH).fill(0));
      trieDefs.push(-1);
      trieRows[st]![cls] = next;
    }
    st = next;
  }
  trieDefs[st] = def.id;
}

/** Every known header definition, indexed by `id`. */
export const HEADER_DEFS: HeaderDef[] = [];

for (const [canonical, kind, single, compact] of DEFS) {
  const def: HeaderDef = { id: HEADER_DEFS.length, canonical, kind, single, compact };
  HEADER_DEFS.push(def);
  byName.set(canonical, def);
  register(canonical.toLowerCase(), def);
  if (compact) {
    register(compact, def);
    byName.set(compact.toUpperCase(), def);
  }
}

// Row st * WIDTH is state st: at column cls the row offset of the next state (so a step is
// one add and one load), and at column 0 (a byte that ends the name) its definition id.
const TRIE = Int32Array.from(trieRows.flat(), (next) => next * WIDTH);
trieDefs.forEach((id, st) => (TRIE[st * WIDTH] = id));
/** Result of the last scanHeaderName: the definition id, -1 for an unknown name. */
export const nameScan = { id: -1 };

/** Index where the header name starting at p ends in the bytes b; its definition id is left in `nameScan.id`. */
export function scanHeaderName(b: Uint8Array, p: number): number {
  let st = WIDTH; // the root's row
  for (;;) {
    const cls = NAME_CLASS[b[p]!]!;
    if (cls === 0) break;
    st = TRIE[st + cls]!;
    p++;
  }
  nameScan.id = TRIE[st]!;
  return p;
}

/** Definition of the header named s[i..j), whose `nameHashStep` hash is h. */
export function lookupHeaderAt(s: string, i: number, j: number, h: number): HeaderDef | undefined {
  const bucket = buckets[h & (BUCKETS - 1)]!;
  for (let b = 0; b < bucket.length; b++) {
    const { lower, def } = bucket[b]!;
    if (lower.length !== j - i) continue;
    let k = 0;
    while (k < lower.length) {
      const c = s.charCodeAt(i + k);
      if (c !== lower.charCodeAt(k) && (c | 0x20) !== lower.charCodeAt(k)) break;
      k++;
    }
    if (k === lower.length) return def;
  }
  return undefined;
}

/** The definition of a header name as written on the wire (any case, long or compact). */
export function lookupHeader(rawName: string): HeaderDef | undefined {
  return byName.get(rawName) ?? byName.get(rawName.toLowerCase());
}

/** Canonical spelling of a header name; unknown names are returned as written. */
export function canonicalHeaderName(rawName: string): string {
  return lookupHeader(rawName)?.canonical ?? rawName;
}

/** True when two header names denote the same header (case-insensitive, compact forms). */
export function sameHeaderName(a: string, b: string): boolean {
  return canonicalHeaderName(a).toLowerCase() === canonicalHeaderName(b).toLowerCase();
}
