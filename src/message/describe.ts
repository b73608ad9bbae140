// A JSON-ready view of a parsed message: start line, every header (canonical name and raw
// value), the typed fields, and a body summary. Used by `callscope parse` and diagnostics.

import { formatUri } from './format.js';
import type { SipMessage } from './message.js';
import type { AuthValue, Contact, NameAddr, Params, TaggedAddress, Uri, Via } from './types.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };

function params(p: Params | ReadonlyMap<string, string | null>): Json | undefined {
  return p.size === 0 ? undefined : Object.fromEntries(p);
}

export function describeUri(uri: Uri): Json {
  const text = formatUri(uri);
  if (uri.scheme === 'sip' || uri.scheme === 'sips') {
    const u = uri as Extract<Uri, { host: string }>;
    return {
      text, scheme: u.scheme, user: u.user, password: u.password, host: u.host, port: u.port,
      params: params(u.params), headers: u.headers.length ? u.headers.map((h) => ({ name: h.name, value: h.value })) : undefined,
    };
  }
  if (uri.scheme === 'tel') {
    const t = uri as Extract<Uri, { number: string }>;
    return { text, scheme: 'tel', number: t.number, global: t.global, params: params(t.params) };
  }
  return { text, scheme: uri.scheme };
}

function address(a: NameAddr | TaggedAddress): Json {
  return { displayName: a.displayName, uri: formatUri(a.uri), tag: 'tag' in a ? a.tag : undefined, params: params(a.params) };
}

function contact(c: Contact): Json {
  return { displayName: c.displayName, uri: formatUri(c.uri), expires: c.expires, q: c.q, instance: c.instance, regId: c.regId, ob: c.ob || undefined, params: params(c.params) };
}

function via(v: Via): Json {
  return { protocol: v.protocol, transport: v.transport, host: v.host, port: v.port, branch: v.branch, received: v.received, rport: v.rport, maddr: v.maddr, ttl: v.ttl, params: params(v.params) };
}

function auth(a: AuthValue): Json {
  return { scheme: a.scheme, params: Object.fromEntries([...a.params].map(([k, v]) => [k, v.value])) };
}

const list = <T>(xs: readonly T[], f: (x: T) => Json): Json[] | undefined => (xs.length ? xs.map(f) : undefined);
const strings = (xs: readonly string[]): Json[] | undefined => (xs.length ? [...xs] : undefined);

/** The typed fields of a message as JSON (absent headers omitted). */
export function describeFields(m: SipMessage): { [key: string]: Json | undefined } {
  return {
    via: m.via.map(via),
    from: address(m.from),
    to: address(m.to),
    callId: m.callId,
    cseq: { seq: m.cseq.seq, method: m.cseq.method },
    maxForwards: m.maxForwards,
    contentLength: m.contentLength,
    contentType: m.contentType ? { type: m.contentType.essence, params: params(m.contentType.params) } : undefined,
    contacts: m.contactWildcard ? '*' : list(m.contacts, contact),
    routes: list(m.routes, address),
    recordRoutes: list(m.recordRoutes, address),
    paths: list(m.paths, address),
    serviceRoutes: list(m.serviceRoutes, address),
    require: strings(m.require),
    proxyRequire: strings(m.proxyRequire),
    supported: strings(m.supported),
    unsupported: strings(m.unsupported),
    allow: strings(m.allow),
    accept: m.accept?.map((a) => a.essence),
    expires: m.expires,
    minExpires: m.minExpires,
    rseq: m.rseq,
    rack: m.rack ? { rseq: m.rack.rseq, cseq: m.rack.cseq, method: m.rack.method } : undefined,
    wwwAuthenticate: list(m.wwwAuthenticate, auth),
    proxyAuthenticate: list(m.proxyAuthenticate, auth),
    authorization: list(m.authorization, auth),
    proxyAuthorization: list(m.proxyAuthorization, auth),
    sessionExpires: m.sessionExpires ? { seconds: m.sessionExpires.seconds, refresher: m.sessionExpires.refresher } : undefined,
    minSe: m.minSe?.seconds,
    referTo: m.referTo ? address(m.referTo) : undefined,
    referredBy: m.referredBy ? address(m.referredBy) : undefined,
    replaces: m.replaces ? { callId: m.replaces.callId, toTag: m.replaces.toTag, fromTag: m.replaces.fromTag, earlyOnly: m.replaces.earlyOnly || undefined } : undefined,
    reasons: list(m.reasons, (r) => ({ protocol: r.protocol, cause: r.cause, text: r.text })),
    event: m.event ? { type: m.event.type, id: m.event.id } : undefined,
    date: m.date?.toISOString(),
  };
}

/** Everything `callscope parse` prints. */
export function describeMessage(m: SipMessage): { [key: string]: Json | undefined } {
  const start = m.kind === 'request'
    ? { kind: 'request', method: m.method, requestUri: describeUri(m.requestUri), version: m.version }
    : { kind: 'response', status: m.status, reason: m.reason, version: m.version };
  let parts: Json[] | undefined;
  if (m.contentType?.type === 'multipart') {
    const r = m.bodyParts();
    parts = r.ok ? r.value.map((p) => ({ type: p.contentType?.essence ?? null, length: p.bodyLength })) : [{ error: r.error.message }];
  }
  return {
    startLine: m.startLine,
    ...start,
    headers: m.headers.map((h) => (h.rawName === h.name ? { name: h.name, value: h.value } : { name: h.name, rawName: h.rawName, value: h.value })),
    fields: describeFields(m),
    body: { length: m.bodyLength, type: m.contentType?.essence ?? null, parts },
  };
}
