// TCP and TLS share everything but how a socket is opened: connections are
// reused per destination (RFC 3261 §18.1.1, §18.2.2), every connection is a
// flow with an id, incoming connections are accepted when listening, and an
// optional ordered server list gets a persistent client flow with RFC 5626
// keep-alive, reconnect and failover (see client-flow.ts).
import type { Server, Socket } from 'node:net';
import type { FramingOptions } from '../message/index.js';
import { systemClock } from '../util/clock.js';
import type { Clock } from '../util/clock.js';
import { randomToken } from '../message/index.js';
import { addressOf, formatAddress, normalizeIp, sameAddress } from './address.js';
import type { RandomSource } from './backoff.js';
import { ClientFlow } from './client-flow.js';
import type { ClientFlowOptions, FlowLink, FlowLinkHandlers } from './client-flow.js';
import { TransportEmitter } from './emitter.js';
import { describeSocketError } from './socket-errors.js';
import { formatSeconds } from './keep-alive.js';
import { StreamConnection } from './stream-connection.js';
import type { StreamConnectionHandlers } from './stream-connection.js';
import { TransportError } from './transport.js';
import type { SendOptions, Transport, TransportAddress, TransportEvents, TransportProtocol, TransportStateChange } from './transport.js';

/** A server of the persistent client flow. */
export interface StreamServer {
  readonly host: string;
  readonly port: number;
}

export interface StreamTransportOptions<S extends StreamServer> {
  /**
   * Accept incoming connections here (port 0: any free port). The bound
   * address becomes Via sent-by, so bind a reachable address, not a wildcard.
   */
  readonly listen?: { readonly host: string; readonly port: number };
  /** Servers, in order of preference, for a persistent client flow with keep-alive, reconnect and failover. */
  readonly servers?: readonly S[];
  /** Keep-alive, backoff and timing of the client flow. */
  readonly flow?: ClientFlowOptions;
  /** Give up opening a connection after this long, ms (default 10 000). */
  readonly connectTimeoutMs?: number;
  readonly framing?: FramingOptions;
  readonly clock?: Clock;
  readonly random?: RandomSource;
}

/** How one protocol opens sockets. */
export interface StreamSocketFactory<S extends StreamServer> {
  readonly protocol: TransportProtocol;
  /** Resolves once the socket is usable (TCP connected, TLS verified); rejects with a reason a user can act on. */
  dial(target: StreamServer, server: S | undefined, signal: AbortSignal): Promise<Socket>;
  /** A listening server calling `onSocket` for each usable incoming socket. */
  createServer?(onSocket: (socket: Socket) => void): Server;
}

let flowCounter = 0;

export class StreamTransport<S extends StreamServer> implements Transport {
  readonly protocol: TransportProtocol;
  readonly reliable = true;
  private readonly emitter = new TransportEmitter();
  private readonly connections = new Map<string, StreamConnection>();
  private readonly dialing = new Map<string, Promise<StreamConnection>>();
  private readonly flow: ClientFlow<S> | undefined;
  private readonly clock: Clock;
  private readonly unlistedHost = `${randomToken(6)}.invalid`;
  private server: Server | undefined;
  private listening: TransportAddress | undefined;
  private closed = false;

