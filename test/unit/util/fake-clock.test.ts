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
