// sip:, sips:, tel: and callto: links handed to the app by the operating system (argv on
// Linux and Windows, `open-url` on macOS), turned into text for the dial field. Pure, so
// hostile input is tested without Electron. The text is not trusted further on: the
// host normalises it again (main/host/calls/dial-target.ts) before anything is dialled.

export const LINK_SCHEMES = ['sip', 'sips', 'tel', 'callto'] as const;
export type LinkScheme = (typeof LINK_SCHEMES)[number];

/** Longest link accepted as handed over (a browser may pass pages of text). */
export const MAX_LINK_LENGTH = 2048;
/** Longest text put into the dial field (the app API allows 512). */
export const MAX_TARGET_LENGTH = 256;

export interface LinkTarget {
  readonly scheme: LinkScheme;
  /** What the dial field shows: a SIP URI without URI headers, or a number or address. */
  readonly target: string;
}

export type LinkParse = { readonly ok: true; readonly link: LinkTarget } | { readonly ok: false; readonly reason: string };

// Control characters (line breaks, NUL, ...) and format characters (bidirectional
// overrides, zero-width joiners) that could make a number read as another.
const UNSAFE_CHARACTERS = /[\p{Cc}\p{Cf}]/u;
// RFC 3966 visual separators, and the spaces and brackets people write around numbers.
const VISUAL_SEPARATORS = /[\s\-.()]/g;
const PHONE_NUMBER = /^\+?[0-9*#]+$/;
// What may remain of a sip:/sips: URI without its headers (RFC 3261 §25.1 characters:
// unreserved, escaped, and the delimiters of user, password, host, port and parameters).
const SIP_URI_BODY = /^[A-Za-z0-9\-_.!~*'()&=+$,;:/%@[\]]+$/;
// A user name or user@host as callto: links carry them (no spaces, quotes or brackets, and
// starting with a letter or digit, so nothing reads as a command-line switch).
const ADDRESS = /^[A-Za-z0-9][A-Za-z0-9\-_.!~*'()&=+$,;%]*(@[A-Za-z0-9\-.[\]:]+)?$/;

function refuse(reason: string): LinkParse {
  return { ok: false, reason };
}

function accept(scheme: LinkScheme, target: string): LinkParse {
  if (target.length === 0) return refuse(`the ${scheme}: link has no number or address`);
  if (target.length > MAX_TARGET_LENGTH) return refuse(`the ${scheme}: link's address is longer than ${MAX_TARGET_LENGTH} characters`);
  return { ok: true, link: { scheme, target } };
}

function isLinkScheme(value: string): value is LinkScheme {
  return (LINK_SCHEMES as readonly string[]).includes(value);
}

/** The scheme of `text` in lower case, when it is one of ours. */
export function linkSchemeOf(text: string): LinkScheme | undefined {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
  return scheme !== undefined && isLinkScheme(scheme) ? scheme : undefined;
}

function percentDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Parse one link. Never throws; anything but a well-formed link of our schemes is refused with a reason. */
export function parseLinkTarget(input: unknown): LinkParse {
  if (typeof input !== 'string') return refuse('the link is not text');
  if (input.length > MAX_LINK_LENGTH) return refuse(`the link is longer than ${MAX_LINK_LENGTH} characters`);
  const text = input.trim();
  if (UNSAFE_CHARACTERS.test(text)) return refuse('the link contains control or formatting characters');
  const scheme = linkSchemeOf(text);
  if (scheme === undefined) return refuse(`only ${LINK_SCHEMES.map((s) => `${s}:`).join(', ')} links are handled`);
  const rest = text.slice(scheme.length + 1);
  const decoded = percentDecode(rest);
  if (decoded === undefined) return refuse(`the ${scheme}: link has a malformed %-escape`);
  if (UNSAFE_CHARACTERS.test(decoded)) return refuse(`the ${scheme}: link hides control or formatting characters in %-escapes`);
  switch (scheme) {
    case 'sip':
    case 'sips':
      return sipTarget(scheme, rest);
    case 'tel':
      return telTarget(decoded);
    case 'callto':
      return calltoTarget(rest);
  }
}

/** The URI as written, without its `?headers` (which a Request-URI may not carry) and any `//` some pages put first. */
function sipTarget(scheme: 'sip' | 'sips', rest: string): LinkParse {
  const body = rest.replace(/^\/\//, '').split('?')[0] ?? '';
  if (body !== '' && !SIP_URI_BODY.test(body)) return refuse(`the ${scheme}: link has characters a SIP address cannot have`);
  return accept(scheme, body === '' ? '' : `${scheme}:${body}`);
}

/** The number (RFC 3966 parameters such as phone-context dropped), with its visual separators. */
function telTarget(decoded: string): LinkParse {
  const number = (decoded.replace(/^\/\//, '').split(/[;?]/)[0] ?? '').trim();
  if (number !== '' && !PHONE_NUMBER.test(number.replace(VISUAL_SEPARATORS, ''))) return refuse('the tel: link is not a telephone number');
  return accept('tel', number);
}

/** callto:NUMBER, callto://user@host, callto:sip:... (Skype's scheme, and many web pages'). */
function calltoTarget(rest: string): LinkParse {
  const inner = rest.replace(/^\/\//, '');
  const innerScheme = linkSchemeOf(inner);
  if (innerScheme === 'sip' || innerScheme === 'sips') {
    const nested = sipTarget(innerScheme, inner.slice(innerScheme.length + 1));
    return nested.ok ? accept('callto', nested.link.target) : nested;
  }
  if (innerScheme !== undefined) return refuse(`the callto: link wraps a ${innerScheme}: link`);
  const decoded = (percentDecode(inner) ?? '').split('?')[0]?.trim() ?? '';
  if (decoded === '') return accept('callto', '');
  if (PHONE_NUMBER.test(decoded.replace(VISUAL_SEPARATORS, ''))) return accept('callto', decoded);
  if (ADDRESS.test(decoded)) return accept('callto', decoded);
  return refuse('the callto: link is neither a number nor an address');
}

/**
 * The first link among command-line arguments (Linux and Windows pass the URL there, on
 * first launch and to the running instance through `second-instance`). Switches are
 * skipped, so a URL can never be read as one, nor one as a URL.
 */
export function findLinkInArgv(argv: readonly string[]): string | undefined {
  for (const arg of argv) {
    if (typeof arg !== 'string' || arg.startsWith('-')) continue;
    if (linkSchemeOf(arg.trim()) !== undefined) return arg;
  }
  return undefined;
}
