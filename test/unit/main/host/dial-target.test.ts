// What a user types becomes a Request-URI the message layer reads back as itself, or a
// sentence saying why not; no input can put header text into the INVITE.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeTarget } from '../../../../main/host/calls/dial-target.js';
import { formatUri, parseUri } from '../../../../src/message/index.js';

const DOMAIN = 'example.com';

function uriOf(typed: string): string {
  const result = normalizeTarget(typed, DOMAIN);
  if (!result.ok) throw new Error(result.error);
  return result.value.uri;
}

describe('dial targets', () => {
  it.each([
    ['1001', 'sip:1001@example.com'],
    ['+1 (555) 123-4567', 'sip:+15551234567@example.com;user=phone'],
    ['555.123.4567', 'sip:5551234567@example.com'],
    ['alice', 'sip:alice@example.com'],
    ['bob@biloxi.example.org', 'sip:bob@biloxi.example.org'],
    ['sip:carol@chicago.example.com', 'sip:carol@chicago.example.com'],
    ['sips:carol@chicago.example.com:5061', 'sips:carol@chicago.example.com:5061'],
    ['tel:+1-201-555-0123', 'sip:+12015550123@example.com;user=phone'],
    ['callto:alice', 'sip:alice@example.com'],
    ['  alice  ', 'sip:alice@example.com'],
    ['*97', 'sip:*97@example.com'],
  ])('%j dials %s', (typed, uri) => {
    expect(uriOf(typed)).toBe(uri);
  });

  it('says when the URI differs from what was typed, and what to show', () => {
    expect(normalizeTarget('alice', DOMAIN)).toEqual({ ok: true, value: { uri: 'sip:alice@example.com', display: 'alice', changed: true } });
    expect(normalizeTarget('sip:bob@example.com', DOMAIN)).toEqual({ ok: true, value: { uri: 'sip:bob@example.com', display: 'bob@example.com', changed: false } });
  });

  it('drops URI headers and passwords (RFC 3261 §19.1.5: no headers in a Request-URI)', () => {
    expect(uriOf('sip:bob@example.com?Subject=hi&Priority=urgent')).toBe('sip:bob@example.com');
    expect(uriOf('sip:bob:secret@example.com')).toBe('sip:bob@example.com');
  });

  it.each([
    ['sip:bob@example.com\r\nVia: SIP/2.0/UDP evil', /control characters/],
    ['bob\n@example.com', /control characters/],
    ['alice smith', /not a number, a user name or a SIP address/],
    ['"Bob" <sip:bob@example.com>', /not a number, a user name or a SIP address|cannot be a SIP user/],
    ['mailto:bob@example.com', /not a number, a user name or a SIP address/],
    ['tel:call-me-maybe', /not a telephone number/],
    ['', /Type a number/],
  ])('refuses %j with a sentence', (typed, message) => {
    const result = normalizeTarget(typed, DOMAIN);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it('whatever is typed, the result is refused or a URI that parses back to itself without headers or line breaks', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (typed) => {
      const result = normalizeTarget(typed, DOMAIN);
      if (!result.ok) return;
      const { uri } = result.value;
      expect(uri).not.toMatch(/[\r\n\s<>"]/);
      const parsed = parseUri(uri);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) {
        expect(formatUri(parsed.value)).toBe(uri);
        expect('headers' in parsed.value ? parsed.value.headers : []).toEqual([]);
      }
    }), { seed: 11, numRuns: 2000 });
  });
});
