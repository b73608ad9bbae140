// The lab's ports: concurrent test workers take them from slices of their own, so two labs
// started at once by different workers never probe the same (not yet bound) ports.
import { describe, expect, it } from 'vitest';
import { workerIndex, workerRange } from '../../lab/ports.js';

describe('lab port slices', () => {
  it('knows the worker from Vitest (1-based) or Playwright (0-based), and nothing outside them', () => {
    expect(workerIndex({ VITEST_POOL_ID: '1' })).toBe(0);
    expect(workerIndex({ VITEST_POOL_ID: '2' })).toBe(1);
    expect(workerIndex({ TEST_PARALLEL_INDEX: '0' })).toBe(0);
    expect(workerIndex({ TEST_PARALLEL_INDEX: '3' })).toBe(3);
    expect(workerIndex({})).toBeUndefined();
    expect(workerIndex({ VITEST_POOL_ID: 'x' })).toBeUndefined();
  });

  it('gives concurrent workers ranges that do not overlap, inside the whole range', () => {
    const ranges = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => workerRange(20000, 30000, i));
    for (const [i, [min, max]] of ranges.entries()) {
      expect(min).toBeGreaterThanOrEqual(20000);
      expect(max).toBeLessThanOrEqual(30000);
      expect(max - min).toBeGreaterThanOrEqual(1000);
      for (const [j, [otherMin, otherMax]] of ranges.entries()) {
        if (i !== j) expect(max <= otherMin || otherMax <= min).toBe(true);
      }
    }
    // rtpengine's 200-port ranges fit a slice of 30000-31599.
    const [rtpMin, rtpMax] = workerRange(30000, 31600, 7);
    expect(rtpMax - rtpMin).toBeGreaterThanOrEqual(200);
    expect(rtpMax).toBeLessThanOrEqual(31600);
    expect(workerRange(20000, 30000, undefined)).toEqual([20000, 30000]);
  });
});
