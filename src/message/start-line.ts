// Start line (RFC 3261 §7.1, §7.2, §25):
//   Request-Line = Method SP Request-URI SP SIP-Version CRLF
//   Status-Line  = SIP-Version SP Status-Code SP Reason-Phrase CRLF
// Elements are separated by exactly one SP; no leading or trailing whitespace.

import { TABLE, C_DIGIT, C_TOKEN, classTable } from './chars.js';
import { fault, excerpt } from './errors.js';
import type { MessageImpl } from './message.js';
import { skipUtf8 } from './scan.js';
import { fastRequestUri, rec } from './fast/scan.js';
import { parseUriAt } from './uri-parser.js';
import { uriSite } from './uri-parser.js';

const URI_SITE = uriSite('bad-request-uri', 'Request-URI');

/** True when s[i..] starts with "SIP/" in any case (a Status-Line, or a version). */
function startsWithSipSlash(s: string, i: number): boolean {
  return (s.charCodeAt(i) | 0x20) === 0x73 && (s.charCodeAt(i + 1) | 0x20) === 0x69
    && (s.charCodeAt(i + 2) | 0x20) === 0x70 && s.charCodeAt(i + 3) === 0x2f;
}

/**
 * SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT over s[i..end) exactly ("SIP" is
 * case-insensitive, §7.1). Anything but 2.0 is a 505 (§8.2.2 / RFC 4475 §3.1.2.16).
 */
function readVersion(s: string, i: number, end: number): string {
  let k = i + 4;
  const major = k;
  while (k < end && (TABLE[s.charCodeAt(k)]! & C_DIGIT) !== 0) k++;
  const dot = k;
  if (!startsWithSipSlash(s, i) || dot === major || s.charCodeAt(dot) !== 0x2e) fault('bad-start-line', `invalid SIP-Version ${excerpt(s, i, end - i)}`, i);
  k++;
  while (k < end && (TABLE[s.charCodeAt(k)]! & C_DIGIT) !== 0) k++;
  if (k === dot + 1 || k !== end) fault('bad-start-line', `invalid SIP-Version ${excerpt(s, i, end - i)}`, i);
  const version = s.slice(i, end);
  if (version !== 'SIP/2.0' && version.slice(4) !== '2.0') fault('unsupported-version', `SIP version ${excerpt(s, i, end - i)} is not supported (only SIP/2.0)`, i);
  return version;
}

/** Parse the start line s[0..end) into `m`; with the bytes `b`, the fast path reads the usual forms. */
export function readStartLine(s: string, end: number, m: MessageImpl, b: Uint8Array | undefined): void {
  m.startLineEnd = end;
  if (b !== undefined && fastStartLine(b, s, end, m)) return;
  if (startsWithSipSlash(s, 0)) readStatusLine(s, end, m);
  else readRequestLine(s, end, m, b);
}

const TOKEN = classTable(C_TOKEN);

/** True when b[i..i+8) is "SIP/2.0" followed by `next`. */
function sip20(b: Uint8Array, i: number, next: number): boolean {
  return b[i] === 0x53 && b[i + 1] === 0x49 && b[i + 2] === 0x50 && b[i + 3] === 0x2f && b[i + 4] === 0x32 && b[i + 5] === 0x2e
    && b[i + 6] === 0x30 && b[i + 7] === next;
}

/**
 * The fast path (fast/wasm/scanner.ts) for `Method SP sip-uri SP SIP/2.0` and `SIP/2.0 SP 3DIGIT SP
 * ASCII-reason`; false (nothing changed) for anything else, which the reference reads.
 */
function fastStartLine(b: Uint8Array, s: string, end: number, m: MessageImpl): boolean {
  if (sip20(b, 0, 0x20)) {
    const d0 = b[8]! - 48;
    const d1 = b[9]! - 48;
    const d2 = b[10]! - 48;
    if (d0 < 1 || d0 > 6 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9 || b[11] !== 0x20 || end < 12) return false;
    for (let r = 12; r < end; r++) {
      const c = b[r]!;
      if (!((c >= 0x20 && c < 0x7f) || c === 0x09)) return false;
    }
    m.kind = 'response';
    m.version = 'SIP/2.0';
    m.status = d0 * 100 + d1 * 10 + d2;
    m.reasonRaw = s.slice(12, end);
    return true;
  }
  let k = 0;
  while (TOKEN[b[k]!] === 1) k++;
  if (k === 0 || b[k] !== 0x20) return false;
  const uriStart = k + 1;
  const at = rec.length;
  const uriEnd = fastRequestUri(uriStart);
  if (uriEnd < 0) return false;
  if (b[uriEnd] !== 0x20 || uriEnd + 8 !== end || !sip20(b, uriEnd + 1, 0x0d)) {
    rec.length = at;
    return false;
  }
  m.kind = 'request';
  m.method = s.slice(0, k);
  m.version = 'SIP/2.0';
  m.uriStart = uriStart;
  m.uriEnd = uriEnd;
  m.uriRec = at;
  return true;
}

