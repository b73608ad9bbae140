// Every RFC 3261 timer in one place (RFC 3261 §17 and Table 4 of Appendix A,
// with Timers L and M from RFC 6026 §8.3-8.4). Their names are trace vocabulary (trace/timer-names.ts).
import type { TimerName } from '../trace/timer-names.js';

export type { TimerName };

/** The base intervals a user agent can tune (tests shrink them). */
export interface TimerSettings {
  /** RTT estimate; default 500 ms. */
  readonly t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses; default 4 s. */
  readonly t2: number;
  /** Maximum duration a message will remain in the network; default 5 s. */
  readonly t4: number;
  /**
   * Timer D on unreliable transports. RFC 3261 only says "> 32 s for UDP";
   * by default it is max(32 s, 64·T1) so it still covers a large T1.
   */
  readonly timerD?: number;
}

export const DEFAULT_TIMERS: TimerSettings = Object.freeze({ t1: 500, t2: 4000, t4: 5000 });


/** §17.2.1: "unless it knows that the TU will generate a provisional or final response within 200 ms". */
export const TRYING_DELAY_MS = 200;

/** Checks settings a user or test supplied; returns them or throws a RangeError that names the culprit. */
export function validateTimerSettings(settings: TimerSettings): TimerSettings {
  for (const [name, value] of Object.entries(settings)) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`timer setting ${name} must be a positive number of milliseconds, got ${value}`);
    }
  }
  if (settings.t2 < settings.t1) throw new RangeError(`T2 (${settings.t2} ms) must not be below T1 (${settings.t1} ms)`);
  return settings;
}

/**
 * Initial duration of each timer for one transaction. On a reliable transport
 * (TCP, TLS, WS, WSS) the retransmission timers A, E, G are not used and the
 * "wait for stray retransmissions" timers D, I, J, K are zero.
 */
export function timerDuration(name: TimerName, settings: TimerSettings, reliable: boolean): number {
  const { t1, t4 } = settings;
  switch (name) {
    // A, E, G (§17.1.1.2, §17.1.2.2, §17.2.1): "If an unreliable transport is
    // being used, the client transaction MUST start timer A with a value of
    // T1" (likewise E for non-INVITE requests, G for INVITE responses).
    case 'A':
    case 'E':
    case 'G':
      if (reliable) throw new Error(`Timer ${name} is not used on a reliable transport`);
      return t1;
    // B, F, H: 64*T1 (§17.1.1.2, §17.1.2.2, §17.2.1); L, M: 64*T1 on every
    // transport (RFC 6026 §8.3, §8.4).
    case 'B':
    case 'F':
    case 'H':
    case 'L':
    case 'M':
      return 64 * t1;
    // D (§17.1.1.2): "at least 32 seconds for unreliable transports, and ...
    // zero seconds for reliable transports".
    case 'D':
      return reliable ? 0 : settings.timerD ?? Math.max(32_000, 64 * t1);
    // I (§17.2.1) and K (§17.1.2.2): "T4 for unreliable transports, and zero
    // seconds for reliable".
    case 'I':
    case 'K':
      return reliable ? 0 : t4;
    // J (§17.2.2): "64*T1 seconds for unreliable transports, and zero seconds
    // for reliable".
    case 'J':
      return reliable ? 0 : 64 * t1;
    case 'Trying':
      return TRYING_DELAY_MS;
  }
}

/**
 * The next retransmission interval after `current`: doubling, capped at T2
 * for Timers E and G (§17.1.2.2, §17.2.1), uncapped for Timer A (§17.1.1.2).
 */
export function nextRetransmitInterval(name: 'A' | 'E' | 'G', current: number, settings: TimerSettings): number {
  return name === 'A' ? current * 2 : Math.min(current * 2, settings.t2);
}
