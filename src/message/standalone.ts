// Parse a URI or an address given on its own (a dial string, a configured outbound proxy,
// a Refer-To target), or a Replaces value carried in a Refer-To URI's headers,
// with the same grammar as inside a message.

import { textToByteString } from './bytes.js';
import type { Result, SipParseError } from './errors.js';
import { SyntaxFault } from './errors.js';
import { addr, addressSite, readAddress } from './name-addr.js';
import { pos, readParams } from './params.js';
import { expectEnd, skipLws } from './scan.js';
import { readReplaces } from './header-extensions.js';
import type { NameAddr, Replaces, Uri } from './types.js';
import { parseUriAt, uriSite } from './uri-parser.js';

const URI_SITE = uriSite('bad-request-uri', 'URI');
const ADDRESS_SITE = addressSite('address');

function attempt<T>(text: string, f: (s: string) => T): Result<T, SipParseError> {
  const s = textToByteString(text);
  try {
    return { ok: true, value: f(s) };
  } catch (err) {
    if (err instanceof SyntaxFault) return { ok: false, error: { code: err.code, message: `${err.detail} (at ${err.offset})`, offset: err.offset } };
    throw err;
  }
}

/** Parse a SIP, SIPS, tel or other absolute URI. */
export function parseUri(text: string): Result<Uri, SipParseError> {
  return attempt(text, (s) => parseUriAt(s, 0, s.length, URI_SITE));
}

/** Parse `"Name" <uri>;params` or `uri` (addr-spec; then `;...` are header parameters). */
export function parseNameAddr(text: string): Result<NameAddr, SipParseError> {
  return attempt(text, (s) => {
    const i = skipLws(s, 0, s.length);
    readAddress(s, i, s.length, true, ADDRESS_SITE);
    const { displayName, uri } = addr;
    const params = readParams(s, addr.end, s.length);
    expectEnd(s, pos.end, s.length, 'address');
    return { displayName, uri, params };
  });
}

/** Parse a Replaces header value (RFC 3891 §6.1), e.g. one carried as a header of a Refer-To URI. */
export function parseReplaces(text: string): Result<Replaces, SipParseError> {
  return attempt(text, (s) => {
    const i = skipLws(s, 0, s.length);
    return readReplaces(s, i, s.length);
  });
}
