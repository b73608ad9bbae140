// The parsed SIP message: start line, header fields in order with their raw text, typed
// accessors for the headers the stack uses, and the body. Every header field is validated
// when the message is parsed (that is what makes the parser strict), but the objects of
// structured values (Via, addresses, URIs, parameter maps, media types) are built when
// first read, then kept; strings only for display (header text, body text) are cut lazily.

import { readContactValues, readFromTo, readNameAddrList, readSingleAddress } from './address-headers.js';
import { byteStringToBytes, byteStringToText } from './bytes.js';
import { EMPTY_ARRAY } from './empty.js';
import type { Result, SipParseError } from './errors.js';
import { buildContacts, buildFromTo, buildNameAddrList, buildSingleAddress } from './fast-address.js';
import { buildContentType } from './fast-fields.js';
import { readFrom } from './fast-scan.js';
import { buildSipUri } from './fast-uri.js';
import { buildVias } from './fast-via.js';
import { readEvent, readSessionExpires } from './header-extensions.js';
import type { SipHeaderField } from './header-field.js';
import { HEADER_DEFS, K, kindOfId, sameHeaderName } from './header-names.js';
import { TABLE, C_TOKEN } from './chars.js';
import { readContentType, readTokenList } from './header-values.js';
import { WireHeaderField } from './header-field.js';
import type { BodyPart } from './multipart.js';
import { parseMultipart } from './multipart.js';
import type {
  AuthValue, CSeq, Contact, ContentDisposition, EventValue, MediaType, NameAddr, RAck,
  ReasonValue, Replaces, SessionExpires, TaggedAddress, Uri, Via,
} from './types.js';
import { readVias } from './via.js';

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

const NO_NUMBERS = EMPTY_ARRAY as unknown as number[];

// MessageImpl.fields holds, per header field in wire order, F_HEAD numbers followed by the
// record the fast path made of its value (fast-*.ts), F_LEN numbers long: none when the
// reference grammar read the value, or when its value needs none (text, numbers, lists).
/** Index of the first char of the value (after HCOLON and its whitespace). */
export const F_VALUE = 0;
/** Index of the CR that ends the field. */
export const F_END = 1;
/** Index in HEADER_DEFS, -1 for an unknown header. */
export const F_DEF = 2;
/** Length of the record that follows. */
export const F_LEN = 3;
export const F_HEAD = 4;

// How each multi-valued kind is built from one field: fast (the value is in the fast
// path's subset) or by the reference reader (it was read by the reference grammar).
type Fast<T> = (s: string, out: T[]) => void;
type Reference<T> = (s: string, v: number, e: number, out: T[]) => void;
const VIA_FAST: Fast<Via> = buildVias;
const VIA_REF: Reference<Via> = readVias;
const CONTACT_FAST: Fast<Contact> = buildContacts;
const CONTACT_REF: Reference<Contact> = (s, v, e, out) => readContactValues(s, v, e, out);
const NAME_ADDR_FAST: Fast<NameAddr> = buildNameAddrList;
const nameAddrRef = (what: string): Reference<NameAddr> => (s, v, e, out) => readNameAddrList(s, v, e, what, out);
const ROUTE_REF = nameAddrRef('Route');
const RECORD_ROUTE_REF = nameAddrRef('Record-Route');
const PATH_REF = nameAddrRef('Path');
const SERVICE_ROUTE_REF = nameAddrRef('Service-Route');
const READ_SESSION_EXPIRES = (s: string, v: number, e: number) => readSessionExpires(s, v, e, 'Session-Expires');
const READ_MIN_SE = (s: string, v: number, e: number) => readSessionExpires(s, v, e, 'Min-SE');
const BUILD_FROM = (m: MessageImpl) => m.fromRecord(m.fromAt, buildFromTo) ?? readFromTo(m.src, m.fields[m.fromAt + F_VALUE]!, m.fields[m.fromAt + F_END]!, 'From');
const BUILD_TO = (m: MessageImpl) => m.fromRecord(m.toAt, buildFromTo) ?? readFromTo(m.src, m.fields[m.toAt + F_VALUE]!, m.fields[m.toAt + F_END]!, 'To');
/** A single-valued kind from its field's record, or read by the reference reader. */
function singleValue<T>(m: MessageImpl, kind: number, build: (s: string) => T, read: (s: string, v: number, e: number) => T): T {
  const k = m.find(kind);
  return m.fromRecord(k, build) ?? read(m.src, m.fields[k + F_VALUE]!, m.fields[k + F_END]!);
}
const BUILD_CONTENT_TYPE = (m: MessageImpl) => singleValue(m, K.CONTENT_TYPE, buildContentType, readContentType);
const BUILD_REFER_TO = (m: MessageImpl) => singleValue(m, K.REFER_TO, buildSingleAddress, (s, v, e) => readSingleAddress(s, v, e, 'Refer-To'));
const BUILD_REFERRED_BY = (m: MessageImpl) => singleValue(m, K.REFERRED_BY, buildSingleAddress, (s, v, e) => readSingleAddress(s, v, e, 'Referred-By'));

