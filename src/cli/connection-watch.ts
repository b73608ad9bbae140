// What a long-running command (listen, a load run) says and does about its
// connection to the server. A lost flow reconnects by itself with back-off
// (RFC 5626 §4.4-4.5, transport/client-flow.ts) and a registration registers
// again over the new flow (ua/registration); this watch prints each step,
// and decides when the state is unrecoverable — the connection closed for
// good, not re-established within --reconnect-timeout, or the registration
// refused for good — and then resolves `failed` with the one line the command
// exits 1 with.
import type { Registration, RegistrationState } from '../ua/registration/registration.js';
import type { ServerConnection } from '../ua/connection/server-connection.js';
import type { TransportStateChange } from '../transport/transport.js';
import type { Clock, TimerHandle } from '../util/clock.js';

export interface ConnectionWatchOptions {
  readonly connection: ServerConnection;
  readonly registration?: Registration | undefined;
  readonly clock: Clock;
  /** Prints one progress line (the command adds its timestamp). */
  readonly say: (line: string) => void;
  /** Give up when a lost connection is not back within this long. */
  readonly reconnectTimeoutMs: number;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

export class ConnectionWatch {
  /** Resolves with the reason once the connection cannot come back. */
  readonly failed: Promise<string>;
  private fail!: (reason: string) => void;
  private readonly offs: Array<() => void> = [];
  private lostSince: number | undefined;
  private lostReason = '';
  private lastFailure = '';
  private giveUp: TimerHandle | undefined;
  private clientFlow: string | undefined;
  private stopped = false;

  constructor(private readonly options: ConnectionWatchOptions) {
    this.failed = new Promise((resolve) => { this.fail = resolve; });
    this.clientFlow = options.connection.flowId;
    this.offs.push(options.connection.transport.on('state', (change) => this.transportState(change)));
    if (options.registration) {
      const registration = options.registration;
      this.offs.push(registration.on('state', (state) => this.registrationState(registration.aor, state)));
    }
  }

  /** Stops watching (the command is ending; closing the connection is not a failure). */
  stop(): void {
    this.stopped = true;
    this.giveUp?.cancel();
    for (const off of this.offs.splice(0)) off();
  }

  private finish(reason: string): void {
    if (this.stopped) return;
    this.stop();
    this.fail(reason);
  }

  private transportState(change: TransportStateChange): void {
    if (this.stopped) return;
    const { say, clock } = this.options;
    switch (change.state) {
      case 'connected':
        // Only the client flow to the server counts, not connections a peer opened to us.
        if (change.flowId !== undefined && change.flowId !== this.options.connection.flowId) return;
        this.clientFlow = change.flowId;
        if (this.lostSince !== undefined) {
          say(`reconnected to ${change.target} after ${seconds(clock.now() - this.lostSince)}`);
          this.lostSince = undefined;
          this.giveUp?.cancel();
          this.giveUp = undefined;
        }
        return;
      case 'failed':
        if (change.reason !== undefined) this.lastFailure = change.reason;
        if (change.flowId === undefined || change.flowId !== this.clientFlow) return;
        this.clientFlow = undefined;
        this.lost(`connection to ${change.target} lost: ${change.reason ?? 'no reason given'}`);
        return;
      case 'reconnecting':
        if (this.lostSince === undefined) this.lost(`connection to ${change.target} lost: ${change.reason ?? 'no reason given'}`);
        say(`reconnecting to ${change.target} in ${seconds(change.retryInMs ?? 0)}${change.reason ? ` (last failure: ${change.reason})` : ''}`);
        return;
      case 'closed':
        if (change.flowId !== undefined && change.flowId !== this.clientFlow) return;
        this.finish(`the connection to ${change.target} was closed${change.reason ? ` (${change.reason})` : ''} and will not come back`);
        return;
      case 'connecting':
        return;
    }
  }

  private lost(reason: string): void {
    const { say, clock, reconnectTimeoutMs } = this.options;
    if (this.lostSince !== undefined) return;
    this.lostSince = clock.now();
    this.lostReason = reason;
    say(`${reason}; reconnecting (giving up after ${seconds(reconnectTimeoutMs)})`);
    this.giveUp = clock.setTimer(reconnectTimeoutMs, () => {
      const last = this.lastFailure && !this.lostReason.includes(this.lastFailure) ? `; last failure: ${this.lastFailure}` : '';
      this.finish(`${this.lostReason}, and not re-established within ${seconds(reconnectTimeoutMs)}${last}`);
    });
  }

  private registrationState(aor: string, state: RegistrationState): void {
    if (this.stopped) return;
    if (state.name === 'registered' && this.lostSince === undefined) {
      this.options.say(`registered ${aor} (${state.expiresS} s)`);
      return;
    }
    if (state.name !== 'failed') return;
    if (state.retryInMs === undefined) {
      this.finish(`registration of ${aor} failed: ${state.reason}`);
      return;
    }
    this.options.say(`registration of ${aor} failed: ${state.reason}; trying again in ${seconds(state.retryInMs)}`);
  }
}
