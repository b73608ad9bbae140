// The parser's fast path, part 6: which header kinds have a fast scanner, and the
// dispatch from a header field to it (see fast-scan.ts for the contract). Scalar values
// (numbers, Call-ID, CSeq) are stored on the message right away; the others are built by
// the message when first asked for.

import { fastContacts, fastFromTo, fastNameAddrList, fastSingleAddress } from './fast-address.js';
import * as codes from './fast-params.js';
import { fastParams, firstParam, paramsEnd, sameParamName } from './fast-params.js';
import {
  bail, endOfField, fastCallId, fastDigits, fastNumber, fastQuoted, fastText, fastTokenList, put, rec as records, sameText, scanned, skipWsp, tokenEnd,
} from './fast-scan.js';
import { fastVias } from './fast-via.js';
import { K as KINDS } from './header-names.js';
import * as limits from './header-values.js';
import type { MessageImpl } from './message.js';

// module-local copies of imported constants (see fast-scan.ts)
const K = KINDS;
const rec = records;
const { PARAM_SIZE, P_ID, P_REFRESHER } = codes;
const { MAX_CONTENT_LENGTH, MAX_U32 } = limits;
const DQUOTE = 0x22;

/** Header kinds with a fast scanner (the others always go to the reference readers). */
export const FAST_KINDS: Uint8Array = (() => {
  const t = new Uint8Array(64);
  for (const kind of [
    K.TEXT, K.VIA, K.FROM, K.TO, K.CALL_ID, K.CSEQ, K.MAX_FORWARDS, K.CONTENT_LENGTH, K.CONTENT_TYPE, K.CONTACT,
    K.ROUTE, K.RECORD_ROUTE, K.PATH, K.SERVICE_ROUTE, K.REQUIRE, K.PROXY_REQUIRE, K.SUPPORTED, K.UNSUPPORTED, K.ALLOW,
    K.CONTENT_ENCODING, K.ALLOW_EVENTS, K.EXPIRES, K.MIN_EXPIRES, K.RSEQ, K.SESSION_EXPIRES, K.MIN_SE, K.REFER_TO,
    K.REFERRED_BY, K.EVENT, K.WWW_AUTHENTICATE, K.PROXY_AUTHENTICATE, K.AUTHORIZATION, K.PROXY_AUTHORIZATION,
  ]) t[kind] = 1;
  return t;
})();

/** CSeq = 1*DIGIT LWS Method; the value is stored on the message. */
function fastCSeq(m: MessageImpl, b: Uint8Array, s: string, i: number): number {
  const d = fastDigits(b, i, MAX_U32);
  const seq = scanned.number;
  const ms = skipWsp(b, d);
  if (ms === d) bail();
  const me = tokenEnd(b, ms);
  if (me === ms) bail();
  const e = endOfField(b, me);
  const method = m.method;
  // the request's method is the start line's first me - ms bytes when they are the same
  let same = method !== undefined && method.length === me - ms;
  for (let k = 0; same && k < me - ms; k++) same = b[ms + k] === b[k];
  m.cseq = { seq, method: same ? method! : s.slice(ms, me) };
  return e;
}

/** media-type without LWS around "/" and without wildcards, as readContentType accepts it; records [type, "/", end]. */
function fastContentType(b: Uint8Array, i: number): number {
  const te = tokenEnd(b, i);
  if (te === i || b[te] !== 0x2f) bail();
  const se = tokenEnd(b, te + 1);
  if (se === te + 1) bail();
  if ((te === i + 1 && b[i] === 0x2a) || (se === te + 2 && b[te + 1] === 0x2a)) bail();
  put(i);
  put(te);
  put(se);
  return endOfField(b, fastParams(b, se));
}

/** Session-Expires / Min-SE: delta-seconds and params, refresher exactly "uac" or "uas". */
function fastSessionExpires(b: Uint8Array, i: number): number {
  const e = endOfField(b, fastParams(b, fastDigits(b, i, MAX_U32)));
  const list = rec.list;
  for (let o = firstParam(), end = paramsEnd(); o < end; o += PARAM_SIZE) {
    if (list[o] !== P_REFRESHER) continue;
    const vs = list[o + 3]!;
    if (vs < 0 || !(sameText(b, vs, list[o + 4]!, 'uac') || sameText(b, vs, list[o + 4]!, 'uas'))) bail();
  }
  return e;
}

