// The parser's fast path, part 3: header parameters `*( SEMI generic-param )` as readParams
// reads them (see fast-scan.ts for the contract), with SWS limited to SP/HT and values that
// are tokens or plain quoted-strings. Duplicate names bail, so the reference reports them.
//
// Recorded as a count, then per parameter [code, nameStart, nameEnd, valueStart (-1 if
// none), valueEnd], where `code` tells the names the stack looks at (tag, branch, expires,
// ...) apart without comparing strings again, and lets fast-build.ts use interned names.

import { classTable, C_ALPHA, C_TOKEN } from './chars.js';
import { bail, fastQuoted, rec as records } from './fast-scan.js';

// module-local copies of imported constants (see fast-scan.ts)
const rec = records;
const SP = 0x20;
const HT = 0x09;
const DQUOTE = 0x22;

const TOKEN = classTable(C_TOKEN);
const ALPHA = classTable(C_ALPHA);
const MAX_PARAMS = 16;

/** Parameter names with a code (index); 0 is every other name. */
export const PARAM_NAMES = [
  '', 'tag', 'branch', 'received', 'rport', 'maddr', 'ttl', 'expires', 'q', '+sip.instance', 'reg-id', 'refresher', 'id',
  'transport', 'lr', 'ob', 'user', 'method',
] as const;
export const P_TAG = 1;
export const P_BRANCH = 2;
export const P_RECEIVED = 3;
export const P_RPORT = 4;
export const P_MADDR = 5;
export const P_TTL = 6;
export const P_EXPIRES = 7;
export const P_Q = 8;
export const P_INSTANCE = 9;
export const P_REG_ID = 10;
export const P_REFRESHER = 11;
export const P_ID = 12;
export const P_OB = 15;
export const P_METHOD = 17;

// paramCode's table: the coded names' bytes, and per (length, first letter) the first code
// with them, further codes with the same key chained in NEXT_CODE.
const NAME_BYTES = new Uint8Array(PARAM_NAMES.join('').split('').map((c) => c.charCodeAt(0)));
const NAME_START = new Int16Array(PARAM_NAMES.length + 1);
PARAM_NAMES.forEach((name, code) => (NAME_START[code + 1] = NAME_START[code]! + name.length));
const FIRST_CODE = new Int8Array(16 * 64);
const NEXT_CODE = new Int8Array(PARAM_NAMES.length);
for (let code = PARAM_NAMES.length - 1; code > 0; code--) {
  const name = PARAM_NAMES[code]!;
  const key = (name.length << 6) | (name.charCodeAt(0) & 63);
  NEXT_CODE[code] = FIRST_CODE[key]!;
  FIRST_CODE[key] = code;
}

/** The code of the parameter name b[i..j) (letters in any case), 0 if it has none. */
export function paramCode(b: Uint8Array, i: number, j: number): number {
  const len = j - i;
  if (len > 15) return 0;
  let code = FIRST_CODE[(len << 6) | ((b[i]! | 0x20) & 63)]!;
  while (code !== 0) {
    const o = NAME_START[code]! - i;
    let k = i;
    while (k < j && (b[k]! | 0x20) === NAME_BYTES[o + k]) k++;
    if (k === j) return code;
    code = NEXT_CODE[code]!;
  }
  return 0;
}

/** Per parameter in a record. */
export const PARAM_SIZE = 5;

/**
 * Read `*( SEMI generic-param )` at i; returns the index after the last parameter (i if none).
 * The record's count is at `paramBlock.at`.
 */
export function fastParams(b: Uint8Array, i: number): number {
  const list = rec.list;
  const at = rec.length;
  let w = at + 1;
  paramBlock.at = at;
  list[at] = 0;
  for (;;) {
    let k = i;
    let c = b[k]!;
    while (c === SP || c === HT) c = b[++k]!;
    if (c !== 0x3b) break;
    c = b[++k]!;
    while (c === SP || c === HT) c = b[++k]!;
    const ns = k;
    while (TOKEN[c] === 1) c = b[++k]!;
    const ne = k;
    if (ne === ns) bail();
    let vs = -1;
    let j = k;
    while (c === SP || c === HT) c = b[++j]!;
    if (c === 0x3d) {
      c = b[++j]!;
      while (c === SP || c === HT) c = b[++j]!;
      vs = j;
      if (c === DQUOTE) k = fastQuoted(b, j);
      else {
        k = j;
        while (TOKEN[c] === 1) c = b[++k]!;
        // an empty value, an IPv6 reference, or a bare IPv6 received= : the reference decides
        if (k === j || c === 0x3a) bail();
      }
    }
    const code = paramCode(b, ns, ne);
    for (let d = at + 1; d < w; d += PARAM_SIZE) {
      if (code !== 0 ? list[d] === code : list[d] === 0 && sameParamName(b, list[d + 1]!, list[d + 2]!, ns, ne)) bail();
    }
    if (w - at > MAX_PARAMS * PARAM_SIZE) bail();
    list[w] = code;
    list[w + 1] = ns;
    list[w + 2] = ne;
    list[w + 3] = vs;
    list[w + 4] = k;
    w += PARAM_SIZE;
    i = k;
  }
  list[at] = (w - at - 1) / PARAM_SIZE;
  rec.length = w;
  return i;
}

/** Where the last fastParams scan recorded its parameters. */
export const paramBlock = { at: 0 };

/** Offset in rec.list of the first parameter of the last scan, and the end of them. */
export function firstParam(): number {
  return paramBlock.at + 1;
}
export function paramsEnd(): number {
  return paramBlock.at + 1 + rec.list[paramBlock.at]! * PARAM_SIZE;
}

/** Case-insensitive equality of two parameter names (token or param chars: letters fold, nothing else does). */
export function sameParamName(b: Uint8Array, a: number, ae: number, c: number, ce: number): boolean {
  if (ae - a !== ce - c) return false;
  for (let k = 0; k < ae - a; k++) {
    const x = b[a + k]!;
    const y = b[c + k]!;
    if (x !== y && ((x | 0x20) !== (y | 0x20) || ALPHA[x] !== 1)) return false;
  }
  return true;
}
