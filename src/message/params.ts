// generic-param = token [ EQUAL gen-value ]; gen-value = token / host / quoted-string
// (RFC 3261 §25), read after a header value as *( SEMI generic-param ).

import { DQUOTE } from './chars.js';
import { EMPTY_PARAMS, ParamMap } from './param-map.js';
import { fault, excerpt } from './errors.js';
import { isIpv6, scanHost } from './host.js';
import { expectToken, lowerSlice, quotedFlags, scanQuoted, scanToken, skipLws, trySemi, unquote } from './scan.js';
import { byteStringToText } from './bytes.js';
import type { Params } from './types.js';

/** Scratch "second return value" of the readers in this layer: the index they stopped at. */
export const pos = { end: 0 };

/**
 * Read `*( SEMI generic-param )` starting at i (which may point at LWS before the first ";").
 * Returns the parameters and leaves the stop index in `pos.end`.
 */
export function readParams(s: string, i: number, end: number): Params {
  let flat: (string | null)[] | undefined;
  for (;;) {
    // SEMI = SWS ";" SWS (fast path: ";" right here)
    const j = s.charCodeAt(i) === 0x3b && i < end ? skipLws(s, i + 1, end) : trySemi(s, i, end);
    if (j < 0) break;
    const nameEnd = expectToken(s, j, end, 'parameter name');
    const name = lowerSlice(s, j, nameEnd);
    let value: string | null = null;
    i = nameEnd;
    const k = s.charCodeAt(nameEnd) === 0x3d ? nameEnd : skipLws(s, nameEnd, end);
    if (k < end && s.charCodeAt(k) === 0x3d) {
      const v = skipLws(s, k + 1, end);
      i = scanGenValue(s, v, end, name);
      // only a quoted-string can hold non-ASCII (UTF-8) octets; values are returned as text
      value = s.charCodeAt(v) === DQUOTE && quotedFlags.high ? byteStringToText(s.slice(v, i)) : s.slice(v, i);
    }
    if (flat === undefined) flat = [name, value];
    else {
      // RFC 3261 §7.3.1: "any given parameter-name MUST NOT appear more than once"
      for (let d = 0; d < flat.length; d += 2) if (flat[d] === name) fault('bad-header-value', `parameter "${name}" appears twice`, j);
      flat.push(name, value);
    }
  }
  pos.end = i;
  return flat === undefined ? EMPTY_PARAMS : new ParamMap(flat);
}

/** gen-value at v; returns the index after it. `received` may also hold a bare IPv6address. */
function scanGenValue(s: string, v: number, end: number, name: string): number {
  if (v >= end) fault('bad-header-value', `parameter "${name}" has "=" but no value`, v);
  const c = s.charCodeAt(v);
  if (c === DQUOTE) return scanQuoted(s, v, end);
  if (c === 0x5b) {
    return scanHost(s, v, end, 'bad-header-value', 'parameter value');
  }
  let t = scanToken(s, v, end);
  if (t < end && s.charCodeAt(t) === 0x3a && name === 'received') {
    // via-received = "received" EQUAL (IPv4address / IPv6address)
    while (t < end && /[0-9a-fA-F:.]/.test(s[t]!)) t++;
    if (!isIpv6(s, v, t)) fault('bad-header-value', `invalid IPv6 address in received parameter`, v);
    return t;
  }
  if (t === v) fault('bad-header-value', `invalid value for parameter "${name}": ${excerpt(s, v)}`, v);
  return t;
}

/** Unquoted text of a gen-value as stored in Params (a quoted-string loses quotes and escapes). */
export function paramText(raw: string): string {
  return raw.charCodeAt(0) === DQUOTE ? unquote(raw, 0, raw.length) : raw;
}
