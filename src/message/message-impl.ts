// The parsed message behind SipRequest / SipResponse. Every header field is validated when
// the message is parsed (that is what makes the parser strict), but the objects of
// structured values (Via, addresses, URIs, parameter maps, media types) are built when
// first read, then kept: from the fast path's records (fast/build.ts), or by the reference
// readers for a value outside the fast path's subset. Strings only for display (header
// text, body text) are cut lazily too.

import { readContactValues, readFromTo, readNameAddrList, readSingleAddress } from './address-headers.js';
import { readAuthValue } from './auth.js';
import { byteStringToBytes, byteStringToText } from './bytes.js';
import { TABLE, C_TOKEN } from './chars.js';
import { EMPTY_ARRAY } from './empty.js';
import type { Result, SipParseError } from './errors.js';
import { contact, fromTo, mediaType, nameAddr, sipUri, values, via } from './fast/build.js';
import * as layout from './fast/layout.js';
import { readEvent, readSessionExpires } from './header-extensions.js';
import type { SipHeaderField } from './header-field.js';
import { WireHeaderField } from './header-field.js';
import { HEADER_DEFS, K, sameHeaderName } from './header-names.js';
import { readContentType, readTokenList } from './header-values.js';
import type { BodyPart } from './multipart.js';
import { parseMultipart } from './multipart.js';
import type {
  AuthValue, CSeq, Contact, ContentDisposition, EventValue, MediaType, NameAddr, RAck,
  ReasonValue, Replaces, SessionExpires, TaggedAddress, Uri, Via,
} from './types.js';
import { readVias } from './via.js';

// MessageImpl.fields holds, from fieldsStart to fieldsEnd, per header field in wire order,
// F_HEAD numbers followed by the record the fast path made of its value, F_LEN numbers long:
// none when the reference grammar read the value, or when the value needs none (text,
// numbers, token lists). `fields` is a chunk shared by the records of several messages (see
// storeRecords in parser.ts); every offset into it is absolute. The head's offsets and
// F_DEF's kind bits are in fast/layout.ts, which the scanners share (module-local copies here,
// see fast/scan.ts; the parser and tests take the head's from here).
export const { F_VALUE, F_END, F_DEF, F_LEN, F_HEAD } = layout;
const { KIND_BITS, KIND_MASK } = layout;

const NO_RECORDS = new Int32Array(0);

