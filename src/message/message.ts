// The parsed SIP message: start line, header fields in order with their raw text, typed
// accessors for the headers the stack uses, and the body (implemented by message-impl.ts).

import type { Result, SipParseError } from './errors.js';
import type { SipHeaderField } from './header-field.js';
import type { BodyPart } from './multipart.js';
import type {
  AuthValue, CSeq, Contact, ContentDisposition, EventValue, MediaType, NameAddr, RAck,
  ReasonValue, Replaces, SessionExpires, TaggedAddress, Uri, Via,
} from './types.js';

export { MessageImpl, F_VALUE, F_END, F_DEF, F_LEN, F_HEAD } from './message-impl.js';

/** What every SIP message has. Lists are empty (never undefined) when the header is absent. */
export interface SipMessageBase {
  /** `SIP/2.0` as written. */
  readonly version: string;
  /** The start line as received, without CRLF. */
  readonly startLine: string;
  /** Every header field in wire order. */
  readonly headers: readonly SipHeaderField[];
  /** First header field with this name (any case, long or compact form). */
  getHeader(name: string): SipHeaderField | undefined;
  /** All header fields with this name, in order. */
  getHeaders(name: string): readonly SipHeaderField[];

  /** All Via values, top first, across all Via header fields. */
  readonly via: readonly Via[];
  /** The topmost Via value (always present: the parser requires one). */
  readonly topVia: Via;
  readonly from: TaggedAddress;
  readonly to: TaggedAddress;
  readonly callId: string;
  readonly cseq: CSeq;
  readonly maxForwards: number | undefined;
  /** Value of the Content-Length header, if present. */
  readonly contentLength: number | undefined;
  readonly contentType: MediaType | undefined;
  readonly contentDisposition: ContentDisposition | undefined;
  readonly contentEncoding: readonly string[];
  readonly contacts: readonly Contact[];
  /** True for `Contact: *` (REGISTER removing all bindings). */
  readonly contactWildcard: boolean;
  readonly routes: readonly NameAddr[];
  readonly recordRoutes: readonly NameAddr[];
  readonly paths: readonly NameAddr[];
  readonly serviceRoutes: readonly NameAddr[];
  readonly require: readonly string[];
  readonly proxyRequire: readonly string[];
  readonly supported: readonly string[];
  readonly unsupported: readonly string[];
  readonly allow: readonly string[];
  readonly allowEvents: readonly string[];
  /** Accept values; `undefined` when the header is absent, `[]` when present but empty. */
  readonly accept: readonly MediaType[] | undefined;
  readonly expires: number | undefined;
  readonly minExpires: number | undefined;
  readonly rseq: number | undefined;
  readonly rack: RAck | undefined;
  readonly wwwAuthenticate: readonly AuthValue[];
  readonly proxyAuthenticate: readonly AuthValue[];
  readonly authorization: readonly AuthValue[];
  readonly proxyAuthorization: readonly AuthValue[];
  readonly sessionExpires: SessionExpires | undefined;
  readonly minSe: SessionExpires | undefined;
  readonly referTo: NameAddr | undefined;
  readonly referredBy: NameAddr | undefined;
  readonly replaces: Replaces | undefined;
  readonly reasons: readonly ReasonValue[];
  readonly event: EventValue | undefined;
  readonly date: Date | undefined;

  /** Body length in bytes. */
  readonly bodyLength: number;
  /** Body bytes (a fresh copy on each access). */
  readonly body: Uint8Array;
  /** Body decoded as UTF-8. */
  readonly bodyText: string;
  /** Parts of a multipart body (RFC 2046); an error if the body is not multipart or is malformed. */
  bodyParts(): Result<readonly BodyPart[], SipParseError>;
  /** The message's exact bytes (as received, for a parsed message). */
  toBytes(): Uint8Array;
  /** The message as text (UTF-8 decoded). */
  toString(): string;
}

export interface SipRequest extends SipMessageBase {
  readonly kind: 'request';
  readonly method: string;
  readonly requestUri: Uri;
  /** The Request-URI exactly as written. */
  readonly requestUriText: string;
}

export interface SipResponse extends SipMessageBase {
  readonly kind: 'response';
  readonly status: number;
  /** Reason phrase, UTF-8 decoded (may be empty). */
  readonly reason: string;
}

export type SipMessage = SipRequest | SipResponse;
