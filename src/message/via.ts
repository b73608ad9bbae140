// Via (RFC 3261 §20.42, §25; rport from RFC 3581):
//   via-parm      = sent-protocol LWS sent-by *( SEMI via-params )
//   sent-protocol = protocol-name SLASH protocol-version SLASH transport
//   sent-by       = host [ COLON port ]

import { fault, excerpt } from './errors.js';
import { hostKind, isIpv4, isIpv6, scanHost } from './host.js';
import { pos, readParams } from './params.js';
import { expectNumber, expectToken, scanDigits, skipLws, tryComma, upperSlice } from './scan.js';
import type { Via } from './types.js';

const BAD = 'bad-header-value';

/** Read one Via header field value (a comma-separated list) into `out`. */
export function readVias(s: string, i: number, end: number, out: Via[]): void {
  for (;;) {
    out.push(readViaParm(s, i, end));
    const c = tryComma(s, pos.end, end);
    if (c < 0) break;
    i = c;
  }
  const k = skipLws(s, pos.end, end);
  if (k < end) fault(BAD, `unexpected ${excerpt(s, k)} in Via`, k);
}

function expectSlash(s: string, i: number, end: number): number {
  const k = skipLws(s, i, end);
  if (k >= end || s.charCodeAt(k) !== 0x2f) fault(BAD, `expected "/" in Via sent-protocol, found ${excerpt(s, k)}`, k);
  return skipLws(s, k + 1, end);
}

const TRANSPORTS = ['UDP', 'TCP', 'TLS', 'WSS', 'WS', 'SCTP'];

/** The transport token s[t..e) upper-cased; the common ones without allocating. */
export function transportOf(s: string, t: number, e: number): string {
  for (const name of TRANSPORTS) {
    if (name.length !== e - t) continue;
    let k = 0;
    while (k < name.length && (s.charCodeAt(t + k) & 0xdf) === name.charCodeAt(k)) k++;
    if (k === name.length) return name;
  }
  return upperSlice(s, t, e);
}

function readViaParm(s: string, i: number, end: number): Via {
  let protocol: string;
  let t: number;
  if (s.startsWith('SIP/2.0/', i)) {
    protocol = 'SIP/2.0'; // the common spelling, no LWS: no slicing
    t = i + 8;
  } else {
    const nameEnd = expectToken(s, i, end, 'Via protocol name');
    const v = expectSlash(s, nameEnd, end);
    const versionEnd = expectToken(s, v, end, 'Via protocol version');
    t = expectSlash(s, versionEnd, end);
    protocol = `${s.slice(i, nameEnd)}/${s.slice(v, versionEnd)}`;
  }
  const transportEnd = expectToken(s, t, end, 'Via transport');
  const transport = transportOf(s, t, transportEnd);
  const h = skipLws(s, transportEnd, end);
  if (h === transportEnd) fault(BAD, `expected whitespace before the Via sent-by, found ${excerpt(s, h)}`, h);
  const hostEnd = scanHost(s, h, end, BAD, 'Via sent-by host');
  const host = s.slice(h, hostEnd);
  let port: number | undefined;
  let k = hostEnd;
  const colon = skipLws(s, hostEnd, end);
  if (colon < end && s.charCodeAt(colon) === 0x3a) {
    const p = skipLws(s, colon + 1, end);
    port = expectNumber(s, p, end, 65535, 'Via port');
    k = scanDigits(s, p, end);
  }
  const params = readParams(s, k, end);
  let branch: string | undefined;
  let received: string | undefined;
  let rport: number | true | undefined;
  let maddr: string | undefined;
  let ttl: number | undefined;
  if (params.size > 0) {
    const b = params.get('branch');
    if (b !== undefined) {
      // via-branch = "branch" EQUAL token
      if (b === null || b.charCodeAt(0) === 0x22) fault(BAD, 'Via branch must be a token', h);
      branch = b;
    }
    const r = params.get('received');
    if (r !== undefined) {
      if (r === null || !(isIpv4(r, 0, r.length) || isIpv6(r, 0, r.length))) fault(BAD, 'Via received must be an IPv4 or IPv6 address', h);
      received = r;
    }
    const rp = params.get('rport');
    if (rp !== undefined) rport = rp === null ? true : numberParam(rp, 65535, 'Via rport', h);
    const m = params.get('maddr');
    if (m !== undefined) {
      if (m === null) fault(BAD, 'Via maddr needs a value', h);
      hostKind(m, 0, m.length, BAD, 'Via maddr');
      maddr = m;
    }
    const tt = params.get('ttl');
    if (tt !== undefined) ttl = numberParam(tt, 255, 'Via ttl', h);
  }
  return { protocol, transport, host, port, params, branch, received, rport, maddr, ttl };
}

/** A parameter value that must be 1*DIGIT no larger than max. */
export function numberParam(raw: string | null, max: number, what: string, at: number): number {
  if (raw === null || !/^[0-9]+$/.test(raw)) fault(BAD, `${what} must be a number`, at);
  const n = raw.length > 15 ? Infinity : Number(raw);
  if (n > max) fault(BAD, `${what} ${raw.length > 24 ? `${raw.slice(0, 24)}…` : raw} is larger than ${max}`, at);
  return n;
}
