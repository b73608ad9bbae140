import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMERS, nextRetransmitInterval, timerDuration, validateTimerSettings, type TimerName } from '../../../src/transaction/timers.js';

// RFC 3261 Appendix A, Table 4 (and RFC 6026 for L, M), with T1=500, T2=4000, T4=5000.
const unreliable: Array<[TimerName, number]> = [
  ['A', 500], ['B', 32_000], ['D', 32_000], ['E', 500], ['F', 32_000], ['G', 500],
  ['H', 32_000], ['I', 5000], ['J', 32_000], ['K', 5000], ['L', 32_000], ['M', 32_000],
];
const reliable: Array<[TimerName, number]> = [
  ['B', 32_000], ['D', 0], ['F', 32_000], ['H', 32_000], ['I', 0], ['J', 0], ['K', 0], ['L', 32_000], ['M', 32_000],
];

describe('RFC 3261 timers', () => {
  it.each(unreliable)('Timer %s on UDP is %i ms', (name, ms) => {
    expect(timerDuration(name, DEFAULT_TIMERS, false)).toBe(ms);
  });

  it.each(reliable)('Timer %s on a reliable transport is %i ms', (name, ms) => {
    expect(timerDuration(name, DEFAULT_TIMERS, true)).toBe(ms);
  });

  it.each(['A', 'E', 'G'] as const)('Timer %s does not exist on a reliable transport', (name) => {
    expect(() => timerDuration(name, DEFAULT_TIMERS, true)).toThrow(/reliable/);
  });

  it('scales with a small T1, keeping Timer D at 32 s unless told otherwise', () => {
    const small = { t1: 50, t2: 400, t4: 500 };
    expect(timerDuration('B', small, false)).toBe(3200);
    expect(timerDuration('D', small, false)).toBe(32_000);
    expect(timerDuration('D', { ...small, timerD: 3200 }, false)).toBe(3200);
    expect(timerDuration('D', { t1: 1000, t2: 4000, t4: 5000 }, false)).toBe(64_000);
  });

  it('doubles A without a cap, and E and G up to T2', () => {
    const seq = (name: 'A' | 'E' | 'G') => {
      const out = [500];
      while (out.length < 7) out.push(nextRetransmitInterval(name, out.at(-1)!, DEFAULT_TIMERS));
      return out;
    };
    expect(seq('A')).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 32_000]);
    expect(seq('E')).toEqual([500, 1000, 2000, 4000, 4000, 4000, 4000]);
    expect(seq('G')).toEqual([500, 1000, 2000, 4000, 4000, 4000, 4000]);
  });

  it('rejects settings that make no sense, naming them', () => {
    expect(() => validateTimerSettings({ t1: 0, t2: 4000, t4: 5000 })).toThrow(/t1/);
    expect(() => validateTimerSettings({ t1: 500, t2: 100, t4: 5000 })).toThrow(/T2/);
    expect(validateTimerSettings(DEFAULT_TIMERS)).toBe(DEFAULT_TIMERS);
  });
});
