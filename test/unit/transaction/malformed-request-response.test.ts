// The 400 a UAS sends to a request it cannot parse (RFC 3261 §8.2, §21.4.1):
// a reason phrase that names the problem and stops at the end of the bad line,
// and a response whenever the top Via is usable, even when CSeq or Call-ID are
// garbage (the client matches on the Via branch and the CSeq method, §17.1.3).
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/message/index.js';
import type { SipParseError } from '../../../src/message/index.js';
import { responseToMalformedRequest } from '../../../src/transaction/malformed-request-response.js';

const VIA = 'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKbad1;rport';

function request(lines: readonly string[], method = 'OPTIONS'): string {
  return [`${method} sip:bob@example.com SIP/2.0`, ...lines, 'Max-Forwards: 70', 'Content-Length: 0', '', ''].join('\r\n');
}

function error(text: string): SipParseError {
  const parsed = parseMessage(text);
  if (parsed.ok) throw new Error('expected a parse error');
  return parsed.error;
}

function answer(text: string) {
  return responseToMalformedRequest(Buffer.from(text, 'latin1'), error(text));
}

describe('the 400 to a malformed request', () => {
  it('quotes the bad header line only up to its end in the reason phrase', () => {
    const text = request([VIA, 'To: "Bob" abc', 'From: <sip:alice@example.com>;tag=1', 'Call-ID: c1@x', 'CSeq: 1 OPTIONS']);
    const reason = error(text).reason!;
    expect(reason).toMatch(/^Bad To header field: /);
    expect(reason).not.toMatch(/From|rn/);
    expect(error(text).message).not.toMatch(/From:/);
  });

  it('answers when the Call-ID is garbage but the Via is usable', () => {
    const response = answer(request([VIA, 'To: <sip:bob@example.com>', 'From: <sip:alice@example.com>;tag=1', 'Call-ID: \x01\x02', 'CSeq: 1 OPTIONS']));
    expect(response?.status).toBe(400);
    expect(response?.topVia.branch).toBe('z9hG4bKbad1');
    expect(response?.cseq.method).toBe('OPTIONS');
  });

  it('answers when the CSeq is garbage but the Via is usable, with the method of the start line', () => {
    const response = answer(request([VIA, 'To: <sip:bob@example.com>', 'From: <sip:alice@example.com>;tag=1', 'Call-ID: c2@x', 'CSeq: lots OPTIONS']));
    expect(response?.status).toBe(400);
    expect(response?.callId).toBe('c2@x');
    expect(response?.cseq.method).toBe('OPTIONS');
    expect(response?.topVia.branch).toBe('z9hG4bKbad1');
  });

  it('answers when From and To are garbage too', () => {
    const response = answer(request([VIA, 'To: ???', 'From: !!!', 'Call-ID: c3@x', 'CSeq: 1 OPTIONS']));
    expect(response?.status).toBe(400);
    expect(response?.topVia.branch).toBe('z9hG4bKbad1');
  });

  it('drops a request whose Via cannot carry a response, and never answers an ACK', () => {
    expect(answer(request(['Via: garbage', 'To: <sip:bob@example.com>', 'From: <sip:a@example.com>;tag=1', 'Call-ID: c4@x', 'CSeq: 1 OPTIONS']))).toBeUndefined();
    expect(answer(request([VIA, 'To: <sip:bob@example.com>', 'From: <sip:a@example.com>;tag=1', 'Call-ID: \x01', 'CSeq: 1 ACK'], 'ACK'))).toBeUndefined();
  });
});
