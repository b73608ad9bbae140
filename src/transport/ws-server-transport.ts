// SIP over WebSocket, server side (RFC 7118): an HTTP server bound to one
// address takes WebSocket upgrades on one path, only with the subprotocol
// `sip`, and every accepted connection is a flow of its own. Requests arrive
// with their connection's flowId; responses go back on it (RFC 3261 §18.2.2),
// and so do requests to a client, which "cannot be reached except over its
// connection" (RFC 7118 §5: its Contact host is a random .invalid name).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { isUtf8 } from 'node:buffer';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { DEFAULT_LIMITS } from '../message/index.js';
import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import { addressOf, formatAddress, hostForUri, sameAddress } from './address.js';
import { TransportEmitter } from './emitter.js';
import { describeSocketError } from './socket-errors.js';
import { TransportError } from './transport.js';
import type { SendOptions, Transport, TransportAddress, TransportEvents } from './transport.js';
import { SIP_SUBPROTOCOL, crlfKeepAlive } from './ws-transport.js';

export interface WebSocketServerTransportOptions {
  /** The address to bind (default 127.0.0.1): also the Via sent-by and Contact host, so not a wildcard. */
  readonly host?: string;
  /** 0 (default): any free port. */
  readonly port?: number;
  /** The one path upgrades are taken on (default `/`); a per-launch secret path keeps other local programs out. */
  readonly path?: string;
  /**
   * Which Origin headers an upgrade may carry: `any`, `none` (only clients that send no
   * Origin: programs, not web pages), or a list. Default `any`.
   */
  readonly origins?: 'any' | 'none' | readonly string[];
  /** Largest incoming WebSocket message, bytes (default: the message layer's limit); a larger one closes the connection (1009). */
  readonly maxMessageBytes?: number;
  /** Connections at once (default 64); more are refused with HTTP 503. */
  readonly maxConnections?: number;
  /** A WebSocket ping this often, ms (default 30 000; 0: never); a connection that missed the last pong is closed. */
  readonly pingIntervalMs?: number;
  readonly clock?: Clock;
}

let flowCounter = 0;

interface Connection {
  readonly flowId: string;
  readonly socket: WebSocket;
  readonly local: TransportAddress;
  readonly remote: TransportAddress;
  alive: boolean;
  /** Why we closed it (then the close event is reported with this reason). */
  closing?: { readonly reason: string; readonly failed: boolean };
}

export class WebSocketServerTransport implements Transport {
  readonly protocol = 'WS' as const;
  readonly reliable = true;
  private readonly emitter = new TransportEmitter();
  private readonly connections = new Map<string, Connection>();
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly clock: Clock;
  private readonly path: string;
  private readonly maxPayload: number;
  private pinger: TimerHandle | undefined;
  private listening: TransportAddress | undefined;
  private closed = false;

  private constructor(private readonly options: WebSocketServerTransportOptions) {
    this.clock = options.clock ?? systemClock;
    this.path = options.path ?? '/';
    if (!this.path.startsWith('/')) throw new RangeError(`a WebSocket path starts with "/": ${this.path}`);
    this.maxPayload = options.maxMessageBytes ?? DEFAULT_LIMITS.maxMessageBytes;
    this.wss = new WebSocketServer({
      noServer: true, maxPayload: this.maxPayload, perMessageDeflate: false, clientTracking: false,
      // Only upgrades that offered `sip` get this far (see upgrade()).
      handleProtocols: () => SIP_SUBPROTOCOL,
    });
    this.http = createServer((_request, response) => {
      response.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain' });
      response.end('SIP over WebSocket (RFC 7118) only: upgrade with the subprotocol "sip".\n');
    });
    this.http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
  }

  /** Listens; rejects with a TransportError naming the address when it cannot. */
  static async listen(options: WebSocketServerTransportOptions = {}): Promise<WebSocketServerTransport> {
    const transport = new WebSocketServerTransport(options);
    await transport.bind(options.host ?? '127.0.0.1', options.port ?? 0);
    return transport;
  }

  /** RFC 3261 §18.2.1: the address and port it listens on. */
  get sentBy(): { readonly host: string; readonly port: number } {
    const at = this.listening!;
    return { host: at.host, port: at.port };
  }

  get listenAddress(): TransportAddress {
    return this.listening!;
  }

  /** `ws://127.0.0.1:PORT/path`: where clients connect. */
  get url(): string {
    return `ws://${hostForUri(this.listening!.host)}:${this.listening!.port}${this.path}`;
  }

  /** Open connections (flows). */
  get flowIds(): readonly string[] {
    return [...this.connections.keys()];
  }

