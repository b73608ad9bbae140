import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/util/fake-clock.js';

describe('FakeClock', () => {
  it('fires timers in time order, then in the order they were set', () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    clock.setTimer(20, () => fired.push(`b@${clock.now()}`));
    clock.setTimer(10, () => fired.push(`a@${clock.now()}`));
    clock.setTimer(20, () => fired.push(`c@${clock.now()}`));
    clock.advance(15);
    expect(fired).toEqual(['a@10']);
    clock.advance(10);
    expect(fired).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(25);
  });

  it('fires a timer set by a callback within the same advance when it falls due', () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    clock.setTimer(10, () => clock.setTimer(10, () => fired.push(clock.now())));
    clock.advance(30);
    expect(fired).toEqual([20]);
  });

  it('never fires a cancelled timer', () => {
    const clock = new FakeClock();
    const handle = clock.setTimer(5, () => { throw new Error('fired'); });
    handle.cancel();
    clock.advance(10);
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses a negative duration', () => {
    expect(() => new FakeClock().setTimer(-1, () => undefined)).toThrow(RangeError);
  });
});

describe('FakeClock at scale', () => {
  it('keeps time order across many timers set and cancelled at random', () => {
    const clock = new FakeClock();
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const fired: number[] = [];
    const handles = Array.from({ length: 5000 }, () => {
      const due = Math.floor(random() * 10_000);
      return { due, handle: clock.setTimer(due, () => fired.push(due)) };
    });
    const cancelled = new Set<number>();
    handles.forEach((h, i) => { if (i % 3 === 0) { h.handle.cancel(); cancelled.add(i); } });
    expect(clock.pendingTimers).toBe(5000 - cancelled.size);
    clock.advance(10_000);
    const expected = handles.filter((_, i) => !cancelled.has(i)).map((h) => h.due).sort((a, b) => a - b);
    expect(fired).toEqual(expected);
    expect(clock.pendingTimers).toBe(0);
  });
});
