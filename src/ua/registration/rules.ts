// The decisions of a registration that do not need its state: when to
// refresh, which expiry the registrar granted, which failures are worth
// retrying and after how long.
import type { Contact, SipResponse, Uri } from '../../message/index.js';

/**
 * Lead time before expiry for a refresh: 10 % of the binding, but at least
 * 32 s — Timer F (64·T1) with the default T1 — so that a refresh lost on UDP
 * has timed out, and can be retried, before the binding lapses. Never before
 * half of the binding (short expiries). 600 s -> 540 s, 3600 s -> 3240 s,
 * 60 s -> 30 s.
 */
export const MIN_REFRESH_LEAD_MS = 32_000;

/** Milliseconds after a 2xx at which to refresh a binding granted for `expiresS`. */
export function refreshDelayMs(expiresS: number): number {
  const ms = expiresS * 1000;
  return Math.round(Math.max(ms / 2, ms - Math.max(ms * 0.1, MIN_REFRESH_LEAD_MS)));
}

/** §19.1.4, reduced to what tells two of our own Contacts apart: scheme, user, host, port, transport. */
export function sameContactUri(a: Uri, b: Uri): boolean {
  if (!('host' in a) || !('host' in b) || a.scheme !== b.scheme) return false;
  return a.user === b.user && a.host.toLowerCase() === b.host.toLowerCase() && a.port === b.port
    && (a.params.get('transport') ?? '').toLowerCase() === (b.params.get('transport') ?? '').toLowerCase();
}

/** Our binding among the Contacts of a 2xx: by +sip.instance and reg-id (RFC 5626 §6), else by URI. */
export function findBinding(contacts: readonly Contact[], ours: { uri: Uri; instance?: string; regId?: number }): Contact | undefined {
  if (ours.instance !== undefined) {
    const byInstance = contacts.find((c) => c.instance === ours.instance && c.regId === ours.regId && sameContactUri(c.uri, ours.uri))
      ?? contacts.find((c) => c.instance === ours.instance && c.regId === ours.regId);
    if (byInstance) return byInstance;
  }
  return contacts.find((c) => sameContactUri(c.uri, ours.uri));
}

/**
 * §10.2.4: "each Contact value featuring an 'expires' parameter indicating
 * its expiration interval chosen by the registrar"; else the Expires header
 * field; else (a registrar that says nothing) what we asked for.
 */
export function grantedExpiry(response: SipResponse, binding: Contact | undefined, requestedS: number): number {
  return binding?.expires ?? response.expires ?? requestedS;
}

/** Seconds from a Retry-After header (§20.33), when present and sane. */
export function retryAfterS(response: SipResponse): number | undefined {
  const value = response.getHeader('Retry-After')?.value;
  const match = value === undefined ? null : /^\s*(\d{1,9})/.exec(value);
  return match ? Number(match[1]) : undefined;
}

/**
 * Whether a final failure of REGISTER is worth trying again by itself.
 * Transient: 408, 480, 5xx (overload, restarts), 503 with or without
 * Retry-After. Not: refusals and configuration errors (403, 404, 401/407 whose
 * credentials were refused...) — retrying them would only hammer the
 * registrar, or lock the account.
 */
export function isTransientFailure(status: number): boolean {
  return status === 408 || status === 480 || (status >= 500 && status < 600);
}
