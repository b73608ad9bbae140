// Building messages from typed values; nothing can inject a header or a line.
import { describe, expect, it } from 'vitest';
import { buildRequest, buildResponse, buildResponseTo, parseMessage, quote, serializeMessageText } from '../../../src/message/index.js';
import type { RequestSpec, SipRequest, SipUri } from '../../../src/message/index.js';

const base: RequestSpec = {
  method: 'INVITE',
  uri: 'sip:bob@example.com',
  via: [{ transport: 'WSS', host: 'r4ks8mdq3h2v.invalid', branch: 'z9hG4bK776asdhds', rport: true }],
  from: { displayName: 'Alice', uri: 'sip:alice@example.com', tag: '1928301774' },
  to: { uri: 'sip:bob@example.com' },
  callId: 'a84b4c76e66710@pc33.example.com',
  cseq: 314159,
  contact: [{ uri: 'sip:k2n8d1ep@r4ks8mdq3h2v.invalid;transport=ws;ob', instance: '<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>', regId: 1 }],
  route: [{ uri: 'sip:proxy.example.com;lr' }],
  supported: ['100rel', 'outbound'],
  body: 'v=0\r\n',
  contentType: 'application/sdp',
};

function ok<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('buildRequest', () => {
  it('builds a request whose typed fields read back', () => {
    const m = ok(buildRequest(base));
    expect(serializeMessageText(m).split('\r\n').slice(0, 4)).toEqual([
      'INVITE sip:bob@example.com SIP/2.0',
      'Via: SIP/2.0/WSS r4ks8mdq3h2v.invalid;branch=z9hG4bK776asdhds;rport',
      'Max-Forwards: 70',
      'Route: <sip:proxy.example.com;lr>',
    ]);
    expect(m.from).toMatchObject({ displayName: 'Alice', tag: '1928301774' });
    expect(m.cseq).toEqual({ seq: 314159, method: 'INVITE' });
    expect(m.contacts[0]).toMatchObject({ instance: '<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>', regId: 1, ob: true });
    expect(m.contentLength).toBe(5);
    expect(m.bodyText).toBe('v=0\r\n');
    expect(m.supported).toEqual(['100rel', 'outbound']);
  });

  it('escapes URI parts and quotes display names', () => {
    const m = ok(buildRequest({ ...base, from: { displayName: 'A "quoted" \\ name', uri: { scheme: 'sip', user: 'al ice;x', host: 'example.com', hostKind: 'domain', params: new Map([['transport', 'tcp']]), headers: [] }, tag: 't' } }));
    expect(m.getHeader('From')!.value).toBe('"A \\"quoted\\" \\\\ name" <sip:al%20ice;x@example.com;transport=tcp>;tag=t');
    expect(m.from.displayName).toBe('A "quoted" \\ name');
    expect((m.from.uri as SipUri).user).toBe('al ice;x');
  });

  const injections: [string, Partial<RequestSpec>][] = [
    ['method', { method: 'INVITE\r\nX-Evil: 1' }],
    ['callId', { callId: 'abc\r\nVia: SIP/2.0/UDP evil' }],
    ['from.displayName', { from: { displayName: 'Alice\r\nX-Evil: 1', uri: 'sip:a@example.com', tag: '1' } }],
    ['from.tag', { from: { uri: 'sip:a@example.com', tag: 'x\r\nX-Evil: 1' } }],
    ['from.displayName', { from: { displayName: 'nul\x00byte', uri: 'sip:a@example.com', tag: '1' } }],
    ['uri', { uri: 'sip:bob@example.com\r\nX-Evil: 1' }],
    ['via[0].host', { via: [{ transport: 'UDP', host: 'evil\r\nX: 1' }] }],
    ['via[0].branch', { via: [{ transport: 'UDP', host: 'h.example.com', branch: 'z9hG4bK\n1' }] }],
    ['via[0].params.x', { via: [{ transport: 'UDP', host: 'h.example.com', params: { x: 'a\r\nX-Evil: 1' } }] }],
    ['headers[0].value', { headers: [{ name: 'Subject', value: 'hi\r\nX-Evil: 1' }] }],
    ['to.params.x', { to: { uri: 'sip:b@example.com', params: { x: '"folded\r\n value"' } } }],
    ['headers[0].value', { headers: [{ name: 'Subject', value: 'nul\x00' }] }],
    ['headers[0].name', { headers: [{ name: 'X-Evil: 1\r\nSubject', value: 'hi' }] }],
    ['headers[0].name', { headers: [{ name: 'Content-Length', value: '0' }] }],
    ['contentType', { contentType: 'application/sdp\r\nX-Evil: 1' }],
    ['contact[0].instance', { contact: [{ uri: 'sip:a@b.example.com', instance: 'x\r\n' }] }],
    ['cseq.method', { cseq: { seq: 1, method: 'BYE' } }],
    ['maxForwards', { maxForwards: 256 }],
  ];
  for (const [field, patch] of injections) {
    it(`refuses an illegal ${field}`, () => {
      const r = buildRequest({ ...base, ...patch });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.field).toBe(field);
        expect(r.error.message.startsWith(field)).toBe(true);
      }
    });
  }

  it('needs a Content-Type when there is a body, and a Via', () => {
    expect(buildRequest({ ...base, contentType: undefined })).toMatchObject({ ok: false, error: { field: 'contentType' } });
    expect(buildRequest({ ...base, via: [] })).toMatchObject({ ok: false, error: { field: 'via' } });
  });

  it('rejects a typed field that contradicts the same param', () => {
    const r = buildRequest({ ...base, from: { uri: 'sip:a@example.com', tag: 'a', params: { tag: 'b' } } });
    expect(r).toMatchObject({ ok: false, error: { code: 'conflicting-field', field: 'from.tag' } });
  });

  it('accepts parsed values back (typed field and param agree)', () => {
    const first = ok(buildRequest(base));
    const again = ok(buildRequest({ ...base, via: first.via, from: first.from, to: first.to, contact: first.contacts }));
    expect(serializeMessageText(again)).toBe(serializeMessageText(first));
  });

  it('quote() makes any text a safe gen-value', () => {
    const m = ok(buildRequest({ ...base, to: { uri: 'sip:bob@example.com', params: { note: quote('a;b,c "d"') } } }));
    expect(m.to.params.get('note')).toBe('"a;b,c \\"d\\""');
  });
});

