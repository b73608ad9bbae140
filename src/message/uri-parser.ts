// URI grammar: SIP-URI / SIPS-URI (RFC 3261 §19.1, §25), tel (RFC 3966) and absoluteURI.
// The caller decides where the URI ends (SP in a Request-Line, ">" in a name-addr, ...);
// this module validates exactly s[i..end).

import { TABLE, C_ALPHA, C_DIGIT, C_USER, C_PASSWORD, C_PARAM, C_HNV, C_URIC, C_TEL } from './chars.js';
import { byteStringToText } from './bytes.js';
import { EMPTY_ARRAY } from './empty.js';
import { EMPTY_PARAMS, ParamMap } from './param-map.js';
import { fault, excerpt } from './errors.js';
import type { SipParseErrorCode } from './errors.js';
import { hostKind, hostOut, scanHost } from './host.js';
import { isHex, lowerSlice } from './scan.js';
import type { AbsoluteUri, SipUri, TelUri, Uri, UriHeader, UriParams } from './types.js';

/** Where a URI is being read, for error messages and the error code. */
export interface UriSite {
  readonly code: SipParseErrorCode;
  /** e.g. "Request-URI", "Contact URI". */
  readonly what: string;
  /** e.g. "host of Request-URI" (built once, not per parse). */
  readonly host: string;
}

export function uriSite(code: SipParseErrorCode, what: string): UriSite {
  return { code, what, host: `host of ${what}` };
}

/** Parse the URI that occupies exactly s[i..end). */
export function parseUriAt(s: string, i: number, end: number, site: UriSite): Uri {
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
  let k = i;
  if (k >= end || (TABLE[s.charCodeAt(k)]! & C_ALPHA) === 0) fault(site.code, `${site.what} must start with a scheme, found ${excerpt(s, i)}`, i);
  k++;
  while (k < end) {
    const c = s.charCodeAt(k);
    if ((TABLE[c]! & (C_ALPHA | C_DIGIT)) !== 0 || c === 0x2b || c === 0x2d || c === 0x2e) k++;
    else break;
  }
  if (k >= end || s.charCodeAt(k) !== 0x3a) fault(site.code, `${site.what} has no ":" after its scheme: ${excerpt(s, i)}`, k);
  const len = k - i;
  if (len === 3 || len === 4) {
    const c0 = s.charCodeAt(i) | 0x20;
    const c1 = s.charCodeAt(i + 1) | 0x20;
    const c2 = s.charCodeAt(i + 2) | 0x20;
    if (c0 === 0x73 && c1 === 0x69 && c2 === 0x70) {
      if (len === 3) return parseSipUri(s, k + 1, end, 'sip', site);
      if ((s.charCodeAt(i + 3) | 0x20) === 0x73) return parseSipUri(s, k + 1, end, 'sips', site);
    }
    if (len === 3 && c0 === 0x74 && c1 === 0x65 && c2 === 0x6c) return parseTelUri(s, k + 1, end, site);
  }
  return parseAbsoluteUri(s, k + 1, end, lowerSlice(s, i, k), site);
}

/** Whether the last scanEscaped run contained a %-escape. */
let sawEscape = false;

/** Index after a run of chars of class `flags` and %HH escapes; fails on a bad escape. */
function scanEscaped(s: string, i: number, end: number, flags: number, site: UriSite): number {
  sawEscape = false;
  while (i < end) {
    const c = s.charCodeAt(i);
    if ((TABLE[c]! & flags) !== 0) i++;
    else if (c === 0x25) {
      sawEscape = true;
      if (i + 2 >= end || !isHex(s, i + 1) || !isHex(s, i + 2)) fault(site.code, `invalid %-escape ${excerpt(s, i, 3)} in ${site.what}`, i);
      i += 3;
    } else break;
  }
  return i;
}

