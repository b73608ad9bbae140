// The parsed SIP message: start line, header fields in order with their raw text, typed
// accessors for the headers the stack uses, and the body. Values are parsed once, when
// the message is parsed (that is what makes the parser strict); strings that are only for
// display (header text, body text, body bytes) are cut lazily.

import { byteStringToBytes, byteStringToText } from './bytes.js';
import { EMPTY_ARRAY } from './empty.js';
import type { Result, SipParseError } from './errors.js';
import type { SipHeaderField } from './header-field.js';
import { HEADER_DEFS, K, sameHeaderName } from './header-names.js';
import { readTokenList } from './header-values.js';
import { WireHeaderField } from './header-field.js';
import type { BodyPart } from './multipart.js';
import { parseMultipart } from './multipart.js';
import type {
  AuthValue, CSeq, Contact, ContentDisposition, EventValue, MediaType, NameAddr, RAck,
  ReasonValue, Replaces, SessionExpires, TaggedAddress, Uri, Via,
} from './types.js';

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

const NO_VIA = EMPTY_ARRAY as unknown as Via[];
const NO_RANGES = EMPTY_ARRAY as unknown as number[];

/** Internal implementation behind SipRequest / SipResponse; the parser fills the fields. */
export class MessageImpl {
  kind: 'request' | 'response' = 'request';
  method: string | undefined = undefined;
  requestUri: Uri | undefined = undefined;
  requestUriText: string | undefined = undefined;
  status: number | undefined = undefined;
  reasonRaw = '';
  version = 'SIP/2.0';
  startLineEnd = 0;
  /** Header field offsets, 5 per field: start, name end, value start, end, def id (-1 if unknown). */
  fields: number[] = [];
  private headerCache: SipHeaderField[] | undefined = undefined;
  via: Via[] = NO_VIA;
  from: TaggedAddress | undefined = undefined;
  to: TaggedAddress | undefined = undefined;
  callId: string | undefined = undefined;
  cseq: CSeq | undefined = undefined;
  maxForwards: number | undefined = undefined;
  contentLength: number | undefined = undefined;
  contentType: MediaType | undefined = undefined;
  contentDisposition: ContentDisposition | undefined = undefined;
  /**
   * Token-list headers (Require, Supported, Allow, ...) are validated while parsing but
   * split into strings only when asked for: [kind, start, end] per header field.
   */
  listRanges: number[] = NO_RANGES;
  private listCache: (readonly string[] | undefined)[] | undefined = undefined;
  contacts: readonly Contact[] = EMPTY_ARRAY;
  contactWildcard = false;
  routes: readonly NameAddr[] = EMPTY_ARRAY;
  recordRoutes: readonly NameAddr[] = EMPTY_ARRAY;
  paths: readonly NameAddr[] = EMPTY_ARRAY;
  serviceRoutes: readonly NameAddr[] = EMPTY_ARRAY;
  accept: readonly MediaType[] | undefined = undefined;
  expires: number | undefined = undefined;
  minExpires: number | undefined = undefined;
  rseq: number | undefined = undefined;
  rack: RAck | undefined = undefined;
  wwwAuthenticate: readonly AuthValue[] = EMPTY_ARRAY;
  proxyAuthenticate: readonly AuthValue[] = EMPTY_ARRAY;
  authorization: readonly AuthValue[] = EMPTY_ARRAY;
  proxyAuthorization: readonly AuthValue[] = EMPTY_ARRAY;
  sessionExpires: SessionExpires | undefined = undefined;
  minSe: SessionExpires | undefined = undefined;
  referTo: NameAddr | undefined = undefined;
  referredBy: NameAddr | undefined = undefined;
  replaces: Replaces | undefined = undefined;
  reasons: readonly ReasonValue[] = EMPTY_ARRAY;
  event: EventValue | undefined = undefined;
  date: Date | undefined = undefined;
  bodyStart = 0;

  /** `src` is the byte string of exactly this message (no trailing datagram bytes). */
  constructor(readonly src: string) {}

  /** Header field objects, made on first use (most messages are never asked for them). */
  get headers(): SipHeaderField[] {
    if (this.headerCache) return this.headerCache;
    const list: SipHeaderField[] = [];
    const f = this.fields;
    for (let k = 0; k < f.length; k += 5) {
      const id = f[k + 4]!;
      const name = id >= 0 ? HEADER_DEFS[id]!.canonical : this.src.slice(f[k]!, f[k + 1]!);
      list.push(new WireHeaderField(this.src, name, f[k]!, f[k + 1]!, f[k + 2]!, f[k + 3]!));
    }
    return (this.headerCache = list);
  }

  get require(): readonly string[] {
    return this.tokenList(K.REQUIRE);
  }
  get proxyRequire(): readonly string[] {
    return this.tokenList(K.PROXY_REQUIRE);
  }
  get supported(): readonly string[] {
    return this.tokenList(K.SUPPORTED);
  }
  get unsupported(): readonly string[] {
    return this.tokenList(K.UNSUPPORTED);
  }
  get allow(): readonly string[] {
    return this.tokenList(K.ALLOW);
  }
  get allowEvents(): readonly string[] {
    return this.tokenList(K.ALLOW_EVENTS);
  }
  get contentEncoding(): readonly string[] {
    return this.tokenList(K.CONTENT_ENCODING);
  }

  private tokenList(kind: number): readonly string[] {
    const r = this.listRanges;
    if (r.length === 0) return EMPTY_ARRAY;
    const cache = (this.listCache ??= []);
    let list = cache[kind];
    if (list === undefined) {
      const out: string[] = [];
      for (let k = 0; k < r.length; k += 3) if (r[k] === kind) readTokenList(this.src, r[k + 1]!, r[k + 2]!, true, 'token', out);
      list = cache[kind] = out.length === 0 ? EMPTY_ARRAY : out;
    }
    return list;
  }

  get startLine(): string {
    return byteStringToText(this.src.slice(0, this.startLineEnd));
  }
  get reason(): string {
    return byteStringToText(this.reasonRaw);
  }
  get topVia(): Via {
    return this.via[0]!;
  }
  get bodyLength(): number {
    return this.src.length - this.bodyStart;
  }
  get body(): Uint8Array {
    return byteStringToBytes(this.src.slice(this.bodyStart));
  }
  get bodyText(): string {
    return byteStringToText(this.src.slice(this.bodyStart));
  }
  getHeader(name: string): SipHeaderField | undefined {
    return this.headers.find((h) => sameHeaderName(h.name, name));
  }
  getHeaders(name: string): readonly SipHeaderField[] {
    return this.headers.filter((h) => sameHeaderName(h.name, name));
  }
  bodyParts(): Result<readonly BodyPart[], SipParseError> {
    return parseMultipart(this.src.slice(this.bodyStart), this.contentType);
  }
  toBytes(): Uint8Array {
    return byteStringToBytes(this.src);
  }
  toString(): string {
    return byteStringToText(this.src);
  }
}
