import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, DEFAULT_BACKOFF, validateBackoff } from '../../../src/transport/backoff.js';

describe('reconnect backoff (RFC 5626 §4.5)', () => {
  it('ceiling is min(max, base * 2^failures)', () => {
    const o = { baseMs: 1000, maxMs: 60_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 100].map((n) => backoffCeiling(n, o))).toEqual([2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(backoffCeiling(1, { baseMs: 30_000, maxMs: 1_800_000 })).toBe(60_000); // the RFC's values
    expect(backoffCeiling(10, { baseMs: 30_000, maxMs: 1_800_000 })).toBe(1_800_000);
  });

  it('jitter stays within 50%..100% of the ceiling', () => {
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(4000);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.999999)).toBe(8000);
    for (let n = 1; n <= 10; n++) {
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(n);
        const c = backoffCeiling(n);
        expect(d).toBeGreaterThanOrEqual(c / 2);
        expect(d).toBeLessThanOrEqual(c);
      }
    }
  });

  it('defaults suit a desk phone: 1 s base, 60 s max', () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 1000, maxMs: 60_000 });
  });

  it('rejects nonsense settings', () => {
    expect(() => validateBackoff({ baseMs: 0 })).toThrow(RangeError);
    expect(() => validateBackoff({ baseMs: 5000, maxMs: 1000 })).toThrow(/maxMs/);
    expect(() => backoffCeiling(0)).toThrow(RangeError);
  });
});
