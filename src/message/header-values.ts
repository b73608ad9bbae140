// Scalar and list header values of RFC 3261 §20/§25 and RFC 3262. Each reader parses the
// whole value s[i..end) (i already past leading LWS) and fails on anything left over.

import { TABLE, C_ALPHA, C_DIGIT, C_TOKEN, DQUOTE } from './chars.js';
import { readCallIdWord } from './call-id.js';
import { fault, excerpt } from './errors.js';
import { pos, readParams } from './params.js';
import { expectEnd, expectNumber, expectToken, lowerSlice, scanDigits, scanQuoted, skipLws, tryComma } from './scan.js';
import type { CSeq, MediaType, RAck } from './types.js';

const BAD = 'bad-header-value';
/** RFC 3261 §8.1.1.5 / §20.16: "expressible as a 32-bit unsigned integer". */
export const MAX_U32 = 0xffffffff;
/** Largest Content-Length accepted before framing checks (they compare with the real size). */
export const MAX_CONTENT_LENGTH = 0x7fffffff;

/** `1*DIGIT` bounded by max, the whole value. */
export function readNumberValue(s: string, i: number, end: number, max: number, what: string): number {
  const n = expectNumber(s, i, end, max, what);
  expectEnd(s, scanDigits(s, i, end), end, what);
  return n;
}

/** CSeq = 1*DIGIT LWS Method. `likely` (the request method) is reused when it matches. */
export function readCSeq(s: string, i: number, end: number, likely?: string): CSeq {
  const seq = expectNumber(s, i, end, MAX_U32, 'CSeq sequence number');
  const d = scanDigits(s, i, end);
  const m = skipLws(s, d, end);
  if (m === d) fault(BAD, `expected whitespace and a method after the CSeq number, found ${excerpt(s, m)}`, m);
  const me = expectToken(s, m, end, 'CSeq method');
  expectEnd(s, me, end, 'CSeq method');
  return { seq, method: likely !== undefined && likely.length === me - m && s.startsWith(likely, m) ? likely : s.slice(m, me) };
}

/** RAck = response-num LWS CSeq-num LWS Method (RFC 3262 §7.2) */
export function readRAck(s: string, i: number, end: number): RAck {
  const rseq = expectNumber(s, i, end, MAX_U32, 'RAck response-num');
  let k = scanDigits(s, i, end);
  let n = skipLws(s, k, end);
  if (n === k) fault(BAD, 'expected whitespace after the RAck response-num', n);
  const cseq = expectNumber(s, n, end, MAX_U32, 'RAck CSeq-num');
  k = scanDigits(s, n, end);
  n = skipLws(s, k, end);
  if (n === k) fault(BAD, 'expected whitespace after the RAck CSeq-num', n);
  const me = expectToken(s, n, end, 'RAck method');
  expectEnd(s, me, end, 'RAck method');
  return { rseq, cseq, method: s.slice(n, me) };
}

/** Call-ID = callid = word [ "@" word ] */
export function readCallId(s: string, i: number, end: number): string {
  const k = readCallIdWord(s, i, end);
  expectEnd(s, k, end, 'Call-ID');
  return s.slice(i, k);
}

/**
 * A comma-separated token list (Require, Supported, Allow, ...); `allowEmpty` for
 * `[token *(COMMA token)]`. Tokens are appended to `out`; with `out` null it only validates.
 * One loop with the LWS handling inlined: this runs for every such header of every message.
 */
export function readTokenList(s: string, i: number, end: number, allowEmpty: boolean, what: string, out: string[] | null): void {
  if (i >= end) {
    if (!allowEmpty) fault(BAD, `${what} must list at least one value`, i);
    return;
  }
  for (;;) {
    const start = i;
    while (i < end && (TABLE[s.charCodeAt(i)]! & C_TOKEN) !== 0) i++;
    if (i === start) fault(BAD, `expected ${what}, found ${excerpt(s, i)}`, i);
    if (out !== null) out.push(s.slice(start, i));
    if (i === end) return;
    let c = s.charCodeAt(i);
    if (c === 0x2c) {
      i++;
    } else {
      // LWS (with folds) before the comma, or trailing LWS
      while (i < end && (c === 0x20 || c === 0x09 || (c === 0x0d && s.charCodeAt(i + 1) === 0x0a))) c = s.charCodeAt((i += c === 0x0d ? 2 : 1));
      if (i === end) return;
      if (c !== 0x2c) fault(BAD, `unexpected ${excerpt(s, i)} in ${what} list`, i);
      i++;
    }
    // LWS after the comma
    c = s.charCodeAt(i);
    while (i < end && (c === 0x20 || c === 0x09 || (c === 0x0d && s.charCodeAt(i + 1) === 0x0a))) c = s.charCodeAt((i += c === 0x0d ? 2 : 1));
  }
}

