// The parser's fast path, part 3: header parameters `*( SEMI generic-param )` as readParams
// reads them (see fast-scan.ts for the contract), with SWS limited to SP/HT and values that
// are tokens or plain quoted-strings. Duplicate names bail, so the reference reports them.
// Recorded as a count and [nameStart, nameEnd, valueStart (-1 if none), valueEnd] each.

import { DQUOTE, SP, HT } from './chars.js';
import { bail, fastQuoted, put, rec, sameToken, tokenEnd } from './fast-scan.js';
import { sameParamName } from './fast-uri.js';

const MAX_PARAMS = 16;

/** Where the last fastParams scan recorded its parameters (index of the count in rec.list). */
const block = { at: 0 };

/** Read `*( SEMI generic-param )` at i; returns the index after the last parameter (i if none). */
export function fastParams(b: Uint8Array, i: number): number {
  const list = rec.list;
  const at = rec.length;
  block.at = at;
  put(0);
  let n = 0;
  for (;;) {
    let k = i;
    let c = b[k]!;
    while (c === SP || c === HT) c = b[++k]!;
    if (c !== 0x3b) break;
    c = b[++k]!;
    while (c === SP || c === HT) c = b[++k]!;
    const ns = k;
    k = tokenEnd(b, k);
    const ne = k;
    if (ne === ns) bail();
    let vs = -1;
    let j = k;
    c = b[j]!;
    while (c === SP || c === HT) c = b[++j]!;
    if (c === 0x3d) {
      c = b[++j]!;
      while (c === SP || c === HT) c = b[++j]!;
      vs = j;
      if (c === DQUOTE) k = fastQuoted(b, j);
      else {
        k = tokenEnd(b, j);
        // an empty value, an IPv6 reference, or a bare IPv6 received= : the reference decides
        if (k === j || b[k] === 0x3a) bail();
      }
    }
    for (let d = at + 1; d < at + 1 + n * 4; d += 4) if (sameParamName(b, list[d]!, list[d + 1]!, ns, ne)) bail();
    if (++n > MAX_PARAMS) bail();
    put(ns);
    put(ne);
    put(vs);
    put(k);
    i = k;
  }
  list[at] = n;
  return i;
}

/** Index in rec.list of the name of the parameter `lower` of the last fastParams scan, or -1. */
export function findParam(b: Uint8Array, lower: string): number {
  const list = rec.list;
  const at = block.at;
  const end = at + 1 + list[at]! * 4;
  for (let o = at + 1; o < end; o += 4) if (sameToken(b, list[o]!, list[o + 1]!, lower)) return o;
  return -1;
}

/** Value start of the parameter found at o (-1 when it has no value). */
export function valueStart(o: number): number {
  return rec.list[o + 2]!;
}

export function valueEnd(o: number): number {
  return rec.list[o + 3]!;
}
