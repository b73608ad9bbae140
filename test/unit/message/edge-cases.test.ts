// Our own edge cases: URIs, header grammar corners, limits, typed extension headers.
import { describe, expect, it } from 'vitest';
import { parseMessage, parseNameAddr, parseUri } from '../../../src/message/index.js';
import type { SipMessage, SipUri, TelUri } from '../../../src/message/index.js';

const HEAD = ['Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1', 'To: <sip:b@example.com>', 'From: <sip:a@example.com>;tag=1', 'Call-ID: c1'];
function req(...extra: string[]): string {
  return ['OPTIONS sip:b@example.com SIP/2.0', ...HEAD, 'CSeq: 1 OPTIONS', ...extra, 'Content-Length: 0', '', ''].join('\r\n');
}
function ok(text: string | Uint8Array): SipMessage {
  const r = parseMessage(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
function err(text: string) {
  const r = parseMessage(text);
  if (r.ok) throw new Error('expected an error');
  return r.error;
}
function uri(text: string) {
  const r = parseUri(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('URIs', () => {
  it('SIP URI with user, password, IPv6 host, port, params and headers', () => {
    const u = uri('sips:alice:secret@[2001:db8::10]:5061;transport=tls;lr;maddr=239.255.255.1;ttl=15?subject=project%20x&priority=urgent') as SipUri;
    expect(u).toMatchObject({ scheme: 'sips', user: 'alice', password: 'secret', host: '[2001:db8::10]', hostKind: 'ipv6', port: 5061 });
    expect([...u.params]).toEqual([['transport', 'tls'], ['lr', null], ['maddr', '239.255.255.1'], ['ttl', '15']]);
    expect(u.headers).toEqual([{ name: 'subject', value: 'project x' }, { name: 'priority', value: 'urgent' }]);
  });

  it('scheme and parameter names are case-insensitive', () => {
    const u = uri('SIP:Bob@Example.COM;Transport=TCP') as SipUri;
    expect(u.scheme).toBe('sip');
    expect(u.params.get('transport')).toBe('TCP');
    expect(u.host).toBe('Example.COM');
  });

  it('tel URIs (RFC 3966)', () => {
    expect(uri('tel:+1-201-555-0123;ext=1234')).toMatchObject({ scheme: 'tel', number: '+1-201-555-0123', global: true });
    expect((uri('tel:7042;phone-context=example.com') as TelUri).params.get('phone-context')).toBe('example.com');
    expect(parseUri('tel:7042').ok).toBe(false);
  });

  it('absolute URIs of other schemes', () => {
    expect(uri('urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6')).toEqual({ scheme: 'urn', value: 'uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6' });
  });

  const bad = [
    'sip:', 'sip:@example.com', 'sip:a@', 'sip:a@exa mple.com', 'sip:a@-bad.example.com', 'sip:a@bad-.example.com', 'sip:a@example..com',
    'sip:a@256.1.1.1', 'sip:a@1.2.3', 'sip:a@example.123', 'sip:a@[2001:db8::1', 'sip:a@[2001:db8:::1]', 'sip:a@[1:2:3:4:5:6:7:8:9]',
    'sip:a@example.com:99999', 'sip:a@example.com;lr;lr', 'sip:a@example.com;=x', 'sip:a%4@example.com', 'sip:a@example.com;ttl=300',
    'sip:a@example.com?x', '1sip:a@example.com', 'sip a@example.com',
  ];
  for (const text of bad) it(`rejects ${JSON.stringify(text)}`, () => expect(parseUri(text).ok).toBe(false));

  it('name-addr / addr-spec on their own', () => {
    const r = parseNameAddr('"Bob \\"B\\"" <sip:bob@example.com;transport=ws>;expires=60');
    expect(r.ok && r.value.displayName).toBe('Bob "B"');
    expect(r.ok && [...r.value.params]).toEqual([['expires', '60']]);
    const a = parseNameAddr('sip:bob@example.com;tag=1');
    expect(a.ok && (a.value.uri as SipUri).params.size).toBe(0);
    expect(a.ok && a.value.params.get('tag')).toBe('1');
  });
});

describe('header grammar corners', () => {
  it('compact forms map to canonical names', () => {
    const text = ['INVITE sip:b@example.com SIP/2.0', 'v: SIP/2.0/UDP h.example.com;branch=z9hG4bK1', 't: <sip:b@example.com>', 'f: <sip:a@example.com>;tag=1',
      'i: c1', 'CSeq: 1 INVITE', 'm: <sip:a@h.example.com>', 'k: 100rel', 'x: 90;refresher=uas', 'r: <sip:c@example.com>', 'b: <sip:d@example.com>',
      'o: refer;id=5', 'u: refer, dialog', 'e: identity', 's: hello', 'c: application/sdp', 'l: 0', '', ''].join('\r\n');
    const m = ok(text);
    expect(m.headers.map((h) => h.name)).toEqual(['Via', 'To', 'From', 'Call-ID', 'CSeq', 'Contact', 'Supported', 'Session-Expires', 'Refer-To',
      'Referred-By', 'Event', 'Allow-Events', 'Content-Encoding', 'Subject', 'Content-Type', 'Content-Length']);
    expect(m.sessionExpires).toMatchObject({ seconds: 90, refresher: 'uas' });
    expect(m.event).toMatchObject({ type: 'refer', id: '5' });
    expect(m.allowEvents).toEqual(['refer', 'dialog']);
    expect(m.getHeader('t')?.value).toBe('<sip:b@example.com>');
  });

  it('commas inside quotes and <> do not split values', () => {
    const m = ok(req('Contact: "Doe, John" <sip:j@h.example.com;x=1>, <sip:k@h.example.com>;q=0.5', 'Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>'));
    expect(m.contacts.map((c) => c.displayName)).toEqual(['Doe, John', undefined]);
    expect(m.contacts[1]!.q).toBe(0.5);
    expect(m.routes).toHaveLength(2);
  });

  it('Contact: * only alone', () => {
    expect(ok(req('Contact: *', 'Expires: 0')).contactWildcard).toBe(true);
    expect(err(req('Contact: *, <sip:a@b.example.com>')).code).toBe('bad-header-value');
  });

  it('RSeq, RAck, Replaces, Reason, auth', () => {
    const m = ok(req('RSeq: 988789', 'RAck: 776656 1 INVITE', 'Replaces: 98732@sip.example.com;from-tag=r33th4x0r;to-tag=ff87ff;early-only',
      'Reason: SIP ;cause=200 ;text="Call completed elsewhere", Q.850;cause=16',
      'WWW-Authenticate: Digest realm="atlanta.com", domain="sip:ss1.carrier.com", qop="auth", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5',
      'Proxy-Authorization: Digest username="alice", realm="atlanta.com", nonce="c60f3082ee1212b402a21831ae", response="245f23415f11432b3434341c022", uri="sip:bob@biloxi.com"'));
    expect(m.rseq).toBe(988789);
    expect(m.rack).toEqual({ rseq: 776656, cseq: 1, method: 'INVITE' });
    expect(m.replaces).toMatchObject({ callId: '98732@sip.example.com', fromTag: 'r33th4x0r', toTag: 'ff87ff', earlyOnly: true });
    expect(m.reasons.map((r) => [r.protocol, r.cause, r.text])).toEqual([['SIP', 200, 'Call completed elsewhere'], ['Q.850', 16, undefined]]);
    expect(m.wwwAuthenticate[0]!.params.get('realm')).toEqual({ value: 'atlanta.com', quoted: true });
    expect(m.wwwAuthenticate[0]!.params.get('opaque')).toEqual({ value: '', quoted: true });
    expect(m.proxyAuthorization[0]!.params.get('uri')?.value).toBe('sip:bob@biloxi.com');
  });

  it('UTF-8 inside quoted values (display names, auth params, header params) reads back as text', () => {
    const m = ok(req('WWW-Authenticate: Digest realm="Bücher", nonce="n"', 'Contact: "Zoë" <sip:z@h.example.com>;note="ünïcode"'));
    expect(m.wwwAuthenticate[0]!.params.get('realm')?.value).toBe('Bücher');
    expect(m.contacts[0]!.displayName).toBe('Zoë');
    expect(m.contacts[0]!.params.get('note')).toBe('"ünïcode"');
  });

  it('Via received (IPv6 without brackets) and rport with a value', () => {
    const m = ok(req().replace('branch=z9hG4bK1', 'branch=z9hG4bK1;received=2001:db8::9;rport=5061'));
    expect(m.topVia).toMatchObject({ received: '2001:db8::9', rport: 5061 });
  });

  const bad: [string, string, string][] = [
    ['Max-Forwards over 255', 'Max-Forwards: 256', 'Max-Forwards'],
    ['Expires over 2^32-1', 'Expires: 4294967296', 'Expires'],
    ['RSeq of 0', 'RSeq: 0', 'RSeq'],
    ['Require empty', 'Require:', 'Require'],
    ['duplicate header param', 'Accept: application/sdp;level=1;level=2', 'Accept'],
    ['a control char in an unknown header', 'X-Thing: a\x01b', 'X-Thing'],
    ['Route without <>', 'Route: sip:p.example.com;lr', 'Route'],
    ['q out of range', 'Contact: <sip:a@h.example.com>;q=1.5', 'Contact'],
    ['Replaces without tags', 'Replaces: abc@h', 'Replaces'],
    ['bad Session-Expires refresher', 'Session-Expires: 90;refresher=me', 'Session-Expires'],
  ];
  for (const [what, line, header] of bad) {
    it(`rejects ${what}`, () => {
      const e = err(req(line));
      expect(e.header).toBe(header);
      expect(e.status).toBe(400);
    });
  }

  it('start line corners', () => {
    expect(err('OPTIONS sip:b@example.com SIP/2.0\r\n').code).toBe('unterminated-headers');
    expect(err(req().replace('\r\n', '\n')).code).toBe('bad-line-ending');
    expect(err(req().replace('Via:', ' Via:')).code).toBe('bad-header-name');
    expect(err(req().replace('To:', ' To:')).header).toBe('Via'); // a fold: the line continues Via
    expect(err(req().replace('Call-ID: c1', 'Call-ID c1')).code).toBe('bad-header-name');
    expect(err('').code).toBe('empty');
    expect(err('SIP/2.0 099 Low\r\n' + HEAD.join('\r\n') + '\r\nCSeq: 1 OPTIONS\r\n\r\n').code).toBe('bad-status-code');
    expect(ok(req().replace('SIP/2.0', 'sip/2.0')).version).toBe('sip/2.0');
  });

  it('limits: header count and field length', () => {
    const many = req(...Array.from({ length: 300 }, (_, i) => `X-${i}: v`));
    expect(err(many)).toMatchObject({ code: 'too-many-headers', status: 513 });
    const r = parseMessage(req(`X-Long: ${'a'.repeat(100)}`), { limits: { maxLineLength: 50 } });
    expect(!r.ok && r.error.code).toBe('line-too-long');
    const big = parseMessage(req(), { limits: { maxMessageBytes: 20 } });
    expect(!big.ok && big.error.code).toBe('too-large');
  });

  it('text input with non-ASCII is measured in UTF-8 bytes for Content-Length', () => {
    const body = 'héllo';
    const text = req().replace('Content-Length: 0', `Content-Type: text/plain\r\nContent-Length: ${new TextEncoder().encode(body).length}`) + body;
    const m = ok(text);
    expect(m.bodyText).toBe(body);
    expect(m.bodyLength).toBe(6);
  });

  it('token lists: folds and LWS around commas, but no bare CR', () => {
    expect(ok(req('Supported: a ,\r\n  b,c  ')).supported).toEqual(['a', 'b', 'c']);
    expect(err(req('Supported: a\rb')).header).toBe('Supported');
    expect(err(req('Supported: a,,b')).header).toBe('Supported');
    expect(err(req('Supported: a b')).header).toBe('Supported');
  });

  it('getHeader/getHeaders are case-insensitive and understand compact forms', () => {
    const m = ok(req('Supported: a', 'k: b'));
    expect(m.getHeaders('SUPPORTED').map((h) => h.value)).toEqual(['a', 'b']);
    expect(m.supported).toEqual(['a', 'b']);
  });
});
