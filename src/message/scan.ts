// Low-level scanners over byte strings. Each takes an absolute index `i` and an exclusive
// `end`, returns the index after what it consumed, and throws a SyntaxFault (via `fault`)
// on bad input. All are single forward passes: no backtracking, no regular expressions.

import { TABLE, C_TOKEN, C_DIGIT, C_HEX, CR, LF, SP, HT, DQUOTE, BACKSLASH } from './chars.js';
import { fault, excerpt } from './errors.js';
import type { SipParseErrorCode } from './errors.js';

const BAD: SipParseErrorCode = 'bad-header-value';

/**
 * Skip LWS / SWS: `LWS = [*WSP CRLF] 1*WSP`. Header framing guarantees a CRLF inside a
 * field value is always followed by WSP (a fold), so a CR here starts a fold.
 */
export function skipLws(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === SP || c === HT) i++;
    else if (c === CR && s.charCodeAt(i + 1) === LF && i + 2 < end) i += 2;
    else break;
  }
  return i;
}

/** True when s[i] is SP, HTAB or a fold. */
export function isLwsAt(s: string, i: number, end: number): boolean {
  if (i >= end) return false;
  const c = s.charCodeAt(i);
  return c === SP || c === HT || c === CR;
}

export function scanToken(s: string, i: number, end: number): number {
  while (i < end && (TABLE[s.charCodeAt(i)]! & C_TOKEN) !== 0) i++;
  return i;
}

/** Scan a non-empty token or fail with a message naming `what`. */
export function expectToken(s: string, i: number, end: number, what: string): number {
  const j = scanToken(s, i, end);
  if (j === i) fault(BAD, i < end ? `expected ${what}, found ${excerpt(s, i)}` : `expected ${what} at end of value`, i);
  return j;
}

export function scanDigits(s: string, i: number, end: number): number {
  while (i < end && (TABLE[s.charCodeAt(i)]! & C_DIGIT) !== 0) i++;
  return i;
}

/**
 * Value of the decimal digits s[i..j). Fails when there are none or the value exceeds `max`
 * (checked digit by digit, so a 100-digit number cannot overflow into a wrong answer).
 */
export function digitsValue(s: string, i: number, j: number, max: number, what: string): number {
  if (j === i) fault(BAD, `expected ${what} (digits)${i < s.length ? `, found ${excerpt(s, i)}` : ''}`, i);
  let v = 0;
  for (let k = i; k < j; k++) {
    v = v * 10 + (s.charCodeAt(k) - 48);
    if (v > max) fault(BAD, `${what} ${excerpt(s, i, 30)} is larger than ${max}`, i);
  }
  return v;
}

/** Read digits at i and return their value; the end index is `scanDigits(s, i, end)`. */
export function expectNumber(s: string, i: number, end: number, max: number, what: string): number {
  return digitsValue(s, i, scanDigits(s, i, end), max, what);
}

/** Skip one UTF8-NONASCII character (RFC 3261 §25) starting at a byte >= 0x80. */
export function skipUtf8(s: string, i: number, end: number): number {
  const c = s.charCodeAt(i);
  let n: number;
  if (c >= 0xc0 && c <= 0xdf) n = 1;
  else if (c >= 0xe0 && c <= 0xef) n = 2;
  else if (c >= 0xf0 && c <= 0xf7) n = 3;
  else if (c >= 0xf8 && c <= 0xfb) n = 4;
  else if (c >= 0xfc && c <= 0xfd) n = 5;
  else fault(BAD, `invalid UTF-8 lead byte 0x${c.toString(16)}`, i);
  if (i + n >= end) fault(BAD, 'truncated UTF-8 sequence', i);
  for (let k = 1; k <= n; k++) {
    const d = s.charCodeAt(i + k);
    if (d < 0x80 || d > 0xbf) fault(BAD, 'invalid UTF-8 continuation byte', i + k);
  }
  return i + n + 1;
}

/** Set by scanQuoted: whether the quoted-string held non-ASCII (UTF-8) octets. */
export const quotedFlags = { high: false };

/**
 * Scan a quoted-string starting at the DQUOTE at i; returns the index after the closing
 * DQUOTE. `qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII`,
 * `quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)`.
 */
