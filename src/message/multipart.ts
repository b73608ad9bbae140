// multipart bodies (RFC 2046 §5.1), e.g. SDP plus an ISUP or PIDF part, or the
// text + binary parts of RFC 4475 §3.1.1.11. Parsed on demand, never during message parsing.

import { byteStringToBytes, byteStringToText } from './bytes.js';
import type { Result, SipParseError } from './errors.js';
import { SyntaxFault } from './errors.js';
import { canonicalHeaderName } from './header-names.js';
import { readContentType } from './header-values.js';
import { paramText } from './params.js';
import { skipLws } from './scan.js';
import type { MediaType } from './types.js';

export class BodyPart {
  constructor(
    /** MIME header fields of the part, in order (canonical name, raw value). */
    readonly headers: readonly { readonly name: string; readonly value: string }[],
    readonly contentType: MediaType | undefined,
    private readonly raw: string,
  ) {}
  get body(): Uint8Array {
    return byteStringToBytes(this.raw);
  }
  get bodyText(): string {
    return byteStringToText(this.raw);
  }
  get bodyLength(): number {
    return this.raw.length;
  }
}

function bad(message: string, offset?: number): Result<never, SipParseError> {
  return { ok: false, error: { code: 'bad-body', message: `multipart body: ${message}`, offset } };
}

/** Split a multipart body (byte string) into its parts. */
export function parseMultipart(body: string, contentType: MediaType | undefined): Result<readonly BodyPart[], SipParseError> {
  if (!contentType || contentType.type !== 'multipart') return bad(`Content-Type is ${contentType?.essence ?? 'absent'}, not multipart/*`);
  const b = contentType.params.get('boundary');
  if (b == null) return bad('Content-Type has no boundary parameter');
  const boundary = paramText(b);
  // boundary := 0*69<bchars> bcharsnospace (RFC 2046 §5.1.1)
  if (boundary.length === 0 || boundary.length > 70) return bad('boundary must be 1 to 70 characters');
  const dash = `--${boundary}`;
  let at: number;
  if (body.startsWith(dash)) at = 0;
  else {
    const first = body.indexOf(`\r\n${dash}`);
    if (first < 0) return bad(`no "${dash}" delimiter found`);
    at = first + 2;
  }
  const parts: BodyPart[] = [];
  for (;;) {
    let k = at + dash.length;
    if (body.startsWith('--', k)) break; // close-delimiter
    while (body.charCodeAt(k) === 0x20 || body.charCodeAt(k) === 0x09) k++; // transport-padding
    if (!body.startsWith('\r\n', k)) return bad('boundary line must end with CRLF', k);
    const start = k + 2;
    const next = body.indexOf(`\r\n${dash}`, start);
    if (next < 0) return bad(`part ${parts.length + 1} is not closed by "${dash}"`, start);
    const part = readPart(body, start, next);
    if (!part.ok) return part;
    parts.push(part.value);
    at = next + 2;
  }
  return { ok: true, value: parts };
}

function readPart(body: string, start: number, end: number): Result<BodyPart, SipParseError> {
  const headers: { name: string; value: string }[] = [];
  let contentType: MediaType | undefined;
  let k = start;
  while (!body.startsWith('\r\n', k)) {
    let e = body.indexOf('\r\n', k);
    while (e >= 0 && e < end && (body.charCodeAt(e + 2) === 0x20 || body.charCodeAt(e + 2) === 0x09)) e = body.indexOf('\r\n', e + 2);
    if (e < 0 || e >= end) return bad('part headers are not ended by an empty line', k);
    const colon = body.indexOf(':', k);
    if (colon < 0 || colon > e) return bad('part header line without ":"', k);
    const name = canonicalHeaderName(body.slice(k, colon).trim());
    const v = skipLws(body, colon + 1, e);
    headers.push({ name, value: byteStringToText(body.slice(v, e)) });
    if (name === 'Content-Type') {
      try {
        contentType = readContentType(body, v, e);
      } catch (err) {
        if (err instanceof SyntaxFault) return bad(`part Content-Type: ${err.detail}`, err.offset);
        throw err;
      }
    }
    k = e + 2;
  }
  return { ok: true, value: new BodyPart(headers, contentType, body.slice(k + 2, end)) };
}
