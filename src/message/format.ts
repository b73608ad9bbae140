// Formatting typed values back to wire text, refusing anything that would not parse back
// to the same value. Every free-form string is checked against its grammar, so a CR, LF,
// NUL or stray delimiter can never open a new header or line (no header injection).

import { TABLE, C_PARAM, C_HNV, C_PASSWORD, C_USER, C_TOKEN, C_WORD, C_TEL, C_URIC } from './chars.js';
import { textToByteString } from './bytes.js';
import { buildFault, SyntaxFault } from './errors.js';
import { hostKind } from './host.js';
import { pos, readParams } from './params.js';
import { isMapLike } from './param-map.js';
import { parseUriAt, uriSite } from './uri-parser.js';
import type { NameAddr, Params, Uri, UriHeader, UriParams } from './types.js';

/** Parameters as a spec gives them: a Map (like parsed values carry) or a plain object. */
export type ParamsInput = ReadonlyMap<string, string | null> | Readonly<Record<string, string | null>>;

export function paramEntries(params: ParamsInput | undefined): [string, string | null][] {
  if (!params) return [];
  return isMapLike(params) ? [...params.entries()] : Object.entries(params);
}

export function isToken(v: string): boolean {
  if (v.length === 0) return false;
  for (let i = 0; i < v.length; i++) if ((TABLE[v.charCodeAt(i)]! & C_TOKEN) === 0 || v.charCodeAt(i) > 0xff) return false;
  return true;
}

export function checkToken(v: unknown, field: string): string {
  if (typeof v !== 'string' || !isToken(v)) buildFault(field, `must be a token (letters, digits and -.!%*_+\`'~), got ${JSON.stringify(v)}`);
  return v;
}

