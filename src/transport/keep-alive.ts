// RFC 5626 §4.4 keep-alive for one connection-oriented client flow: a ping
// (CRLFCRLF on TCP/TLS, a WebSocket ping frame on WS/WSS) every interval; a
// pong (CRLF, or a WebSocket pong) must come back within the pong timeout or
// the flow has failed (§4.4.1: a client that gets no pong within 10 s after
// its ping treats the flow as failed). Each interval is drawn between 80% and
// 100% of the configured one, as §4.4.1 asks, so that many phones behind one
// server do not ping in lockstep.
import type { RandomSource } from './backoff.js';
import type { Clock, TimerHandle } from '../util/clock.js';

export interface KeepAliveOptions {
  /** Time between pings, ms (default 30 000). 0 turns keep-alive off. */
  readonly intervalMs?: number;
  /** How long to wait for the pong, ms (default 10 000, the RFC 5626 value). */
  readonly pongTimeoutMs?: number;
}

/**
 * RFC 5626 recommends 95-120 s for connection-oriented transports, to keep NAT
 * bindings; a desk phone also wants to notice a dead proxy within a minute, so
 * the default is shorter.
 */
export const DEFAULT_KEEP_ALIVE: Required<KeepAliveOptions> = Object.freeze({ intervalMs: 30_000, pongTimeoutMs: 10_000 });

export function validateKeepAlive(options: KeepAliveOptions = {}): Required<KeepAliveOptions> {
  const resolved = { ...DEFAULT_KEEP_ALIVE, ...options };
  if (!(resolved.intervalMs >= 0)) throw new RangeError(`keep-alive intervalMs must be >= 0, got ${resolved.intervalMs}`);
  if (!(resolved.pongTimeoutMs > 0)) throw new RangeError(`keep-alive pongTimeoutMs must be > 0, got ${resolved.pongTimeoutMs}`);
  return resolved;
}

/** Drives pings and the pong timeout for one flow; the flow does the actual sending. */
export class KeepAliveTimer {
  private timer: TimerHandle | undefined;
  private awaitingPong = false;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly options: Required<KeepAliveOptions>,
    private readonly sendPing: () => void,
    private readonly onPongTimeout: (reason: string) => void,
    private readonly random: RandomSource = Math.random,
  ) {}

  /** Starts the cycle (call when the flow is connected). */
  start(): void {
    if (this.options.intervalMs > 0 && !this.stopped) this.scheduleNextPing();
  }

  /** A pong arrived: the flow is alive. */
  pong(): void {
    if (!this.awaitingPong || this.stopped) return;
    this.awaitingPong = false;
    this.timer?.cancel();
    this.scheduleNextPing();
  }

  get waitingForPong(): boolean {
    return this.awaitingPong;
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private scheduleNextPing(): void {
    const interval = Math.round(this.options.intervalMs * (0.8 + 0.2 * this.random()));
    this.timer = this.clock.setTimer(interval, () => this.ping());
  }

  private ping(): void {
    if (this.stopped) return;
    this.awaitingPong = true;
    const timeout = this.options.pongTimeoutMs;
    this.timer = this.clock.setTimer(timeout, () => {
      if (this.stopped || !this.awaitingPong) return;
      this.stop();
      this.onPongTimeout(`no keep-alive pong within ${formatSeconds(timeout)} (RFC 5626 §4.4.1)`);
    });
    this.sendPing();
  }
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
