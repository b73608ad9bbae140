// Build requests and responses from typed values. Each value is checked against its
// grammar and formatted; the resulting text is then parsed by the strict parser, so a
// built message is exactly as valid as a received one and carries the same accessors.
// Builders never throw: they return `{ ok: false, error }` naming the offending field.

import { textToByteString, bytesToByteString } from './bytes.js';
import type { Result, SipBuildError } from './errors.js';
import { BuildFault, buildFault } from './errors.js';
import {
  checkCallId, checkInteger, checkText, checkToken, formatNameAddr, formatParams, formatUri, guard, quote, toUri,
} from './format.js';
import type { ParamsInput } from './format.js';
import { lookupHeader } from './header-names.js';
import { isMapLike } from './param-map.js';
import { readContentType } from './header-values.js';
import { hostKind, isIpv4, isIpv6 } from './host.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { SipMessage, SipRequest, SipResponse } from './message.js';
import { parseByteString } from './parser.js';
import type { CSeq, Uri } from './types.js';

export type { ParamsInput };

export interface NameAddrSpec {
  readonly displayName?: string;
  readonly uri: Uri | string;
  readonly params?: ParamsInput;
}

/** From / To. `tag` may also be given in `params`; if both, they must agree. */
export interface AddressSpec extends NameAddrSpec {
  readonly tag?: string;
}

export interface ContactSpec extends NameAddrSpec {
  readonly expires?: number;
  readonly q?: number;
  /** `+sip.instance` value, unquoted, e.g. `<urn:uuid:...>` (RFC 5626). */
  readonly instance?: string;
  readonly regId?: number;
}

export interface ViaSpec {
  /** Default `SIP/2.0`. */
  readonly protocol?: string;
  readonly transport: string;
  readonly host: string;
  readonly port?: number;
  readonly params?: ParamsInput;
  readonly branch?: string;
  readonly received?: string;
  /** `true` for a bare `;rport` (RFC 3581), a number for `;rport=N`. */
  readonly rport?: number | true;
  readonly maddr?: string;
  readonly ttl?: number;
}

/** A header given as raw text: name must be a token, value free text without control characters. */
export interface HeaderSpec {
  readonly name: string;
  readonly value: string;
}

interface CommonSpec {
  readonly via: readonly ViaSpec[];
  readonly from: AddressSpec;
  readonly to: AddressSpec;
  readonly callId: string;
  /** `'*'` for REGISTER removing all bindings. */
  readonly contact?: readonly ContactSpec[] | '*';
  readonly require?: readonly string[];
  readonly supported?: readonly string[];
  readonly allow?: readonly string[];
  readonly expires?: number;
  /** Any other header fields, in order, after the typed ones. */
  readonly headers?: readonly HeaderSpec[];
  readonly body?: Uint8Array | string;
  /** Media type of the body, e.g. `application/sdp`; required when there is a body. */
  readonly contentType?: string;
}

export interface RequestSpec extends CommonSpec {
  readonly method: string;
  readonly uri: Uri | string;
  /** Sequence number, or a full CSeq (whose method must equal `method`). */
  readonly cseq: number | CSeq;
  /** Default 70 (RFC 3261 §8.1.1.6). */
  readonly maxForwards?: number;
  readonly route?: readonly NameAddrSpec[];
}

export interface ResponseSpec extends CommonSpec {
  readonly status: number;
  /** Default: the standard phrase for the status. */
  readonly reason?: string;
  readonly cseq: CSeq;
  readonly recordRoute?: readonly NameAddrSpec[];
  readonly unsupported?: readonly string[];
  readonly rseq?: number;
}

export type BuildResult<T> = Result<T, SipBuildError>;

function run<T>(build: () => T): BuildResult<T> {
  try {
    return { ok: true, value: build() };
  } catch (err) {
    if (err instanceof BuildFault) return { ok: false, error: err.error };
    throw err;
  }
}

