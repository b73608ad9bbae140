// Typed errors of the message layer. Parsing never throws to its caller: it returns
// `{ ok: false, error }`. Inside the parser, scanners throw `SyntaxFault`, which
// parseMessage catches and turns into a `SipParseError` with context.

/** The outcome of an operation that can fail with a typed error. */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export type SipParseErrorCode =
  | 'empty'                 // no bytes, or only whitespace
  | 'too-large'             // message bigger than limits.maxMessageBytes
  | 'too-many-headers'      // more than limits.maxHeaders header fields
  | 'line-too-long'         // a start line or header field longer than limits.maxLineLength
  | 'bad-line-ending'       // bare CR or LF where CRLF is required
  | 'bad-start-line'        // neither a Request-Line nor a Status-Line
  | 'bad-request-uri'       // Request-URI does not parse or is not allowed there
  | 'unsupported-version'   // SIP-Version other than SIP/2.0 (505)
  | 'bad-status-code'       // Status-Code is not 3 digits in 100-699
  | 'bad-header-name'       // header field name is not a token, or no HCOLON
  | 'bad-header-value'      // a header value that does not match its grammar
  | 'missing-header'        // a mandatory header field is absent
  | 'duplicate-header'      // a single-valued header field appears twice
  | 'bad-content-length'    // Content-Length missing (stream) or not a valid number
  | 'incomplete-body'       // fewer body bytes than Content-Length says
  | 'extra-bytes'           // more bytes than Content-Length where that is an error (WebSocket)
  | 'unterminated-headers'  // no empty line ending the header section
  | 'cseq-method-mismatch'  // CSeq method differs from the request method
  | 'bad-body'              // body structure (multipart) is malformed
  | 'internal';             // a bug: an unexpected exception inside the parser

export interface SipParseError {
  readonly code: SipParseErrorCode;
  /** Human readable: which header, what position, what is wrong. */
  readonly message: string;
  /** Canonical name of the header field at fault, if any. */
  readonly header?: string;
  /** Byte offset of the fault from the start of the message. */
  readonly offset?: number;
  /** What the start line said the message was, when that much could be read. */
  readonly messageKind?: 'request' | 'response';
  /** The request method, when known. */
  readonly method?: string;
  /**
   * For requests: the status a UAS must answer with (400, 505, 513, ...). Absent for
   * responses, which RFC 3261 §18.1.2 says are silently discarded when malformed.
   */
  readonly status?: number;
  /** Reason phrase for that response, saying what was wrong (RFC 3261 §21.4.1). */
  readonly reason?: string;
}

/** Internal: thrown by scanners, caught by the message parser. */
export class SyntaxFault {
  constructor(
    readonly code: SipParseErrorCode,
    readonly detail: string,
    readonly offset: number,
    readonly header?: string,
  ) {}
}

export function fault(code: SipParseErrorCode, detail: string, offset: number, header?: string): never {
  throw new SyntaxFault(code, detail, offset, header);
}

/** Error raised when building or serializing a message from typed values. */
export interface SipBuildError {
  readonly code: 'invalid-field' | 'missing-field' | 'conflicting-field';
  /** Path of the offending field in the spec, e.g. `from.displayName` or `headers[2].value`. */
  readonly field: string;
  readonly message: string;
}

/** Internal: thrown by formatters, caught by the builders. */
export class BuildFault {
  constructor(readonly error: SipBuildError) {}
}

export function buildFault(field: string, message: string, code: SipBuildError['code'] = 'invalid-field'): never {
  throw new BuildFault({ code, field, message: `${field}: ${message}` });
}

/**
 * Quote a short excerpt of a byte string for an error message (printable ASCII only). It
 * stops at the end of the line it starts in: a reason phrase built from it must name the
 * bad header line, not the next one. Starting at a line end, it shows that line end.
 */
export function excerpt(s: string, start: number, max = 24): string {
  let end = Math.min(s.length, start + max);
  let cut = end < s.length;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x0d && c !== 0x0a) continue;
    if (i === start) {
      end = s.charCodeAt(i) === 0x0d && s.charCodeAt(i + 1) === 0x0a ? i + 2 : i + 1;
    } else {
      end = i;
    }
    cut = false;
    break;
  }
  let out = '';
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x0d) out += '\\r';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c >= 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += s[i];
  }
  return cut ? `"${out}"…` : `"${out}"`;
}
