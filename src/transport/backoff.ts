// Reconnect timing (RFC 5626 §4.5): "wait-time = min(max-time, (base-time *
// (2 ^ consecutive-failures)))" and then "a random number between 50% and
// 100% of wait-time". The RFC's values (base 30 s, or 90 s while another flow
// is up; max 1800 s) protect big servers from fleets of UAs; a desk phone
// wants its line back quickly after a proxy restart, so Callscope defaults to
// base 1 s and max 60 s. Both are configurable.

export interface BackoffOptions {
  /** base-time, ms (default 1000). */
  readonly baseMs?: number;
  /** max-time, ms (default 60 000). */
  readonly maxMs?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = Object.freeze({ baseMs: 1000, maxMs: 60_000 });

/** A source of uniform numbers in [0, 1), injected so tests can pin the jitter. */
export type RandomSource = () => number;

/** The wait before the next attempt after `consecutiveFailures` (>= 1) failed rounds, before jitter. */
export function backoffCeiling(consecutiveFailures: number, options: BackoffOptions = {}): number {
  const { baseMs, maxMs } = { ...DEFAULT_BACKOFF, ...options };
  if (!(consecutiveFailures >= 1)) throw new RangeError(`consecutive failures must be >= 1, got ${consecutiveFailures}`);
  // cap the exponent so 2^n never overflows into Infinity * 0 territory
  return Math.min(maxMs, baseMs * 2 ** Math.min(consecutiveFailures, 52));
}

/** The jittered wait: uniformly between 50% and 100% of the ceiling. */
export function backoffDelay(consecutiveFailures: number, options: BackoffOptions = {}, random: RandomSource = Math.random): number {
  const ceiling = backoffCeiling(consecutiveFailures, options);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

export function validateBackoff(options: BackoffOptions): Required<BackoffOptions> {
  const resolved = { ...DEFAULT_BACKOFF, ...options };
  if (!(resolved.baseMs > 0)) throw new RangeError(`reconnect baseMs must be > 0, got ${resolved.baseMs}`);
  if (!(resolved.maxMs >= resolved.baseMs)) throw new RangeError(`reconnect maxMs (${resolved.maxMs}) must be >= baseMs (${resolved.baseMs})`);
  return resolved;
}
