import { describe, expect, it } from 'vitest';
import { buildResponseTo, parseMessage } from '../../../src/message/index.js';
import type { AuthValue, SipRequest } from '../../../src/message/index.js';
import { Authenticator } from '../../../src/ua/auth/authenticator.js';
import { digestAuthorization, readDigestChallenge, type DigestChallenge } from '../../../src/ua/auth/digest.js';

function challengeOf(text: string): AuthValue {
  const r = parseMessage(`SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:a@h>;tag=2\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\nWWW-Authenticate: ${text}\r\nContent-Length: 0\r\n\r\n`);
  if (!r.ok) throw new Error(r.error.message);
  return r.value.wwwAuthenticate[0]!;
}

// RFC 7616 §3.9.1: the same request answered with SHA-256 and with MD5.
const rfc7616 = (algorithm: 'MD5' | 'SHA-256'): DigestChallenge => ({
  realm: 'http-auth@example.org', nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v', algorithm, qop: 'auth', stale: false,
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
});
const mufasa = { username: 'Mufasa', password: 'Circle of Life' };
const request = { method: 'GET', uri: '/dir/index.html' };
const options = { nonceCount: 1, cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ' };

describe('digest (RFC 7616, RFC 8760)', () => {
  it('matches the RFC 7616 §3.9.1 example for SHA-256', () => {
    expect(digestAuthorization(rfc7616('SHA-256'), mufasa, request, options))
      .toContain('response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"');
  });

  it('matches the RFC 7616 §3.9.1 example for MD5, with nc, cnonce, qop and opaque', () => {
    const value = digestAuthorization(rfc7616('MD5'), mufasa, request, options);
    expect(value).toContain('response="8ca523f5e9506fed4657c9700eebdbec"');
    expect(value).toContain('nc=00000001');
    expect(value).toContain('qop=auth');
    expect(value).toContain('opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"');
  });

  it('reads challenges, and says why it cannot answer the ones it cannot', () => {
    expect(readDigestChallenge(challengeOf('Digest realm="lab", nonce="n1", qop="auth,auth-int", algorithm=SHA-256, stale=TRUE')))
      .toEqual({ realm: 'lab', nonce: 'n1', algorithm: 'SHA-256', qop: 'auth', stale: true });
    expect(readDigestChallenge(challengeOf('Digest realm="lab", nonce="n1"'))).toMatchObject({ algorithm: 'MD5', stale: false });
    expect(readDigestChallenge(challengeOf('Digest realm="lab", nonce="n1", algorithm=SHA-512-256'))).toMatch(/not supported/);
    expect(readDigestChallenge(challengeOf('Digest realm="lab", nonce="n1", qop="auth-int"'))).toMatch(/only qop=auth/);
    expect(readDigestChallenge(challengeOf('Basic realm="lab"'))).toMatch(/only Digest/);
  });
});

function register(extra = ''): SipRequest {
  const r = parseMessage(`REGISTER sip:callscope.lab SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nMax-Forwards: 70\r\nFrom: <sip:alice@callscope.lab>;tag=1\r\nTo: <sip:alice@callscope.lab>\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n${extra}Content-Length: 0\r\n\r\n`);
  if (!r.ok || r.value.kind !== 'request') throw new Error('bad fixture');
  return r.value;
}

function challenge(to: SipRequest, status: 401 | 407, value: string) {
  const r = buildResponseTo(to, { status, headers: [{ name: status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate', value }] });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('Authenticator: retry once, count nonces, never loop', () => {
  it('answers a 401 with Authorization and a 407 with Proxy-Authorization', () => {
    const auth = new Authenticator({ username: 'alice', password: 'secret' });
    const www = auth.answer(register(), challenge(register(), 401, 'Digest realm="lab", nonce="n1", qop="auth"'));
    expect(www.ok && www.headers.map((h) => h.name)).toEqual(['Authorization']);
    const proxy = auth.answer(register(), challenge(register(), 407, 'Digest realm="proxy", nonce="n2"'));
    expect(proxy.ok && proxy.headers[0]!.value).toMatch(/^Digest username="alice", realm="proxy", nonce="n2", uri="sip:callscope.lab"/);
  });

  it('gives up when the credentials it sent are challenged again (wrong password), but retries a stale nonce', () => {
    const auth = new Authenticator({ username: 'alice', password: 'wrong' });
    const retried = register('Authorization: Digest username="alice", realm="lab", nonce="n1", uri="sip:callscope.lab", response="00"\r\n');
    expect(auth.answer(retried, challenge(retried, 401, 'Digest realm="lab", nonce="n2"'))).toEqual({
      ok: false, reason: '401 Unauthorized: the credentials for realm "lab" were refused',
    });
    expect(auth.answer(retried, challenge(retried, 401, 'Digest realm="lab", nonce="n3", stale=true')).ok).toBe(true);
  });

  it('reuses a cached challenge for later requests with an increasing nonce count', () => {
    const auth = new Authenticator({ username: 'alice', password: 'secret' });
    auth.answer(register(), challenge(register(), 401, 'Digest realm="lab", nonce="n1", qop="auth"'));
    expect(auth.headersFor({ method: 'REGISTER', requestUriText: 'sip:callscope.lab' })[0]!.value).toContain('nc=00000002');
    expect(auth.headersFor({ method: 'REGISTER', requestUriText: 'sip:callscope.lab' })[0]!.value).toContain('nc=00000003');
  });
});
