// The parser's fast path, part 2: the SIP/SIPS URIs of everyday traffic (see fast-scan.ts
// for the contract). Covered: `sip:` / `sips:` in lower case, a user part without escapes
// or password, a hostname or IPv4 host, a port, and parameters without escapes (other
// than ttl, maddr and method, which carry extra rules). Anything else bails to uri-parser.ts.
//
// fastSipUri validates and records: [sips, userStart (-1 if none), userEnd, hostStart,
// hostEnd, hostKind (0 domain, 1 IPv4), port (-1 if none), params]; params are a count and
// [nameStart, nameEnd, valueStart (-1 if none), valueEnd] each. buildSipUri reads that
// back into the SipUri parseUriAt would build.

import { classTable, C_ALPHA, C_DIGIT, C_PARAM, C_USER, C_USER_NS } from './chars.js';
import { EMPTY_ARRAY } from './empty.js';
import { bail, put, rec, sameToken, take } from './fast-scan.js';
import { EMPTY_PARAMS, ParamMap } from './param-map.js';
import { lowerSlice } from './scan.js';
import type { SipUri, UriParams } from './types.js';

const MAX_PARAMS = 16;

const ALPHA = classTable(C_ALPHA);
const DIGIT = classTable(C_DIGIT);
/** host chars that need no label bookkeeping: 1 letter, 2 digit */
const ALNUM = new Uint8Array(256).map((_, c) => (ALPHA[c] === 1 ? 1 : DIGIT[c] === 1 ? 2 : 0));
const USER = classTable(C_USER);
const USER_NS = classTable(C_USER_NS);
const PARAM = classTable(C_PARAM);

/** Last fastHost scan: 0 for a hostname, 1 for an IPv4 address. */
export const hostScan = { kind: 0 };

/**
 * host = hostname / IPv4address (RFC 3261 §25), as scanHost reads it; IPv6 references bail.
 * Returns the index after the host; its kind is left in `hostScan.kind`.
 */
export function fastHost(b: Uint8Array, i: number): number {
  let k = i;
  let labelStart = i;
  let lastLabelStart = i;
  let digitsOnly = true;
  for (;; k++) {
    const c = b[k]!;
    const f = ALNUM[c]!;
    if (f !== 0) {
      if (f === 1) digitsOnly = false;
    } else if (c === 0x2e) {
      if (k === labelStart || b[k - 1] === 0x2d) bail();
      lastLabelStart = labelStart;
      labelStart = k + 1;
    } else if (c === 0x2d) {
      if (k === labelStart) bail();
      digitsOnly = false;
    } else break;
  }
  if (k === i) bail();
  if (labelStart < k) {
    if (b[k - 1] === 0x2d) bail();
    lastLabelStart = labelStart;
  }
  if (digitsOnly) {
    if (!isIpv4Bytes(b, i, k)) bail();
    hostScan.kind = 1;
  } else {
    if (ALPHA[b[lastLabelStart]!] !== 1) bail();
    hostScan.kind = 0;
  }
  return k;
}

/** isIpv4 (host.ts) over bytes: four dot-separated 1-3 digit numbers up to 255. */
function isIpv4Bytes(b: Uint8Array, i: number, j: number): boolean {
  let parts = 0;
  let k = i;
  for (;;) {
    let n = 0;
    const start = k;
    while (k < j && b[k]! >= 0x30 && b[k]! <= 0x39) n = n * 10 + b[k++]! - 48;
    if (k === start || k - start > 3 || n > 255) return false;
    parts++;
    if (k === j) return parts === 4;
    if (b[k] !== 0x2e) return false;
    k++;
  }
}

/** Value of the port scanned last by fastPort. */
export const portScan = { port: -1 };

/** `port = 1*DIGIT` as readPort reads it (at most 5 digits, at most 65535); i is after ":". */
export function fastPort(b: Uint8Array, i: number): number {
  let k = i;
  let n = 0;
  let c = b[k]!;
  while (DIGIT[c] === 1) {
    n = n * 10 + (c - 48);
    c = b[++k]!;
  }
  if (k === i || k - i > 5 || n > 65535) bail();
  portScan.port = n;
  return k;
}

