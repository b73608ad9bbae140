import { describe, expect, it } from 'vitest';
import { shouldAllowDevice, shouldAllowPermissionCheck, shouldGrantPermission } from '../../../main/permissions.js';

const ORIGIN = 'app://callscope';
const PAGE = `${ORIGIN}/index.html`;

describe('Electron permission policy', () => {
  it('grants audio capture to the app page', () => {
    expect(shouldGrantPermission({ permission: 'media', mediaTypes: ['audio'], requestingUrl: PAGE }, ORIGIN)).toBe(true);
  });

  it('grants speaker selection to the app page, and to nobody else', () => {
    expect(shouldGrantPermission({ permission: 'speaker-selection', requestingUrl: PAGE }, ORIGIN)).toBe(true);
    expect(shouldGrantPermission({ permission: 'speaker-selection', requestingUrl: 'https://evil.example/' }, ORIGIN)).toBe(false);
    expect(shouldGrantPermission({ permission: 'speaker-selection', requestingUrl: undefined }, ORIGIN)).toBe(false);
  });

  it.each([
    ['video', { permission: 'media', mediaTypes: ['video'], requestingUrl: PAGE }],
    ['audio + video', { permission: 'media', mediaTypes: ['audio', 'video'], requestingUrl: PAGE }],
    ['media with no types', { permission: 'media', mediaTypes: [], requestingUrl: PAGE }],
    ['media without details', { permission: 'media', requestingUrl: PAGE }],
    ['a foreign page', { permission: 'media', mediaTypes: ['audio'], requestingUrl: 'https://evil.example/' }],
    ['a lookalike host', { permission: 'media', mediaTypes: ['audio'], requestingUrl: 'app://callscope.evil/' }],
    ['a lookalike scheme', { permission: 'media', mediaTypes: ['audio'], requestingUrl: 'apps://callscope/' }],
    ['browser mode\'s origin', { permission: 'media', mediaTypes: ['audio'], requestingUrl: 'http://127.0.0.1:8080/' }],
    ['an unknown origin', { permission: 'media', mediaTypes: ['audio'], requestingUrl: undefined }],
    ['a malformed URL', { permission: 'media', mediaTypes: ['audio'], requestingUrl: 'not a url' }],
    ['notifications', { permission: 'notifications', requestingUrl: PAGE }],
    ['geolocation', { permission: 'geolocation', requestingUrl: PAGE }],
    ['clipboard', { permission: 'clipboard-read', requestingUrl: PAGE }],
    ['display capture', { permission: 'display-capture', requestingUrl: PAGE }],
    ['HID', { permission: 'hid', requestingUrl: PAGE }],
    ['serial', { permission: 'serial', requestingUrl: PAGE }],
    ['USB', { permission: 'usb', requestingUrl: PAGE }],
    ['MIDI', { permission: 'midi', requestingUrl: PAGE }],
    ['opening external links', { permission: 'openExternal', requestingUrl: PAGE }],
    ['fullscreen', { permission: 'fullscreen', requestingUrl: PAGE }],
    ['window management', { permission: 'window-management', requestingUrl: PAGE }],
    ['unknown', { permission: 'unknown', requestingUrl: PAGE }],
  ])('denies %s', (_name, request) => {
    expect(shouldGrantPermission(request, ORIGIN)).toBe(false);
  });

  it('allows only audio media and speaker selection checks from the app origin', () => {
    expect(shouldAllowPermissionCheck({ permission: 'media', mediaType: 'audio', requestingOrigin: ORIGIN }, ORIGIN)).toBe(true);
    expect(shouldAllowPermissionCheck({ permission: 'speaker-selection', requestingOrigin: ORIGIN }, ORIGIN)).toBe(true);
    expect(shouldAllowPermissionCheck({ permission: 'media', mediaType: 'video', requestingOrigin: ORIGIN }, ORIGIN)).toBe(false);
    expect(shouldAllowPermissionCheck({ permission: 'media', requestingOrigin: ORIGIN }, ORIGIN)).toBe(false);
    expect(shouldAllowPermissionCheck({ permission: 'media', mediaType: 'audio', requestingOrigin: 'https://evil.example' }, ORIGIN)).toBe(false);
    expect(shouldAllowPermissionCheck({ permission: 'speaker-selection', requestingOrigin: 'https://evil.example' }, ORIGIN)).toBe(false);
    for (const permission of ['notifications', 'hid', 'serial', 'usb', 'display-capture', 'geolocation']) {
      expect(shouldAllowPermissionCheck({ permission, requestingOrigin: ORIGIN }, ORIGIN)).toBe(false);
    }
  });

  it.each(['hid', 'serial', 'usb'])('allows no %s device, even to the app', (deviceType) => {
    expect(shouldAllowDevice({ deviceType, origin: ORIGIN })).toBe(false);
  });
});
