// Datagram, stream (Content-Length + RFC 5626 keep-alives) and WebSocket framing.
import { describe, expect, it } from 'vitest';
import { StreamFramer, parseDatagram, parseMessage, parseWebSocketMessage } from '../../../src/message/index.js';
import type { FrameEvent } from '../../../src/message/index.js';
import { ACK, INVITE, OK_200 } from '../../../bench/corpus.js';

const enc = new TextEncoder();
const kinds = (events: FrameEvent[]) => events.map((e) => (e.type === 'message' ? `message:${e.message.cseq.method}` : e.type === 'keep-alive' ? e.kind : `error:${e.error.code}${e.fatal ? ':fatal' : ''}`));

describe('StreamFramer', () => {
  it('cuts messages by Content-Length, across arbitrary chunk boundaries', () => {
    const stream = enc.encode(INVITE + OK_200 + ACK);
    for (const size of [1, 7, 64, 1000, stream.length]) {
      const framer = new StreamFramer();
      const events: FrameEvent[] = [];
      for (let i = 0; i < stream.length; i += size) events.push(...framer.push(stream.subarray(i, i + size)));
      expect(kinds(events)).toEqual(['message:INVITE', 'message:INVITE', 'message:ACK']);
      expect(framer.buffered).toBe(0);
    }
  });

  it('reports CRLFCRLF pings and CRLF pongs between messages (RFC 5626 §3.5.1)', () => {
    const framer = new StreamFramer();
    expect(kinds(framer.push('\r\n\r\n'))).toEqual(['ping']);
    expect(kinds(framer.push(`\r\n${ACK}\r\n\r\n\r\n`))).toEqual(['pong', 'message:ACK', 'ping', 'pong']);
    expect(kinds(framer.push('\r\n\r'))).toEqual([]);
    expect(kinds(framer.push('\n'))).toEqual(['ping']);
  });

  it('a server waits for the second CRLF of a ping split across reads', () => {
    const server = new StreamFramer({ keepAliveRole: 'server' });
    expect(kinds(server.push('\r\n'))).toEqual([]);
    expect(kinds(server.push('\r\n'))).toEqual(['ping']);
    expect(kinds(new StreamFramer().push('\r\n'))).toEqual(['pong']);
  });

  it('gives exact bytes to each message', () => {
    const framer = new StreamFramer();
    const [a, b] = framer.push(INVITE + ACK);
    expect(a?.type === 'message' && a.message.toString()).toBe(INVITE);
    expect(b?.type === 'message' && b.message.toString()).toBe(ACK);
  });

  it('a malformed message that frames is a non-fatal error; framing goes on', () => {
    const bad = ACK.replace('CSeq: 8401 ACK', 'CSeq: x ACK');
    expect(kinds(new StreamFramer().push(bad + ACK))).toEqual(['error:bad-header-value', 'message:ACK']);
  });

  it('a missing Content-Length is reported (RFC 3261 §18.3 makes it mandatory on streams)', () => {
    const noCl = ACK.replace(/Content-Length: 0\r\n/, '');
    expect(kinds(new StreamFramer().push(noCl))).toEqual(['error:bad-content-length']);
  });

  it('an unparseable or repeated Content-Length breaks the stream (fatal)', () => {
    const framer = new StreamFramer();
    expect(kinds(framer.push(ACK.replace('Content-Length: 0', 'Content-Length: -1')))).toEqual(['error:bad-content-length:fatal']);
    expect(framer.broken).toBe(true);
    expect(framer.push(ACK)).toEqual([]);
    expect(kinds(new StreamFramer().push(ACK.replace('Content-Length: 0', 'Content-Length: 0\r\nl: 0')))).toEqual(['error:bad-content-length:fatal']);
  });

  it('bounds the buffer: a header section that never ends is fatal past the limit', () => {
    const framer = new StreamFramer({ limits: { maxMessageBytes: 1000 } });
    expect(framer.push('INVITE sip:a@b.example.com SIP/2.0\r\n')).toEqual([]);
    expect(kinds(framer.push(`X: ${'a'.repeat(2000)}`))).toEqual(['error:too-large:fatal']);
    expect(kinds(new StreamFramer({ limits: { maxMessageBytes: 1000 } }).push(INVITE))).toEqual(['error:too-large:fatal']);
  });
});

describe('datagrams and WebSocket messages', () => {
  it('datagram: extra bytes after Content-Length are discarded; short bodies rejected', () => {
    const e = parseDatagram(enc.encode(`${ACK}garbage`));
    expect(e.type === 'message' && e.message.toString()).toBe(ACK);
    const short = parseDatagram(enc.encode(INVITE.slice(0, -10)));
    expect(short.type === 'error' && short.error.code).toBe('incomplete-body');
  });

  it('datagram without Content-Length: the body runs to the end of the packet', () => {
    const noCl = INVITE.replace(/Content-Length: \d+\r\n/, '');
    const e = parseDatagram(enc.encode(`${noCl}trailing`));
    const body = INVITE.slice(INVITE.indexOf('\r\n\r\n') + 4);
    expect(e.type === 'message' && e.message.bodyText).toBe(`${body}trailing`);
  });

  it('WebSocket: one message per frame; Content-Length optional but must be exact', () => {
    expect(parseWebSocketMessage(INVITE).type).toBe('message');
    expect(parseWebSocketMessage(enc.encode(INVITE)).type).toBe('message');
    const noCl = parseWebSocketMessage(INVITE.replace(/Content-Length: \d+\r\n/, ''));
    expect(noCl.type === 'message' && noCl.message.contentLength).toBeUndefined();
    const two = parseWebSocketMessage(ACK + ACK);
    expect(two.type === 'error' && two.error.code).toBe('extra-bytes');
    expect(parseWebSocketMessage('\r\n\r\n')).toEqual({ type: 'keep-alive', kind: 'ping' });
  });

  it('stream framing of parseMessage demands an exact Content-Length', () => {
    expect(parseMessage(ACK, { framing: 'stream' }).ok).toBe(true);
    const r = parseMessage(ACK + 'x', { framing: 'stream' });
    expect(!r.ok && r.error.code).toBe('extra-bytes');
  });
});
