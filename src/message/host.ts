// host = hostname / IPv4address / IPv6reference (RFC 3261 §25), scanned and validated by
// hand in one pass.

import { TABLE, C_ALPHA, C_DIGIT, C_HEX } from './chars.js';
import { fault, excerpt } from './errors.js';
import type { SipParseErrorCode } from './errors.js';
import type { HostKind } from './types.js';

/** Scratch second result of scanHost: the kind of the host just read. */
export const hostOut: { kind: HostKind } = { kind: 'domain' };

/**
 * Read the host starting at i (it ends at the first char that cannot be part of it) and
 * return the index after it; its kind is left in `hostOut.kind`. Fails if it is not a
 * valid hostname, IPv4address or IPv6reference.
 */
export function scanHost(s: string, i: number, end: number, code: SipParseErrorCode, what: string): number {
  if (i >= end) fault(code, `missing ${what}`, i);
  if (s.charCodeAt(i) === 0x5b) {
    const close = s.indexOf(']', i);
    if (close < 0 || close >= end || !isIpv6(s, i + 1, close)) fault(code, `invalid IPv6 reference ${excerpt(s, i, close < 0 ? 40 : close - i + 1)} in ${what}`, i);
    hostOut.kind = 'ipv6';
    return close + 1;
  }
  // hostname = *( domainlabel "." ) toplabel [ "." ]; IPv4address = 4 dotted 1*3DIGIT.
  // Letters and digits take the fast path; only "." and "-" need label bookkeeping.
  let k = i;
  let labelStart = i;
  let lastLabelStart = i;
  let allDigits = true;
  for (; k < end; k++) {
    const c = s.charCodeAt(k);
    const f = TABLE[c]!;
    if ((f & (C_ALPHA | C_DIGIT)) !== 0) {
      if ((f & C_DIGIT) === 0) allDigits = false;
      continue;
    }
    if (c === 0x2e) {
      // empty label, or label ending in "-"
      if (k === labelStart || s.charCodeAt(k - 1) === 0x2d) fault(code, `invalid ${what} ${excerpt(s, i, k - i + 1)}`, k);
      lastLabelStart = labelStart;
      labelStart = k + 1;
    } else if (c === 0x2d) {
      if (k === labelStart) fault(code, `invalid ${what}: a label cannot start with "-"`, k);
      allDigits = false;
    } else break;
  }
  const prev = k > i ? s.charCodeAt(k - 1) : 0;
  if (k === i) fault(code, `missing ${what}${k < end ? `, found ${excerpt(s, k)}` : ''}`, i);
  if (labelStart < k) {
    if (prev === 0x2d) fault(code, `invalid ${what}: a label cannot end with "-"`, k - 1);
    lastLabelStart = labelStart;
  }
  if (allDigits) {
    if (!isIpv4(s, i, k)) fault(code, `invalid IPv4 address ${excerpt(s, i, k - i)} in ${what}`, i);
    hostOut.kind = 'ipv4';
  } else {
    // toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum
    if ((TABLE[s.charCodeAt(lastLabelStart)]! & C_ALPHA) === 0) fault(code, `invalid ${what} ${excerpt(s, i, k - i)}: the last label must start with a letter`, lastLabelStart);
    hostOut.kind = 'domain';
  }
  return k;
}

/** Validate the whole of s[i..j) as a host and return its kind. */
export function hostKind(s: string, i: number, j: number, code: SipParseErrorCode, what: string): HostKind {
  const k = scanHost(s, i, j, code, what);
  if (k !== j) fault(code, `invalid character ${excerpt(s, k, 1)} in ${what}`, k);
  return hostOut.kind;
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