/** %-unescape s[i..j) and decode the octets as UTF-8. */
export function unescapeText(s: string, i: number, j: number): string {
  const raw = s.slice(i, j);
  if (raw.indexOf('%') < 0) return raw;
  let out = '';
  for (let k = 0; k < raw.length; k++) {
    if (raw.charCodeAt(k) === 0x25) {
      out += String.fromCharCode(parseInt(raw.slice(k + 1, k + 3), 16));
      k += 2;
    } else out += raw[k];
  }
  return byteStringToText(out);
}

function parseSipUri(s: string, i: number, end: number, scheme: 'sip' | 'sips', site: UriSite): SipUri {
  let user: string | undefined;
  let password: string | undefined;
  let hostStart = i;
  // '@' cannot appear unescaped after the userinfo (params and headers exclude it).
  let at = i;
  while (at < end && s.charCodeAt(at) !== 0x40) at++;
  if (at < end) {
    const userEnd = scanEscaped(s, i, at, C_USER, site);
    if (userEnd === i) fault(site.code, `empty user part in ${site.what}`, i);
    user = sawEscape ? unescapeText(s, i, userEnd) : s.slice(i, userEnd);
    if (userEnd < at) {
      if (s.charCodeAt(userEnd) !== 0x3a) fault(site.code, `invalid character ${excerpt(s, userEnd, 1)} in user part of ${site.what}`, userEnd);
      const pwEnd = scanEscaped(s, userEnd + 1, at, C_PASSWORD, site);
      if (pwEnd !== at) fault(site.code, `invalid character ${excerpt(s, pwEnd, 1)} in password of ${site.what}`, pwEnd);
      password = unescapeText(s, userEnd + 1, pwEnd);
    }
    hostStart = at + 1;
  }
  const hostEnd = scanHost(s, hostStart, end, site.code, site.host);
  const kind = hostOut.kind;
  const host = s.slice(hostStart, hostEnd);
  let k = hostEnd;
  let port: number | undefined;
  if (k < end && s.charCodeAt(k) === 0x3a) {
    port = readPort(s, k + 1, end, site);
    k = skipDigits(s, k + 1, end);
  }
  let params: UriParams = EMPTY_PARAMS;
  if (k < end && s.charCodeAt(k) === 0x3b) {
    const flat: (string | null)[] = [];
    k = readUriParams(s, k, end, flat, site);
    params = new ParamMap(flat);
    checkSipUriParams(hostStart, params, site);
  }
  let headers: readonly UriHeader[] = EMPTY_ARRAY;
  if (k < end && s.charCodeAt(k) === 0x3f) {
    const list: UriHeader[] = [];
    k++;
    for (;;) {
      const nameEnd = scanEscaped(s, k, end, C_HNV, site);
      if (nameEnd === k || s.charCodeAt(nameEnd) !== 0x3d) fault(site.code, `invalid header in ${site.what} at ${excerpt(s, k)}`, k);
      const valueEnd = scanEscaped(s, nameEnd + 1, end, C_HNV, site);
      list.push({ name: unescapeText(s, k, nameEnd), value: unescapeText(s, nameEnd + 1, valueEnd) });
      k = valueEnd;
      if (k < end && s.charCodeAt(k) === 0x26) k++;
      else break;
    }
    headers = list;
  }
  if (k < end) fault(site.code, `unexpected ${excerpt(s, k)} in ${site.what}`, k);
  return { scheme, user, password, host, hostKind: kind, port, params, headers };
}

function skipDigits(s: string, i: number, end: number): number {
  while (i < end && (TABLE[s.charCodeAt(i)]! & C_DIGIT) !== 0) i++;
  return i;
}

function readPort(s: string, i: number, end: number, site: UriSite): number {
  const j = skipDigits(s, i, end);
  if (j === i || j - i > 5) fault(site.code, `invalid port in ${site.what}`, i);
  const port = Number(s.slice(i, j));
  if (port > 65535) fault(site.code, `port ${port} out of range in ${site.what}`, i);
  return port;
}

