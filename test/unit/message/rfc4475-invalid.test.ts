// RFC 4475 §3.1.2: all 19 syntactically invalid messages are rejected, each for the
// reason the RFC gives; §3.2-§3.4: valid syntax whose semantics the UAS checks handle.
import { describe, expect, it } from 'vitest';
import { checkRequestAsUas, parseMessage, verdictForParseError } from '../../../src/message/index.js';
import type { SipParseError, SipParseErrorCode, SipRequest, SipUri } from '../../../src/message/index.js';
import * as B from './rfc4475-invalid.js';

function reject(bytes: Uint8Array): SipParseError {
  const r = parseMessage(bytes);
  if (r.ok) throw new Error('expected the message to be rejected');
  return r.error;
}

interface Case {
  readonly section: string;
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly code: SipParseErrorCode;
  readonly header?: string;
  /** For requests, the status a UAS answers with; undefined for responses (discarded). */
  readonly status?: number;
  /** A fragment the human-readable message must contain. */
  readonly says: RegExp;
}

const INVALID: readonly Case[] = [
  { section: '3.1.2.1', name: 'badinv01', bytes: B.badinv01, code: 'bad-header-value', header: 'Via', status: 400, says: /parameter name/ },
  { section: '3.1.2.2', name: 'clerr', bytes: B.clerr, code: 'incomplete-body', status: 400, says: /Content-Length is 9999/ },
  { section: '3.1.2.3', name: 'ncl', bytes: B.ncl, code: 'bad-header-value', header: 'Content-Length', status: 400, says: /Content-Length/ },
  { section: '3.1.2.4', name: 'scalar02', bytes: B.scalar02, code: 'bad-header-value', header: 'CSeq', status: 400, says: /larger than 4294967295/ },
  { section: '3.1.2.5', name: 'scalarlg', bytes: B.scalarlg, code: 'bad-header-value', header: 'CSeq', says: /larger than 4294967295/ },
  { section: '3.1.2.6', name: 'quotbal', bytes: B.quotbal, code: 'bad-header-value', header: 'To', status: 400, says: /unterminated quoted-string/ },
  { section: '3.1.2.7', name: 'ltgtruri', bytes: B.ltgtruri, code: 'bad-request-uri', status: 400, says: /must not be enclosed/ },
  { section: '3.1.2.8', name: 'lwsruri', bytes: B.lwsruri, code: 'bad-start-line', status: 400, says: /Request-URI may not contain whitespace/ },
  { section: '3.1.2.9', name: 'lwsstart', bytes: B.lwsstart, code: 'bad-start-line', status: 400, says: /single SP/ },
  { section: '3.1.2.10', name: 'trws', bytes: B.trws, code: 'bad-start-line', status: 400, says: /trailing whitespace/ },
  { section: '3.1.2.11', name: 'escruri', bytes: B.escruri, code: 'bad-request-uri', status: 400, says: /must not contain headers/ },
  { section: '3.1.2.12', name: 'baddate', bytes: B.baddate, code: 'bad-header-value', header: 'Date', status: 400, says: /GMT/ },
  { section: '3.1.2.13', name: 'regbadct', bytes: B.regbadct, code: 'bad-header-value', header: 'Contact', status: 400, says: /must be enclosed in "<" ">"/ },
  { section: '3.1.2.14', name: 'badaspec', bytes: B.badaspec, code: 'bad-header-value', header: 'To', status: 400, says: /whitespace inside "<" ">"/ },
  { section: '3.1.2.15', name: 'baddn', bytes: B.baddn, code: 'bad-header-value', header: 'From', status: 400, says: /display name/ },
  { section: '3.1.2.16', name: 'badvers', bytes: B.badvers, code: 'unsupported-version', status: 505, says: /SIP\/7\.0/ },
  { section: '3.1.2.17', name: 'mismatch01', bytes: B.mismatch01, code: 'cseq-method-mismatch', header: 'CSeq', status: 400, says: /does not match/ },
  { section: '3.1.2.18', name: 'mismatch02', bytes: B.mismatch02, code: 'cseq-method-mismatch', header: 'CSeq', status: 501, says: /does not match/ },
  { section: '3.1.2.19', name: 'bigcode', bytes: B.bigcode, code: 'bad-status-code', says: /exactly 3 digits/ },
];

