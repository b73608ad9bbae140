// The checks a UAS core makes before any application logic (RFC 3261 §8.2.1-§8.2.3),
// plus the proxy-style request validation of §16.3 that applies to any element
// (URI scheme, Max-Forwards). The UA reuses this with its own capabilities as options.

import type { HeaderSpec } from './builder.js';
import type { SipParseError } from './errors.js';
import type { SipMessage, SipRequest } from './message.js';

export interface UasCheckOptions {
  /** Request-URI schemes this UAS handles. Default `sip`, `sips`. */
  readonly supportedSchemes?: readonly string[];
  /** Option tags this UAS understands (for Require). */
  readonly supportedExtensions?: readonly string[];
  /** Methods this UAS implements. */
  readonly allowedMethods?: readonly string[];
  /** Body media types this UAS can process. */
  readonly supportedMediaTypes?: readonly string[];
  /** Content codings this UAS can process. Default only `identity`. */
  readonly supportedEncodings?: readonly string[];
  /** Apply the Max-Forwards rule of §16.3 (483 when zero). Default true. */
  readonly checkMaxForwards?: boolean;
}

export type UasVerdict =
  | { readonly action: 'accept' }
  /** Send this final response and stop. `rule` names the RFC section that requires it. */
  | { readonly action: 'respond'; readonly status: number; readonly reason: string; readonly headers: readonly HeaderSpec[]; readonly rule: string }
  /** Send nothing (a malformed response, or an ACK). */
  | { readonly action: 'discard'; readonly why: string };

export const DEFAULT_UAS_OPTIONS = Object.freeze({
  supportedSchemes: ['sip', 'sips'],
  supportedExtensions: ['100rel', 'replaces', 'timer', 'outbound', 'path'],
  allowedMethods: ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'PRACK', 'UPDATE', 'INFO', 'REFER', 'NOTIFY', 'MESSAGE'],
  supportedMediaTypes: ['application/sdp', 'multipart/mixed', 'multipart/alternative', 'message/sipfrag', 'text/plain', 'application/dtmf-relay'],
  supportedEncodings: ['identity'],
  checkMaxForwards: true,
} satisfies Required<UasCheckOptions>);

/** Methods defined by RFC 3261 and its extensions: known, even if not implemented here. */
const KNOWN_METHODS = new Set(['INVITE', 'ACK', 'BYE', 'CANCEL', 'REGISTER', 'OPTIONS', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE']);

function respond(status: number, reason: string, rule: string, headers: HeaderSpec[] = []): UasVerdict {
  return { action: 'respond', status, reason, headers, rule };
}

/** What a UAS does with a message that did not parse. */
export function verdictForParseError(error: SipParseError): UasVerdict {
  if (error.messageKind === 'response') return { action: 'discard', why: 'a malformed response is discarded (RFC 3261 §18.1.2)' };
  if (error.method === 'ACK') return { action: 'discard', why: 'an ACK is never answered' };
  return respond(error.status ?? 400, error.reason ?? 'Bad Request', error.code === 'unsupported-version' ? 'RFC 3261 §8.2.2 (505)' : 'RFC 3261 §8.2 / §16.3 step 1 (syntax)');
}

/** The final response a UAS core sends before application logic, or `accept`. */
export function checkRequestAsUas(message: SipMessage, options?: UasCheckOptions): UasVerdict {
  if (message.kind !== 'request') return { action: 'discard', why: 'responses are not answered' };
  const o = { ...DEFAULT_UAS_OPTIONS, ...options };
  const req: SipRequest = message;
  // RFC 3261 §17.1.1.3 / §8.2: an ACK gets no response; Require is ignored in ACK (§8.2.2.3)
  if (req.method === 'ACK') return { action: 'accept' };

  // §8.2.2.1 / §16.3 step 2: "If the Request-URI has a URI whose scheme is not understood
  // by the proxy, the proxy SHOULD reject the request with a 416"
  if (!o.supportedSchemes.includes(req.requestUri.scheme)) {
    return respond(416, 'Unsupported URI Scheme', 'RFC 3261 §8.2.2.1, §16.3 step 2');
  }

  // §16.3 step 3: "If the request contains a Max-Forwards header field with a field value of
  // zero (0), the element MUST NOT forward the request. If the request was for OPTIONS, the
  // element MAY act as the final recipient ... Otherwise, the element MUST return a 483"
  if (o.checkMaxForwards && req.maxForwards === 0 && req.method !== 'OPTIONS') {
    return respond(483, 'Too Many Hops', 'RFC 3261 §16.3 step 3');
  }

  // §8.2.1: "If the UAS recognizes but does not support the method of a request, it MUST
  // generate a 405 (Method Not Allowed) response ... The UAS MUST also add an Allow header"
  if (!o.allowedMethods.includes(req.method)) {
    if (KNOWN_METHODS.has(req.method)) return respond(405, 'Method Not Allowed', 'RFC 3261 §8.2.1', [{ name: 'Allow', value: o.allowedMethods.join(', ') }]);
    // §21.5.2: "The server does not support the functionality required to fulfill the request"
    return respond(501, 'Not Implemented', 'RFC 3261 §8.2.1, §21.5.2');
  }

  // §8.2.2.3: "If a UAS does not understand an option tag listed in a Require header field,
  // it MUST respond by generating a response with status code 420 (Bad Extension). The UAS
  // MUST add an Unsupported header field" — not for CANCEL, where Require is ignored.
  if (req.method !== 'CANCEL') {
    const unknown = req.require.filter((tag) => !o.supportedExtensions.includes(tag.toLowerCase()) && !o.supportedExtensions.includes(tag));
    if (unknown.length > 0) return respond(420, 'Bad Extension', 'RFC 3261 §8.2.2.3', [{ name: 'Unsupported', value: unknown.join(', ') }]);
  }

  // §8.2.3: "If a UAS does not understand ... the message body, it MUST respond with a
  // 415 (Unsupported Media Type) ... The UAS MUST add an Accept header field"
  if (req.bodyLength > 0) {
    // §7.4.1: "If the body is not empty, the Content-Type header field MUST be present"
    if (!req.contentType) return respond(400, 'Missing Content-Type header field', 'RFC 3261 §7.4.1');
    if (!o.supportedMediaTypes.includes(req.contentType.essence)) {
      return respond(415, 'Unsupported Media Type', 'RFC 3261 §8.2.3', [{ name: 'Accept', value: o.supportedMediaTypes.join(', ') }]);
    }
    const badCoding = req.contentEncoding.find((c) => !o.supportedEncodings.includes(c.toLowerCase()));
    if (badCoding !== undefined) {
      return respond(415, 'Unsupported Media Type', 'RFC 3261 §8.2.3', [{ name: 'Accept-Encoding', value: o.supportedEncodings.join(', ') }]);
    }
  }
  return { action: 'accept' };
}
