// The session's locks: every permission request and check goes through main/permissions.ts,
// no HID, serial or USB device is ever granted or chosen, screen capture is refused, and
// no Bluetooth device is paired. Written against the few session methods it uses, so a
// fake session tests it in Node.
import { shouldAllowDevice, shouldAllowPermissionCheck, shouldGrantPermission } from '../permissions.js';

/** The part of Electron's Session this module calls (Electron's own Session fits it). */
export interface LockableSession {
  setPermissionRequestHandler(
    handler: (contents: { getURL(): string } | null, permission: string, callback: (granted: boolean) => void, details: object) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (contents: unknown, permission: string, requestingOrigin: string, details: { mediaType?: string }) => boolean,
  ): void;
  setDevicePermissionHandler(handler: (details: { deviceType: string; origin: string }) => boolean): void;
  setDisplayMediaRequestHandler(handler: (request: unknown, callback: (streams: null) => void) => void): void;
  setBluetoothPairingHandler(handler: (details: unknown, callback: (response: { confirmed: boolean }) => void) => void): void;
  on(event: 'select-hid-device' | 'select-usb-device', listener: (event: { preventDefault(): void }, details: unknown, callback: (deviceId?: string) => void) => void): unknown;
  on(event: 'select-serial-port', listener: (event: { preventDefault(): void }, ports: unknown, contents: unknown, callback: (portId: string) => void) => void): unknown;
}

export function lockDownSession(session: LockableSession, appOrigin: string): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details && Array.isArray(details.mediaTypes) ? (details.mediaTypes as string[]) : undefined;
    const requestingUrl = 'requestingUrl' in details && typeof details.requestingUrl === 'string' ? details.requestingUrl : contents?.getURL();
    callback(shouldGrantPermission({ permission, mediaTypes, requestingUrl }, appOrigin));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    shouldAllowPermissionCheck({ permission, mediaType: details.mediaType, requestingOrigin }, appOrigin),
  );
  session.setDevicePermissionHandler((details) => shouldAllowDevice(details));
  // getDisplayMedia: no screen, window or tab capture.
  session.setDisplayMediaRequestHandler((_request, callback) => callback(null));
  session.setBluetoothPairingHandler((_details, callback) => callback({ confirmed: false }));
  // Device pickers: choose nothing (the permission checks refuse them before this anyway).
  session.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  session.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  session.on('select-serial-port', (event, _ports, _contents, callback) => {
    event.preventDefault();
    callback('');
  });
}