/** Event: event-type and params, an `id` with a value. */
function fastEvent(b: Uint8Array, i: number): number {
  const te = tokenEnd(b, i);
  if (te === i) bail();
  const e = endOfField(b, fastParams(b, te));
  const list = rec.list;
  for (let o = firstParam(), end = paramsEnd(); o < end; o += PARAM_SIZE) if (list[o] === P_ID && list[o + 3]! < 0) bail();
  return e;
}

/**
 * WWW-/Proxy-Authenticate, (Proxy-)Authorization as readAuthValue reads them: scheme LWS
 * auth-param *(COMMA auth-param), auth-param = token EQUAL (token / plain quoted-string).
 * No record: the message reads them with the reference reader when asked for them.
 */
function fastAuth(b: Uint8Array, i: number): number {
  let k = tokenEnd(b, i);
  if (k === i) bail();
  const p = skipWsp(b, k);
  if (p === k) bail();
  k = p;
  // names seen so far, for the duplicate check (scratch space after the record; not kept)
  const list = rec.list;
  const at = rec.length;
  for (let n = 0; ; n++) {
    const ns = k;
    k = tokenEnd(b, k);
    const ne = k;
    if (ne === ns) bail();
    k = skipWsp(b, k);
    if (b[k] !== 0x3d) bail();
    k = skipWsp(b, k + 1);
    if (b[k] === DQUOTE) k = fastQuoted(b, k);
    else {
      const vs = k;
      k = tokenEnd(b, k);
      if (k === vs) bail();
    }
    for (let d = at; d < at + 2 * n; d += 2) if (sameParamName(b, list[d]!, list[d + 1]!, ns, ne)) bail();
    if (n === 32) bail();
    list[at + 2 * n] = ns;
    list[at + 2 * n + 1] = ne;
    const w = skipWsp(b, k);
    if (b[w] !== 0x2c) return endOfField(b, k);
    k = skipWsp(b, w + 1);
  }
}

/** Validate the value of a field of a FAST_KINDS kind starting at i; returns the index of its final CR. */
export function fastField(m: MessageImpl, kind: number, b: Uint8Array, s: string, i: number): number {
  switch (kind) {
    case K.TEXT: return fastText(b, i);
    case K.VIA: return fastVias(b, s, i);
    case K.FROM:
    case K.TO: return fastFromTo(b, i);
    case K.CALL_ID: {
      const e = fastCallId(b, i);
      m.callId = s.slice(i, scanned.end);
      return e;
    }
    case K.CSEQ: return fastCSeq(m, b, s, i);
    case K.MAX_FORWARDS: {
      // RFC 3261 §20.22: "an integer in the range 0-255"
      const e = fastNumber(b, i, 255);
      m.maxForwards = scanned.number;
      return e;
    }
    case K.CONTENT_LENGTH: {
      const e = fastNumber(b, i, MAX_CONTENT_LENGTH);
      m.contentLength = scanned.number;
      return e;
    }
    case K.CONTENT_TYPE: return fastContentType(b, i);
    case K.CONTACT: {
      if (m.contactWildcard) bail();
      const e = fastContacts(b, i);
      m.hasContacts = true;
      return e;
    }
    case K.ROUTE:
    case K.RECORD_ROUTE:
    case K.PATH:
    case K.SERVICE_ROUTE: return fastNameAddrList(b, i);
    case K.REQUIRE:
    case K.PROXY_REQUIRE:
    case K.UNSUPPORTED:
    case K.CONTENT_ENCODING:
    case K.ALLOW_EVENTS: return fastTokenList(b, i, false);
    case K.SUPPORTED:
    case K.ALLOW: return fastTokenList(b, i, true);
    case K.EXPIRES: {
      const e = fastNumber(b, i, MAX_U32);
      m.expires = scanned.number;
      return e;
    }
    case K.MIN_EXPIRES: {
      const e = fastNumber(b, i, MAX_U32);
      m.minExpires = scanned.number;
      return e;
    }
    case K.RSEQ: {
      // RFC 3262 §7.1: 1 to 2**32 - 1
      const e = fastNumber(b, i, MAX_U32);
      if (scanned.number === 0) bail();
      m.rseq = scanned.number;
      return e;
    }
    case K.SESSION_EXPIRES:
    case K.MIN_SE: return fastSessionExpires(b, i);
    case K.REFER_TO:
    case K.REFERRED_BY: return fastSingleAddress(b, i);
    case K.EVENT: return fastEvent(b, i);
    case K.WWW_AUTHENTICATE:
    case K.PROXY_AUTHENTICATE:
    case K.AUTHORIZATION:
    case K.PROXY_AUTHORIZATION: return fastAuth(b, i);
    default: return bail();
  }
}
