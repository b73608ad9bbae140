// The parser's fast path, part 2: the SIP/SIPS URIs of everyday traffic (see fast-scan.ts
// for the contract). Covered: `sip:` / `sips:` in lower case, a user part without escapes
// or password, a hostname or IPv4 host, a port, and parameters without escapes (other
// than ttl, maddr and method, which carry extra rules). Anything else bails to uri-parser.ts.
//
// fastSipUri validates and records the URI (format in fast-build.ts, which builds the SipUri
// parseUriAt would build from it).

import { classTable, C_ALPHA, C_PARAM, C_USER, C_USER_NS } from './chars.js';
import { bail, rec as records } from './fast-scan.js';
import * as codes from './fast-params.js';
import { paramCode, sameParamName } from './fast-params.js';

// module-local copies of imported constants (see fast-scan.ts)
const rec = records;
const { PARAM_SIZE, P_MADDR, P_METHOD, P_TTL } = codes;

const MAX_PARAMS = 16;

const ALPHA = classTable(C_ALPHA);
/** 1 letter, 2 digit, 3 "." or "-": the chars of a hostname or IPv4 address */
const HOST = new Uint8Array(256).map((_, c) => (ALPHA[c] === 1 ? 1 : c >= 0x30 && c <= 0x39 ? 2 : c === 0x2e || c === 0x2d ? 3 : 0));
/** user chars that can neither be in a host nor follow one in a URI: seeing one means a user part */
const USER = classTable(C_USER);
const USER_ONLY = new Uint8Array(256).map((_, c) => (USER[c] === 1 && HOST[c] === 0 && c !== 0x3b && c !== 0x3f && c !== 0x2c ? 1 : 0));
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
    const f = HOST[c]!;
    if (f === 1) digitsOnly = false;
    else if (f === 2) continue;
    else if (c === 0x2e) {
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
  while (c >= 0x30 && c <= 0x39) {
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
  const list = rec.list;
  const at = rec.length;
  list[at] = sips ? 1 : 0;
  // userinfo: user chars up to an "@". The chars of a host come first in most URIs; a
  // user-only char after them means a user part, anything else that there is none.
  const u = ++k;
  let c = b[k]!;
  while (HOST[c] !== 0) c = b[++k]!;
  if (USER_ONLY[c] === 1) {
    const user = addrSpec ? USER_NS : USER;
    while (user[c] === 1) c = b[++k]!;
    if (c !== 0x40) bail();
  }
  if (c === 0x40 && k > u) {
    list[at + 1] = u;
    list[at + 2] = k;
    k++;
  } else {
    list[at + 1] = -1;
    list[at + 2] = -1;
    k = u;
  }
  list[at + 3] = k;
  k = fastHost(b, k);
  list[at + 4] = k;
  list[at + 5] = hostScan.kind;
  if (b[k] === 0x3a) {
    k = fastPort(b, k + 1);
    list[at + 6] = portScan.port;
  } else list[at + 6] = -1;
  rec.length = at + 7;
  if (!addrSpec && b[k] === 0x3b) k = fastUriParams(b, k);
  else list[rec.length++] = 0;
  if (b[k] === 0x3f) bail(); // URI headers
  return k;
}

/** uri-parameters from the ";" at k, recorded as fast-params.ts records header params. */
function fastUriParams(b: Uint8Array, k: number): number {
  const list = rec.list;
  const at = rec.length;
  list[at] = 0;
  let w = at + 1;
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
    const code = paramCode(b, ns, ne);
    // ttl and maddr have value rules and method is refused in a Request-URI: the reference reads those
    if (code === P_TTL || code === P_MADDR || code === P_METHOD) bail();
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
  }
  list[at] = (w - at - 1) / PARAM_SIZE;
  rec.length = w;
  return k;
}