/** Merge typed parameter fields into `params`; a typed field and a param of the same name must agree. */
function mergeParams(params: ParamsInput | undefined, typed: readonly [string, string | null | undefined][], field: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const [k, v] of isMapLike(params) ? params.entries() : Object.entries(params ?? {})) out.set(String(k).toLowerCase(), v as string | null);
  for (const [name, value] of typed) {
    if (value === undefined) continue;
    const existing = out.get(name);
    if (existing !== undefined && existing !== value) buildFault(`${field}.${name}`, `conflicts with params.${name} (${JSON.stringify(existing)})`, 'conflicting-field');
    out.set(name, value);
  }
  return out;
}

function formatAddress(spec: AddressSpec, field: string): string {
  if (!spec || spec.uri === undefined) buildFault(`${field}.uri`, 'is required', 'missing-field');
  const tag = spec.tag === undefined ? undefined : checkToken(spec.tag, `${field}.tag`);
  return formatNameAddr(spec, field) + formatParams(mergeParams(spec.params, [['tag', tag]], field), field);
}

function formatContact(spec: ContactSpec, field: string): string {
  const typed: [string, string | undefined][] = [
    ['expires', spec.expires === undefined ? undefined : String(checkInteger(spec.expires, 0, 0xffffffff, `${field}.expires`))],
    ['q', spec.q === undefined ? undefined : formatQ(spec.q, `${field}.q`)],
    ['+sip.instance', spec.instance === undefined ? undefined : quote(spec.instance, `${field}.instance`)],
    ['reg-id', spec.regId === undefined ? undefined : String(checkInteger(spec.regId, 1, 0x7fffffff, `${field}.regId`))],
  ];
  return formatNameAddr(spec, field) + formatParams(mergeParams(spec.params, typed, field), field);
}

function formatQ(q: number, field: string): string {
  if (typeof q !== 'number' || !(q >= 0 && q <= 1)) buildFault(field, 'must be a number from 0 to 1');
  return String(Math.round(q * 1000) / 1000);
}

