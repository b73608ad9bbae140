// WWW-Authenticate / Proxy-Authenticate challenges and Authorization / Proxy-Authorization
// credentials (RFC 3261 §20.7, §20.27, §20.28, §20.44, §25):
//   challenge = ("Digest" LWS digest-cln *(COMMA digest-cln)) / other-challenge
//   other-challenge = auth-scheme LWS auth-param *(COMMA auth-param)
//   auth-param = auth-param-name EQUAL ( token / quoted-string )

import { byteStringToText } from './bytes.js';
import { fault, excerpt } from './errors.js';
import { expectEnd, expectToken, quotedFlags, skipLws, tryComma, unquote } from './scan.js';
import { isQuote, scanTokenOrQuoted } from './header-values.js';
import type { AuthParam, AuthValue } from './types.js';

const BAD = 'bad-header-value';

export function readAuthValue(s: string, i: number, end: number, what: string): AuthValue {
  const se = expectToken(s, i, end, `${what} scheme`);
  let k = skipLws(s, se, end);
  if (k === se) fault(BAD, `expected whitespace and parameters after the ${what} scheme, found ${excerpt(s, k)}`, k);
  const params = new Map<string, AuthParam>();
  for (;;) {
    const ne = expectToken(s, k, end, `${what} parameter name`);
    const name = s.slice(k, ne).toLowerCase();
    let e = skipLws(s, ne, end);
    if (e >= end || s.charCodeAt(e) !== 0x3d) fault(BAD, `expected "=" after ${what} parameter "${name}", found ${excerpt(s, e)}`, e);
    e = skipLws(s, e + 1, end);
    const ve = scanTokenOrQuoted(s, e, end, `value of ${what} parameter "${name}"`);
    const quoted = isQuote(s, e);
    if (params.has(name)) fault(BAD, `${what} parameter "${name}" appears twice`, k);
    params.set(name, { value: quoted ? (quotedFlags.high ? byteStringToText(unquote(s, e, ve)) : unquote(s, e, ve)) : s.slice(e, ve), quoted });
    const c = tryComma(s, ve, end);
    if (c < 0) {
      expectEnd(s, ve, end, what);
      break;
    }
    k = c;
  }
  return { scheme: s.slice(i, se), params };
}
