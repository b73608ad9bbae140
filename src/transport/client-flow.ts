// A connection-oriented client flow (RFC 5626 §4.4-4.5) towards an ordered
// list of servers: connect, keep alive, and when the flow fails, fail over and
// reconnect with exponential backoff and jitter. WebSocket and TCP/TLS clients
// share it; they only supply a connector for one server.
//
// Order: a round tries the servers in list order; a server that cannot be
// reached hands over to the next one at once. When every server of a round
// failed, or an established flow dropped, the flow waits (backoff) and starts
// a new round from the first, preferred, server.
import type { Clock, TimerHandle } from '../util/clock.js';
import { backoffDelay, validateBackoff } from './backoff.js';
import type { BackoffOptions, RandomSource } from './backoff.js';
import { formatSeconds, KeepAliveTimer, validateKeepAlive } from './keep-alive.js';
import type { KeepAliveOptions } from './keep-alive.js';
import { TransportError } from './transport.js';
import type { TransportAddress, TransportStateChange } from './transport.js';

/** One open connection, as the flow sees it. */
export interface FlowLink {
  readonly flowId: string;
  readonly local: TransportAddress;
  readonly remote: TransportAddress;
  send(data: Uint8Array): Promise<void>;
  /** Sends a keep-alive ping (CRLFCRLF, or a WebSocket ping frame). */
  ping(): void;
  /** Closes the connection; no `onClose` follows a close asked for here. */
  close(reason: string): void;
}

/** What a link reports back to its flow. */
export interface FlowLinkHandlers {
  onMessage(data: Uint8Array, link: FlowLink): void;
  onPong(): void;
  onMalformed(bytes: Uint8Array, reason: string, link: FlowLink): void;
  /** The connection ended without being asked to (server closed it, reset, fatal framing error). */
  onClose(reason: string): void;
}

/** Opens one connection; rejects with a reason a user can act on. Must close the socket if `signal` aborts. */
export type FlowConnector<S> = (server: S, handlers: FlowLinkHandlers, signal: AbortSignal) => Promise<FlowLink>;

export interface ClientFlowOptions {
  readonly keepAlive?: KeepAliveOptions;
  readonly reconnect?: BackoffOptions;
  /** Give up one connection attempt after this long, ms (default 10 000). */
  readonly connectTimeoutMs?: number;
  /**
   * A flow that stayed up this long counts as healthy: the failure count
   * starts again from zero when it drops (default 30 000 ms). Shorter-lived
   * flows keep counting, so a server that accepts and drops does not get
   * hammered every second.
   */
  readonly stableFlowMs?: number;
}

export interface ClientFlowDeps<S> {
  readonly servers: readonly S[];
  /** How a server is named in state events and errors, e.g. `wss://proxy:443`. */
  readonly describe: (server: S) => string;
  readonly connect: FlowConnector<S>;
  readonly clock: Clock;
  readonly random?: RandomSource;
  readonly emitState: (change: TransportStateChange) => void;
  readonly onMessage: (data: Uint8Array, link: FlowLink) => void;
  readonly onMalformed: (bytes: Uint8Array, reason: string, link: FlowLink) => void;
}

type Phase =
  | { readonly name: 'idle' }
  | { readonly name: 'connecting'; readonly index: number; readonly abort: AbortController; readonly timeout: TimerHandle }
  | { readonly name: 'connected'; readonly index: number; readonly link: FlowLink; readonly keepAlive: KeepAliveTimer; readonly since: number }
  | { readonly name: 'waiting'; readonly timer: TimerHandle; readonly retryAt: number }
  | { readonly name: 'closed' };

export class ClientFlow<S> {
  private phase: Phase = { name: 'idle' };
  private last: TransportStateChange | undefined;
  private consecutiveFailures = 0;
  private lastFailure: string | undefined;
  private attempt = 0;
  private readonly keepAlive: Required<KeepAliveOptions>;
  private readonly backoff: Required<BackoffOptions>;
  private readonly connectTimeoutMs: number;
  private readonly stableFlowMs: number;

  constructor(private readonly deps: ClientFlowDeps<S>, options: ClientFlowOptions = {}) {
    if (deps.servers.length === 0) throw new RangeError('a client flow needs at least one server');
    this.keepAlive = validateKeepAlive(options.keepAlive);
    this.backoff = validateBackoff(options.reconnect ?? {});
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.stableFlowMs = options.stableFlowMs ?? 30_000;
  }

  /** Starts connecting to the first server. */
  start(): void {
    if (this.phase.name === 'idle') this.connectTo(0);
  }

  /** The open connection, when connected. */
  get link(): FlowLink | undefined {
    return this.phase.name === 'connected' ? this.phase.link : undefined;
  }

  /** The server currently connected or being tried. */
  get currentServer(): S | undefined {
    const p = this.phase;
    return p.name === 'connected' || p.name === 'connecting' ? this.deps.servers[p.index] : undefined;
  }

  get state(): Phase['name'] {
    return this.phase.name;
  }

  /** The latest state change emitted. */
  get lastState(): TransportStateChange | undefined {
    return this.last;
  }

  private emit(change: TransportStateChange): void {
    this.last = change;
    this.deps.emitState(change);
  }

  /** Sends over the open connection; rejects with a TransportError saying why when there is none. */
  send(data: Uint8Array, destination?: TransportAddress): Promise<void> {
    const p = this.phase;
    if (p.name === 'connected') return p.link.send(data);
    return Promise.reject(new TransportError(this.notConnectedReason(), destination));
  }