function formatVia(spec: ViaSpec, field: string): string {
  const protocol = spec.protocol ?? 'SIP/2.0';
  if (!/^[A-Za-z0-9.!%*_+`'~-]+\/[A-Za-z0-9.!%*_+`'~-]+$/.test(protocol)) buildFault(`${field}.protocol`, 'must be token/token, e.g. SIP/2.0');
  const transport = checkToken(spec.transport, `${field}.transport`);
  if (typeof spec.host !== 'string') buildFault(`${field}.host`, 'is required', 'missing-field');
  guard(`${field}.host`, () => hostKind(spec.host, 0, spec.host.length, 'bad-header-value', 'Via host'));
  const port = spec.port === undefined ? '' : `:${checkInteger(spec.port, 0, 65535, `${field}.port`)}`;
  if (spec.received !== undefined && !(isIpv4(spec.received, 0, spec.received.length) || isIpv6(spec.received, 0, spec.received.length))) buildFault(`${field}.received`, 'must be an IPv4 or IPv6 address');
  if (spec.maddr !== undefined) guard(`${field}.maddr`, () => hostKind(spec.maddr!, 0, spec.maddr!.length, 'bad-header-value', 'maddr'));
  const params = mergeParams(spec.params, [
    ['branch', spec.branch === undefined ? undefined : checkToken(spec.branch, `${field}.branch`)],
    ['received', spec.received],
    ['rport', spec.rport === undefined ? undefined : spec.rport === true ? null : String(checkInteger(spec.rport, 0, 65535, `${field}.rport`))],
    ['maddr', spec.maddr],
    ['ttl', spec.ttl === undefined ? undefined : String(checkInteger(spec.ttl, 0, 255, `${field}.ttl`))],
  ], field);
  return `${protocol}/${transport} ${spec.host}${port}${formatParams(params, field)}`;
}

function tokenList(list: readonly string[] | undefined, field: string): string | undefined {
  if (list === undefined) return undefined;
  return list.map((t, n) => checkToken(t, `${field}[${n}]`)).join(', ');
}

/** Standard reason phrases (RFC 3261 §21 and extensions). */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Trying', 180: 'Ringing', 181: 'Call Is Being Forwarded', 182: 'Queued', 183: 'Session Progress',
  199: 'Early Dialog Terminated', 200: 'OK', 202: 'Accepted', 204: 'No Notification',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Moved Temporarily', 305: 'Use Proxy', 380: 'Alternative Service',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 406: 'Not Acceptable', 407: 'Proxy Authentication Required', 408: 'Request Timeout',
  410: 'Gone', 412: 'Conditional Request Failed', 413: 'Request Entity Too Large', 414: 'Request-URI Too Long',
  415: 'Unsupported Media Type', 416: 'Unsupported URI Scheme', 417: 'Unknown Resource-Priority', 420: 'Bad Extension',
  421: 'Extension Required', 422: 'Session Interval Too Small', 423: 'Interval Too Brief', 439: 'First Hop Lacks Outbound Support',
  480: 'Temporarily Unavailable', 481: 'Call/Transaction Does Not Exist', 482: 'Loop Detected', 483: 'Too Many Hops',
  484: 'Address Incomplete', 485: 'Ambiguous', 486: 'Busy Here', 487: 'Request Terminated', 488: 'Not Acceptable Here',
  489: 'Bad Event', 491: 'Request Pending', 493: 'Undecipherable',
  500: 'Server Internal Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable',
  504: 'Server Time-out', 505: 'Version Not Supported', 513: 'Message Too Large', 580: 'Precondition Failure',
  600: 'Busy Everywhere', 603: 'Decline', 604: 'Does Not Exist Anywhere', 606: 'Not Acceptable',
};

interface Line {
  readonly name: string;
  readonly value: string;
}

/** Header lines shared by requests and responses, after Via/From/To/Call-ID/CSeq. */
function commonLines(spec: CommonSpec, lines: Line[]): void {
  if (spec.contact !== undefined) {
    if (spec.contact === '*') lines.push({ name: 'Contact', value: '*' });
    else spec.contact.forEach((c, n) => lines.push({ name: 'Contact', value: formatContact(c, `contact[${n}]`) }));
  }
  const lists: [string, readonly string[] | undefined, string][] = [['Require', spec.require, 'require'], ['Supported', spec.supported, 'supported'], ['Allow', spec.allow, 'allow']];
  for (const [name, list, field] of lists) {
    const v = tokenList(list, field);
    if (v !== undefined && (v !== '' || name !== 'Require')) lines.push({ name, value: v });
  }
  if (spec.expires !== undefined) lines.push({ name: 'Expires', value: String(checkInteger(spec.expires, 0, 0xffffffff, 'expires')) });
  (spec.headers ?? []).forEach((h, n) => {
    const name = checkToken(h?.name, `headers[${n}].name`);
    if (lookupHeader(name)?.canonical === 'Content-Length') buildFault(`headers[${n}].name`, 'Content-Length is computed from the body');
    lines.push({ name, value: checkText(h.value, `headers[${n}].value`).trim() });
  });
}

/** Header lines, Content-Type, Content-Length, the empty line and the body, as a byte string. */
function renderTail(lines: Line[], spec: BodySpec): string {
  let body = '';
  if (spec.body !== undefined) body = typeof spec.body === 'string' ? textToByteString(spec.body) : bytesToByteString(spec.body);
  if (spec.contentType !== undefined) {
    const text = checkText(spec.contentType, 'contentType');
    const ct = textToByteString(text);
    guard('contentType', () => readContentType(ct, 0, ct.length));
    lines.push({ name: 'Content-Type', value: text });
  } else if (body.length > 0) buildFault('contentType', 'is required when there is a body (RFC 3261 §7.4.1)', 'missing-field');
  lines.push({ name: 'Content-Length', value: String(body.length) });
  let out = '';
  for (const l of lines) out += `${l.name}: ${textToByteString(l.value)}\r\n`;
  return `${out}\r\n${body}`;
}

/** What follows the dialog-identifying headers of a response built for a request. */
export type TailSpec = Pick<CommonSpec, 'contact' | 'require' | 'supported' | 'allow' | 'expires' | 'headers' | 'body' | 'contentType'>;
type BodySpec = Pick<CommonSpec, 'body' | 'contentType'>;

/** Validated header lines (Contact, lists, extra headers) plus body framing, as a byte string. */
export function renderTailSpec(spec: TailSpec): string {
  const lines: Line[] = [];
  commonLines(spec as CommonSpec, lines);
  return renderTail(lines, spec);
}

function assemble(startLine: string, lines: Line[], spec: CommonSpec): string {
  return `${startLine}\r\n${renderTail(lines, spec)}`;
}

function finish<T extends SipMessage>(text: string): T {
  const parsed = parseByteString(text, 'stream', { ...DEFAULT_LIMITS, maxMessageBytes: Math.max(DEFAULT_LIMITS.maxMessageBytes, text.length) });
  if (!parsed.ok) buildFault(parsed.error.header ? `header ${parsed.error.header}` : 'message', `the built message does not parse: ${parsed.error.message}`);
  return parsed.value as T;
}

function viaLines(vias: readonly ViaSpec[], lines: Line[]): void {
  if (!Array.isArray(vias) || vias.length === 0) buildFault('via', 'at least one Via is required (RFC 3261 §8.1.1.7)', 'missing-field');
  vias.forEach((v, n) => lines.push({ name: 'Via', value: formatVia(v, `via[${n}]`) }));
}

/** Build a request (RFC 3261 §8.1.1). */
export function buildRequest(spec: RequestSpec): BuildResult<SipRequest> {
  return run(() => {
    const method = checkToken(spec.method, 'method');
    const uri = formatUri(toUri(spec.uri, 'uri'), 'uri');
    const cseq = typeof spec.cseq === 'number' ? { seq: spec.cseq, method } : spec.cseq;
    checkInteger(cseq?.seq, 0, 0xffffffff, 'cseq.seq');
    if (checkToken(cseq.method, 'cseq.method') !== method) buildFault('cseq.method', `must equal the request method ${method} (RFC 3261 §8.1.1.5)`, 'conflicting-field');
    const lines: Line[] = [];
    viaLines(spec.via, lines);
    lines.push({ name: 'Max-Forwards', value: String(checkInteger(spec.maxForwards ?? 70, 0, 255, 'maxForwards')) });
    (spec.route ?? []).forEach((r, n) => lines.push({ name: 'Route', value: formatNameAddr(r, `route[${n}]`) + formatParams(r.params, `route[${n}]`) }));
    lines.push({ name: 'From', value: formatAddress(spec.from, 'from') });
    lines.push({ name: 'To', value: formatAddress(spec.to, 'to') });
    lines.push({ name: 'Call-ID', value: checkCallId(spec.callId, 'callId') });
    lines.push({ name: 'CSeq', value: `${cseq.seq} ${method}` });
    commonLines(spec, lines);
    return finish<SipRequest>(assemble(`${method} ${uri} SIP/2.0`, lines, spec));
  });
}

/** Build a response from typed values (see `buildResponseTo` to answer a parsed request). */
export function buildResponse(spec: ResponseSpec): BuildResult<SipResponse> {
  return run(() => {
    const status = checkInteger(spec.status, 100, 699, 'status');
    const reason = checkText(spec.reason ?? REASON_PHRASES[status] ?? 'Unknown', 'reason');
    const lines: Line[] = [];
    viaLines(spec.via, lines);
    (spec.recordRoute ?? []).forEach((r, n) => lines.push({ name: 'Record-Route', value: formatNameAddr(r, `recordRoute[${n}]`) + formatParams(r.params, `recordRoute[${n}]`) }));
    lines.push({ name: 'From', value: formatAddress(spec.from, 'from') });
    lines.push({ name: 'To', value: formatAddress(spec.to, 'to') });
    lines.push({ name: 'Call-ID', value: checkCallId(spec.callId, 'callId') });
    checkInteger(spec.cseq?.seq, 0, 0xffffffff, 'cseq.seq');
    lines.push({ name: 'CSeq', value: `${spec.cseq.seq} ${checkToken(spec.cseq.method, 'cseq.method')}` });
    const unsupported = tokenList(spec.unsupported, 'unsupported');
    if (unsupported) lines.push({ name: 'Unsupported', value: unsupported });
    if (spec.rseq !== undefined) lines.push({ name: 'RSeq', value: String(checkInteger(spec.rseq, 1, 0xffffffff, 'rseq')) });
    commonLines(spec, lines);
    return finish<SipResponse>(assemble(`SIP/2.0 ${status} ${reason}`, lines, spec));
  });
}

export { quote };
export { finish as finishBuiltMessage, run as runBuilder };
