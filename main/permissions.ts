// Which web permissions the Electron window gets: audio capture for calls, from our own
// page, and nothing else. Pure functions so they are unit-tested without Electron.

export interface PermissionRequest {
  readonly permission: string;
  /** Electron's `details.mediaTypes` for "media" requests. */
  readonly mediaTypes?: readonly string[] | undefined;
  readonly requestingUrl: string | undefined;
}

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

/** Grant only `media` requests for audio alone (no video, no screen) from the app's origin. */
export function shouldGrantPermission(request: PermissionRequest, appOrigin: string): boolean {
  if (request.permission !== 'media' || !isAppUrl(request.requestingUrl, appOrigin)) return false;
  const types = request.mediaTypes ?? [];
  return types.length > 0 && types.every((type) => type === 'audio');
}

export interface PermissionCheck {
  readonly permission: string;
  /** Electron's `details.mediaType` for "media" checks. */
  readonly mediaType?: string | undefined;
  readonly requestingOrigin: string;
}

/** Synchronous checks (e.g. device labels in enumerateDevices): audio media only, our origin only. */
export function shouldAllowPermissionCheck(check: PermissionCheck, appOrigin: string): boolean {
  return check.permission === 'media' && check.mediaType === 'audio' && isAppUrl(check.requestingOrigin, appOrigin);
}
