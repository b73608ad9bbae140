// Response headers and request checks shared by the browser-mode server and Electron's
// app:// protocol, so the renderer runs under the same policy in both.
import { timingSafeEqual } from 'node:crypto';

export interface ContentSecurityPolicyOptions {
  /** Extra sources for connect-src, e.g. the bridge's ws:// origins. */
  readonly connectSources?: readonly string[];
}

/** Strict CSP: only our own scripts and styles, no eval, no inline code, no framing. */
export function contentSecurityPolicy(options: ContentSecurityPolicyOptions = {}): string {
  const directives: Record<string, readonly string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'media-src': ["'self'", 'blob:', 'mediastream:'],
    'connect-src': ["'self'", ...(options.connectSources ?? [])],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
    'worker-src': ["'self'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'microphone=(self), camera=(), geolocation=(), usb=(), serial=(), hid=()',
    'Cache-Control': 'no-store',
  };
}

/** The Host header values a loopback server on `port` accepts (guards against DNS rebinding). */
export function loopbackHosts(port: number): readonly string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function loopbackOrigins(port: number): readonly string[] {
  return loopbackHosts(port).map((host) => `http://${host}`);
}

/** Constant-time token comparison. */
export function tokensEqual(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(presented, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
