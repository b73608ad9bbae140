// What a user typed or pasted, as a Request-URI: a number, `user`, `user@host`, or a
// sip:/sips:/tel:/callto: URI. The result is always a URI the message layer parses back to
// itself, with no URI headers (RFC 3261 §19.1.5: headers are not allowed in a
// Request-URI) and no password; anything else is refused with a sentence. So no input can
// put header text into the INVITE.
import type { NormalizedTarget } from '../../contract/calls.js';
import { formatUri, parseUri } from '../../../src/message/index.js';
import type { SipUri, Uri } from '../../../src/message/index.js';

export type TargetResult = { readonly ok: true; readonly value: NormalizedTarget } | { readonly ok: false; readonly error: string };

// RFC 3966 §5.1.1 visual separators, and the brackets and spaces people type around numbers.
const VISUAL_SEPARATORS = /[\s\-.()]/g;
const PHONE_NUMBER = /^\+?[0-9*#]+$/;
// RFC 3261 `user` characters.
const SIP_USER = /^[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+$/;

/** `domain`: the account's domain, for targets without a host. */
export function normalizeTarget(typed: string, domain: string): TargetResult {
  const text = typed.trim();
  if (text === '') return refuse('Type a number, a user name or a SIP address.');
  if (/[\p{Cc}]/u.test(text)) return refuse('The address contains control characters (a line break or a tab).');
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') return fromSipUri(text);
  if (scheme === 'tel') return fromNumber(text.slice(4).split(';')[0] ?? '', domain, text);
  if (scheme === 'callto') {
    // callto: links (Skype's, and many web pages') carry a number or address after the scheme.
    const inner = normalizeTarget(text.slice(7).replace(/^\/\//, ''), domain);
    return inner.ok ? { ok: true, value: { ...inner.value, changed: true } } : inner;
  }
  if (scheme !== undefined && !/^[^:]+:\d+$/.test(text)) {
    return refuse(`"${shorten(text)}" is a ${scheme}: address, which is not a number, a user name or a SIP address.`);
  }
  const digits = text.replace(VISUAL_SEPARATORS, '');
  if (PHONE_NUMBER.test(digits)) return fromNumber(digits, domain, text);
  const at = text.lastIndexOf('@');
  if (at > 0) {
    const user = text.slice(0, at);
    const host = text.slice(at + 1);
    if (!SIP_USER.test(user)) return refuse(`"${shorten(user)}" cannot be a SIP user name (no spaces, quotes or brackets).`);
    return fromSipUri(`sip:${user}@${host}`, text);
  }
  if (SIP_USER.test(text)) return fromSipUri(`sip:${text}@${domain}`, text);
  return refuse(`"${shorten(text)}" is not a number, a user name or a SIP address.`);
}

function fromNumber(number: string, domain: string, typed: string): TargetResult {
  const digits = number.replace(VISUAL_SEPARATORS, '');
  if (!PHONE_NUMBER.test(digits)) return refuse(`"${shorten(typed)}" is not a telephone number.`);
  // RFC 3261 §19.1.6: a telephone number in a SIP URI, marked user=phone when global.
  const uri = `sip:${digits}@${domain}${digits.startsWith('+') ? ';user=phone' : ''}`;
  return fromSipUri(uri, typed);
}

function fromSipUri(text: string, typed = text): TargetResult {
  const parsed = parseUri(text);
  if (!parsed.ok) return refuse(`"${shorten(typed)}" is not a valid SIP address: ${parsed.error.message}`);
  const uri = parsed.value;
  if (!isSipUri(uri)) return refuse(`"${shorten(typed)}" is not a SIP address.`);
  const clean: SipUri = { ...uri, headers: [] };
  const { password: _password, ...withoutPassword } = clean;
  const formatted = formatUri(withoutPassword);
  const check = parseUri(formatted);
  if (!check.ok || formatUri(check.value) !== formatted) return refuse(`"${shorten(typed)}" cannot be written as a SIP address.`);
  const display = typed.startsWith('sip:') || typed.startsWith('sips:') ? displayOf(withoutPassword) : typed;
  return { ok: true, value: { uri: formatted, display, changed: formatted !== typed } };
}

function isSipUri(uri: Uri): uri is SipUri {
  return uri.scheme === 'sip' || uri.scheme === 'sips';
}

function displayOf(uri: SipUri): string {
  return uri.user === undefined ? uri.host : `${uri.user}@${uri.host}`;
}

function refuse(error: string): TargetResult {
  return { ok: false, error };
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
