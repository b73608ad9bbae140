// The instance ID of a user agent (RFC 5626 §4.1): a URN that stays the same
// for one device and account across restarts, carried in the Contact as
// `+sip.instance="<urn:uuid:...>"`. The registrar uses it (with reg-id) to
// replace a binding instead of adding one after a reconnect.
import { createHash, randomUUID } from 'node:crypto';

/** A fresh `<urn:uuid:...>` (UUID v4, RFC 9562). Store it with the account and pass it back every time. */
export function newInstanceId(): string {
  return `<urn:uuid:${randomUUID()}>`;
}

// A fixed namespace for name-based instance IDs (UUID v5, RFC 9562 §5.5).
const NAMESPACE = Buffer.from('5d0c2a3e8f1b4c6aa3e97f1d2b4c6e80', 'hex');

/**
 * A stable `<urn:uuid:...>` derived from `seed` (e.g. machine id + account),
 * for callers with nowhere to store a random one: the same seed gives the
 * same instance ID (UUID v5, SHA-1 over a Callscope namespace).
 */
export function instanceIdFromSeed(seed: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(seed, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50; // version 5
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = b.toString('hex');
  return `<urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}>`;
}

/**
 * The instance ID as the Contact carries it (`<urn:...>`), from either
 * `urn:uuid:...` or `<urn:uuid:...>`; a reason when it is not a URN.
 */
export function normalizeInstanceId(text: string): { ok: true; value: string } | { ok: false; error: string } {
  const bare = text.trim().replace(/^<(.*)>$/, '$1');
  // RFC 8141 URN: "urn:" NID ":" NSS; nothing that would break the quoted Contact parameter.
  if (!/^urn:[A-Za-z0-9][A-Za-z0-9-]{0,30}[A-Za-z0-9]:[^\s"<>\\]+$/i.test(bare)) {
    return { ok: false, error: `the instance ID ${JSON.stringify(text)} is not a URN (expected urn:uuid:..., RFC 5626 §4.1)` };
  }
  return { ok: true, value: `<${bare}>` };
}