/** Internal implementation behind SipRequest / SipResponse; the parser fills the fields. */
export class MessageImpl {
  kind: 'request' | 'response' = 'request';
  method: string | undefined = undefined;
  status: number | undefined = undefined;
  reasonRaw = '';
  version = 'SIP/2.0';
  startLineEnd = 0;
  /** The Request-URI is s[uriStart..uriEnd). */
  uriStart = 0;
  uriEnd = 0;
  /**
   * The header fields (see F_VALUE ... F_HEAD), from `fieldsStart`; before it, the record of
   * the Request-URI when the fast path read it (then `uriRec` is 0, else -1).
   */
  fields: number[] = NO_NUMBERS;
  fieldsStart = 0;
  uriRec = -1;
  /** One bit per header kind present (kinds 0-31 in seenLow, 32-63 in seenHigh). */
  seenLow = 0;
  seenHigh = 0;
  /** Offsets in `fields` of the From and To fields, -1 when absent. */
  fromAt = -1;
  toAt = -1;
  callId: string | undefined = undefined;
  cseq: CSeq | undefined = undefined;
  maxForwards: number | undefined = undefined;
  contentLength: number | undefined = undefined;
  expires: number | undefined = undefined;
  minExpires: number | undefined = undefined;
  rseq: number | undefined = undefined;
  contactWildcard = false;
  /** Some Contact field holds a contact value (for the rule on "*"). */
  hasContacts = false;
  // rarer headers, read by the reference grammar when the message is parsed
  rack: RAck | undefined = undefined;
  wwwAuthenticate: readonly AuthValue[] = EMPTY_ARRAY;
  proxyAuthenticate: readonly AuthValue[] = EMPTY_ARRAY;
  authorization: readonly AuthValue[] = EMPTY_ARRAY;
  proxyAuthorization: readonly AuthValue[] = EMPTY_ARRAY;
  replaces: Replaces | undefined = undefined;
  reasons: readonly ReasonValue[] = EMPTY_ARRAY;
  accept: readonly MediaType[] | undefined = undefined;
  date: Date | undefined = undefined;
  contentDisposition: ContentDisposition | undefined = undefined;
  bodyStart = 0;
  /**
   * Values built on first access (or, for a single-valued header read by the reference
   * grammar, when parsed), by header kind; `listCache` holds the token lists.
   */
  private built: unknown[] | undefined = undefined;
  private requestUriCache: Uri | undefined = undefined;
  private headerCache: SipHeaderField[] | undefined = undefined;

  /** `src` is the byte string of exactly this message (no trailing datagram bytes). */
  constructor(readonly src: string) {}

  /** True when some header field of this kind is present. */
  has(kind: number): boolean {
    return ((kind < 32 ? this.seenLow : this.seenHigh) & (1 << (kind & 31))) !== 0;
  }

  /** Keep a value built by the parser (the reference grammar) for a single-valued header. */
  keep(kind: number, value: unknown): void {
    (this.built ??= [])[kind] = value;
  }

  setRequestUri(uri: Uri): void {
    this.requestUriCache = uri;
  }

  /** The value cached for a kind, or the one `build` makes (then cached). */
  private cached<T>(kind: number, build: (m: MessageImpl) => T): T {
    const built = (this.built ??= []);
    let v = built[kind] as T | undefined;
    if (v === undefined) v = built[kind] = build(this);
    return v;
  }

  /** Build a value from the record of the field at offset k of `fields`; undefined if it has none. */
  fromRecord<T>(k: number, build: (s: string) => T): T | undefined {
    if (this.fields[k + F_LEN] === 0) return undefined;
    readFrom(this.fields, k + F_HEAD);
    return build(this.src);
  }

  /** Offset in `fields` of the first field of this kind, or -1. */
  find(kind: number): number {
    const f = this.fields;
    for (let k = this.fieldsStart; k < f.length; k += F_HEAD + f[k + F_LEN]!) if (kindOfId(f[k + F_DEF]!) === kind) return k;
    return -1;
  }

  /** All values of a multi-valued kind, across its fields in order. */
  private collect<T>(kind: number, fast: Fast<T>, reference: Reference<T>): readonly T[] {
    if (!this.has(kind)) return EMPTY_ARRAY;
    const built = (this.built ??= []);
    const hit = built[kind];
    if (hit !== undefined) return hit as readonly T[];
    const out: T[] = [];
    const f = this.fields;
    for (let k = this.fieldsStart; k < f.length; k += F_HEAD + f[k + F_LEN]!) {
      if (kindOfId(f[k + F_DEF]!) !== kind) continue;
      if (f[k + F_LEN] !== 0) {
        readFrom(f, k + F_HEAD);
        fast(this.src, out);
      } else reference(this.src, f[k + F_VALUE]!, f[k + F_END]!, out);
    }
    return (built[kind] = out.length === 0 ? EMPTY_ARRAY : out) as readonly T[];
  }

