// Links handed over by the operating system: only sip:, sips:, tel: and callto:, bounded,
// without control or formatting characters, turned into text for the dial field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_LINK_LENGTH, MAX_TARGET_LENGTH, findLinkInArgv, linkSchemeOf, parseLinkTarget,
} from '../../../../main/desktop/link-target.js';
import { normalizeTarget } from '../../../../main/host/calls/dial-target.js';

function target(url: unknown): string | undefined {
  const parsed = parseLinkTarget(url);
  return parsed.ok ? parsed.link.target : undefined;
}

describe('parseLinkTarget', () => {
  it.each([
    ['sip:alice@example.com', 'sip:alice@example.com'],
    ['SIP:alice@example.com', 'sip:alice@example.com'],
    ['sips:bob@example.com:5061;transport=tls', 'sips:bob@example.com:5061;transport=tls'],
    ['sip://carol@example.com', 'sip:carol@example.com'],
    ['sip:dave@example.com?Subject=hello&Priority=urgent', 'sip:dave@example.com'],
    ['sip:%2B15550100@example.com;user=phone', 'sip:%2B15550100@example.com;user=phone'],
    ['  sip:alice@example.com  ', 'sip:alice@example.com'],
    ['tel:+1-555-0100', '+1-555-0100'],
    ['tel:+1%20555%200100', '+1 555 0100'],
    ['tel:7042;phone-context=example.com', '7042'],
    ['tel:*21#', '*21#'],
    ['callto:+15550100', '+15550100'],
    ['callto://+1 (555) 0100', '+1 (555) 0100'],
    ['callto://alice@example.com', 'alice@example.com'],
    ['callto:echo123', 'echo123'],
    ['callto:sip:alice@example.com?Subject=x', 'sip:alice@example.com'],
  ])('%s gives %s', (url, expected) => {
    expect(target(url)).toBe(expected);
  });

  it('names the scheme it read', () => {
    expect(parseLinkTarget('Tel:123')).toEqual({ ok: true, link: { scheme: 'tel', target: '123' } });
  });

  it.each([
    ['another scheme', 'https://evil.example/'],
    ['javascript:', 'javascript:alert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['a lookalike scheme', 'sipx:alice@example.com'],
    ['no scheme', 'alice@example.com'],
    ['an empty sip: link', 'sip:'],
    ['an empty tel: link', 'tel:'],
    ['an empty callto: link', 'callto://'],
    ['a line break', 'sip:alice@example.com\r\nX-Evil: 1'],
    ['an escaped line break', 'sip:alice@example.com%0d%0aX-Evil:%201'],
    ['an escaped line break in a number', 'tel:123%0A456'],
    ['a NUL', 'tel:123\u0000'],
    ['an escaped NUL', 'callto:alice%00@example.com'],
    ['a right-to-left override', 'tel:+1\u202E0010555'],
    ['an escaped right-to-left override', 'tel:+1%E2%80%AE0010555'],
    ['a zero-width space', 'sip:al\u200Bice@example.com'],
    ['a malformed %-escape', 'tel:%E0%A4%A'],
    ['letters in a number', 'tel:call-me-maybe'],
    ['spaces in a SIP URI', 'sip:alice smith@example.com'],
    ['angle brackets in a SIP URI', 'sip:<alice@example.com>'],
    ['quotes in a SIP URI', 'sip:"alice"@example.com'],
    ['a nested callto:', 'callto:callto:123'],
    ['a nested tel: in callto:', 'callto:tel:123'],
    ['quotes in a callto: address', 'callto:"a"@b'],
    ['a switch-like callto:', 'callto:--gpu-launcher=evil'],
    ['not text', 42],
    ['undefined', undefined],
  ])('refuses %s', (_name, url) => {
    const parsed = parseLinkTarget(url);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason.length).toBeGreaterThan(0);
  });

  it('bounds the link and the target', () => {
    expect(parseLinkTarget(`tel:${'1'.repeat(MAX_LINK_LENGTH)}`).ok).toBe(false);
    expect(parseLinkTarget(`tel:${'1'.repeat(MAX_TARGET_LENGTH + 1)}`).ok).toBe(false);
    expect(target(`tel:${'1'.repeat(MAX_TARGET_LENGTH)}`)).toHaveLength(MAX_TARGET_LENGTH);
  });

  it('never throws and never lets control or formatting characters through, whatever it is given', () => {
    const scheme = fc.constantFrom('sip:', 'sips:', 'tel:', 'callto:', 'callto://', 'callto:sip:', 'TEL:');
    // Any code point, ASCII more often (fc.string's 'binary' unit is slow to build).
    const codePoint = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0x10ffff })).map((c) => String.fromCodePoint(c));
    const piece = fc.oneof(
      fc.string({ unit: codePoint, maxLength: 40 }),
      fc.constantFrom('%0d%0a', '%00', '%E2%80%AE', '%E2%80%8B', '%', '%zz', '@', ';', '?', '+1', '\u202E', '\r\n', '--'),
    );
    const link = fc.tuple(scheme, fc.array(piece, { maxLength: 8 })).map(([start, pieces]) => start + pieces.join(''));
    fc.assert(fc.property(fc.oneof(fc.string(), link), (url) => {
      const parsed = parseLinkTarget(url);
      if (!parsed.ok) return parsed.reason.length > 0;
      const { target } = parsed.link;
      return !/[\p{Cc}\p{Cf}]/u.test(target) && !/[\p{Cc}\p{Cf}]/u.test(decodeURIComponent(target)) && target.length <= MAX_TARGET_LENGTH;
    }), { numRuns: 1000 });
  });

  it.each([
    'sip:alice@example.com', 'sips:bob@example.com', 'tel:+1-555-0100', 'callto:+15550100', 'callto://alice@example.com',
    'callto:sip:carol@example.com',
  ])('%s becomes text the host can dial', (url) => {
    const text = target(url);
    expect(text).toBeDefined();
    expect(normalizeTarget(text ?? '', 'example.org').ok).toBe(true);
  });
});

describe('findLinkInArgv', () => {
  it('finds the URL after the executable and the app path (Linux, Windows, `electron .`)', () => {
    expect(findLinkInArgv(['/opt/Callscope/callscope', 'tel:+15550100'])).toBe('tel:+15550100');
    expect(findLinkInArgv(['electron', '.', 'sip:alice@example.com'])).toBe('sip:alice@example.com');
    expect(findLinkInArgv(['C:\\Callscope\\Callscope.exe', '--', 'callto:123'])).toBe('callto:123');
  });

  it('skips switches, including ones Chromium adds to second-instance argv', () => {
    expect(findLinkInArgv(['callscope', '--allow-file-access-from-files', '--x=sip:evil', 'sip:bob@example.com'])).toBe('sip:bob@example.com');
  });

  it('returns nothing when no argument is a link', () => {
    expect(findLinkInArgv(['callscope', '--hidden', 'https://example.com', 'c:\\path'])).toBeUndefined();
    expect(findLinkInArgv([])).toBeUndefined();
  });

  it('knows its schemes in any case', () => {
    expect(linkSchemeOf('CallTo:1')).toBe('callto');
    expect(linkSchemeOf('http://x')).toBeUndefined();
  });
});
