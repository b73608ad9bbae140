// Turn an internal SyntaxFault into the public SipParseError, adding what a UAS needs to
// answer a malformed request: the status code and a reason phrase naming the problem.

import type { SipParseError } from './errors.js';
import { SyntaxFault } from './errors.js';
import type { MessageImpl } from './message.js';

/** Methods registered with IANA; an unknown method with a bad CSeq earns a 501 (RFC 4475 §3.1.2.18). */
const KNOWN_METHODS = new Set([
  'INVITE', 'ACK', 'BYE', 'CANCEL', 'REGISTER', 'OPTIONS', 'PRACK', 'SUBSCRIBE', 'NOTIFY',
  'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE',
]);

/** Reason-Phrase characters we emit: RFC 3261 reserved / unreserved / SP, nothing else. */
function sanitizeReason(text: string): string {
  const cleaned = text.replace(/"/g, "'").replace(/[^A-Za-z0-9 ;/?:@&=+$,\-_.!~*'()]/g, '');
  return cleaned.length > 100 ? `${cleaned.slice(0, 97)}...` : cleaned;
}

function position(s: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < s.length; i++) {
    if (s.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${offset - lineStart + 1}, byte ${offset}`;
}

export function toParseError(err: unknown, s: string, m: MessageImpl, currentHeader: string | undefined): SipParseError {
  const isRequest = m.method !== undefined || (m.status === undefined && !/^sip\//i.test(s.slice(0, 4)));
  const messageKind = m.method !== undefined ? 'request' : m.status !== undefined ? 'response' : isRequest ? 'request' : 'response';
  if (!(err instanceof SyntaxFault)) {
    return {
      code: 'internal',
      message: `internal parser error: ${err instanceof Error ? err.message : String(err)}`,
      messageKind,
      ...(messageKind === 'request' ? { status: 500, reason: 'Server Internal Error' } : {}),
    };
  }
  const header = err.header ?? currentHeader;
  const where = header ? `${header} header field (${position(s, err.offset)})` : `${position(s, err.offset)}`;
  const base: SipParseError = {
    code: err.code,
    message: `${where}: ${err.detail}`,
    header,
    offset: err.offset,
    messageKind,
    method: m.method,
  };
  if (messageKind !== 'request') return base;
  const [status, reason] = statusFor(err, header, m);
  return { ...base, status, reason };
}

function statusFor(err: SyntaxFault, header: string | undefined, m: MessageImpl): [number, string] {
  switch (err.code) {
    case 'unsupported-version': return [505, 'Version Not Supported'];
    case 'too-large':
    case 'line-too-long':
    case 'too-many-headers': return [513, 'Message Too Large'];
    case 'missing-header': return [400, `Missing ${header} header field`];
    case 'duplicate-header': return [400, `Multiple ${header} header fields`];
    case 'cseq-method-mismatch':
      // RFC 4475 §3.1.2.18: for an unknown method, 501 "has better future-proof characteristics"
      return m.method !== undefined && !KNOWN_METHODS.has(m.method)
        ? [501, 'Not Implemented']
        : [400, 'CSeq method does not match the request method'];
    case 'bad-header-value':
    case 'bad-content-length':
      return [400, sanitizeReason(`Bad ${header ?? 'header'} header field: ${err.detail}`)];
    case 'incomplete-body': return [400, 'Content-Length larger than the message body'];
    case 'extra-bytes': return [400, 'Content-Length smaller than the message body'];
    case 'bad-header-name': return [400, 'Bad header field name'];
    case 'bad-line-ending': return [400, 'Bad line ending, SIP requires CRLF'];
    case 'unterminated-headers': return [400, 'Header section not terminated by an empty line'];
    case 'bad-request-uri': return [400, sanitizeReason(`Bad Request-URI: ${err.detail}`)];
    case 'bad-start-line': return [400, sanitizeReason(`Bad Request-Line: ${err.detail}`)];
    default: return [400, 'Bad Request'];
  }
}
