// The parser's fast path (src/message/fast/): building values from what the scanners
// recorded (see fast/scan.ts), when a message is first asked for them. Each builder reads
// one value's record starting at `at` in the message's `fields` array and leaves the index
// after it in `after.at`; the values are exactly those the reference readers would build.
//
// Record formats (all offsets are indexes in the message's byte string):
//   params  [n, (code, nameStart, nameEnd, valueStart (-1 if none), valueEnd) × n]
//   URI     [sips, userStart (-1 if none), userEnd, hostStart, hostEnd, hostKind, port (-1), params]
//   address [displayNameStart (-1 if none), displayNameEnd, URI, params]
//   via     [transport code, transportStart, transportEnd, hostStart, hostEnd, port (-1), params]
//   media   [typeStart, slash, subtypeEnd, params]
// Fields with several values (Via, Contact, Route, ...) record a count, then the values.
// The codes in them (parameter code, host kind, transport code) are in fast/layout.ts.

import { EMPTY_ARRAY } from '../empty.js';
import * as layout from './layout.js';
import { byCode, PARAM_NAMES as NAMES } from './param-names.js';
import { EMPTY_PARAMS, ParamMap } from '../param-map.js';
import { paramText } from '../params.js';
import { lowerSlice } from '../scan.js';
import type { Contact, MediaType, NameAddr, Params, SipUri, TaggedAddress, Via } from '../types.js';
import { transportOf } from '../via.js';

// module-local copies of imported constants (see fast/scan.ts)
const { PARAM_SIZE, P_BRANCH, P_RECEIVED, P_RPORT, P_TAG, P_EXPIRES, P_Q, P_INSTANCE, P_REG_ID, P_OB, HOST_KIND_IPV4, TRANSPORT_OTHER } = layout;
const PARAM_NAMES = NAMES;

/** Where the last builder stopped reading. */
export const after = { at: 0 };

/** Transports by their code in Via records (what transportOf returns for them). */
export const TRANSPORTS: readonly string[] = byCode(layout.TRANSPORT_CODES, [
  [layout.TRANSPORT_UDP, 'UDP'], [layout.TRANSPORT_TCP, 'TCP'], [layout.TRANSPORT_TLS, 'TLS'], [layout.TRANSPORT_WSS, 'WSS'],
  [layout.TRANSPORT_WS, 'WS'], [layout.TRANSPORT_SCTP, 'SCTP'],
]);

function paramName(s: string, l: Int32Array, o: number): string {
  const code = l[o]!;
  return code !== 0 ? PARAM_NAMES[code]! : lowerSlice(s, l[o + 1]!, l[o + 2]!);
}

function paramValue(s: string, l: Int32Array, o: number): string | null {
  const vs = l[o + 3]!;
  return vs < 0 ? null : s.slice(vs, l[o + 4]!);
}

/**
 * The flat [name, value, ...] array of a ParamMap for the params recorded at `at`
 * (undefined when there are none): names lower-cased (interned when coded), values as written.
 */
function paramList(s: string, l: Int32Array, at: number): (string | null)[] | undefined {
  const n = l[at]!;
  const o = at + 1;
  after.at = o + n * PARAM_SIZE;
  if (n === 0) return undefined;
  if (n === 1) return [paramName(s, l, o), paramValue(s, l, o)];
  if (n === 2) return [paramName(s, l, o), paramValue(s, l, o), paramName(s, l, o + PARAM_SIZE), paramValue(s, l, o + PARAM_SIZE)];
  const flat: (string | null)[] = [];
  for (let p = o; p < after.at; p += PARAM_SIZE) flat.push(paramName(s, l, p), paramValue(s, l, p));
  return flat;
}

/** Params: names lower-cased (interned when coded), values as written. */
export function params(s: string, l: Int32Array, at: number): Params {
  const flat = paramList(s, l, at);
  return flat === undefined ? EMPTY_PARAMS : new ParamMap(flat);
}

/**
 * The index in the record at `at` (and so the pair in its flat array) of the param with
 * this code, or -1: what `get(name)` finds, without comparing names (a name has its code
 * in any case, and the fast path refuses duplicates).
 */
function coded(l: Int32Array, at: number, code: number): number {
  for (let i = 0, n = l[at]!, o = at + 1; i < n; i++, o += PARAM_SIZE) if (l[o] === code) return i;
  return -1;
}