/** uri-parameters = *( ";" pname [ "=" pvalue ] ), starting at the first ";". */
function readUriParams(s: string, k: number, end: number, flat: (string | null)[], site: UriSite): number {
  while (k < end && s.charCodeAt(k) === 0x3b) {
    const nameStart = k + 1;
    const nameEnd = scanEscaped(s, nameStart, end, C_PARAM, site);
    if (nameEnd === nameStart) fault(site.code, `empty parameter name in ${site.what}`, nameStart);
    const name = sawEscape ? unescapeText(s, nameStart, nameEnd).toLowerCase() : lowerSlice(s, nameStart, nameEnd);
    let value: string | null = null;
    k = nameEnd;
    if (k < end && s.charCodeAt(k) === 0x3d) {
      const valueEnd = scanEscaped(s, k + 1, end, C_PARAM, site);
      if (valueEnd === k + 1) fault(site.code, `empty value for parameter "${name}" in ${site.what}`, k + 1);
      value = sawEscape ? unescapeText(s, k + 1, valueEnd) : s.slice(k + 1, valueEnd);
      k = valueEnd;
    }
    // RFC 3261 §19.1.4: "any given parameter-name MUST NOT appear more than once"
    for (let d = 0; d < flat.length; d += 2) if (flat[d] === name) fault(site.code, `parameter "${name}" appears twice in ${site.what}`, nameStart);
    flat.push(name, value);
  }
  return k;
}

function checkSipUriParams(at: number, map: UriParams, site: UriSite): void {
  const ttl = map.get('ttl');
  if (ttl !== undefined && (ttl === null || !/^[0-9]{1,3}$/.test(ttl) || Number(ttl) > 255)) fault(site.code, `ttl parameter of ${site.what} must be 0-255`, at);
  const maddr = map.get('maddr');
  if (maddr !== undefined) {
    if (maddr === null) fault(site.code, `maddr parameter of ${site.what} needs a value`, at);
    hostKind(maddr, 0, maddr.length, site.code, `maddr of ${site.what}`);
  }
}

/** telephone-subscriber (RFC 3966 §3): global-number / local-number with phone-context. */
function parseTelUri(s: string, i: number, end: number, site: UriSite): TelUri {
  let k = i;
  const global = k < end && s.charCodeAt(k) === 0x2b;
  if (global) k++;
  let digits = 0;
  while (k < end) {
    const c = s.charCodeAt(k);
    if ((TABLE[c]! & C_TEL) === 0 || c === 0x2b) break;
    if (c !== 0x2d && c !== 0x2e && c !== 0x28 && c !== 0x29) digits++;
    k++;
  }
  if (digits === 0) fault(site.code, `tel URI without digits in ${site.what}`, i);
  const number = s.slice(i, k);
  let params: UriParams = EMPTY_PARAMS;
  if (k < end && s.charCodeAt(k) === 0x3b) {
    const flat: (string | null)[] = [];
    k = readUriParams(s, k, end, flat, site);
    params = new ParamMap(flat);
  }
  if (k < end) fault(site.code, `unexpected ${excerpt(s, k)} in tel URI of ${site.what}`, k);
  // RFC 3966 §5.1.5: a local number MUST carry a phone-context parameter
  if (!global && !params.has('phone-context')) fault(site.code, `local tel number without phone-context in ${site.what}`, i);
  return { scheme: 'tel', number, global, params };
}

function parseAbsoluteUri(s: string, i: number, end: number, scheme: string, site: UriSite): AbsoluteUri {
  const j = scanEscaped(s, i, end, C_URIC, site);
  if (j === i) fault(site.code, `empty ${scheme}: URI in ${site.what}`, i);
  if (j < end) fault(site.code, `invalid character ${excerpt(s, j, 1)} in ${site.what}`, j);
  return { scheme, value: s.slice(i, j) };
}
