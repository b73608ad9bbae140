// The test line's parts on their own: the directory (every number documented, the
// findings and verdicts it promises are real codes, the scripts cover every number),
// the digest guard against Callscope's own client digest, the SDP tricks, the chime, and
// the filter that keeps `silent` silent.
import { describe, expect, it } from 'vitest';
import { parseMessage, type SipRequest } from '../../../src/message/index.js';
import { FINDING_CODES } from '../../../src/trace/finding-codes.js';
import { ChimeSource, CHIME_NOTES } from '../../../src/testline/chime.js';
import { DigestGuard } from '../../../src/testline/digest-guard.js';
import { TEST_LINE_DIRECTORY, findNumber, numberList } from '../../../src/testline/directory.js';
import { offeredKind, swapDtlsSetup } from '../../../src/testline/line-media.js';
import { DEFAULT_TIMING, faultsOf } from '../../../src/testline/numbers.js';
import { requestUser } from '../../../src/testline/silent-filter.js';
import { digestAuthorization, readDigestChallenge } from '../../../src/ua/auth/digest.js';
import { FAULTS } from '../../../src/ua/call/faults.js';
import { toneShare } from '../../support/goertzel.js';

const VERDICTS = ['two-way-audio', 'one-way-audio', 'no-media', 'silence-received', 'ice-failed', 'dtls-failed', 'early-media-without-rtp'];

describe('the directory', () => {
  it('documents every number: a title, what it does, what to look for; fault numbers promise a finding or a media verdict', () => {
    expect(TEST_LINE_DIRECTORY.map((n) => n.number)).toEqual([
      'echo', 'ring', 'busy', 'slow', 'forked', 'callback', 'no-ack', 'no-prack', 'trying-tag', 'silent', 'bad-contact', 'one-way', 'no-dtls',
    ]);
    for (const n of TEST_LINE_DIRECTORY) {
      expect(n.title.length, n.number).toBeGreaterThan(3);
      expect(n.does.length, n.number).toBeGreaterThan(40);
      expect(n.lookFor.length, n.number).toBeGreaterThan(30);
      if (n.finding !== undefined) expect(FINDING_CODES, n.number).toContain(n.finding);
      if (n.media !== undefined) expect(VERDICTS, n.number).toContain(n.media.verdict);
      if (n.kind === 'fault') expect(n.finding !== undefined || n.media !== undefined, n.number).toBe(true);
      // A number is typed in a dial field and sent as a SIP user part: short, lower case, no escaping.
      expect(n.number).toMatch(/^[a-z][a-z-]{1,11}$/);
    }
  });

  it('each fault number\'s protocol fault is one of the catalogue\'s, for the same finding', () => {
    for (const n of TEST_LINE_DIRECTORY) {
      const faults = faultsOf(n.number, DEFAULT_TIMING) ?? {};
      for (const name of Object.keys(faults)) {
        const fault = FAULTS.find((f) => f.name === name)!;
        expect(fault.side, `${n.number}: ${name}`).not.toBe('caller');
        expect(fault.shows[0], n.number).toBe(n.finding);
      }
    }
    expect(faultsOf('slow', DEFAULT_TIMING)).toEqual({ postDialDelayMs: 7000 });
    expect(faultsOf('echo', DEFAULT_TIMING)).toBeUndefined();
  });

  it('finds numbers in any case, and lists them for a 404', () => {
    expect(findNumber('ECHO')?.title).toBe('Echo test');
    expect(findNumber('pizza')).toBeUndefined();
    expect(findNumber(undefined)).toBeUndefined();
    expect(numberList()).toBe('echo, ring, busy, slow, forked, callback, no-ack, no-prack, trying-tag, silent, bad-contact, one-way, no-dtls');
  });
});

function request(authorization?: string, uri = 'sip:127.0.0.1', method = 'REGISTER'): SipRequest {
  const text = [
    `${method} ${uri} SIP/2.0`, 'Via: SIP/2.0/WS a.invalid;branch=z9hG4bKx', 'Max-Forwards: 70', 'From: <sip:phone@127.0.0.1>;tag=1',
    'To: <sip:phone@127.0.0.1>', 'Call-ID: c1', `CSeq: 1 ${method}`, ...(authorization ? [`Authorization: ${authorization}`] : []), 'Content-Length: 0', '', '',
  ].join('\r\n');
  const parsed = parseMessage(text);
  if (!parsed.ok || parsed.value.kind !== 'request') throw new Error('bad test request');
  return parsed.value;
}