export function sipUri(s: string, l: Int32Array, at: number): SipUri {
  const userStart = l[at + 1]!;
  const port = l[at + 6]!;
  return {
    scheme: l[at] === 1 ? 'sips' : 'sip',
    user: userStart < 0 ? undefined : s.slice(userStart, l[at + 2]!),
    password: undefined,
    host: s.slice(l[at + 3]!, l[at + 4]!),
    hostKind: l[at + 5] === HOST_KIND_IPV4 ? 'ipv4' : 'domain',
    port: port < 0 ? undefined : port,
    params: params(s, l, at + 7),
    headers: EMPTY_ARRAY,
  };
}

function displayName(s: string, l: Int32Array, at: number): string | undefined {
  const start = l[at]!;
  return start < 0 ? undefined : s.slice(start, l[at + 1]!);
}

/** Value of the param at index i of a flat array, as `get` would return it with `?? undefined`. */
function valueAt(flat: (string | null)[] | undefined, i: number): string | undefined {
  return i < 0 ? undefined : (flat![2 * i + 1] ?? undefined);
}

export function fromTo(s: string, l: Int32Array, at: number): TaggedAddress {
  const name = displayName(s, l, at);
  const uri = sipUri(s, l, at + 2);
  const pa = after.at;
  const flat = paramList(s, l, pa);
  return { displayName: name, uri, params: flat === undefined ? EMPTY_PARAMS : new ParamMap(flat), tag: valueAt(flat, coded(l, pa, P_TAG)) };
}

export function nameAddr(s: string, l: Int32Array, at: number): NameAddr {
  const name = displayName(s, l, at);
  const uri = sipUri(s, l, at + 2);
  return { displayName: name, uri, params: params(s, l, after.at) };
}

export function contact(s: string, l: Int32Array, at: number): Contact {
  const name = displayName(s, l, at);
  const uri = sipUri(s, l, at + 2);
  const pa = after.at;
  const flat = paramList(s, l, pa);
  let expires: number | undefined;
  let q: number | undefined;
  let instance: string | undefined;
  let regId: number | undefined;
  if (flat !== undefined) {
    const e = valueAt(flat, coded(l, pa, P_EXPIRES));
    if (e !== undefined) expires = Number(e);
    const qv = valueAt(flat, coded(l, pa, P_Q));
    if (qv !== undefined) q = Number(qv);
    const inst = valueAt(flat, coded(l, pa, P_INSTANCE));
    if (inst !== undefined) instance = paramText(inst);
    const r = valueAt(flat, coded(l, pa, P_REG_ID));
    if (r !== undefined) regId = Number(r);
  }
  return {
    displayName: name, uri, params: flat === undefined ? EMPTY_PARAMS : new ParamMap(flat), expires, q, instance, regId,
    ob: coded(l, at + 2 + 7, P_OB) >= 0, // the URI's params
  };
}

export function via(s: string, l: Int32Array, at: number): Via {
  const code = l[at]!;
  const port = l[at + 5]!;
  const flat = paramList(s, l, at + 6);
  const p = flat === undefined ? EMPTY_PARAMS : new ParamMap(flat);
  let branch: string | undefined;
  let received: string | undefined;
  let rport: number | true | undefined;
  if (flat !== undefined) {
    branch = valueAt(flat, coded(l, at + 6, P_BRANCH));
    received = valueAt(flat, coded(l, at + 6, P_RECEIVED));
    const rp = coded(l, at + 6, P_RPORT);
    if (rp >= 0) rport = flat[2 * rp + 1] === null ? true : Number(flat[2 * rp + 1]);
  }
  return {
    protocol: 'SIP/2.0', transport: code !== TRANSPORT_OTHER ? TRANSPORTS[code]! : transportOf(s, l[at + 1]!, l[at + 2]!),
    host: s.slice(l[at + 3]!, l[at + 4]!), port: port < 0 ? undefined : port, params: p, branch, received, rport, maddr: undefined, ttl: undefined,
  };
}

export function mediaType(s: string, l: Int32Array, at: number): MediaType {
  const type = lowerSlice(s, l[at]!, l[at + 1]!);
  const subtype = lowerSlice(s, l[at + 1]! + 1, l[at + 2]!);
  return { type, subtype, essence: `${type}/${subtype}`, params: params(s, l, at + 3) };
}

/** The values of a field recorded as a count then values, appended to `out` (created when undefined). */
export function values<T>(s: string, l: Int32Array, at: number, one: (s: string, l: Int32Array, at: number) => T, out: T[] | undefined): T[] | undefined {
  let p = at + 1;
  for (let n = l[at]!; n > 0; n--) {
    const v = one(s, l, p);
    p = after.at;
    if (out === undefined) out = [v];
    else out.push(v);
  }
  return out;
}
