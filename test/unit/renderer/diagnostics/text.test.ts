// The message pane's highlighting and parse, SDP summaries and bodies, and the panel's number formats.
import { describe, expect, it } from 'vitest';
import { bytes, delta, gapWords, seconds, shortDuration } from '../../../../renderer/diagnostics/model/format.js';
import { parseSdpBody, parseSdpSummary, sdpLabel } from '../../../../renderer/diagnostics/model/sdp.js';
import { canonicalName, headerGroup, parseSip, tokenize } from '../../../../renderer/diagnostics/model/sip-text.js';

const SDP = ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=audio 40000 UDP/TLS/RTP/SAVPF 111 0', 'a=rtpmap:111 opus/48000/2',
  'a=ice-ufrag:abcd', 'a=ice-pwd:secretsecretsecret', 'a=fingerprint:sha-256 AA:BB', 'a=setup:actpass', 'a=rtcp-mux', 'a=candidate:1 1 udp 1 192.0.2.1 40000 typ host', 'a=sendrecv', 'm=video 0 RTP/AVP 96', ''].join('\r\n');
const INVITE = ['INVITE sip:bob@example.com SIP/2.0', 'Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK1;rport', 'v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK2;received=192.0.2.9',
  'Max-Forwards: 70', 'From: "Alice" <sip:alice@example.com>;tag=a1', 't: <sip:bob@example.com>', 'i: abc@host', 'CSeq: 1 INVITE',
  'Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws;ob>', 'Content-Type: application/sdp', `Content-Length: ${new TextEncoder().encode(SDP).byteLength}`, '', SDP].join('\r\n');

describe('SIP text', () => {
  it('names compact headers and groups them', () => {
    expect(canonicalName('i')).toBe('Call-ID');
    expect(canonicalName('X-Foo')).toBe('X-Foo');
    expect(headerGroup('v')).toBe('routing');
    expect(headerGroup('Proxy-Authorization')).toBe('auth');
    expect(headerGroup('RSeq')).toBe('extension');
  });

  it('tokenizes start line, headers, blank line and body', () => {
    const tokens = tokenize(INVITE);
    expect(tokens[0]).toEqual({ kind: 'start', text: 'INVITE sip:bob@example.com SIP/2.0' });
    expect(tokens[1]).toMatchObject({ kind: 'header', name: 'Via', group: 'routing' });
    expect(tokens.find((t) => t.kind === 'header' && t.name === 'i')).toMatchObject({ canonical: 'Call-ID', group: 'dialog' });
    expect(tokens.some((t) => t.kind === 'blank')).toBe(true);
    expect(tokens.filter((t) => t.kind === 'body').length).toBeGreaterThan(5);
  });

  it('parses identifiers, Via hops and the SDP, with no problem on a good message', () => {
    const parsed = parseSip(INVITE);
    expect(parsed).toMatchObject({ kind: 'request', method: 'INVITE', callId: 'abc@host', fromTag: 'a1', cseq: '1 INVITE', contact: 'sip:alice@df7jal23ls0d.invalid;transport=ws;ob' });
    expect(parsed.toTag).toBeUndefined();
    expect(parsed.via).toEqual([
      { transport: 'WSS', sentBy: 'df7jal23ls0d.invalid', branch: 'z9hG4bK1', rport: '(asked)' },
      { transport: 'UDP', sentBy: '10.0.0.1:5060', branch: 'z9hG4bK2', received: '192.0.2.9' },
    ]);
    expect(parsed.sdp?.sections[0]).toMatchObject({ media: 'audio', codecs: ['opus/48000/2', 'PCMU/8000'], ice: true, dtlsSetup: 'actpass', fingerprint: true, rtcpMux: true, iceCandidates: 1 });
    expect(parsed.problems).toEqual([]);
  });

  it('says what is wrong with a broken message', () => {
    const parsed = parseSip('HELLO\r\nFrom: x\r\nContent-Length: 10\r\n\r\nabc', 'not a SIP message');
    expect(parsed.kind).toBe('unknown');
    expect(parsed.problems).toContain('not a SIP message');
    expect(parsed.problems.join(' ')).toMatch(/neither a request line nor a status line/);
    expect(parsed.problems.join(' ')).toMatch(/Call-ID header is missing/);
    expect(parsed.problems.join(' ')).toMatch(/Content-Length says 10 bytes; the body has 3/);
  });
});

describe('SDP', () => {
  it('reads the host\'s one-line summary into a compact arrow label', () => {
    expect(parseSdpSummary('PCMU/8000 sendrecv 127.0.0.1:40000; video rejected')).toEqual([
      { media: 'audio', rejected: false, codec: 'PCMU', direction: 'sendrecv', address: '127.0.0.1:40000' },
      { media: 'video', rejected: true },
    ]);
    expect(sdpLabel('opus/48000/2 sendonly 10.0.0.1:4000')).toBe('SDP opus sendonly 10.0.0.1:4000');
    expect(sdpLabel('opus/48000/2 sendonly 10.0.0.1:4000', 12)).toHaveLength(12);
  });
  it('parses a body: a rejected stream has port 0', () => {
    const body = parseSdpBody(SDP);
    expect(body.sections.map((s) => [s.media, s.port])).toEqual([['audio', 40000], ['video', 0]]);
    expect(body.sections[0]!.address).toBe('192.0.2.1');
  });
});

describe('formats', () => {
  it('writes times, deltas, gaps and sizes', () => {
    expect(seconds(12345)).toBe('12.345 s');
    expect(seconds(-120)).toBe('−0.120 s');
    expect(delta(12.4)).toBe('+12 ms');
    expect(delta(1250)).toBe('+1.250 s');
    expect(delta(125_000)).toBe('+2 min 05 s');
    expect(delta(-5)).toBe('−5 ms');
    expect(gapWords(1500)).toBe('1.5 s');
    expect(shortDuration(850)).toBe('850 ms');
    expect(bytes(2048)).toBe('2.0 KiB');
  });
});