export function scanQuoted(s: string, i: number, end: number): number {
  const open = i;
  quotedFlags.high = false;
  i++;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === DQUOTE) return i + 1;
    if (c === BACKSLASH) {
      const d = s.charCodeAt(i + 1);
      if (i + 1 >= end || d === LF || d === CR || d > 0x7f) fault(BAD, 'invalid quoted-pair in quoted-string', i);
      i += 2;
    } else if (c >= 0x20 && c <= 0x7e) i++;
    else if (c === HT) i++;
    else if (c === CR) {
      if (s.charCodeAt(i + 1) !== LF || i + 2 >= end) fault(BAD, 'bare CR in quoted-string', i);
      i += 2;
    } else if (c >= 0x80) {
      quotedFlags.high = true;
      i = skipUtf8(s, i, end);
    } else fault(BAD, `control character 0x${c.toString(16).padStart(2, '0')} in quoted-string`, i);
  }
  return fault(BAD, `unterminated quoted-string starting ${excerpt(s, open)}`, open);
}

/**
 * Content of the quoted-string s[open..close) (both quotes included in the range), with
 * quoted-pairs resolved and each fold (CRLF + WSP) reduced to one SP. Byte string out.
 */
export function unquote(s: string, open: number, close: number): string {
  const inner = s.slice(open + 1, close - 1);
  if (inner.indexOf('\\') < 0 && inner.indexOf('\r') < 0) return inner;
  let out = '';
  for (let k = 0; k < inner.length; k++) {
    const ch = inner[k]!;
    if (ch === '\\') out += inner[++k]!;
    else if (ch === '\r') {
      k += 2;
      while (k < inner.length && (inner[k] === ' ' || inner[k] === '\t')) k++;
      k--;
      out += ' ';
    } else out += ch;
  }
  return out;
}

/**
 * Check a free-text header value: `header-value = *(TEXT-UTF8char / UTF8-CONT / LWS)`.
 * No control characters except HTAB; CR only inside a fold.
 */
export function checkText(s: string, i: number, end: number): void {
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x7f) {
      if (c >= 0xfe) fault(BAD, `invalid byte 0x${c.toString(16)}`, i);
      continue;
    }
    if (c === HT) continue;
    if (c === CR && s.charCodeAt(i + 1) === LF) {
      i++;
      continue;
    }
    fault(BAD, `control character 0x${c.toString(16).padStart(2, '0')}`, i);
  }
}

/** After a value: only LWS may remain before `end`. */
export function expectEnd(s: string, i: number, end: number, what: string): void {
  i = skipLws(s, i, end);
  if (i < end) fault(BAD, `unexpected ${excerpt(s, i)} after ${what}`, i);
}

/** If a SEMI (`SWS ";" SWS`) is at i, return the index after it; otherwise -1. */
export function trySemi(s: string, i: number, end: number): number {
  const j = skipLws(s, i, end);
  return j < end && s.charCodeAt(j) === 0x3b ? skipLws(s, j + 1, end) : -1;
}

/** If a COMMA (`SWS "," SWS`) is at i, return the index after it; otherwise -1. */
export function tryComma(s: string, i: number, end: number): number {
  const j = skipLws(s, i, end);
  return j < end && s.charCodeAt(j) === 0x2c ? skipLws(s, j + 1, end) : -1;
}

/** s[i..j) lower-cased; no toLowerCase call (and no new string) when it has no upper-case letter. */
export function lowerSlice(s: string, i: number, j: number): string {
  for (let k = i; k < j; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0x41 && c <= 0x5a) return s.slice(i, j).toLowerCase();
  }
  return s.slice(i, j);
}

/** s[i..j) upper-cased, calling toUpperCase only when needed. */
export function upperSlice(s: string, i: number, j: number): string {
  for (let k = i; k < j; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0x61 && c <= 0x7a) return s.slice(i, j).toUpperCase();
  }
  return s.slice(i, j);
}

export function isHex(s: string, i: number): boolean {
  return (TABLE[s.charCodeAt(i)]! & C_HEX) !== 0;
}
