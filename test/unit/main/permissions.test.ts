import { describe, expect, it } from 'vitest';
import { shouldAllowPermissionCheck, shouldGrantPermission } from '../../../main/permissions.js';

const ORIGIN = 'app://callscope';
const PAGE = `${ORIGIN}/index.html`;

describe('Electron permission policy', () => {
  it('grants audio capture to the app page', () => {
    expect(shouldGrantPermission({ permission: 'media', mediaTypes: ['audio'], requestingUrl: PAGE }, ORIGIN)).toBe(true);
  });

  it.each([
    ['video', { permission: 'media', mediaTypes: ['video'], requestingUrl: PAGE }],
    ['audio + video', { permission: 'media', mediaTypes: ['audio', 'video'], requestingUrl: PAGE }],
    ['media with no types', { permission: 'media', mediaTypes: [], requestingUrl: PAGE }],
    ['media without details', { permission: 'media', requestingUrl: PAGE }],
    ['a foreign page', { permission: 'media', mediaTypes: ['audio'], requestingUrl: 'https://evil.example/' }],
    ['a lookalike host', { permission: 'media', mediaTypes: ['audio'], requestingUrl: 'app://callscope.evil/' }],
    ['an unknown origin', { permission: 'media', mediaTypes: ['audio'], requestingUrl: undefined }],
    ['notifications', { permission: 'notifications', requestingUrl: PAGE }],
    ['geolocation', { permission: 'geolocation', requestingUrl: PAGE }],
    ['clipboard', { permission: 'clipboard-read', requestingUrl: PAGE }],
    ['display capture', { permission: 'display-capture', requestingUrl: PAGE }],
  ])('denies %s', (_name, request) => {
    expect(shouldGrantPermission(request, ORIGIN)).toBe(false);
  });

  it('allows only audio media checks from the app origin', () => {
    expect(shouldAllowPermissionCheck({ permission: 'media', mediaType: 'audio', requestingOrigin: ORIGIN }, ORIGIN)).toBe(true);
    expect(shouldAllowPermissionCheck({ permission: 'media', mediaType: 'video', requestingOrigin: ORIGIN }, ORIGIN)).toBe(false);
    expect(shouldAllowPermissionCheck({ permission: 'media', mediaType: 'audio', requestingOrigin: 'https://evil.example' }, ORIGIN)).toBe(false);
    expect(shouldAllowPermissionCheck({ permission: 'notifications', requestingOrigin: ORIGIN }, ORIGIN)).toBe(false);
  });
});
