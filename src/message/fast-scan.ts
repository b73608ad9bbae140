// The parser's fast path, part 1: allocation-free scanners for the forms header values
// take in everyday traffic. They cover a subset of the grammar (no folds, escapes, quoted
// pairs, IPv6 references, ...). On anything outside it — including every actual error —
// they throw BAIL, and the parser reads that one field again with the reference readers
// (header-dispatch.ts), which accept it or report the exact error. So the fast path decides
// nothing on its own: whatever it accepts, the reference grammar accepts with the same
// value (the differential test in test/unit/message checks this on real, torture and
// fuzzed messages).
//
// The scanners read a byte copy of the message (`b`; offsets are those of the byte string)
// because indexing bytes costs a fraction of charCodeAt. Contract of a field scanner:
// called with i at the first byte of the value (after HCOLON and any SP/HT), it returns
// the index of the CR that ends the field. The copy ends with a CRLFCRLF sentinel
// (byte-copy.ts), so every scan meets a CR before the copy ends; the parser refuses a field
// that would end at the sentinel. As they go, the scanners record the offsets the message
// needs to build values later without scanning again (see `rec`).

import { classTable, C_DIGIT, C_TOKEN, C_WORD } from './chars.js';

// Constants used in hot code are module-local: optimized code reads an imported binding
// from its module cell (checking that it is initialized) at every use, but folds a local
// const into the code. Hence the other fast-*.ts modules keep local copies of what they
// import (`const rec = records`, `const { PARAM_SIZE, ... } = codes`).
const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;
const DQUOTE = 0x22;

const TOKEN = classTable(C_TOKEN);
const DIGIT = classTable(C_DIGIT);
const WORD = classTable(C_WORD);
/** bytes checkText accepts in a value (but CR, which ends or folds it) */
const TEXT = new Uint8Array(256).map((_, c) => ((c >= 0x20 && c !== 0x7f && c < 0xfe) || c === HT ? 1 : 0));

/** Thrown by the fast scanners: "not in the fast subset; ask the reference grammar". */
export class Bail {}
export const BAIL = new Bail();

export function bail(): never {
  throw BAIL;
}

/**
 * Offsets recorded by the scanners for the message's builders: `rec.list[rec.length++] = x`,
 * always in order (so the array never has holes). The parser copies the used part into the message.
 */
export const rec = { list: Array.from({ length: 2048 }, () => 0), length: 0 };

export function put(x: number): void {
  rec.list[rec.length++] = x;
}

/** Index of the CR ending the field, when only SP/HT remain before a CRLF that is not a fold. */
export function endOfField(b: Uint8Array, i: number): number {
  let c = b[i]!;
  while (c === SP || c === HT) c = b[++i]!;
  if (c !== CR || b[i + 1] !== LF) bail();
  const n = b[i + 2];
  if (n === SP || n === HT) bail();
  return i;
}

/** Index after a run of SP/HT starting at i. */
export function skipWsp(b: Uint8Array, i: number): number {
  let c = b[i]!;
  while (c === SP || c === HT) c = b[++i]!;
  return i;
}

/** Index after a (possibly empty) run of token chars. */
export function tokenEnd(b: Uint8Array, i: number): number {
  while (TOKEN[b[i]!] === 1) i++;
  return i;
}

/** Free text (what checkText accepts), on one line. */
export function fastText(b: Uint8Array, i: number): number {
  while (TEXT[b[i]!] === 1) i++;
  return endOfField(b, i);
}

/** `token *(COMMA token)`, or also nothing when `allowEmpty` (what readTokenList accepts). */
export function fastTokenList(b: Uint8Array, i: number, allowEmpty: boolean): number {
  let c = b[i]!;
  if (c === CR) {
    if (!allowEmpty) bail();
    return endOfField(b, i);
  }
  for (;;) {
    const start = i;
    while (TOKEN[c] === 1) c = b[++i]!;
    if (i === start) bail();
    while (c === SP || c === HT) c = b[++i]!;
    if (c !== 0x2c) return endOfField(b, i);
    c = b[++i]!;
    while (c === SP || c === HT) c = b[++i]!;
  }
}

/** Scratch second results of the scanners below. */
export const scanned = { number: 0, end: 0 };

/** Up to 10 digits with a value no larger than max; the value is left in `scanned.number`. */
export function fastDigits(b: Uint8Array, i: number, max: number): number {
  let k = i;
  let n = 0;
  let c = b[k]!;
  while (DIGIT[c] === 1) {
    n = n * 10 + (c - 48);
    c = b[++k]!;
  }
  if (k === i || k - i > 10 || n > max) bail();
  scanned.number = n;
  return k;
}

/** A whole value that is `1*DIGIT` no larger than max (what readNumberValue accepts). */
export function fastNumber(b: Uint8Array, i: number, max: number): number {
  return endOfField(b, fastDigits(b, i, max));
}

/** callid = word [ "@" word ]; `scanned.end` is left after the callid. */
export function fastCallId(b: Uint8Array, i: number): number {
  let k = i;
  while (WORD[b[k]!] === 1) k++;
  if (k === i) bail();
  if (b[k] === 0x40) {
    const w = ++k;
    while (WORD[b[k]!] === 1) k++;
    if (k === w) bail();
  }
  scanned.end = k;
  return endOfField(b, k);
}

/**
 * A quoted-string at i (the DQUOTE) holding only printable ASCII and HT: no quoted-pair,
 * no fold, no UTF-8, so its content is exactly the text between the quotes.
 */
export function fastQuoted(b: Uint8Array, i: number): number {
  for (let k = i + 1; ; k++) {
    const c = b[k]!;
    if (c === DQUOTE) return k + 1;
    if (!((c >= 0x20 && c < 0x7f && c !== 0x5c) || c === HT)) bail();
  }
}

/** True when b[i..j) is exactly `text`. */
export function sameText(b: Uint8Array, i: number, j: number, text: string): boolean {
  if (text.length !== j - i) return false;
  for (let k = 0; k < text.length; k++) if (b[i + k] !== text.charCodeAt(k)) return false;
  return true;
}

/** Value of the digits b[i..j) (at most 15 of them). */
export function digitsAt(b: Uint8Array, i: number, j: number): number {
  let n = 0;
  for (let k = i; k < j; k++) n = n * 10 + (b[k]! - 48);
  return n;
}

/** True when b[i..j) are all digits. */
export function allDigits(b: Uint8Array, i: number, j: number): boolean {
  if (j === i) return false;
  for (let k = i; k < j; k++) if (DIGIT[b[k]!] !== 1) return false;
  return true;
}