describe('RFC 4475 §3.1.2 invalid messages', () => {
  it('covers all 19 messages of §3.1.2', () => {
    expect(new Set(INVALID.map((c) => c.section)).size).toBe(19);
  });

  for (const c of INVALID) {
    it(`${c.section} ${c.name}: rejected with ${c.code}${c.status ? ` → ${c.status}` : ' (response: discarded)'}`, () => {
      const e = reject(c.bytes);
      expect(e.code).toBe(c.code);
      if (c.header) expect(e.header).toBe(c.header);
      expect(e.message).toMatch(c.says);
      expect(e.status).toBe(c.status);
      expect(typeof e.offset).toBe('number');
      if (c.status) {
        expect(e.messageKind).toBe('request');
        expect(e.reason).toBeTruthy();
        expect(e.reason).not.toMatch(/[\r\n"]/);
      } else {
        expect(e.messageKind).toBe('response');
      }
    });
  }

  it('reason phrases say what was wrong (RFC 3261 §21.4.1)', () => {
    expect(reject(B.badinv01).reason).toMatch(/^Bad Via header field: /);
    expect(reject(B.badvers).reason).toBe('Version Not Supported');
    expect(reject(B.clerr).reason).toBe('Content-Length larger than the message body');
    expect(reject(B.mismatch02).reason).toBe('Not Implemented');
  });

  it('errors carry the position of the fault', () => {
    const e = reject(B.badinv01);
    const text = new TextDecoder().decode(B.badinv01);
    expect(text.slice(e.offset!, e.offset! + 2)).toBe(';,');
    expect(e.message).toMatch(/^Via header field \(line 7, column \d+, byte \d+\)/);
  });
});

describe('RFC 4475 §3.2-§3.4: valid syntax, semantic checks', () => {
  const parse = (b: Uint8Array) => {
    const r = parseMessage(b);
    if (!r.ok) throw new Error(r.error.message);
    return r.value as SipRequest;
  };

  it('3.2.1 badbranch: a branch of only the magic cookie parses', () => {
    expect(parse(B.badbranch).topVia.branch).toBe('z9hG4bK');
  });

  it('3.3.1 insuf: missing To, From, Call-ID and Max-Forwards → 400', () => {
    const e = reject(B.insuf);
    expect(e.code).toBe('missing-header');
    expect(e.status).toBe(400);
    expect(e.reason).toBe('Missing From header field');
  });

  it('3.3.2 unkscm and 3.3.3 novelsc: unknown Request-URI schemes → 416', () => {
    for (const b of [B.unkscm, B.novelsc]) {
      const m = parse(b);
      expect(m.requestUri.scheme).not.toMatch(/^sips?$/);
      expect(checkRequestAsUas(m)).toMatchObject({ action: 'respond', status: 416, reason: 'Unsupported URI Scheme' });
    }
    expect(parse(B.novelsc).requestUri).toEqual({ scheme: 'soap.beep', value: '//192.0.2.103:3002' });
  });

  it('3.3.4 unksm2: unknown schemes in To, From and Contact are kept as absolute URIs', () => {
    const m = parse(B.unksm2);
    expect(m.to.uri).toEqual({ scheme: 'isbn', value: '2983792873' });
    expect(m.from.uri).toEqual({ scheme: 'http', value: '//www.example.com' });
    expect(m.contacts[0]!.uri).toEqual({ scheme: 'name', value: 'John_Smith' });
  });

  it('3.3.5 bext01: unknown Require → 420 with Unsupported (Proxy-Require is not a UAS matter)', () => {
    const m = parse(B.bext01);
    expect(m.proxyRequire).toEqual(['noProxiesSupportThis', 'norDoAnyProxiesSupportThis']);
    expect(checkRequestAsUas(m)).toMatchObject({
      status: 420, reason: 'Bad Extension', headers: [{ name: 'Unsupported', value: 'nothingSupportsThis, nothingSupportsThisEither' }],
    });
  });

  it('3.3.6 invut: unknown Content-Type → 415 with Accept', () => {
    const v = checkRequestAsUas(parse(B.invut));
    expect(v).toMatchObject({ action: 'respond', status: 415 });
    expect(v.action === 'respond' && v.headers[0]!.name).toBe('Accept');
  });

  it('3.3.7 regaut01: an unknown authorization scheme parses', () => {
    const a = parse(B.regaut01).authorization[0]!;
    expect(a.scheme).toBe('NoOneKnowsThisScheme');
    expect(a.params.get('opaque-data')).toEqual({ value: 'here', quoted: false });
  });

  it('3.3.8 multi01 and 3.3.9 mcl01: repeated single-valued headers → 400', () => {
    expect(reject(B.multi01)).toMatchObject({ code: 'duplicate-header', header: 'CSeq', status: 400, reason: 'Multiple CSeq header fields' });
    expect(reject(B.mcl01)).toMatchObject({ code: 'duplicate-header', header: 'Content-Length', status: 400 });
  });

  it('3.3.10 bcast: a broadcast Via parses (what to do with it is the transport\'s matter)', () => {
    const r = parseMessage(B.bcast);
    expect(r.ok && r.value.via[1]!.host).toBe('255.255.255.255');
  });

  it('3.3.11 zeromf: OPTIONS with Max-Forwards 0 may be answered (§16.3), other methods get 483', () => {
    const m = parse(B.zeromf);
    expect(m.maxForwards).toBe(0);
    expect(checkRequestAsUas(m)).toEqual({ action: 'accept' });
  });

  it('3.3.12 cparam01 / 3.3.13 cparam02: header parameter vs URI parameter', () => {
    const c1 = parse(B.cparam01).contacts[0]!;
    expect(c1.params.has('unknownparam')).toBe(true);
    expect((c1.uri as SipUri).params.size).toBe(0);
    const c2 = parse(B.cparam02).contacts[0]!;
    expect(c2.params.size).toBe(0);
    expect((c2.uri as SipUri).params.has('unknownparam')).toBe(true);
  });

  it('3.3.14 regescrt: an escaped header in a Contact URI', () => {
    expect((parse(B.regescrt).contacts[0]!.uri as SipUri).headers).toEqual([{ name: 'Route', value: '<sip:sip.example.com>' }]);
  });

  it('3.3.15 sdp01: Accept is parsed for the application to honour', () => {
    expect(parse(B.sdp01).accept?.map((a) => a.essence)).toEqual(['text/nobodyknowsthis']);
  });

  it('3.4.1 inv2543: RFC 2543 syntax (no branch, Max-Forwards or Content-Length) parses', () => {
    const m = parse(B.inv2543);
    expect(m.topVia.branch).toBeUndefined();
    expect(m.maxForwards).toBeUndefined();
    expect(m.contentLength).toBeUndefined();
    expect(m.bodyText).toMatch(/^v=0\r\n/);
    expect(m.to.params.get('user')).toBe('phone');
    expect((m.recordRoutes[0]!.uri as SipUri).params.get('maddr')).toBe('ss1.example.com');
  });

  it('parse errors map to the UAS verdict', () => {
    expect(verdictForParseError(reject(B.badvers))).toMatchObject({ action: 'respond', status: 505 });
    expect(verdictForParseError(reject(B.bigcode))).toMatchObject({ action: 'discard' });
  });
});
