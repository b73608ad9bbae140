// Which web permissions the Electron window gets: microphone capture for calls and
// choosing the speaker (setSinkId, selectAudioOutput), from our own page, and nothing
// else: no camera, no screen, no HID, serial or USB devices, no notifications from the
// page (the main process shows those). Pure functions so they are unit-tested without Electron.

export interface PermissionRequest {
  readonly permission: string;
  /** Electron's `details.mediaTypes` for "media" requests. */
  readonly mediaTypes?: readonly string[] | undefined;
  readonly requestingUrl: string | undefined;
}

/** Permissions granted besides audio capture: picking the audio output device. */
const SPEAKER_SELECTION = 'speaker-selection';

function isAppUrl(url: string | undefined, appOrigin: string): boolean {
  if (url === undefined) return false;
  try {
    // Not URL.origin: for a custom scheme such as app:// Node reports the opaque "null".
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === appOrigin;
  } catch {
    return false;
  }
}

/** Grant `media` requests for audio alone (no video, no screen) and speaker selection, from the app's origin only. */
export function shouldGrantPermission(request: PermissionRequest, appOrigin: string): boolean {
  if (!isAppUrl(request.requestingUrl, appOrigin)) return false;
  if (request.permission === SPEAKER_SELECTION) return true;
  if (request.permission !== 'media') return false;
  const types = request.mediaTypes ?? [];
  return types.length > 0 && types.every((type) => type === 'audio');
}

export interface PermissionCheck {
  readonly permission: string;
  /** Electron's `details.mediaType` for "media" checks. */
  readonly mediaType?: string | undefined;
  readonly requestingOrigin: string;
}

/** Synchronous checks (device labels in enumerateDevices, setSinkId): audio media and speaker selection, our origin only. */
export function shouldAllowPermissionCheck(check: PermissionCheck, appOrigin: string): boolean {
  if (!isAppUrl(check.requestingOrigin, appOrigin)) return false;
  return check.permission === SPEAKER_SELECTION || (check.permission === 'media' && check.mediaType === 'audio');
}

/** `session.setDevicePermissionHandler`: no HID, serial or USB device, for anyone. */
export function shouldAllowDevice(_device: { readonly deviceType: string; readonly origin: string }): boolean {
  return false;
}