describe('the digest guard', () => {
  let now = 1_000;
  const guard = new DigestGuard({ realm: 'callscope-test-line', user: 'phone', password: 's3cret', now: () => now });
  const challenge = (index: number, stale = false) => {
    const value = guard.challenges(stale)[index]!;
    const parsed = parseMessage(`SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/WS a;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\nWWW-Authenticate: ${value}\r\nContent-Length: 0\r\n\r\n`);
    if (!parsed.ok || parsed.value.kind !== 'response') throw new Error('bad challenge');
    const read = readDigestChallenge(parsed.value.wwwAuthenticate[0]!);
    if (typeof read === 'string') throw new Error(read);
    return read;
  };
  const answer = (password: string, nc = 1, index = 0) => digestAuthorization(challenge(index), { username: 'phone', password },
    { method: 'REGISTER', uri: 'sip:127.0.0.1' }, { nonceCount: nc, cnonce: 'abc' });

  it('challenges with SHA-256 first, then MD5, qop=auth; takes Callscope\'s own answer to either', () => {
    const values = guard.challenges();
    expect(values[0]).toMatch(/^Digest realm="callscope-test-line", nonce="[^"]+", algorithm=SHA-256, qop="auth"$/);
    expect(values[1]).toMatch(/algorithm=MD5/);
    expect(guard.verify(request(answer('s3cret', 1, 0)))).toEqual({ ok: true });
    expect(guard.verify(request(answer('s3cret', 1, 1)))).toEqual({ ok: true });
  });

  it('refuses a wrong password, a replayed nonce count, a nonce not its own, another Request-URI, no credentials', () => {
    expect(guard.verify(request(answer('guess')))).toMatchObject({ ok: false, reason: 'wrong password' });
    const good = answer('s3cret');
    expect(guard.verify(request(good))).toEqual({ ok: true });
    expect(guard.verify(request(good))).toMatchObject({ ok: false, reason: 'nonce count replayed' });
    const forged = good.replace(/nonce="[^"]+"/, 'nonce="1000.abc.def"');
    expect(guard.verify(request(forged))).toMatchObject({ ok: false, reason: 'not a nonce of ours' });
    expect(guard.verify(request(answer('s3cret'), 'sip:other.example'))).toMatchObject({ ok: false, reason: 'the uri parameter is not the Request-URI' });
    expect(guard.verify(request())).toMatchObject({ ok: false, reason: 'no credentials for this realm' });
  });

  it('an old nonce with the right password is stale (so the client retries at once with a fresh one)', () => {
    const old = answer('s3cret');
    now += 301_000;
    expect(guard.verify(request(old))).toEqual({ ok: false, stale: true, reason: 'the nonce expired' });
    expect(guard.challenges(true)[0]).toMatch(/stale=true$/);
  });
});

describe('media parts', () => {
  it('tells a WebRTC offer from a plain RTP one', () => {
    expect(offeredKind('v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=fingerprint:sha-256 AA\r\n')).toBe('webrtc');
    expect(offeredKind('v=0\r\nm=audio 4000 RTP/AVP 0\r\n')).toBe('rtp');
  });

  it('swaps a=setup active and passive (and leaves actpass)', () => {
    expect(swapDtlsSetup('a=setup:active\r\nx\r\na=setup:passive\r\na=setup:actpass\r\n')).toBe('a=setup:passive\r\nx\r\na=setup:active\r\na=setup:actpass\r\n');
  });

  it('the chime: three notes, none near 1 kHz, then finished', () => {
    const chime = new ChimeSource();
    const total = CHIME_NOTES.reduce((s, n) => s + n.ms, 0);
    const samples = new Int16Array((8000 * total) / 1000);
    chime.read(samples, 8000);
    expect(chime.finished).toBe(true);
    const last = samples.subarray(samples.length - 3000);
    expect(toneShare(last, 8000, 783.99)).toBeGreaterThan(0.8);
    expect(toneShare(samples, 8000, 1000)).toBeLessThan(0.05);
    expect(chime.description).toBe('chime (523 Hz, 659 Hz, 784 Hz)');
  });

  it('reads the dialled user of a request line, and nothing from a response', () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    expect(requestUser(bytes('INVITE sip:Silent@127.0.0.1 SIP/2.0\r\n'))).toBe('silent');
    expect(requestUser(bytes('CANCEL sip:si%6Cent@127.0.0.1;transport=ws SIP/2.0\r\n'))).toBe('silent');
    expect(requestUser(bytes('SIP/2.0 200 OK\r\nContact: <sip:silent@x>\r\n'))).toBeUndefined();
    expect(requestUser(bytes('OPTIONS sip:127.0.0.1 SIP/2.0\r\n'))).toBeUndefined();
  });
});