type One<T> = (s: string, l: Int32Array, at: number) => T;
type Reference<T> = (s: string, v: number, e: number, out: T[]) => void;
const nameAddrs = (what: string): Reference<NameAddr> => (s, v, e, out) => readNameAddrList(s, v, e, what, out);
const ROUTE_REF = nameAddrs('Route');
const RECORD_ROUTE_REF = nameAddrs('Record-Route');
const PATH_REF = nameAddrs('Path');
const SERVICE_ROUTE_REF = nameAddrs('Service-Route');
const CONTACT_REF: Reference<Contact> = (s, v, e, out) => readContactValues(s, v, e, out);
const authRef = (what: string): Reference<AuthValue> => (s, v, e, out) => out.push(readAuthValue(s, v, e, what));
const READ_WWW_AUTHENTICATE = authRef('WWW-Authenticate');
const READ_PROXY_AUTHENTICATE = authRef('Proxy-Authenticate');
const READ_AUTHORIZATION = authRef('Authorization');
const READ_PROXY_AUTHORIZATION = authRef('Proxy-Authorization');
/** For kinds the fast path validates without a record: their values are always built by the reference reader. */
const NO_RECORD: One<never> = () => {
  throw new Error('no record');
};
const READ_SESSION_EXPIRES = (s: string, v: number, e: number) => readSessionExpires(s, v, e, 'Session-Expires');
const READ_MIN_SE = (s: string, v: number, e: number) => readSessionExpires(s, v, e, 'Min-SE');
const READ_REFER_TO = (s: string, v: number, e: number) => readSingleAddress(s, v, e, 'Refer-To');
const READ_REFERRED_BY = (s: string, v: number, e: number) => readSingleAddress(s, v, e, 'Referred-By');

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
   * The header fields (see F_VALUE ... F_HEAD), from `fieldsStart` to `fieldsEnd`; before
   * them, the record of the Request-URI when the fast path read it (at `uriRec`, else -1).
   */
  fields: Int32Array = NO_RECORDS;
  fieldsStart = 0;
  fieldsEnd = 0;
  uriRec = -1;
  /** One bit per header kind present (kinds 0-31 in seenLow, 32-63 in seenHigh). */
  seenLow = 0;
  seenHigh = 0;
  /** Offsets in `fields` of the From and To fields, -1 when absent. */
  fromAt = -1;
  toAt = -1;
  /** Offsets in `fields` of the first and last Via fields, and of the first and last Contact fields (-1 when absent). */
  viaFirst = -1;
  viaLast = -1;
  contactFirst = -1;
  contactLast = -1;
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
  replaces: Replaces | undefined = undefined;
  reasons: readonly ReasonValue[] = EMPTY_ARRAY;
  accept: readonly MediaType[] | undefined = undefined;
  date: Date | undefined = undefined;
  contentDisposition: ContentDisposition | undefined = undefined;
  bodyStart = 0;
  // values built on first access (or kept from the reference grammar when parsed)
  private viaCache: readonly Via[] | undefined = undefined;
  private fromCache: TaggedAddress | undefined = undefined;
  private toCache: TaggedAddress | undefined = undefined;
  private contactsCache: readonly Contact[] | undefined = undefined;
  private requestUriCache: Uri | undefined = undefined;
  /** Other built values, by header kind. */
  private built: unknown[] | undefined = undefined;
  private headerCache: SipHeaderField[] | undefined = undefined;

  /** `src` is the byte string of exactly this message (no trailing datagram bytes). */
  constructor(readonly src: string) {}

  /** True when some header field of this kind is present. */
  has(kind: number): boolean {
    return ((kind < 32 ? this.seenLow : this.seenHigh) & (1 << (kind & 31))) !== 0;
  }

  /** Keep a value the reference grammar built while parsing a single-valued header. */
  keep(kind: number, value: unknown): void {
    if (kind === K.FROM) this.fromCache = value as TaggedAddress;
    else if (kind === K.TO) this.toCache = value as TaggedAddress;
    else (this.built ??= [])[kind] = value;
  }

  /**
   * The records were copied from offset 0 of the parser's record list to offset `at` of
   * `chunk`, `n` entries: make every offset into them absolute.
   */
  placeRecords(chunk: Int32Array, at: number, n: number): void {
    this.fields = chunk;
    this.fieldsStart += at;
    this.fieldsEnd = at + n;
    if (this.uriRec >= 0) this.uriRec += at;
    if (this.fromAt >= 0) this.fromAt += at;
    if (this.toAt >= 0) this.toAt += at;
    if (this.viaFirst >= 0) {
      this.viaFirst += at;
      this.viaLast += at;
    }
    if (this.contactFirst >= 0) {
      this.contactFirst += at;
      this.contactLast += at;
    }
  }

  setRequestUri(uri: Uri): void {
    this.requestUriCache = uri;
  }

  /** Offset in `fields` of the first field of this kind, or -1. */
  private find(kind: number): number {
    const f = this.fields;
    for (let k = this.fieldsStart; k < this.fieldsEnd; k += F_HEAD + f[k + F_LEN]!) if ((f[k + F_DEF]! & KIND_MASK) === kind) return k;
    return -1;
  }

  /** All values of a multi-valued kind, across its fields in order (those from offset `first` to `last`, when known). */
  private collect<T>(kind: number, one: One<T>, reference: Reference<T>, first = this.fieldsStart, last = this.fieldsEnd): readonly T[] {
    if (!this.has(kind)) return EMPTY_ARRAY;
    let out: T[] | undefined;
    const f = this.fields;
    for (let k = first; k <= last && k < this.fieldsEnd; k += F_HEAD + f[k + F_LEN]!) {
      if ((f[k + F_DEF]! & KIND_MASK) !== kind) continue;
      if (f[k + F_LEN] !== 0) out = values(this.src, f, k + F_HEAD, one, out);
      else reference(this.src, f[k + F_VALUE]!, f[k + F_END]!, (out ??= []));
    }
    return out === undefined || out.length === 0 ? EMPTY_ARRAY : out;
  }

  /** A single-valued kind: kept, built from its record, or read by the reference reader. */
  private single<T>(kind: number, one: One<T> | undefined, reference: (s: string, v: number, e: number) => T): T | undefined {
    if (!this.has(kind)) return undefined;
    const built = (this.built ??= []);
    const hit = built[kind];
    if (hit !== undefined) return hit as T;
    const k = this.find(kind);
    const f = this.fields;
    return (built[kind] = one !== undefined && f[k + F_LEN] !== 0 ? one(this.src, f, k + F_HEAD) : reference(this.src, f[k + F_VALUE]!, f[k + F_END]!));
  }

  /** From / To at field offset k. */
  private address(k: number, what: string): TaggedAddress {
    const f = this.fields;
    return f[k + F_LEN] !== 0 ? fromTo(this.src, f, k + F_HEAD) : readFromTo(this.src, f[k + F_VALUE]!, f[k + F_END]!, what);
  }

  get requestUri(): Uri | undefined {
    if (this.kind !== 'request') return undefined;
    return (this.requestUriCache ??= sipUri(this.src, this.fields, this.uriRec));
  }
  get requestUriText(): string | undefined {
    return this.kind === 'request' ? this.src.slice(this.uriStart, this.uriEnd) : undefined;
  }
  get via(): readonly Via[] {
    return (this.viaCache ??= this.collect(K.VIA, via, readVias, this.viaFirst, this.viaLast));
  }
  get topVia(): Via {
    return this.via[0]!;
  }
  get from(): TaggedAddress | undefined {
    return this.fromAt < 0 ? undefined : (this.fromCache ??= this.address(this.fromAt, 'From'));
  }
  get to(): TaggedAddress | undefined {
    return this.toAt < 0 ? undefined : (this.toCache ??= this.address(this.toAt, 'To'));
  }
  get contacts(): readonly Contact[] {
    return (this.contactsCache ??= this.collect(K.CONTACT, contact, CONTACT_REF, this.contactFirst, this.contactLast));
  }
  get routes(): readonly NameAddr[] {
    return this.list(K.ROUTE, ROUTE_REF);
  }
  get recordRoutes(): readonly NameAddr[] {
    return this.list(K.RECORD_ROUTE, RECORD_ROUTE_REF);
  }
  get paths(): readonly NameAddr[] {
    return this.list(K.PATH, PATH_REF);
  }
  get serviceRoutes(): readonly NameAddr[] {
    return this.list(K.SERVICE_ROUTE, SERVICE_ROUTE_REF);
  }
  private list(kind: number, reference: Reference<NameAddr>): readonly NameAddr[] {
    if (!this.has(kind)) return EMPTY_ARRAY;
    const built = (this.built ??= []);
    return (built[kind] ??= this.collect(kind, nameAddr, reference)) as readonly NameAddr[];
  }
  get wwwAuthenticate(): readonly AuthValue[] {
    return this.auth(K.WWW_AUTHENTICATE, READ_WWW_AUTHENTICATE);
  }
  get proxyAuthenticate(): readonly AuthValue[] {
    return this.auth(K.PROXY_AUTHENTICATE, READ_PROXY_AUTHENTICATE);
  }
  get authorization(): readonly AuthValue[] {
    return this.auth(K.AUTHORIZATION, READ_AUTHORIZATION);
  }
  get proxyAuthorization(): readonly AuthValue[] {
    return this.auth(K.PROXY_AUTHORIZATION, READ_PROXY_AUTHORIZATION);
  }
  /** Challenges and credentials: validated while parsing, read by the reference grammar when asked for. */
  private auth(kind: number, reference: Reference<AuthValue>): readonly AuthValue[] {
    if (!this.has(kind)) return EMPTY_ARRAY;
    const built = (this.built ??= []);
    return (built[kind] ??= this.collect(kind, NO_RECORD, reference)) as readonly AuthValue[];
  }
  get contentType(): MediaType | undefined {
    return this.single(K.CONTENT_TYPE, mediaType, readContentType);
  }
  get sessionExpires(): SessionExpires | undefined {
    return this.single(K.SESSION_EXPIRES, undefined, READ_SESSION_EXPIRES);
  }
  get minSe(): SessionExpires | undefined {
    return this.single(K.MIN_SE, undefined, READ_MIN_SE);
  }
  get referTo(): NameAddr | undefined {
    return this.single(K.REFER_TO, nameAddr, READ_REFER_TO);
  }
  get referredBy(): NameAddr | undefined {
    return this.single(K.REFERRED_BY, nameAddr, READ_REFERRED_BY);
  }
  get event(): EventValue | undefined {
    return this.single(K.EVENT, undefined, readEvent);
  }

  /** Header field objects, made on first use (most messages are never asked for them). */
  get headers(): SipHeaderField[] {
    if (this.headerCache) return this.headerCache;
    const list: SipHeaderField[] = [];
    const f = this.fields;
    const s = this.src;
    // a field starts right after the CRLF ending the one before it; its name is a token
    let start = this.startLineEnd + 2;
    for (let k = this.fieldsStart; k < this.fieldsEnd; k += F_HEAD + f[k + F_LEN]!) {
      let nameEnd = start;
      while ((TABLE[s.charCodeAt(nameEnd)]! & C_TOKEN) !== 0) nameEnd++;
      const id = (f[k + F_DEF]! >> KIND_BITS) - 1;
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
    for (let k = this.fieldsStart; k < this.fieldsEnd; k += F_HEAD + f[k + F_LEN]!) {
      if ((f[k + F_DEF]! & KIND_MASK) === kind) readTokenList(this.src, f[k + F_VALUE]!, f[k + F_END]!, true, 'token', out);
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
