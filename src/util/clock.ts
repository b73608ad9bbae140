/** A pending timer; cancelling twice, or after it fired, does nothing. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * Time as the SIP stack sees it, injected so that tests drive every timer
 * with a fake clock and the diagnostics stream gets monotonic timestamps.
 */
export interface Clock {
  /** Monotonic milliseconds since an arbitrary origin (never goes back). */
  now(): number;
  /** Calls `callback` once, `ms` milliseconds from now. */
  setTimer(ms: number, callback: () => void): TimerHandle;
}

/** The real clock: `performance.now()` and Node's timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(ms, callback) {
    const timer = setTimeout(callback, ms);
    return { cancel: () => clearTimeout(timer) };
  },
};

/**
 * The system clock, with timers that do not keep a process alive by
 * themselves: a command ends when its work and its connection are done,
 * not when the last Timer M or K of a finished transaction fires.
 */
export const backgroundClock: Clock = {
  now: () => performance.now(),
  setTimer(ms, callback) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};
