// RFC 4475 §3.1.1: valid messages that look tortuous must parse to the right values.
import { describe, expect, it } from 'vitest';
import { parseMessage, serializeMessage } from '../../../src/message/index.js';
import type { SipMessage, SipRequest, SipResponse, SipUri } from '../../../src/message/index.js';
import * as T from './rfc4475-messages.js';

function parse(bytes: Uint8Array): SipMessage {
  const r = parseMessage(bytes);
  if (!r.ok) throw new Error(`expected a valid message, got: ${r.error.message}`);
  return r.value;
}
const req = (b: Uint8Array) => parse(b) as SipRequest;
const sipUri = (u: unknown) => u as SipUri;

describe('RFC 4475 §3.1.1 valid messages', () => {
  it('3.1.1.1 wsinv: a short tortuous INVITE (folding, odd case, LWS everywhere)', () => {
    const m = req(T.wsinv);
    expect(m.method).toBe('INVITE');
    expect(sipUri(m.requestUri)).toMatchObject({ user: 'vivekg', host: 'chair-dnrc.example.com' });
    expect(sipUri(m.requestUri).params.has('unknownparam')).toBe(true);
    expect(m.to.tag).toBe('1918181833n');
    expect(sipUri(m.to.uri).user).toBe('vivekg');
    expect(m.from.displayName).toBe('J Rosenberg \\"');
    expect(m.from.tag).toBe('98asjd8');
    expect(m.maxForwards).toBe(68);
    expect(m.callId).toBe('wsinv.ndaksdj@192.0.2.1');
    expect(m.contentLength).toBe(150);
    expect(m.cseq).toEqual({ seq: 9, method: 'INVITE' });
    expect(m.via.map((v) => [v.transport, v.host, v.branch])).toEqual([
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    expect(m.getHeader('Subject')?.value).toBe('');
    expect(m.getHeader('NewFangledHeader')?.value).toBe('newfangled value\r\n continued newfangled value');
    expect(m.getHeader('unknownheaderwithunusualvalue')?.value).toBe(';;,,;;,;');
    expect([...sipUri(m.routes[0]!.uri).params]).toEqual([['lr', null], ['unknownwith', 'value'], ['unknown-no-value', null]]);
    const c = m.contacts[0]!;
    expect(c.displayName).toBe('Quoted string ""');
    expect(c.q).toBe(0.33);
    expect([...c.params]).toEqual([['newparam', 'newvalue'], ['secondparam', null], ['q', '0.33']]);
    expect(m.contentType?.essence).toBe('application/sdp');
    expect(m.bodyLength).toBe(150);
    expect(m.headers.map((h) => h.rawName).slice(0, 3)).toEqual(['TO', 'from', 'MaX-fOrWaRdS']);
    expect(m.headers[0]!.name).toBe('To');
  });

  it('3.1.1.2 intmeth: the widest range of valid characters', () => {
    const m = req(T.intmeth);
    expect(m.method).toBe("!interesting-Method0123456789_*+`.%indeed'~");
    expect(sipUri(m.requestUri).user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(sipUri(m.requestUri).password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(m.topVia.branch).toBe("z9hG4bK-.!%66*_+`'~");
    expect(m.to.displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7F');
    expect(sipUri(m.to.uri).user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(m.from.displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(m.from.tag).toBe("_token~1'+`*%!-.");
    expect(m.from.params.get("fromparam''~+*_!.-%")).toBe('"работающий"');
    expect(m.callId).toBe("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
    expect(m.cseq).toEqual({ seq: 139122385, method: m.method });
    expect(m.maxForwards).toBe(255);
    expect(m.getHeader("extensionHeader-!.%*+_`'~")?.value).toBe('\uFEFF大停電');
  });

  it('3.1.1.3 esc01: %-escapes are decoded in URIs', () => {
    const m = req(T.esc01);
    expect(sipUri(m.requestUri).user).toBe('sips:user@example.com');
    expect(sipUri(m.to.uri).user).toBe('user');
    expect(sipUri(m.from.uri).user).toBe('I have spaces');
    const c = sipUri(m.contacts[0]!.uri);
    expect(c.user).toBe('caller');
    expect([...c.params]).toEqual([['lr', null], ['name', 'value%41']]);
    expect(m.contentType?.essence).toBe('application/sdp');
  });

  it('3.1.1.4 escnull: escaped NULs in URIs', () => {
    const m = req(T.escnull);
    expect(sipUri(m.to.uri).user).toBe('null-\x00-null');
    expect(m.contacts.map((c) => sipUri(c.uri).user)).toEqual(['\x00', '\x00\x00']);
    expect(m.contentLength).toBe(0);
  });

  it('3.1.1.5 esc02: % that is not an escape (method, display name, branch, header name)', () => {
    const m = req(T.esc02);
    expect(m.method).toBe('RE%47IST%45R');
    expect(m.to.displayName).toBe('%Z%45');
    expect(m.topVia.branch).toBe('z9hG4bK209%fzsnel234');
    expect(m.contacts.map((c) => sipUri(c.uri).user)).toEqual(['alias1', 'alias3']);
    expect(m.getHeader('C%6Fntact')?.value).toBe('<sip:alias2@host2.example.com>');
  });

  it('3.1.1.6 lwsdisp: no LWS between display name and <', () => {
    const m = req(T.lwsdisp);
    expect(m.from.displayName).toBe('caller');
    expect(m.from.tag).toBe('323');
  });

  it('3.1.1.7 longreq: long values and 34 Vias in many spellings', () => {
    const m = req(T.longreq);
    expect(m.via).toHaveLength(34);
    expect(m.via[0]!.host).toBe('sip33.example.com');
    expect(m.via[33]!.branch).toBe(T.LONGREQ_BRANCH);
    expect(m.via[33]!.received).toBe('192.0.2.5');
    expect(m.from.tag).toBe(T.LONGREQ_TAG);
    expect(sipUri(m.to.uri).port).toBe(6000);
    expect(m.to.displayName).toMatch(/^I have a user name of (extreme){10} proportion$/);
    expect(m.contentLength).toBe(150);
  });

  it('3.1.1.8 dblreq: extra octets after the body of a datagram are discarded', () => {
    const m = req(T.dblreq);
    expect(m.method).toBe('REGISTER');
    expect(m.bodyLength).toBe(0);
    expect(m.toString()).toBe(T.DBLREQ_REGISTER);
    expect(new TextDecoder().decode(serializeMessage(m))).toBe(T.DBLREQ_REGISTER);
  });

  it('3.1.1.9 semiuri: semicolons in the user part; Accept folded over lines', () => {
    const m = req(T.semiuri);
    expect(sipUri(m.requestUri).user).toBe('user;par=u@example.net');
    expect(sipUri(m.requestUri).params.size).toBe(0);
    expect(m.accept?.map((a) => a.essence)).toEqual(['application/sdp', 'application/pkcs7-mime', 'multipart/mixed', 'multipart/signed', 'message/sip', 'message/sipfrag']);
  });

  it('3.1.1.10 transports: varied and unknown transports', () => {
    expect(req(T.transports).via.map((v) => v.transport)).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
  });

  it('3.1.1.11 mpart01: multipart body with a binary part', () => {
    const m = req(T.mpart01());
    expect(m.contentType?.essence).toBe('multipart/mixed');
    const parts = m.bodyParts();
    if (!parts.ok) throw new Error(parts.error.message);
    expect(parts.value.map((p) => p.contentType?.essence)).toEqual(['text/plain', 'application/octet-stream']);
    expect(parts.value[0]!.bodyText).toBe('Hello');
    expect(parts.value[1]!.body).toEqual(T.MPART_BINARY);
    expect(m.date?.toISOString()).toBe('2005-10-15T04:44:56.000Z');
  });

  it('3.1.1.12 unreason: an unusual (UTF-8) reason phrase', () => {
    const m = parse(T.unreason) as SipResponse;
    expect(m.status).toBe(200);
    expect(m.reason).toBe(T.UNREASON_PHRASE);
  });

  it('3.1.1.13 noreason: an empty reason phrase', () => {
    const m = parse(T.noreason) as SipResponse;
    expect(m.status).toBe(100);
    expect(m.reason).toBe('');
  });

  it('every valid message serializes back to exactly its bytes', () => {
    for (const bytes of [T.wsinv, T.intmeth, T.esc01, T.escnull, T.esc02, T.lwsdisp, T.longreq, T.semiuri, T.transports, T.mpart01(), T.unreason, T.noreason]) {
      expect(serializeMessage(parse(bytes))).toEqual(bytes);
    }
  });
});
