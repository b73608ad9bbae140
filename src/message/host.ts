// host = hostname / IPv4address / IPv6reference (RFC 3261 §25), validated by hand.

import { TABLE, C_ALPHA, C_DIGIT, C_HEX, C_HOST } from './chars.js';
import { fault, excerpt } from './errors.js';
import type { SipParseErrorCode } from './errors.js';
import type { HostKind } from './types.js';

/** Index after the host starting at i: a bracketed IPv6 reference or a run of host chars. */
export function scanHostEnd(s: string, i: number, end: number): number {
  if (s.charCodeAt(i) === 0x5b) {
    const close = s.indexOf(']', i);
    return close < 0 || close >= end ? end : close + 1;
  }
  while (i < end && (TABLE[s.charCodeAt(i)]! & C_HOST) !== 0) i++;
  return i;
}

/** Validate s[i..j) as a host and return its kind. */
export function hostKind(s: string, i: number, j: number, code: SipParseErrorCode, what: string): HostKind {
  if (j <= i) fault(code, `missing ${what}`, i);
  if (s.charCodeAt(i) === 0x5b) {
    if (s.charCodeAt(j - 1) !== 0x5d || !isIpv6(s, i + 1, j - 1)) fault(code, `invalid IPv6 reference ${excerpt(s, i, j - i)} in ${what}`, i);
    return 'ipv6';
  }
  const kind = domainOrIpv4(s, i, j);
  if (kind === undefined) fault(code, `invalid ${what} ${excerpt(s, i, j - i)}`, i);
  return kind;
}

/** hostname = *( domainlabel "." ) toplabel [ "." ], or IPv4address = 4 dotted 1*3DIGIT (0-255). */
function domainOrIpv4(s: string, i: number, j: number): HostKind | undefined {
  if (j > i && s.charCodeAt(j - 1) === 0x2e) j--; // one trailing dot allowed on hostnames
  let labelStart = i;
  let labels = 0;
  let allDigits = true;
  let lastLabelStart = i;
  for (let k = i; k <= j; k++) {
    if (k === j || s.charCodeAt(k) === 0x2e) {
      if (k === labelStart) return undefined; // empty label
      if (s.charCodeAt(labelStart) === 0x2d || s.charCodeAt(k - 1) === 0x2d) return undefined;
      lastLabelStart = labelStart;
      labels++;
      labelStart = k + 1;
      continue;
    }
    const f = TABLE[s.charCodeAt(k)]!;
    if ((f & C_HOST) === 0) return undefined;
    if ((f & C_DIGIT) === 0) allDigits = false;
  }
  if (allDigits) return isIpv4(s, i, j) ? 'ipv4' : undefined;
  // toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum
  return (TABLE[s.charCodeAt(lastLabelStart)]! & C_ALPHA) !== 0 ? 'domain' : undefined;
}

export function isIpv4(s: string, i: number, j: number): boolean {
  let parts = 0;
  let k = i;
  while (k <= j) {
    let n = 0;
    let digits = 0;
    while (k < j && (TABLE[s.charCodeAt(k)]! & C_DIGIT) !== 0) {
      n = n * 10 + s.charCodeAt(k) - 48;
      digits++;
      k++;
    }
    if (digits === 0 || digits > 3 || n > 255) return false;
    parts++;
    if (k === j) break;
    if (s.charCodeAt(k) !== 0x2e) return false;
    k++;
  }
  return parts === 4 && k === j;
}

/** IPv6address = hexpart [ ":" IPv4address ] with at most one "::" and 8 groups in total. */
export function isIpv6(s: string, i: number, j: number): boolean {
  if (j - i < 2) return false;
  let groups = 0;
  let doubleColon = false;
  let k = i;
  if (s.charCodeAt(k) === 0x3a) {
    if (s.charCodeAt(k + 1) !== 0x3a) return false;
    doubleColon = true;
    k += 2;
    if (k === j) return true;
  }
  for (;;) {
    // one group: hex4, or a trailing IPv4address
    let h = k;
    while (h < j && (TABLE[s.charCodeAt(h)]! & C_HEX) !== 0) h++;
    if (h < j && s.charCodeAt(h) === 0x2e) {
      if (!isIpv4(s, k, j)) return false;
      groups += 2;
      k = j;
    } else {
      if (h === k || h - k > 4) return false;
      groups++;
      k = h;
    }
    if (k === j) break;
    if (s.charCodeAt(k) !== 0x3a) return false;
    k++;
    if (s.charCodeAt(k) === 0x3a) {
      if (doubleColon) return false;
      doubleColon = true;
      k++;
      if (k === j) break;
    } else if (k === j) return false;
  }
  return doubleColon ? groups <= 7 : groups === 8;
}