  /** A single-valued kind read by the reference reader `read` on first access. */
  private single<T>(kind: number, read: (s: string, v: number, e: number) => T): T | undefined {
    if (!this.has(kind)) return undefined;
    const built = (this.built ??= []);
    const hit = built[kind];
    if (hit !== undefined) return hit as T;
    const k = this.find(kind);
    return (built[kind] = read(this.src, this.fields[k + F_VALUE]!, this.fields[k + F_END]!));
  }

  get requestUri(): Uri | undefined {
    if (this.kind !== 'request') return undefined;
    if (this.requestUriCache === undefined) {
      readFrom(this.fields, this.uriRec);
      this.requestUriCache = buildSipUri(this.src);
    }
    return this.requestUriCache;
  }
  get requestUriText(): string | undefined {
    return this.kind === 'request' ? this.src.slice(this.uriStart, this.uriEnd) : undefined;
  }

  get via(): readonly Via[] {
    return this.collect(K.VIA, VIA_FAST, VIA_REF);
  }
  get topVia(): Via {
    return this.via[0]!;
  }
  get from(): TaggedAddress | undefined {
    if (this.fromAt < 0) return undefined;
    return this.cached(K.FROM, BUILD_FROM);
  }
  get to(): TaggedAddress | undefined {
    if (this.toAt < 0) return undefined;
    return this.cached(K.TO, BUILD_TO);
  }
  get contacts(): readonly Contact[] {
    return this.collect(K.CONTACT, CONTACT_FAST, CONTACT_REF);
  }
  get routes(): readonly NameAddr[] {
    return this.collect(K.ROUTE, NAME_ADDR_FAST, ROUTE_REF);
  }
  get recordRoutes(): readonly NameAddr[] {
    return this.collect(K.RECORD_ROUTE, NAME_ADDR_FAST, RECORD_ROUTE_REF);
  }
  get paths(): readonly NameAddr[] {
    return this.collect(K.PATH, NAME_ADDR_FAST, PATH_REF);
  }
  get serviceRoutes(): readonly NameAddr[] {
    return this.collect(K.SERVICE_ROUTE, NAME_ADDR_FAST, SERVICE_ROUTE_REF);
  }
  get contentType(): MediaType | undefined {
    return this.has(K.CONTENT_TYPE) ? this.cached(K.CONTENT_TYPE, BUILD_CONTENT_TYPE) : undefined;
  }
  get sessionExpires(): SessionExpires | undefined {
    return this.single(K.SESSION_EXPIRES, READ_SESSION_EXPIRES);
  }
  get minSe(): SessionExpires | undefined {
    return this.single(K.MIN_SE, READ_MIN_SE);
  }
  get referTo(): NameAddr | undefined {
    return this.has(K.REFER_TO) ? this.cached(K.REFER_TO, BUILD_REFER_TO) : undefined;
  }
  get referredBy(): NameAddr | undefined {
    return this.has(K.REFERRED_BY) ? this.cached(K.REFERRED_BY, BUILD_REFERRED_BY) : undefined;
  }
  get event(): EventValue | undefined {
    return this.single(K.EVENT, readEvent);
  }

  /** Header field objects, made on first use (most messages are never asked for them). */
  get headers(): SipHeaderField[] {
    if (this.headerCache) return this.headerCache;
    const list: SipHeaderField[] = [];
    const f = this.fields;
    const s = this.src;
    // a field starts right after the CRLF ending the one before it; its name is a token
    let start = this.startLineEnd + 2;
    for (let k = this.fieldsStart; k < f.length; k += F_HEAD + f[k + F_LEN]!) {
      let nameEnd = start;
      while ((TABLE[s.charCodeAt(nameEnd)]! & C_TOKEN) !== 0) nameEnd++;
      const id = f[k + F_DEF]!;
      const name = id >= 0 ? HEADER_DEFS[id]!.canonical : s.slice(start, nameEnd);
      list.push(new WireHeaderField(s, name, start, nameEnd, f[k + F_VALUE]!, f[k + F_END]!));
      start = f[k + F_END]! + 2;
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

  /** Token lists are validated while parsing and split into strings on first access. */
  private tokenList(kind: number): readonly string[] {
    if (!this.has(kind)) return EMPTY_ARRAY;
    const built = (this.built ??= []);
    const hit = built[kind];
    if (hit !== undefined) return hit as readonly string[];
    const out: string[] = [];
    const f = this.fields;
    for (let k = this.fieldsStart; k < f.length; k += F_HEAD + f[k + F_LEN]!) {
      if (kindOfId(f[k + F_DEF]!) === kind) readTokenList(this.src, f[k + F_VALUE]!, f[k + F_END]!, true, 'token', out);
    }
    return (built[kind] = out.length === 0 ? EMPTY_ARRAY : out) as readonly string[];
  }

  get startLine(): string {
    return byteStringToText(this.src.slice(0, this.startLineEnd));
  }
  get reason(): string {
    return byteStringToText(this.reasonRaw);
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
