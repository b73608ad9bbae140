// The parser's fast path, part 4: address headers (see fast-scan.ts for the contract) —
// From / To, Contact, Route / Record-Route / Path / Service-Route, Refer-To / Referred-By —
// as address-headers.ts reads them, for SIP URIs and display names that are a plain
// quoted-string or tokens separated by single spaces.
//
// Recorded per address (format in fast-build.ts): the display name's range, the URI, then
// the header params; a list field records a count first.

import { classTable, C_TOKEN } from './chars.js';
import { bail, endOfField, fastQuoted, put, rec as records, skipWsp, tokenEnd, allDigits, digitsAt } from './fast-scan.js';
import * as codes from './fast-params.js';
import { fastParams, firstParam, paramsEnd } from './fast-params.js';
import { fastSipUri } from './fast-uri.js';

// module-local copies of imported constants (see fast-scan.ts)
const rec = records;
const { PARAM_SIZE, P_EXPIRES, P_INSTANCE, P_Q, P_REG_ID, P_TAG } = codes;
const SP = 0x20;
const HT = 0x09;
const DQUOTE = 0x22;

const TOKEN = classTable(C_TOKEN);

/**
 * name-addr (or addr-spec when allowed) at i, as readAddress reads it; returns the index
 * after it. Records the display name's range and the URI.
 */
function fastAddress(b: Uint8Array, i: number, allowAddrSpec: boolean): number {
  let c = b[i]!;
  let lt: number;
  if (c === DQUOTE) {
    const q = fastQuoted(b, i);
    put(i + 1);
    put(q - 1);
    lt = skipWsp(b, q);
    if (b[lt] !== 0x3c) bail();
  } else if (c === 0x3c) {
    put(-1);
    put(-1);
    lt = i;
  } else {
    let t = tokenEnd(b, i);
    if (t > i && b[t] === 0x3a) {
      if (!allowAddrSpec) bail();
      // addr-spec: the URI ends at ";", ",", SP, HTAB or CR, as in readAddrSpec
      put(-1);
      put(-1);
      const k = fastSipUri(b, i, true);
      c = b[k]!;
      if (c !== 0x3b && c !== 0x2c && c !== SP && c !== HT && c !== 0x0d) bail();
      return k;
    }
    // display-name = *(token LWS): the reference joins the tokens with single spaces, so
    // the text as written is that name when every separator is one SP
    const start = i;
    for (;;) {
      if (t === i) bail();
      c = b[t]!;
      if (c === 0x3c) {
        lt = t;
        break;
      }
      const w = skipWsp(b, t);
      if (b[w] === 0x3c) {
        lt = w;
        break;
      }
      if (w !== t + 1 || c !== SP || TOKEN[b[w]!] !== 1) bail();
      i = w;
      t = tokenEnd(b, i);
    }
    put(start);
    put(t);
  }
  // LAQUOT addr-spec RAQUOT
  const gt = fastSipUri(b, lt + 1, false);
  if (b[gt] !== 0x3e) bail();
  return gt + 1;
}

/** After a list element at i: the index of the next element after a COMMA, or -1 at the end. */
function nextElement(b: Uint8Array, i: number): number {
  const k = skipWsp(b, i);
  return b[k] === 0x2c ? skipWsp(b, k + 1) : -1;
}

/** From / To: one address, then params with a token `tag`. */
export function fastFromTo(b: Uint8Array, i: number): number {
  const k = fastParams(b, fastAddress(b, i, true));
  const list = rec.list;
  for (let o = firstParam(), end = paramsEnd(); o < end; o += PARAM_SIZE) {
    if (list[o] === P_TAG && (list[o + 3]! < 0 || b[list[o + 3]!] === DQUOTE)) bail();
  }
  return endOfField(b, k);
}

/** Refer-To / Referred-By: one address with params. */
export function fastSingleAddress(b: Uint8Array, i: number): number {
  return endOfField(b, fastParams(b, fastAddress(b, i, true)));
}

/** Route / Record-Route / Path / Service-Route: name-addrs with params, comma-separated. */
export function fastNameAddrList(b: Uint8Array, i: number): number {
  const at = rec.length;
  put(0);
  for (let n = 1; ; n++) {
    i = fastParams(b, fastAddress(b, i, false));
    rec.list[at] = n;
    const next = nextElement(b, i);
    if (next < 0) return endOfField(b, i);
    i = next;
  }
}

/** q = "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3("0") ], as the reference's pattern checks it. */
function isQValue(b: Uint8Array, i: number, j: number): boolean {
  const c = b[i];
  if (c !== 0x30 && c !== 0x31) return false;
  if (j === i + 1) return true;
  if (b[i + 1] !== 0x2e || j - i > 5) return false;
  for (let k = i + 2; k < j; k++) {
    const d = b[k]!;
    if (c === 0x31 ? d !== 0x30 : d < 0x30 || d > 0x39) return false;
  }
  return true;
}

/** A contact param value of digits no larger than max (as numberParam checks), else bail. */
function checkNumber(b: Uint8Array, vs: number, ve: number, max: number): void {
  if (vs < 0 || ve - vs > 10 || !allDigits(b, vs, ve) || digitsAt(b, vs, ve) > max) bail();
}

/** The checks contactOf makes on the contact params of the last fastParams scan. */
function checkContactParams(b: Uint8Array): void {
  const list = rec.list;
  for (let o = firstParam(), end = paramsEnd(); o < end; o += PARAM_SIZE) {
    const code = list[o]!;
    if (code === 0) continue;
    const vs = list[o + 3]!;
    const ve = list[o + 4]!;
    switch (code) {
      case P_EXPIRES: checkNumber(b, vs, ve, 0xffffffff); break;
      case P_Q: if (vs < 0 || !isQValue(b, vs, ve)) bail(); break;
      case P_INSTANCE: if (vs < 0 || b[vs] !== DQUOTE) bail(); break;
      case P_REG_ID: checkNumber(b, vs, ve, 0x7fffffff); break;
    }
  }
}

/** Contact values other than "*" (which bails: the reference handles its rules). */
export function fastContacts(b: Uint8Array, i: number): number {
  if (b[i] === 0x2a) bail();
  const at = rec.length;
  put(0);
  for (let n = 1; ; n++) {
    i = fastParams(b, fastAddress(b, i, true));
    checkContactParams(b);
    rec.list[at] = n;
    const next = nextElement(b, i);
    if (next < 0) return endOfField(b, i);
    i = next;
  }
}
