// name-addr / addr-spec (RFC 3261 §20, §25):
//   name-addr = [ display-name ] LAQUOT addr-spec RAQUOT
//   display-name = *(token LWS) / quoted-string
// §20: when the URI contains a comma, question mark or semicolon, name-addr MUST be used.

import { DQUOTE, TABLE, C_TOKEN } from './chars.js';
import { byteStringToText } from './bytes.js';
import { fault, excerpt } from './errors.js';
import { isLwsAt, quotedFlags, scanQuoted, scanToken, skipLws, unquote } from './scan.js';
import { parseUriAt, uriSite } from './uri-parser.js';
import type { UriSite } from './uri-parser.js';
import type { Uri } from './types.js';

/** Where an address is read: the header's name and the site of its URI. */
export interface AddressSite {
  readonly what: string;
  readonly uri: UriSite;
}

export function addressSite(what: string): AddressSite {
  return { what, uri: uriSite('bad-header-value', `${what} URI`) };
}

/** Scratch result of readAddress (copy the fields out before the next call). */
export const addr: { displayName: string | undefined; uri: Uri; end: number } = {
  displayName: undefined,
  uri: { scheme: 'x', value: 'x' },
  end: 0,
};

/** Read a name-addr (or, if `allowAddrSpec`, an addr-spec) at i; fills `addr`. */
export function readAddress(s: string, i: number, end: number, allowAddrSpec: boolean, site: AddressSite): void {
  let displayName: string | undefined;
  let lt: number;
  const c = s.charCodeAt(i);
  if (c === DQUOTE) {
    const q = scanQuoted(s, i, end);
    displayName = quotedFlags.high ? byteStringToText(unquote(s, i, q)) : unquote(s, i, q);
    lt = skipLws(s, q, end);
    if (lt >= end || s.charCodeAt(lt) !== 0x3c) fault('bad-header-value', `expected "<" after the display name, found ${excerpt(s, lt)}`, lt);
  } else if (c === 0x3c) {
    lt = i;
  } else {
    const t = scanToken(s, i, end);
    if (t > i && t < end && s.charCodeAt(t) === 0x3a) {
      if (!allowAddrSpec) fault('bad-header-value', `${site.what} must be enclosed in "<" and ">"`, i);
      readAddrSpec(s, i, end, site);
      return;
    }
    // display-name = *(token LWS): tokens separated by LWS, then LAQUOT
    let k = i;
    let name = '';
    for (;;) {
      const te = scanToken(s, k, end);
      if (te === k) fault('bad-header-value', `invalid character ${excerpt(s, k, 1)} in display name (a display name with such characters must be quoted)`, k);
      name = name === '' ? s.slice(k, te) : `${name} ${s.slice(k, te)}`;
      k = skipLws(s, te, end);
      if (k < end && s.charCodeAt(k) === 0x3c) break;
      if (k === te || k >= end || (TABLE[s.charCodeAt(k)]! & C_TOKEN) === 0) {
        fault('bad-header-value', k >= end ? `display name "${name}" is not followed by "<"` : `invalid character ${excerpt(s, k, 1)} in display name (a display name with such characters must be quoted)`, k);
      }
    }
    displayName = name;
    lt = k;
  }
  // LAQUOT addr-spec RAQUOT: no LWS inside the brackets
  const gt = s.indexOf('>', lt + 1);
  if (gt < 0 || gt >= end) fault('bad-header-value', `"<" is never closed by ">"`, lt);
  if (isLwsAt(s, lt + 1, end) || isLwsAt(s, gt - 1, end)) fault('bad-header-value', `whitespace inside "<" ">" around the URI of ${site.what}`, lt + 1);
  addr.uri = parseUriAt(s, lt + 1, gt, site.uri);
  addr.displayName = displayName;
  addr.end = gt + 1;
}

function readAddrSpec(s: string, i: number, end: number, site: AddressSite): void {
  let k = i;
  while (k < end) {
    const c = s.charCodeAt(k);
    if (c === 0x3b || c === 0x2c || c === 0x20 || c === 0x09 || c === 0x0d) break;
    if (c === 0x3f) fault('bad-header-value', `${site.what} URI contains "?" and so must be enclosed in "<" ">" (RFC 3261 §20)`, k);
    k++;
  }
  addr.uri = parseUriAt(s, i, k, site.uri);
  addr.displayName = undefined;
  addr.end = k;
}