  /** The far end of an open flow. */
  remoteOf(flowId: string): TransportAddress | undefined {
    return this.connections.get(flowId)?.remote;
  }

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): () => void {
    return this.emitter.on(event, listener);
  }

  /**
   * Sends on the flow named by `flowId`, else on the open connection from `destination`.
   * There is no other way to a WebSocket client: when neither is open it rejects.
   */
  send(data: Uint8Array, destination: TransportAddress, options?: SendOptions): Promise<void> {
    if (this.closed) return Promise.reject(new TransportError('WS server transport is closed', destination));
    const connection = options?.flowId !== undefined ? this.connections.get(options.flowId)
      : [...this.connections.values()].find((c) => sameAddress(c.remote, destination));
    if (!connection || connection.socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new TransportError(`no open WebSocket connection ${options?.flowId ?? `from ${formatAddress(destination)}`}: `
        + 'a WebSocket client can be reached only over the connection it opened (RFC 7118 §5)', destination));
    }
    // RFC 7118 §5: text frames for UTF-8 messages, binary frames otherwise.
    return new Promise((resolve, reject) => {
      connection.socket.send(data, { binary: !isUtf8(data) }, (error) => {
        if (error) reject(new TransportError(`could not send to ${formatAddress(connection.remote)}: ${error.message}`, destination, { cause: error }));
        else resolve();
      });
    });
  }

  /** Closes every connection cleanly (1001 Going Away), then stops listening. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pinger?.cancel();
    const closing = [...this.connections.values()].map((c) => new Promise<void>((resolve) => {
      c.closing = { reason: 'the server is shutting down', failed: false };
      if (c.socket.readyState === WebSocket.CLOSED) {
        resolve();
        return;
      }
      c.socket.once('close', () => resolve());
      c.socket.close(1001, 'server shutting down');
      // A client that never answers the close frame is cut off.
      setTimeout(() => c.socket.terminate(), 1000).unref();
    }));
    await Promise.all(closing);
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.emitter.emit('state', { state: 'closed', target: this.describeSelf(), reason: 'closed by the user' });
  }

  private describeSelf(): string {
    return this.listening ? formatAddress(this.listening) : 'ws server';
  }

  private async bind(host: string, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', (error) => reject(new TransportError(describeSocketError(error, `cannot listen on ws:${hostForUri(host)}:${port}`), undefined, { cause: error })));
      this.http.listen(port, host, () => resolve());
    });
    const bound = this.http.address();
    if (bound === null || typeof bound === 'string') throw new TransportError('the WebSocket listener has no address');
    this.listening = addressOf('WS', bound.address, bound.port);
    this.http.on('error', (error) => this.emitter.emit('state', { state: 'failed', target: this.describeSelf(), reason: error.message }));
    this.schedulePing();
  }

  /** RFC 6455 §4.2.2: the server may refuse a handshake with an HTTP status; it does for anything but `sip` on our path. */
  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (this.closed) return refuse(503, 'Service Unavailable');
    if (new URL(request.url ?? '/', 'ws://localhost').pathname !== this.path) return refuse(404, 'Not Found');
    if (!this.originAllowed(request.headers.origin)) return refuse(403, 'Forbidden');
    // RFC 7118 §4.1: the client MUST offer "sip" in Sec-WebSocket-Protocol.
    const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim().toLowerCase());
    if (!offered.includes(SIP_SUBPROTOCOL)) return refuse(400, 'Bad Request (the subprotocol "sip" is required, RFC 7118)');
    if (this.connections.size >= (this.options.maxConnections ?? 64)) return refuse(503, 'Service Unavailable (too many connections)');
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request));
  }

  private originAllowed(origin: string | undefined): boolean {
    const allowed = this.options.origins ?? 'any';
    if (allowed === 'any') return true;
    if (allowed === 'none') return origin === undefined;
    return origin !== undefined && allowed.includes(origin);
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    if (this.closed) {
      socket.terminate();
      return;
    }
    const s = request.socket;
    const connection: Connection = {
      flowId: `ws-in-${++flowCounter}`, socket, alive: true,
      local: addressOf('WS', s.localAddress ?? this.listening!.host, s.localPort ?? this.listening!.port),
      remote: addressOf('WS', s.remoteAddress ?? '0.0.0.0', s.remotePort ?? 0),
    };
    this.connections.set(connection.flowId, connection);
    let error: Error | undefined;
    socket.on('message', (raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const data = toBytes(raw);
      // Not RFC 7118, but some clients send RFC 5626 CRLF keep-alives as WebSocket messages.
      const keepAlive = crlfKeepAlive(data);
      if (keepAlive === 'ping') socket.send(new Uint8Array([13, 10]), { binary: isBinary });
      else if (keepAlive === undefined) this.emitter.emit('message', { data, source: connection.remote, local: connection.local, flowId: connection.flowId });
    });
    socket.on('pong', () => { connection.alive = true; });
    socket.on('error', (e) => { error = e; });
    socket.on('close', (code: number, reason: Buffer) => {
      this.connections.delete(connection.flowId);
      const oversize = code === 1009 || /max payload/i.test(error?.message ?? '');
      const why = connection.closing?.reason
        ?? (oversize ? `a message larger than ${this.maxPayload} bytes (WebSocket close 1009)`
          : error ? describeSocketError(error, 'connection lost')
            : `closed by the client (WebSocket close code ${code}${reason.length ? `: ${reason.toString()}` : ''})`);
      const failed = connection.closing?.failed ?? (oversize || error !== undefined);
      this.emitter.emit('state', { state: failed ? 'failed' : 'closed', target: formatAddress(connection.remote), reason: why, flowId: connection.flowId });
    });
    this.emitter.emit('state', { state: 'connected', target: formatAddress(connection.remote), flowId: connection.flowId });
  }

  /** Keep-alive from our side: a connection that did not answer the last ping is dead. */
  private schedulePing(): void {
    const every = this.options.pingIntervalMs ?? 30_000;
    if (every <= 0 || this.closed) return;
    this.pinger = this.clock.setTimer(every, () => {
      for (const c of this.connections.values()) {
        if (!c.alive) {
          c.closing = { reason: `no WebSocket pong within ${every / 1000} s`, failed: true };
          c.socket.terminate();
          continue;
        }
        c.alive = false;
        if (c.socket.readyState === WebSocket.OPEN) c.socket.ping();
      }
      this.schedulePing();
    });
  }
}

function toBytes(raw: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(raw)) return new Uint8Array(Buffer.concat(raw));
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw);
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
}

/** A WebSocket server transport, listening once the promise resolves. */
export function createWebSocketServerTransport(options: WebSocketServerTransportOptions = {}): Promise<WebSocketServerTransport> {
  return WebSocketServerTransport.listen(options);
}