/** media-type = m-type SLASH m-subtype *(SEMI m-parameter); `*` allowed for Accept ranges. */
export function readMediaType(s: string, i: number, end: number, allowWildcard: boolean): MediaType {
  const te = expectToken(s, i, end, 'media type');
  let k = skipLws(s, te, end);
  if (k >= end || s.charCodeAt(k) !== 0x2f) fault(BAD, `expected "/" in media type, found ${excerpt(s, k)}`, k);
  k = skipLws(s, k + 1, end);
  const se = expectToken(s, k, end, 'media subtype');
  const type = lowerSlice(s, i, te);
  const subtype = lowerSlice(s, k, se);
  if (!allowWildcard && (type === '*' || subtype === '*')) fault(BAD, 'wildcard media type not allowed here', i);
  const params = readParams(s, se, end);
  return { type, subtype, essence: `${type}/${subtype}`, params };
}

export function readContentType(s: string, i: number, end: number): MediaType {
  const mt = readMediaType(s, i, end, false);
  expectEnd(s, pos.end, end, 'Content-Type');
  return mt;
}

/** Accept = [ accept-range *(COMMA accept-range) ] */
export function readAccept(s: string, i: number, end: number, out: MediaType[]): void {
  if (i >= end) return;
  for (;;) {
    out.push(readMediaType(s, i, end, true));
    const c = tryComma(s, pos.end, end);
    if (c < 0) break;
    i = c;
  }
  expectEnd(s, pos.end, end, 'Accept');
}

const WKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * SIP-date = rfc1123-date = wkday "," SP date1 SP time SP "GMT" (RFC 3261 §20.17, §25):
 * "SIP only supports recent dates ... and only GMT" — e.g. `Sat, 13 Nov 2010 23:29:00 GMT`.
 */
export function readDate(s: string, i: number, end: number): Date {
  let e = end;
  while (e > i && (s.charCodeAt(e - 1) === 0x20 || s.charCodeAt(e - 1) === 0x09)) e--;
  const v = s.slice(i, e);
  const m = v.length === 29 ? /^([A-Z][a-z]{2}), ([0-9]{2}) ([A-Z][a-z]{2}) ([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) GMT$/.exec(v) : null;
  if (!m) {
    const why = / (?!GMT)[A-Z]{3,4}$/.test(v) ? ' (SIP dates must be in GMT)' : ' (expected e.g. "Sat, 13 Nov 2010 23:29:00 GMT")';
    fault(BAD, `invalid Date ${excerpt(v, 0, 40)}${why}`, i);
  }
  const [, wk, dd, mon, yyyy, hh, mi, ss] = m;
  const month = MONTHS.indexOf(mon!);
  if (!WKDAYS.includes(wk!) || month < 0) fault(BAD, `invalid day or month name in Date ${excerpt(v, 0, 40)}`, i);
  const date = new Date(Date.UTC(Number(yyyy), month, Number(dd), Number(hh), Number(mi), Number(ss)));
  if (date.getUTCDate() !== Number(dd) || Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 60) fault(BAD, `Date ${excerpt(v, 0, 40)} is not a valid calendar time`, i);
  return date;
}

/** True for the first char of a quoted-string. */
export function isQuote(s: string, i: number): boolean {
  return s.charCodeAt(i) === DQUOTE;
}

/** `token` or `quoted-string` at i; returns the index after it. */
export function scanTokenOrQuoted(s: string, i: number, end: number, what: string): number {
  return isQuote(s, i) ? scanQuoted(s, i, end) : expectToken(s, i, end, what);
}

export function isAlphaAt(s: string, i: number): boolean {
  return (TABLE[s.charCodeAt(i)]! & C_ALPHA) !== 0;
}

export function isDigitAt(s: string, i: number): boolean {
  return (TABLE[s.charCodeAt(i)]! & C_DIGIT) !== 0;
}