function readRequestLine(s: string, end: number, m: MessageImpl, b: Uint8Array | undefined): void {
  let k = 0;
  while (k < end && (TABLE[s.charCodeAt(k)]! & C_TOKEN) !== 0) k++;
  if (k === 0) fault('bad-start-line', `start line is neither a Request-Line nor a Status-Line: ${excerpt(s, 0)}`, 0);
  if (k >= end || s.charCodeAt(k) !== 0x20) fault('bad-start-line', `expected a single SP after the method, found ${excerpt(s, k)}`, k);
  m.method = s.slice(0, k);
  m.kind = 'request';
  const uriStart = k + 1;
  const uriEnd = s.indexOf(' ', uriStart);
  if (uriEnd === uriStart) fault('bad-start-line', 'Request-Line elements must be separated by a single SP (RFC 3261 §7.1)', uriStart);
  if (uriEnd < 0 || uriEnd >= end) fault('bad-start-line', 'Request-Line has no SIP-Version', uriStart);
  const versionStart = uriEnd + 1;
  const extra = s.indexOf(' ', versionStart);
  if (extra >= 0 && extra < end) {
    fault('bad-start-line', extra === end - 1 || s.charCodeAt(end - 1) === 0x20
      ? 'trailing whitespace at the end of the Request-Line (RFC 3261 §7.1)'
      : 'Request-Line must be Method SP Request-URI SP SIP-Version: the Request-URI may not contain whitespace', extra);
  }
  if (s.charCodeAt(end - 1) === 0x09) fault('bad-start-line', 'trailing whitespace at the end of the Request-Line', end - 1);
  m.version = readVersion(s, versionStart, end);
  if (s.charCodeAt(uriStart) === 0x3c) fault('bad-request-uri', 'the Request-URI must not be enclosed in "<" ">" (RFC 4475 §3.1.2.7)', uriStart);
  m.uriStart = uriStart;
  m.uriEnd = uriEnd;
  // the message builds the URI object when first asked for it, when the fast path covers it
  if (b !== undefined) {
    const at = rec.length;
    if (fastRequestUri(uriStart) === uriEnd) {
      m.uriRec = at;
      return;
    }
    rec.length = at;
  }
  const uri = parseUriAt(s, uriStart, uriEnd, URI_SITE);
  if (uri.scheme === 'sip' || uri.scheme === 'sips') {
    // RFC 3261 §19.1.1, Table 1: headers and the method parameter are not allowed in a Request-URI
    if ('headers' in uri && uri.headers.length > 0) fault('bad-request-uri', 'the Request-URI must not contain headers ("?...", RFC 3261 §19.1.1)', uriStart);
    if ('params' in uri && uri.params.has('method')) fault('bad-request-uri', 'the Request-URI must not contain a method parameter (RFC 3261 §19.1.1)', uriStart);
  }
  m.setRequestUri(uri);
}

function readStatusLine(s: string, end: number, m: MessageImpl): void {
  m.kind = 'response';
  const sp = s.indexOf(' ', 0);
  if (sp < 0 || sp >= end) fault('bad-start-line', 'Status-Line has no Status-Code', end);
  m.version = readVersion(s, 0, sp);
  let k = sp + 1;
  while (k < end && (TABLE[s.charCodeAt(k)]! & C_DIGIT) !== 0) k++;
  // Status-Code = 3DIGIT; the first digit gives the class, 1 to 6 (RFC 3261 §7.2)
  if (k - sp - 1 !== 3) fault('bad-status-code', `Status-Code must be exactly 3 digits, found ${excerpt(s, sp + 1, k - sp - 1)}`, sp + 1);
  const status = Number(s.slice(sp + 1, k));
  if (status < 100 || status > 699) fault('bad-status-code', `Status-Code ${status} is outside 100-699`, sp + 1);
  if (k >= end || s.charCodeAt(k) !== 0x20) fault('bad-start-line', 'expected SP after the Status-Code', k);
  // Reason-Phrase: text without control characters (UTF-8 allowed)
  for (let r = k + 1; r < end;) {
    const c = s.charCodeAt(r);
    if (c >= 0x80) r = skipUtf8(s, r, end);
    else if ((c >= 0x20 && c < 0x7f) || c === 0x09) r++;
    else fault('bad-start-line', `control character 0x${c.toString(16).padStart(2, '0')} in Reason-Phrase`, r);
  }
  m.status = status;
  m.reasonRaw = s.slice(k + 1, end);
}