describe('buildResponse / buildResponseTo', () => {
  const request = ok(buildRequest(base)) as SipRequest;

  it('copies Via, From, To, Call-ID and CSeq and adds a To tag (RFC 3261 §8.2.6.2)', () => {
    const r = ok(buildResponseTo(request, { status: 180, toTag: 'abc' }));
    const text = serializeMessageText(r);
    expect(text.startsWith('SIP/2.0 180 Ringing\r\n')).toBe(true);
    expect(r.getHeader('Via')!.value).toBe(request.getHeader('Via')!.value);
    expect(r.getHeader('From')!.value).toBe(request.getHeader('From')!.value);
    expect(r.to.tag).toBe('abc');
    expect(r.callId).toBe(request.callId);
    expect(r.cseq).toEqual(request.cseq);
  });

  it('adds no tag to a 100 and copies Timestamp into it', () => {
    const withTs = ok(buildRequest({ ...base, headers: [{ name: 'Timestamp', value: '54' }] }));
    const r = ok(buildResponseTo(withTs, { status: 100 }));
    expect(r.to.tag).toBeUndefined();
    expect(r.getHeader('Timestamp')?.value).toBe('54');
  });

  it('never answers an ACK', () => {
    const ack = ok(buildRequest({ ...base, method: 'ACK', body: undefined, contentType: undefined }));
    expect(buildResponseTo(ack, { status: 200 }).ok).toBe(false);
  });

  it('builds a response from typed values', () => {
    const r = ok(buildResponse({
      status: 200, via: request.via, from: request.from, to: { ...request.to, tag: 'x' }, callId: request.callId, cseq: request.cseq,
      contact: [{ uri: 'sip:bob@198.51.100.20:5060' }], recordRoute: [{ uri: 'sip:p.example.com;lr' }], rseq: 7,
    }));
    expect(r.status).toBe(200);
    expect(r.reason).toBe('OK');
    expect(r.recordRoutes).toHaveLength(1);
    expect(r.rseq).toBe(7);
    expect(parseMessage(r.toBytes()).ok).toBe(true);
  });
});
