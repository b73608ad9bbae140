import { describe, expect, it } from 'vitest';
import { KeepAliveTimer, validateKeepAlive } from '../../../src/transport/keep-alive.js';
import { FakeClock } from '../../../src/util/fake-clock.js';

function setup(random = () => 1) {
  const clock = new FakeClock();
  const pings: number[] = [];
  const timeouts: string[] = [];
  const timer = new KeepAliveTimer(clock, validateKeepAlive({ intervalMs: 30_000, pongTimeoutMs: 10_000 }),
    () => pings.push(clock.now()), (reason) => timeouts.push(reason), random);
  return { clock, pings, timeouts, timer };
}

describe('RFC 5626 keep-alive timer', () => {
  it('pings every interval while pongs come back', () => {
    const { clock, pings, timeouts, timer } = setup();
    timer.start();
    clock.advance(29_999);
    expect(pings).toEqual([]);
    clock.advance(1);
    expect(pings).toEqual([30_000]);
    clock.advance(50);
    timer.pong();
    clock.advance(30_000);
    expect(pings).toEqual([30_000, 60_050]);
    timer.pong();
    expect(timeouts).toEqual([]);
  });

  it('a missing pong fails the flow exactly at the pong timeout', () => {
    const { clock, pings, timeouts, timer } = setup();
    timer.start();
    clock.advance(30_000);
    expect(timer.waitingForPong).toBe(true);
    clock.advance(9_999);
    expect(timeouts).toEqual([]);
    clock.advance(1);
    expect(timeouts).toEqual(['no keep-alive pong within 10 s (RFC 5626 §4.4.1)']);
    clock.advance(120_000);
    expect(pings).toHaveLength(1); // stopped after the failure
  });

  it('intervals are drawn between 80% and 100% of the configured one', () => {
    const low = setup(() => 0);
    low.timer.start();
    low.clock.advance(24_000);
    expect(low.pings).toEqual([24_000]);
    const high = setup(() => 0.999_999);
    high.timer.start();
    high.clock.advance(29_999);
    expect(high.pings).toEqual([]);
    high.clock.advance(1);
    expect(high.pings).toEqual([30_000]);
  });

  it('a stray pong is ignored; stop() cancels everything; interval 0 disables', () => {
    const { clock, pings, timer } = setup();
    timer.start();
    timer.pong(); // not waiting: no effect on the schedule
    clock.advance(30_000);
    expect(pings).toHaveLength(1);
    timer.stop();
    expect(clock.pendingTimers).toBe(0);
    const off = new KeepAliveTimer(clock, validateKeepAlive({ intervalMs: 0 }), () => { throw new Error('no ping expected'); }, () => undefined);
    off.start();
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects a non-positive pong timeout', () => {
    expect(() => validateKeepAlive({ pongTimeoutMs: 0 })).toThrow(RangeError);
  });
});
