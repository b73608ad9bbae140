import type { Clock, TimerHandle } from './clock.js';

interface PendingTimer {
  readonly due: number;
  readonly order: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told to. Timers due at the same instant fire
 * in the order they were set; a timer set by a callback for a time already
 * reached fires within the same `advance`.
 */
export class FakeClock implements Clock {
  private time = 0;
  private order = 0;
  private timers: PendingTimer[] = [];

  now(): number {
    return this.time;
  }

  setTimer(ms: number, callback: () => void): TimerHandle {
    if (!(ms >= 0)) throw new RangeError(`timer duration must be >= 0, got ${ms}`);
    const timer: PendingTimer = { due: this.time + ms, order: this.order++, callback, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => { timer.cancelled = true; } };
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in time order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const next = this.nextTimer();
      if (!next || next.due > target) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = next.due;
      next.callback();
    }
    this.time = target;
  }

  /** Moves time to the next pending timer and fires it (and any due with it); returns the new time. */
  advanceToNextTimer(): number | undefined {
    const next = this.nextTimer();
    if (!next) return undefined;
    this.advance(next.due - this.time);
    return this.time;
  }

  /** How many timers are still pending. */
  get pendingTimers(): number {
    this.timers = this.timers.filter((t) => !t.cancelled);
    return this.timers.length;
  }

  private nextTimer(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (t.cancelled) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.order < best.order)) best = t;
    }
    return best;
  }
}
