// `callscope parse` through main(argv, io) with an injected io.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { main } from '../../../src/cli/main.js';
import { badinv01, badvers, bext01, invut, unkscm, zeromf } from '../message/rfc4475-invalid.js';
import { wsinv } from '../message/rfc4475-messages.js';
import { captureIo } from '../../support/cli-run.js';

const capture = captureIo;

const dir = mkdtempSync(join(tmpdir(), 'callscope-parse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(bytes: Uint8Array | string): string {
  const p = join(dir, `m${n++}.sip`);
  writeFileSync(p, bytes);
  return p;
}

const ZERO_MF_INVITE = [
  'INVITE sip:bob@example.com SIP/2.0', 'Via: SIP/2.0/UDP pc.example.com;branch=z9hG4bK77', 'Max-Forwards: 0',
  'To: <sip:bob@example.com>', 'From: <sip:alice@example.com>;tag=9', 'Call-ID: mf0', 'CSeq: 1 INVITE', 'Content-Length: 0', '', '',
].join('\r\n');

describe('callscope parse', () => {
  it('prints the start line, headers in order, typed fields and body summary as JSON', async () => {
    const { io, out } = capture();
    expect(await main(['parse', file(wsinv)], io)).toBe(0);
    expect(out.stderr).toBe('');
    const json = JSON.parse(out.stdout);
    expect(json.kind).toBe('request');
    expect(json.method).toBe('INVITE');
    expect(json.startLine).toBe('INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0');
    expect(json.requestUri).toMatchObject({ scheme: 'sip', user: 'vivekg', host: 'chair-dnrc.example.com' });
    expect(json.headers[0]).toEqual({ name: 'To', rawName: 'TO', value: '\r\n sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n'.replace(/^\r\n /, '') });
    expect(json.headers.map((h: { name: string }) => h.name)).toContain('NewFangledHeader');
    expect(json.fields.via).toHaveLength(3);
    expect(json.fields.from).toMatchObject({ displayName: 'J Rosenberg \\"', tag: '98asjd8', uri: 'sip:jdrosen@example.com' });
    expect(json.fields.cseq).toEqual({ seq: 9, method: 'INVITE' });
    expect(json.fields.contacts[0]).toMatchObject({ q: 0.33 });
    expect(json.body).toEqual({ length: 150, type: 'application/sdp' });
  });

  it('reads stdin with "-"', async () => {
    const { io, out } = capture(wsinv);
    expect(await main(['parse', '-'], io)).toBe(0);
    expect(JSON.parse(out.stdout).fields.callId).toBe('wsinv.ndaksdj@192.0.2.1');
  });

  it('exits 2 with a one-line error naming header and position for an invalid message', async () => {
    const { io, out } = capture();
    expect(await main(['parse', file(badinv01)], io)).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^callscope parse: .*m\d+\.sip: Via header field \(line 7, column \d+, byte \d+\): expected parameter name/);
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('--lf accepts a hand-written file with LF line endings', async () => {
    const lf = ZERO_MF_INVITE.replace(/\r\n/g, '\n');
    const a = capture();
    expect(await main(['parse', file(lf)], a.io)).toBe(2);
    expect(a.out.stderr).toMatch(/CRLF/);
    const b = capture();
    expect(await main(['parse', '--lf', file(lf)], b.io)).toBe(0);
  });

  it('exits 2 for a missing file or bad usage', async () => {
    const a = capture();
    expect(await main(['parse', join(dir, 'nope.sip')], a.io)).toBe(2);
    expect(a.out.stderr).toMatch(/cannot read .*ENOENT/);
    const b = capture();
    expect(await main(['parse'], b.io)).toBe(2);
    const c = capture();
    expect(await main(['parse', '--framing', 'carrier-pigeon', 'x'], c.io)).toBe(2);
  });

  it('has help text', async () => {
    const { io, out } = capture();
    expect(await main(['parse', '--help'], io)).toBe(0);
    expect(out.stdout).toMatch(/--as-uas/);
  });
});

describe('callscope parse --as-uas', () => {
  async function asUas(bytes: Uint8Array | string, ...extra: string[]) {
    const { io, out } = capture();
    const code = await main(['parse', '--as-uas', ...extra, file(bytes)], io);
    return { code, ...out };
  }

  it('prints "none" when the request would be accepted', async () => {
    expect(await asUas(zeromf)).toMatchObject({ code: 0, stdout: 'none\n' });
  });

  it('416 for an unsupported Request-URI scheme, as a full response', async () => {
    const r = await asUas(unkscm);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^SIP\/2\.0 416 Unsupported URI Scheme\r\nVia: SIP\/2\.0\/TCP host9\.example\.com;branch=z9hG4bKkdjuw39234\r\n/);
    expect(r.stdout).toMatch(/\r\nTo: sip:user@example\.com;tag=[0-9a-f]+\r\n/);
    expect(r.stdout).toMatch(/\r\nCSeq: 3923423 OPTIONS\r\n/);
  });

  it('420 with Unsupported, 415 with Accept, 483 for Max-Forwards 0, 505 and 400', async () => {
    expect((await asUas(bext01)).stdout).toMatch(/^SIP\/2\.0 420 Bad Extension\r\n[\s\S]*\r\nUnsupported: nothingSupportsThis, nothingSupportsThisEither\r\n/);
    expect((await asUas(invut)).stdout).toMatch(/^SIP\/2\.0 415 Unsupported Media Type\r\n[\s\S]*\r\nAccept: application\/sdp/);
    expect((await asUas(ZERO_MF_INVITE)).stdout).toMatch(/^SIP\/2\.0 483 Too Many Hops\r\n/);
    expect((await asUas(badvers)).stdout).toBe('SIP/2.0 505 Version Not Supported\r\n');
    expect((await asUas(badinv01)).stdout).toMatch(/^SIP\/2\.0 400 Bad Via header field: /);
  });

  it('takes the UAS capabilities as options', async () => {
    expect((await asUas(bext01, '--supported', 'nothingSupportsThis,nothingSupportsThisEither')).stdout).toBe('none\n');
    expect((await asUas(unkscm, '--schemes', 'sip,nobodyknowsthisscheme')).stdout).toBe('none\n');
    expect((await asUas(zeromf, '--methods', 'INVITE,ACK')).stdout).toMatch(/^SIP\/2\.0 405 Method Not Allowed\r\n[\s\S]*Allow: INVITE, ACK\r\n/);
  });

  it('refuses a response', async () => {
    const r = await asUas('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\nTo: <sip:a@b.c>;tag=1\r\nFrom: <sip:a@b.c>;tag=2\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs a request/);
  });
});