/**
 * A SIP or SIPS URI starting at i (at its scheme); returns the index of the first char that
 * cannot continue it (the caller checks that the URI ends there). In an addr-spec (`addrSpec`)
 * the URI ends at the first ";" or ",", as in readAddrSpec, so it has no parameters.
 */
export function fastSipUri(b: Uint8Array, i: number, addrSpec: boolean): number {
  if (b[i] !== 0x73 || b[i + 1] !== 0x69 || b[i + 2] !== 0x70) bail();
  let k = i + 3;
  const sips = b[k] === 0x73;
  if (sips) k++;
  if (b[k] !== 0x3a) bail();
  put(sips ? 1 : 0);
  const u = ++k;
  // userinfo: a run of user chars followed by "@"; otherwise there is no user part and
  // the same chars are read again as the host (an "@" further on then stops the scan)
  const user = addrSpec ? USER_NS : USER;
  while (user[b[k]!] === 1) k++;
  if (k > u && b[k] === 0x40) {
    put(u);
    put(k);
    k++;
  } else {
    put(-1);
    put(-1);
    k = u;
  }
  put(k);
  k = fastHost(b, k);
  put(k);
  put(hostScan.kind);
  if (b[k] === 0x3a) {
    k = fastPort(b, k + 1);
    put(portScan.port);
  } else put(-1);
  if (!addrSpec && b[k] === 0x3b) k = fastUriParams(b, k);
  else put(0);
  if (b[k] === 0x3f) bail(); // URI headers
  return k;
}

/** uri-parameters from the ";" at k: a count, then four offsets each. */
function fastUriParams(b: Uint8Array, k: number): number {
  const list = rec.list;
  const at = rec.length;
  put(0);
  let n = 0;
  while (b[k] === 0x3b) {
    const ns = ++k;
    while (PARAM[b[k]!] === 1) k++;
    const ne = k;
    if (ne === ns) bail();
    let vs = -1;
    if (b[k] === 0x3d) {
      vs = ++k;
      while (PARAM[b[k]!] === 1) k++;
      if (k === vs) bail();
    }
    // ttl and maddr have value rules and method is refused in a Request-URI: the reference reads those
    if (sameToken(b, ns, ne, 'ttl') || sameToken(b, ns, ne, 'maddr') || sameToken(b, ns, ne, 'method')) bail();
    for (let d = at + 1; d < at + 1 + n * 4; d += 4) if (sameParamName(b, list[d]!, list[d + 1]!, ns, ne)) bail();
    if (++n > MAX_PARAMS) bail();
    put(ns);
    put(ne);
    put(vs);
    put(k);
  }
  list[at] = n;
  return k;
}

/** Case-insensitive equality of two parameter names (param chars: letters fold, nothing else does). */
export function sameParamName(b: Uint8Array, a: number, ae: number, c: number, ce: number): boolean {
  if (ae - a !== ce - c) return false;
  for (let k = 0; k < ae - a; k++) {
    const x = b[a + k]!;
    const y = b[c + k]!;
    if (x !== y && ((x | 0x20) !== (y | 0x20) || ALPHA[x] !== 1)) return false;
  }
  return true;
}

/** Read back `n` recorded parameters (names lower-cased, values as written). */
export function takeParams(s: string): UriParams {
  const n = take();
  if (n === 0) return EMPTY_PARAMS;
  const flat: (string | null)[] = [];
  for (let p = 0; p < n; p++) {
    const ns = take();
    const ne = take();
    const vs = take();
    const ve = take();
    flat.push(lowerSlice(s, ns, ne), vs < 0 ? null : s.slice(vs, ve));
  }
  return new ParamMap(flat);
}

/** Read back a recorded URI: the SipUri parseUriAt builds. */
export function buildSipUri(s: string): SipUri {
  const sips = take();
  const userStart = take();
  const userEnd = take();
  const hostStart = take();
  const hostEnd = take();
  const kind = take();
  const port = take();
  return {
    scheme: sips === 1 ? 'sips' : 'sip',
    user: userStart < 0 ? undefined : s.slice(userStart, userEnd),
    password: undefined,
    host: s.slice(hostStart, hostEnd),
    hostKind: kind === 1 ? 'ipv4' : 'domain',
    port: port < 0 ? undefined : port,
    params: takeParams(s),
    headers: EMPTY_ARRAY,
  };
}