export function checkInteger(v: unknown, min: number, max: number, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) buildFault(field, `must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return v;
}

/** callid = word [ "@" word ] */
export function checkCallId(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length === 0) buildFault(field, 'must be a non-empty Call-ID');
  let at = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x40 && at === 0 && i > 0 && i < v.length - 1) at = i;
    else if (c > 0xff || (TABLE[c]! & C_WORD) === 0) buildFault(field, `invalid character ${JSON.stringify(v[i])} in Call-ID (callid = word [ "@" word ])`);
  }
  return v;
}

/** Free text for a header value: no control characters but HTAB (so no CR, LF or NUL). */
export function checkText(v: unknown, field: string): string {
  if (typeof v !== 'string') buildFault(field, 'must be a string');
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) buildFault(field, `control character 0x${c.toString(16).padStart(2, '0')} is not allowed (CR, LF and NUL would break the message framing)`);
  }
  return v;
}

/** A quoted-string holding `text` (UTF-8 allowed; `"` and `\` escaped). */
export function quote(text: string, field = 'value'): string {
  checkText(text, field);
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** %-escape text so every octet outside `allowed` becomes %HH. */
function escape(text: string, allowed: number): string {
  const b = textToByteString(text);
  let out = '';
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    out += c !== 0x25 && (TABLE[c]! & allowed) !== 0 ? b[i] : `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function formatUriParams(params: UriParams | ParamsInput | undefined, field: string): string {
  let out = '';
  for (const [name, value] of paramEntries(params as ParamsInput)) {
    if (name.length === 0) buildFault(`${field}.params`, 'parameter names cannot be empty');
    out += `;${escape(name, C_PARAM)}`;
    if (value !== null && value !== undefined) {
      if (typeof value !== 'string' || value.length === 0) buildFault(`${field}.params.${name}`, 'must be a non-empty string or null');
      out += `=${escape(value, C_PARAM)}`;
    }
  }
  return out;
}

/** Wire form of a URI (canonical: escapes only what must be escaped). */
export function formatUri(uri: Uri, field = 'uri'): string {
  if (uri.scheme === 'sip' || uri.scheme === 'sips') {
    const u = uri as Extract<Uri, { scheme: 'sip' | 'sips' }>;
    let out = `${u.scheme}:`;
    if (u.user !== undefined) {
      if (u.user.length === 0) buildFault(`${field}.user`, 'cannot be empty (omit it instead)');
      out += escape(u.user, C_USER);
      if (u.password !== undefined) out += `:${escape(u.password, C_PASSWORD)}`;
      out += '@';
    } else if (u.password !== undefined) buildFault(`${field}.password`, 'needs a user');
    if (typeof u.host !== 'string') buildFault(`${field}.host`, 'is required');
    guard(`${field}.host`, () => hostKind(u.host, 0, u.host.length, 'bad-header-value', 'host'));
    out += u.host;
    if (u.port !== undefined) out += `:${checkInteger(u.port, 0, 65535, `${field}.port`)}`;
    out += formatUriParams(u.params, field);
    const headers: readonly UriHeader[] = u.headers ?? [];
    headers.forEach((h, n) => {
      if (!h.name) buildFault(`${field}.headers[${n}].name`, 'cannot be empty');
      out += `${n === 0 ? '?' : '&'}${escape(h.name, C_HNV)}=${escape(h.value, C_HNV)}`;
    });
    return out;
  }
  if (uri.scheme === 'tel') {
    const t = uri as Extract<Uri, { scheme: 'tel' }>;
    for (let i = 0; i < t.number.length; i++) {
      const c = t.number.charCodeAt(i);
      if (c > 0xff || (TABLE[c]! & C_TEL) === 0 || (c === 0x2b && i > 0)) buildFault(`${field}.number`, `invalid character ${JSON.stringify(t.number[i])} in tel number`);
    }
    return `tel:${t.number}${formatUriParams(t.params, field)}`;
  }
  const a = uri as Extract<Uri, { value: string }>;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*$/.test(a.scheme)) buildFault(`${field}.scheme`, `invalid URI scheme ${JSON.stringify(a.scheme)}`);
  if (typeof a.value !== 'string' || a.value.length === 0) buildFault(`${field}.value`, 'cannot be empty');
  for (let i = 0; i < a.value.length; i++) {
    const c = a.value.charCodeAt(i);
    if (c > 0xff || (TABLE[c]! & C_URIC) === 0) buildFault(`${field}.value`, `invalid character ${JSON.stringify(a.value[i])} in ${a.scheme}: URI`);
  }
  return `${a.scheme.toLowerCase()}:${a.value}`;
}

/** Parse a URI given as text (for specs that take `Uri | string`). */
export function toUri(input: Uri | string, field: string): Uri {
  if (typeof input !== 'string') return input;
  const b = textToByteString(input);
  return guard(field, () => parseUriAt(b, 0, b.length, uriSite('bad-header-value', field)));
}

/** Run a parser-side check, turning its SyntaxFault into a build error on `field`. */
export function guard<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof SyntaxFault) buildFault(field, err.detail);
    throw err;
  }
}

/** `;name=value` header parameters; values are raw gen-values (token, host or quoted-string). */
export function formatParams(params: Params | ParamsInput | undefined, field: string, skip?: ReadonlySet<string>): string {
  let out = '';
  for (const [name, value] of paramEntries(params as ParamsInput)) {
    if (skip?.has(name.toLowerCase())) continue;
    checkToken(name, `${field}.params`);
    if (value === null || value === undefined) {
      out += `;${name}`;
      continue;
    }
    if (typeof value !== 'string') buildFault(`${field}.params.${name}`, 'must be a string or null');
    // no CR/LF at all, not even a fold inside a quoted-string: a value stays on its line
    checkText(value, `${field}.params.${name}`);
    const text = `;${name}=${value}`;
    // the value must read back as exactly one gen-value
    const b = textToByteString(text);
    guard(`${field}.params.${name}`, () => {
      readParams(b, 0, b.length);
      if (pos.end !== b.length) throw new SyntaxFault('bad-header-value', `${JSON.stringify(value)} is not a token, host or quoted-string (use quote())`, 0);
    });
    out += text;
  }
  return out;
}

/** `"Display Name" <uri>` (display name always quoted, so any text is safe). */
export function formatNameAddr(value: Pick<NameAddr, 'displayName'> & { readonly uri: Uri | string }, field: string): string {
  const uri = formatUri(toUri(value.uri, `${field}.uri`), `${field}.uri`);
  const dn = value.displayName;
  return dn !== undefined && dn !== '' ? `${quote(dn, `${field}.displayName`)} <${uri}>` : `<${uri}>`;
}
