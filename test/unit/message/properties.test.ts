// Property-based round trips (fast-check, fixed seed):
//  - parse(serialize(build(v))) reads back v, for generated requests;
//  - serialize(parse(x)) is stable: exact bytes, and parsing it again gives the same message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRequest, parseMessage, serializeMessage } from '../../../src/message/index.js';
import type { RequestSpec, SipMessage, SipUri } from '../../../src/message/index.js';
import { CORPUS } from '../../../bench/corpus.js';
import * as V from './rfc4475-messages.js';

const SEED = 4475;
const token = fc.stringMatching(/^[A-Za-z0-9\-.!%*_+`'~]{1,10}$/);
const lowerToken = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,6}[a-z0-9])?$/);
const domain = fc.tuple(fc.array(label, { minLength: 0, maxLength: 3 }), fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/)).map(([ls, top]) => [...ls, top].join('.'));
const host = fc.oneof(domain, fc.ipV4(), fc.ipV6().map((h) => `[${h}]`));
/** Any text without control characters (which builders refuse): letters, symbols, non-ASCII. */
const hasControl = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
const text = fc.string({ unit: 'grapheme', maxLength: 16 }).filter((s) => !hasControl(s));
const uriParamValue = fc.option(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }), { nil: null });

const sipUri = fc.record({
  scheme: fc.constantFrom('sip' as const, 'sips' as const),
  user: fc.option(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), { nil: undefined }),
  host,
  port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  params: fc.uniqueArray(fc.tuple(lowerToken, uriParamValue), { selector: ([k]) => k, maxLength: 3 }).map((e) => new Map(e)),
});

const headerParams = fc.uniqueArray(fc.tuple(lowerToken.filter((k) => !['tag', 'expires', 'q', 'reg-id', '+sip.instance'].includes(k)), fc.option(token, { nil: null })), { selector: ([k]) => k, maxLength: 3 }).map((e) => Object.fromEntries(e));

const spec = fc.record({
  method: fc.stringMatching(/^[A-Z]{3,9}$/),
  uri: sipUri,
  via: fc.array(fc.record({ transport: fc.constantFrom('UDP', 'TCP', 'TLS', 'WS', 'WSS'), host, port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), branch: token.map((t) => `z9hG4bK${t}`) }), { minLength: 1, maxLength: 3 }),
  fromName: fc.option(text, { nil: undefined }),
  from: sipUri,
  fromTag: token,
  to: sipUri,
  toParams: headerParams,
  callId: fc.tuple(fc.stringMatching(/^[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]{1,16}$/), fc.option(domain, { nil: undefined })).map(([w, d]) => (d ? `${w}@${d}` : w)),
  seq: fc.integer({ min: 0, max: 0x7fffffff }),
  contact: fc.array(fc.record({ uri: sipUri, expires: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }), q: fc.option(fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000), { nil: undefined }), regId: fc.option(fc.integer({ min: 1, max: 99 }), { nil: undefined }) }), { maxLength: 2 }),
  supported: fc.array(token, { maxLength: 4 }),
  subject: fc.option(text.map((t) => t.trim()).filter((t) => t.length > 0), { nil: undefined }),
  body: fc.option(fc.string({ unit: 'grapheme', maxLength: 40 }), { nil: undefined }),
});

type Gen = typeof spec extends fc.Arbitrary<infer T> ? T : never;

function toSpec(g: Gen): RequestSpec {
  const uri = (u: Gen['uri']): SipUri => ({ ...u, hostKind: 'domain', headers: [] });
  return {
    method: g.method, uri: uri(g.uri), via: g.via, callId: g.callId, cseq: g.seq,
    from: { displayName: g.fromName, uri: uri(g.from), tag: g.fromTag },
    to: { uri: uri(g.to), params: g.toParams },
    contact: g.contact.map((c) => ({ ...c, uri: uri(c.uri) })),
    supported: g.supported,
    headers: g.subject === undefined ? [] : [{ name: 'Subject', value: g.subject }],
    body: g.body, contentType: g.body ? 'text/plain;charset=utf-8' : undefined,
  };
}

function sameUri(actual: unknown, expected: Gen['uri']): void {
  const a = actual as SipUri;
  expect(a.scheme).toBe(expected.scheme);
  expect(a.user).toBe(expected.user);
  expect(a.host).toBe(expected.host);
  expect(a.port).toBe(expected.port);
  expect([...a.params]).toEqual([...expected.params]);
}

describe('round-trip properties', () => {
  it('parse(serialize(build(v))) == v for generated requests', () => {
    fc.assert(fc.property(spec, (g) => {
      const built = buildRequest(toSpec(g));
      if (!built.ok) throw new Error(built.error.message);
      const r = parseMessage(serializeMessage(built.value));
      if (!r.ok) throw new Error(r.error.message);
      const m = r.value;
      if (m.kind !== 'request') throw new Error('not a request');
      expect(m.method).toBe(g.method);
      sameUri(m.requestUri, g.uri);
      expect(m.via.map((v) => [v.transport, v.host, v.port, v.branch])).toEqual(g.via.map((v) => [v.transport, v.host, v.port, v.branch]));
      expect(m.from.displayName).toBe(g.fromName === '' ? undefined : g.fromName);
      sameUri(m.from.uri, g.from);
      expect(m.from.tag).toBe(g.fromTag);
      sameUri(m.to.uri, g.to);
      expect(Object.fromEntries(m.to.params)).toEqual(g.toParams);
      expect(m.callId).toBe(g.callId);
      expect(m.cseq).toEqual({ seq: g.seq, method: g.method });
      expect(m.contacts.map((c) => [c.expires, c.q, c.regId])).toEqual(g.contact.map((c) => [c.expires, c.q, c.regId]));
      m.contacts.forEach((c, i) => sameUri(c.uri, g.contact[i]!.uri));
      expect(m.supported).toEqual(g.supported);
      expect(m.getHeader('Subject')?.value).toBe(g.subject);
      expect(m.bodyText).toBe(g.body ?? '');
    }), { seed: SEED, numRuns: 300 });
  });

  const samples: Uint8Array[] = [
    ...CORPUS.map((c) => new TextEncoder().encode(c.text)),
    V.wsinv, V.intmeth, V.esc01, V.escnull, V.esc02, V.lwsdisp, V.longreq, V.semiuri, V.transports, V.mpart01(), V.unreason, V.noreason,
  ];

  // where a message's records are stored (a chunk shared with other messages, absolute offsets
  // into it) differs from one parse to the next; what they say does not
  const STORAGE = new Set(['fields', 'fieldsStart', 'fieldsEnd', 'uriRec', 'fromAt', 'toAt', 'viaFirst', 'viaLast', 'contactFirst', 'contactLast']);

  function fingerprint(m: SipMessage): unknown {
    const headers = m.headers.map((h) => [h.name, h.value]);
    return JSON.parse(JSON.stringify({ m, headers, via: m.via, from: m.from, to: m.to, c: m.contacts, uri: m.kind === 'request' ? m.requestUri : undefined }, (k, v) => (STORAGE.has(k) ? undefined : v instanceof Map ? [...v] : v)));
  }

  it('serialize(parse(x)) is x, and parsing again gives the same message', () => {
    fc.assert(fc.property(fc.constantFrom(...samples), fc.uint8Array({ maxLength: 20 }), (bytes, trailing) => {
      // a datagram may carry trailing bytes after Content-Length; they are discarded
      const withTrailing = new Uint8Array([...bytes, ...trailing]);
      const first = parseMessage(withTrailing);
      if (!first.ok) throw new Error(first.error.message);
      const out = serializeMessage(first.value);
      expect(out).toEqual(first.value.contentLength === undefined ? withTrailing : bytes);
      const second = parseMessage(out);
      if (!second.ok) throw new Error(second.error.message);
      expect(serializeMessage(second.value)).toEqual(out);
      expect(fingerprint(second.value)).toEqual(fingerprint(first.value));
    }), { seed: SEED, numRuns: 200 });
  });
});