  constructor(private readonly factory: StreamSocketFactory<S>, private readonly options: StreamTransportOptions<S> = {}) {
    this.protocol = factory.protocol;
    this.clock = options.clock ?? systemClock;
    const servers = options.servers ?? [];
    this.flow = servers.length === 0 ? undefined : new ClientFlow<S>({
      servers,
      describe: (s) => formatAddress({ protocol: this.protocol, host: s.host, port: s.port }),
      connect: (s, handlers, signal) => this.connectFlow(s, handlers, signal),
      clock: this.clock,
      ...(options.random ? { random: options.random } : {}),
      emitState: (change) => this.emitter.emit('state', change),
      onMessage: (data, link) => this.deliver(data, link),
      onMalformed: (bytes, reason, link) => this.emitter.emit('malformed', bytes, link.remote, reason),
    }, { ...options.flow, ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }) });
  }

  /** Binds the listener, when `listen` is configured; resolves once listening. */
  async bind(): Promise<this> {
    if (this.options.listen && !this.listening) await this.listen(this.options.listen);
    return this;
  }

  /**
   * Starts the client flow to `servers` (attach `state` listeners first);
   * progress arrives through `state`. Does nothing without servers.
   */
  connect(): this {
    this.flow?.start();
    return this;
  }

  /** The client flow's latest state change (for views that subscribe late). */
  get flowState(): TransportStateChange | undefined {
    return this.flow?.lastState;
  }

  /**
   * Via sent-by: the listening address; without a listener, the local end of
   * the client flow while connected, else an unresolvable `.invalid` host (as
   * RFC 7118 §5.2 does for clients that cannot be reached): responses come
   * back on the connection anyway (§18.2.2).
   */
  get sentBy(): { readonly host: string; readonly port?: number } {
    if (this.listening) return { host: this.listening.host, port: this.listening.port };
    const link = this.flow?.link;
    return link ? { host: link.local.host, port: link.local.port } : { host: this.unlistedHost };
  }

  /** The address accepted connections arrive on, once listening. */
  get listenAddress(): TransportAddress | undefined {
    return this.listening;
  }

  /** The client flow's open connection, if any (its flowId, local and remote ends). */
  get clientFlowLink(): FlowLink | undefined {
    return this.flow?.link;
  }

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): () => void {
    return this.emitter.on(event, listener);
  }

  async send(data: Uint8Array, destination: TransportAddress, options?: SendOptions): Promise<void> {
    if (this.closed) throw new TransportError(`${this.protocol} transport is closed`, destination);
    if (destination.protocol !== this.protocol) {
      throw new TransportError(`a ${this.protocol} transport cannot send to ${formatAddress(destination)}`, destination);
    }
    if (options?.flowId !== undefined) {
      const link = this.flow?.link;
      if (link?.flowId === options.flowId) return link.send(data);
      const connection = this.connections.get(options.flowId);
      if (connection?.open) return connection.send(data);
      // §18.2.2: "If that connection is no longer open, the server SHOULD open
      // a connection to the IP address in the received parameter" - the
      // destination given. The client flow reconnects by itself instead.
    }
    if (this.flow && this.isConfiguredServer(destination)) return this.flow.send(data, destination);
    const connection = await this.connectionTo(destination);
    return connection.send(data);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flow?.close();
    for (const connection of this.connections.values()) connection.close('transport closed');
    this.connections.clear();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    // with a client flow, its own `closed` (naming the server) has been reported
    if (!this.flow) this.emitter.emit('state', { state: 'closed', target: this.describeSelf(), reason: 'closed by the user' });
  }

  private describeSelf(): string {
    return this.listening ? formatAddress(this.listening) : this.protocol.toLowerCase();
  }

  private isConfiguredServer(destination: TransportAddress): boolean {
    return (this.options.servers ?? []).some((s) => sameAddress(destination, { protocol: this.protocol, host: s.host, port: s.port }));
  }

  private async listen(at: { host: string; port: number }): Promise<void> {
    if (!this.factory.createServer) throw new TransportError(`${this.protocol} transport cannot listen: no server certificate configured`);
    const server = this.factory.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(new TransportError(describeSocketError(error, `cannot listen on ${formatAddress({ protocol: this.protocol, ...at })}`), undefined, { cause: error })));
      server.listen(at.port, at.host, () => resolve());
    });
    const bound = server.address();
    if (bound === null || typeof bound === 'string') throw new TransportError(`${this.protocol} listener has no address`);
    this.server = server;
    this.listening = addressOf(this.protocol, bound.address, bound.port);
    server.on('error', (error) => {
      this.emitter.emit('state', { state: 'failed', target: this.describeSelf(), reason: `listener ${this.describeSelf()}: ${error.message}` });
    });
  }

  private accept(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const connection = this.adopt(socket, 'server');
    this.emitter.emit('state', { state: 'connected', target: formatAddress(connection.remote), flowId: connection.flowId });
  }

  private newFlowId(): string {
    return `${this.protocol.toLowerCase()}-${++flowCounter}`;
  }

  /** Wraps a connected socket as a tracked connection (incoming or ad-hoc outgoing). */
  private adopt(socket: Socket, keepAliveRole: 'client' | 'server'): StreamConnection {
    const handlers: StreamConnectionHandlers = {
      message: (data, c) => this.deliver(data, c),
      malformed: (bytes, reason, c) => this.emitter.emit('malformed', bytes, c.remote, reason),
      pong: () => undefined,
      closed: (reason, failed, c) => {
        this.connections.delete(c.flowId);
        this.emitter.emit('state', { state: failed ? 'failed' : 'closed', target: formatAddress(c.remote), reason, flowId: c.flowId });
      },
    };
    const connection = new StreamConnection(socket, this.protocol, this.newFlowId(), handlers, this.options.framing, keepAliveRole);
    this.connections.set(connection.flowId, connection);
    return connection;
  }

  private deliver(data: Uint8Array, link: FlowLink): void {
    this.emitter.emit('message', { data, source: link.remote, local: link.local, flowId: link.flowId });
  }

  /** An open connection to `destination`, reused when there is one (§18.1.1: "connections ... SHOULD be reused"). */
  private connectionTo(destination: TransportAddress): Promise<StreamConnection> {
    for (const c of this.connections.values()) if (c.open && sameAddress(c.remote, destination)) return Promise.resolve(c);
    const key = `${normalizeIp(destination.host).toLowerCase()}|${destination.port}`;
    const pending = this.dialing.get(key);
    if (pending) return pending;
    const attempt = this.dialWithTimeout({ host: destination.host, port: destination.port }, undefined).then(
      (socket) => {
        if (this.closed) {
          socket.destroy();
          throw new TransportError(`${this.protocol} transport is closed`, destination);
        }
        const connection = this.adopt(socket, 'client');
        this.emitter.emit('state', { state: 'connected', target: formatAddress(connection.remote), flowId: connection.flowId });
        return connection;
      },
      (error: unknown) => {
        throw new TransportError(error instanceof Error ? error.message : String(error), destination, { cause: error });
      },
    ).finally(() => this.dialing.delete(key));
    this.dialing.set(key, attempt);
    return attempt;
  }

  private dialWithTimeout(target: StreamServer, server: S | undefined): Promise<Socket> {
    const abort = new AbortController();
    const ms = this.options.connectTimeoutMs ?? 10_000;
    const timer = this.clock.setTimer(ms, () => abort.abort(new Error(`no connection within ${formatSeconds(ms)}`)));
    const name = formatAddress({ protocol: this.protocol, host: target.host, port: target.port });
    return new Promise<Socket>((resolve, reject) => {
      abort.signal.addEventListener('abort', () => {
        const why = abort.signal.reason instanceof Error ? abort.signal.reason.message : 'aborted';
        reject(new Error(`could not connect to ${name}: ${why}`));
      }, { once: true });
      this.factory.dial(target, server, abort.signal).then((socket) => {
        if (abort.signal.aborted) socket.destroy();
        else resolve(socket);
      }, reject);
    }).finally(() => timer.cancel());
  }

  private async connectFlow(server: S, handlers: FlowLinkHandlers, signal: AbortSignal): Promise<FlowLink> {
    // the client flow runs its own connect timeout and aborts `signal`
    const socket = await this.factory.dial(server, server, signal);
    const connectionHandlers: StreamConnectionHandlers = {
      message: (data, c) => handlers.onMessage(data, c),
      malformed: (bytes, reason, c) => handlers.onMalformed(bytes, reason, c),
      pong: () => handlers.onPong(),
      closed: (reason) => handlers.onClose(reason),
    };
    return new StreamConnection(socket, this.protocol, this.newFlowId(), connectionHandlers, this.options.framing, 'client');
  }
}