  close(): void {
    const p = this.phase;
    if (p.name === 'closed') return;
    const target = this.deps.describe(this.currentServer ?? this.deps.servers[0]!);
    this.leavePhase('closed by the user');
    this.phase = { name: 'closed' };
    this.emit({ state: 'closed', target, reason: 'closed by the user' });
  }

  private notConnectedReason(): string {
    const p = this.phase;
    const first = this.deps.describe(this.deps.servers[0]!);
    const last = this.lastFailure === undefined ? '' : ` (last failure: ${this.lastFailure})`;
    switch (p.name) {
      case 'idle': return `not connected to ${first}: connect() has not been called`;
      case 'closed': return `not connected to ${first}: the transport is closed`;
      case 'connecting': return `not connected yet: still connecting to ${this.deps.describe(this.deps.servers[p.index]!)}${last}`;
      case 'waiting': return `not connected to ${first}: reconnecting in ${formatSeconds(Math.max(0, p.retryAt - this.deps.clock.now()))}${last}`;
      case 'connected': return 'connected';
    }
  }

  /** Cancels whatever the current phase holds (timers, sockets). */
  private leavePhase(reason: string): void {
    const p = this.phase;
    switch (p.name) {
      case 'connecting': p.timeout.cancel(); p.abort.abort(new Error(reason)); break;
      case 'connected': p.keepAlive.stop(); p.link.close(reason); break;
      case 'waiting': p.timer.cancel(); break;
      case 'idle': case 'closed': break;
    }
  }

  private connectTo(index: number): void {
    const server = this.deps.servers[index]!;
    const target = this.deps.describe(server);
    const attempt = ++this.attempt;
    const abort = new AbortController();
    const timeout = this.deps.clock.setTimer(this.connectTimeoutMs, () => {
      if (attempt !== this.attempt) return;
      abort.abort(new Error(`no connection within ${formatSeconds(this.connectTimeoutMs)}`));
      this.connectFailed(index, `could not connect to ${target}: no connection within ${formatSeconds(this.connectTimeoutMs)}`);
    });
    this.phase = { name: 'connecting', index, abort, timeout };
    this.emit({ state: 'connecting', target });
    const current = () => attempt === this.attempt;
    const handlers: FlowLinkHandlers = {
      onMessage: (data, link) => { if (current()) this.deps.onMessage(data, link); },
      onMalformed: (bytes, reason, link) => { if (current()) this.deps.onMalformed(bytes, reason, link); },
      onPong: () => { if (current() && this.phase.name === 'connected') this.phase.keepAlive.pong(); },
      onClose: (reason) => {
        if (!current()) return;
        if (this.phase.name === 'connected') this.flowDropped(reason);
        else if (this.phase.name === 'connecting') { abort.abort(new Error(reason)); this.connectFailed(index, reason); }
      },
    };
    this.deps.connect(server, handlers, abort.signal).then(
      (link) => {
        if (!current() || this.phase.name !== 'connecting') {
          link.close('connection attempt abandoned');
          return;
        }
        timeout.cancel();
        const keepAlive = new KeepAliveTimer(this.deps.clock, this.keepAlive, () => link.ping(),
          (why) => { if (current()) this.flowDropped(`${target}: ${why}`); }, this.deps.random);
        this.phase = { name: 'connected', index, link, keepAlive, since: this.deps.clock.now() };
        this.lastFailure = undefined;
        this.emit({ state: 'connected', target, flowId: link.flowId });
        keepAlive.start();
      },
      (error: unknown) => {
        if (!current() || this.phase.name !== 'connecting') return;
        timeout.cancel();
        this.connectFailed(index, error instanceof Error ? error.message : String(error));
      },
    );
  }

  private connectFailed(index: number, reason: string): void {
    this.attempt++; // later callbacks of that attempt are stale
    const target = this.deps.describe(this.deps.servers[index]!);
    this.lastFailure = reason;
    this.emit({ state: 'failed', target, reason });
    // Failover: the next server of this round, at once.
    if (index + 1 < this.deps.servers.length) this.connectTo(index + 1);
    else this.waitAndRetry();
  }

  private flowDropped(reason: string): void {
    const p = this.phase;
    if (p.name !== 'connected') return;
    this.attempt++;
    p.keepAlive.stop();
    p.link.close(reason);
    if (this.deps.clock.now() - p.since >= this.stableFlowMs) this.consecutiveFailures = 0;
    this.lastFailure = reason;
    this.emit({ state: 'failed', target: this.deps.describe(this.deps.servers[p.index]!), reason, flowId: p.link.flowId });
    this.waitAndRetry();
  }

  /** RFC 5626 §4.5: wait min(max, base·2^failures), jittered to 50-100%, then a new round. */
  private waitAndRetry(): void {
    this.consecutiveFailures++;
    const delay = backoffDelay(this.consecutiveFailures, this.backoff, this.deps.random);
    const timer = this.deps.clock.setTimer(delay, () => {
      if (this.phase.name === 'waiting' && this.phase.timer === timer) this.connectTo(0);
    });
    this.phase = { name: 'waiting', timer, retryAt: this.deps.clock.now() + delay };
    this.emit({
      state: 'reconnecting', target: this.deps.describe(this.deps.servers[0]!), retryInMs: delay,
      ...(this.lastFailure === undefined ? {} : { reason: this.lastFailure }),
    });
  }
}
