// Retransmissions the UA core does itself, end to end, because no
// transaction does them: the 2xx to an INVITE (RFC 3261 §13.3.1.4, RFC 6026)
// and reliable provisional responses (RFC 3262 §3). Both start at T1 and
// double; the 2xx caps at T2; both give up after 64·T1.
import type { Clock, TimerHandle } from '../../util/clock.js';

export interface RetransmitSchedule {
  /** First interval (T1). */
  readonly firstMs: number;
  /** Largest interval (T2 for a 2xx); none for reliable provisionals. */
  readonly capMs?: number;
  /** Give up this long after the first transmission (64·T1). */
  readonly giveUpAfterMs: number;
}

/** §13.3.1.4: "an interval that starts at T1 seconds and doubles for each retransmission until it reaches T2". */
export function answerSchedule(timers: { readonly t1: number; readonly t2: number }): RetransmitSchedule {
  return { firstMs: timers.t1, capMs: timers.t2, giveUpAfterMs: 64 * timers.t1 };
}

/** RFC 3262 §3: "an interval that starts at T1 seconds and doubles for each retransmission". */
export function reliableProvisionalSchedule(timers: { readonly t1: number }): RetransmitSchedule {
  return { firstMs: timers.t1, giveUpAfterMs: 64 * timers.t1 };
}

export class CoreRetransmitter {
  private retransmitTimer: TimerHandle | undefined;
  private giveUpTimer: TimerHandle | undefined;
  private interval = 0;

  constructor(
    private readonly clock: Clock,
    private readonly schedule: RetransmitSchedule,
    private readonly resend: () => void,
    private readonly giveUp: () => void,
  ) {}

  get running(): boolean {
    return this.giveUpTimer !== undefined;
  }

  /** Call right after the first transmission. */
  start(): void {
    this.stop();
    this.interval = this.schedule.firstMs;
    // Set first, so that at the very instant of 64·T1 giving up wins over a retransmission.
    this.giveUpTimer = this.clock.setTimer(this.schedule.giveUpAfterMs, () => {
      this.giveUpTimer = undefined;
      this.retransmitTimer?.cancel();
      this.retransmitTimer = undefined;
      this.giveUp();
    });
    this.next();
  }

  stop(): void {
    this.retransmitTimer?.cancel();
    this.giveUpTimer?.cancel();
    this.retransmitTimer = undefined;
    this.giveUpTimer = undefined;
  }

  private next(): void {
    this.retransmitTimer = this.clock.setTimer(this.interval, () => {
      this.retransmitTimer = undefined;
      if (!this.running) return;
      this.resend();
      this.interval = this.schedule.capMs === undefined ? this.interval * 2 : Math.min(this.interval * 2, this.schedule.capMs);
      this.next();
    });
  }
}
