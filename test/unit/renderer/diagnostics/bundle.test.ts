// Secrets out of the support bundle: digest responses and nonces, Basic/Bearer credentials,
// passwords in URIs and in secret-named fields, ICE passwords and SDES keys — with the rest kept.
import { describe, expect, it } from 'vitest';
import { redactSipText, redactValue, REMOVED } from '../../../../renderer/diagnostics/model/redact.js';
import { buildSupportBundle, supportBundleFileName } from '../../../../renderer/diagnostics/model/support-bundle.js';
import { timingBreakdown } from '../../../../renderer/diagnostics/model/timings.js';
import { media } from './fixtures.js';

const RESPONSE = '6629fae49393a05397450978507c4ef1';
const NONCE = 'dcd98b7102dd2f0e8b11d0f600bfb0c093';
const REGISTER = [
  'REGISTER sip:example.com SIP/2.0',
  `Authorization: Digest username="alice", realm="example.com", nonce="${NONCE}", uri="sip:example.com",`,
  `  response="${RESPONSE}", algorithm=MD5, cnonce="0a4f113b", qop=auth, nc=00000001`,
  `Proxy-Authorization: Digest username="alice", realm="proxy", nonce="${NONCE}", uri="sip:example.com", response=${RESPONSE}`,
  'Proxy-Authorization: Basic YWxpY2U6aHVudGVyMg==',
  'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc',
  'Contact: <sip:alice:hunter2@192.0.2.1>',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

describe('redaction', () => {
  it('removes digest responses, nonces and cnonces, also on a folded line, and keeps the rest', () => {
    const text = redactSipText(REGISTER);
    expect(text).not.toContain(RESPONSE);
    expect(text).not.toContain(NONCE);
    expect(text).not.toContain('0a4f113b');
    expect(text).toContain('username="alice"');
    expect(text).toContain('realm="example.com"');
    expect(text).toContain('qop=auth');
    expect(text).toContain(`response="${REMOVED}"`);
    expect(text).toContain(`response=${REMOVED}`);
    expect(text.split('\r\n')).toHaveLength(REGISTER.split('\r\n').length);
  });

  it('removes Basic and Bearer credentials and passwords in SIP URIs', () => {
    const text = redactSipText(REGISTER);
    expect(text).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(text).not.toContain('YWxpY2U6aHVudGVyMg');
    expect(text).not.toContain('hunter2');
    expect(text).toContain(`sip:alice:${REMOVED}@192.0.2.1`);
  });

  it('removes ICE passwords and SDES keys from SDP', () => {
    const sdp = 'a=ice-pwd:asd88fgpdd777uzjYhagZg\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32\r\n';
    const text = redactSipText(sdp);
    expect(text).not.toContain('asd88fgpdd777uzjYhagZg');
    expect(text).not.toContain('PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR');
    expect(text).toContain('|2^20|1:32');
  });

  it('drops secret-named fields and the fields asked for', () => {
    expect(redactValue({ password: 'hunter2', nested: { apiToken: 'x', keep: 'y' }, rawBase64: 'AAAA' }, new Set(['rawBase64'])))
      .toEqual({ password: REMOVED, nested: { apiToken: REMOVED, keep: 'y' } });
  });
});

describe('support bundle', () => {
  const trace = JSON.stringify({ messages: [{ index: 0, raw: REGISTER, rawBase64: Buffer.from(REGISTER).toString('base64') }] });
  const app = {
    name: 'Callscope', version: '0.1.0', mode: 'browser' as const, platform: 'linux', versions: { node: '20' },
    dataDir: '/home/alice/.config/callscope', secretStorage: 'libsecret', capabilities: { calling: true },
  };
  const bundle = buildSupportBundle({
    app, key: 'recent:c1', title: 'alice → bob', sipCallId: 'abc', traceJson: trace, findings: [],
    timings: timingBreakdown({ messages: [], methodOf: () => undefined, media: [] }), media: [media(1000, { inPackets: 50, outPackets: 50 })],
    notes: [], createdAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  });
  const text = JSON.stringify(bundle);

  it('carries the trace, app and media summary without a secret or the data folder', () => {
    expect(bundle.kind).toBe('callscope-support-bundle');
    expect(bundle.app?.version).toBe('0.1.0');
    expect(bundle.media.totals?.packetsIn).toBe(50);
    expect(text).toContain('username=\\"alice\\"');
    for (const secret of [RESPONSE, NONCE, 'hunter2', 'YWxpY2U6aHVudGVyMg', '/home/alice', 'eyJhbGciOiJIUzI1NiJ9']) expect(text).not.toContain(secret);
    expect(text).not.toContain('rawBase64');
  });

  it('reads the host\'s JSON Lines export (a record a line) and redacts every record', () => {
    const lines = [
      { type: 'trace', version: 3, source: 'live' },
      { type: 'call', callId: 'abc', messages: [{ index: 0, raw: REGISTER }] },
      { type: 'summary', messages: 1, calls: 1 },
    ].map((record) => JSON.stringify(record)).join('\n');
    const fromLines = buildSupportBundle({
      app: undefined, key: 'recent:c1', title: 't', sipCallId: 'abc', traceJson: `${lines}\n`, findings: [],
      timings: { origin: 'dial', steps: [] }, media: [], notes: [], createdAt: 0,
    });
    expect(Array.isArray(fromLines.trace) && fromLines.trace.length).toBe(3);
    const out = JSON.stringify(fromLines);
    expect(out).toContain('username=\\"alice\\"');
    for (const secret of [RESPONSE, NONCE]) expect(out).not.toContain(secret);
  });

  it('says so when the trace could not be read', () => {
    const broken = buildSupportBundle({ app: undefined, key: 'k', title: 't', sipCallId: 's', traceJson: '{', findings: [], timings: { origin: 'dial', steps: [] }, media: [], notes: [], createdAt: 0 });
    expect(broken.trace).toEqual({ error: 'the host\'s JSON export could not be read' });
    expect(broken.app).toBeUndefined();
  });

  it('names the file by date and Call-ID, safely', () => {
    expect(supportBundleFileName('a/b@c..d', Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('callscope-support-20260102-030405-a_b_c..d.json');
    expect(supportBundleFileName('..', 0)).toBe('callscope-support-19700101-000000-call.json');
  });
});
