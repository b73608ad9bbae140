// The session's handlers, on a fake session: audio and speaker selection from the app,
// nothing else; no devices, no screen capture, no Bluetooth pairing.
import { describe, expect, it } from 'vitest';
import { lockDownSession } from '../../../../main/desktop/session-security.js';
import type { LockableSession } from '../../../../main/desktop/session-security.js';
import { APP_ORIGIN, START_URL } from '../../../../main/desktop/window.js';

type AnyHandler = (...args: never[]) => unknown;

function fakeSession() {
  const handlers = new Map<string, AnyHandler>();
  const session = new Proxy({}, {
    get: (_target, name: string) => name === 'on'
      ? (event: string, listener: AnyHandler) => handlers.set(`on:${event}`, listener)
      : (handler: AnyHandler) => handlers.set(name, handler),
  }) as LockableSession;
  const call = <T>(name: string, ...args: unknown[]): T => {
    const handler = handlers.get(name) as ((...a: unknown[]) => T) | undefined;
    if (handler === undefined) throw new Error(`no ${name}`);
    return handler(...args);
  };
  return { session, handlers, call };
}

const page = { getURL: () => START_URL };

function request(call: ReturnType<typeof fakeSession>['call'], permission: string, details: object, contents: unknown = page): boolean | undefined {
  let granted: boolean | undefined;
  call('setPermissionRequestHandler', contents, permission, (answer: boolean) => void (granted = answer), details);
  return granted;
}

describe('lockDownSession', () => {
  it('sets every handler', () => {
    const { session, handlers } = fakeSession();
    lockDownSession(session, APP_ORIGIN);
    expect([...handlers.keys()].sort()).toEqual([
      'on:select-hid-device', 'on:select-serial-port', 'on:select-usb-device', 'setBluetoothPairingHandler',
      'setDevicePermissionHandler', 'setDisplayMediaRequestHandler', 'setPermissionCheckHandler', 'setPermissionRequestHandler',
    ]);
  });

  it('grants the microphone and the speaker choice to the app page only', () => {
    const { session, call } = fakeSession();
    lockDownSession(session, APP_ORIGIN);
    expect(request(call, 'media', { mediaTypes: ['audio'], requestingUrl: START_URL })).toBe(true);
    expect(request(call, 'speaker-selection', { requestingUrl: START_URL })).toBe(true);
    // Without a requestingUrl, the page's own URL decides.
    expect(request(call, 'media', { mediaTypes: ['audio'] })).toBe(true);
    expect(request(call, 'media', { mediaTypes: ['audio'] }, { getURL: () => 'https://evil.example/' })).toBe(false);
    expect(request(call, 'media', { mediaTypes: ['audio'] }, null)).toBe(false);
    expect(request(call, 'media', { mediaTypes: ['video'], requestingUrl: START_URL })).toBe(false);
    expect(request(call, 'media', { mediaTypes: ['audio'], requestingUrl: 'https://evil.example/' })).toBe(false);
    expect(request(call, 'notifications', { requestingUrl: START_URL })).toBe(false);
    expect(request(call, 'display-capture', { requestingUrl: START_URL })).toBe(false);
  });

  it('answers permission checks the same way', () => {
    const { session, call } = fakeSession();
    lockDownSession(session, APP_ORIGIN);
    expect(call('setPermissionCheckHandler', page, 'media', APP_ORIGIN, { mediaType: 'audio' })).toBe(true);
    expect(call('setPermissionCheckHandler', page, 'speaker-selection', APP_ORIGIN, {})).toBe(true);
    expect(call('setPermissionCheckHandler', page, 'media', APP_ORIGIN, { mediaType: 'video' })).toBe(false);
    expect(call('setPermissionCheckHandler', page, 'hid', APP_ORIGIN, {})).toBe(false);
    expect(call('setPermissionCheckHandler', page, 'media', 'https://evil.example', { mediaType: 'audio' })).toBe(false);
  });

  it.each(['hid', 'serial', 'usb'])('allows no %s device', (deviceType) => {
    const { session, call } = fakeSession();
    lockDownSession(session, APP_ORIGIN);
    expect(call('setDevicePermissionHandler', { deviceType, origin: APP_ORIGIN })).toBe(false);
  });

  it('refuses screen capture and Bluetooth pairing', () => {
    const { session, call } = fakeSession();
    lockDownSession(session, APP_ORIGIN);
    const streams: unknown[] = [];
    call('setDisplayMediaRequestHandler', { frame: null, securityOrigin: APP_ORIGIN }, (answer: unknown) => streams.push(answer));
    expect(streams).toEqual([null]);
    const pairing: unknown[] = [];
    call('setBluetoothPairingHandler', { deviceId: 'x' }, (answer: unknown) => pairing.push(answer));
    expect(pairing).toEqual([{ confirmed: false }]);
  });

  it('chooses no device in the HID, USB and serial pickers', () => {
    const { session, call } = fakeSession();
    lockDownSession(session, APP_ORIGIN);
    for (const picker of ['on:select-hid-device', 'on:select-usb-device']) {
      let prevented = false;
      const chosen: unknown[] = [];
      call(picker, { preventDefault: () => void (prevented = true) }, { deviceList: [{ deviceId: 'd1' }] }, (...id: unknown[]) => chosen.push(id));
      expect(prevented, picker).toBe(true);
      expect(chosen, picker).toEqual([[]]);
    }
    const ports: unknown[] = [];
    call('on:select-serial-port', { preventDefault: () => undefined }, [{ portId: 'p1' }], page, (id: unknown) => ports.push(id));
    expect(ports).toEqual(['']);
  });
});
