// SIP over WebSocket, client side (RFC 7118), via the `ws` package: one flow
// to an ordered list of ws:// or wss:// servers, with WebSocket ping/pong
// keep-alive, reconnect and failover (client-flow.ts). The subprotocol `sip`
// is required (RFC 7118 §4.1); each SIP message is one WebSocket message (§5).
// A WebSocket client cannot be reached except over its connection, so its
// Via sent-by and Contact host is a random `.invalid` name (§5.2).
import { isUtf8 } from 'node:buffer';
import WebSocket from 'ws';
import { DEFAULT_LIMITS, randomToken } from '../message/index.js';
import { systemClock } from '../util/clock.js';
import type { Clock } from '../util/clock.js';
import { addressOf, formatAddress } from './address.js';
import type { RandomSource } from './backoff.js';
import { ClientFlow } from './client-flow.js';
import type { ClientFlowOptions, FlowLink, FlowLinkHandlers } from './client-flow.js';
import { TransportEmitter } from './emitter.js';
import { describeSocketError } from './socket-errors.js';
import { describeCertificateError, tlsClientOptions } from './tls-trust.js';
import type { TlsTrust } from './tls-trust.js';
import { TransportError } from './transport.js';
import type { SendOptions, Transport, TransportAddress, TransportEvents, TransportStateChange } from './transport.js';

/** One WebSocket server: its URL and, for wss://, its trust settings. */
export interface WebSocketServer extends TlsTrust {
  /** `wss://proxy.example.com:443/path` or `ws://...`. */
  readonly url: string;
}

export interface WebSocketTransportOptions {
  /** Servers in order of preference; all ws:// or all wss://. */
  readonly servers: readonly (WebSocketServer | string)[];
  /** Keep-alive (WebSocket ping frames), backoff and timing of the flow. */
  readonly flow?: ClientFlowOptions;
  /** Largest incoming WebSocket message, bytes (default: the message layer's limit). */
  readonly maxMessageBytes?: number;
  readonly clock?: Clock;
  readonly random?: RandomSource;
}

/** The SIP WebSocket subprotocol (RFC 7118 §4.1, IANA). */
export const SIP_SUBPROTOCOL = 'sip';

const CRLF = new Uint8Array([13, 10]);
let flowCounter = 0;

/** RFC 5626 §4.4.1 keep-alives sent as WebSocket messages: CRLFCRLF is a ping, CRLF its pong. */
export function crlfKeepAlive(data: Uint8Array): 'ping' | 'pong' | undefined {
  if (data.length === 2 && data[0] === 13 && data[1] === 10) return 'pong';
  if (data.length === 4 && data[0] === 13 && data[1] === 10 && data[2] === 13 && data[3] === 10) return 'ping';
  return undefined;
}

class WebSocketLink implements FlowLink {
  private closedHere = false;
  private error: Error | undefined;

  constructor(
    private readonly socket: WebSocket,
    readonly flowId: string,
    readonly local: TransportAddress,
    readonly remote: TransportAddress,
    private readonly url: string,
    handlers: FlowLinkHandlers,
  ) {
    socket.on('message', (raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const data = toBytes(raw);
      // Not RFC 7118, but some servers send RFC 5626 CRLF keep-alives as WebSocket messages.
      const keepAlive = crlfKeepAlive(data);
      if (keepAlive === 'ping') socket.send(CRLF, { binary: isBinary });
      else if (keepAlive === 'pong') handlers.onPong();
      else handlers.onMessage(data, this);
    });
    socket.on('pong', () => handlers.onPong());
    socket.on('error', (error) => { this.error = error; });
    socket.on('close', (code: number, reason: Buffer) => {
      if (this.closedHere) return;
      const why = this.error ? describeSocketError(this.error, `connection to ${url} lost`)
        : `connection closed by ${url} (WebSocket close code ${code}${reason.length ? `: ${reason.toString()}` : ''})`;
      handlers.onClose(why);
    });
  }

  send(data: Uint8Array): Promise<void> {
    if (this.socket.readyState !== WebSocket.OPEN) return Promise.reject(new TransportError(`connection ${this.flowId} to ${this.url} is closed`, this.remote));
    // RFC 7118 §5: text frames for UTF-8 messages, binary frames otherwise.
    return new Promise((resolve, reject) => {
      this.socket.send(data, { binary: !isUtf8(data) }, (error) => {
        if (error) reject(new TransportError(`could not send to ${this.url}: ${error.message}`, this.remote, { cause: error }));
        else resolve();
      });
    });
  }

  ping(): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.ping();
  }

  close(reason: string): void {
    void reason;
    this.closedHere = true;
    this.socket.terminate();
  }
}

function toBytes(raw: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(raw)) return new Uint8Array(Buffer.concat(raw));
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw);
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
}

/** Why a WebSocket could not be opened, in words a user can act on. */
export function describeWebSocketError(error: unknown, url: string, host: string): string {
  const certificate = describeCertificateError(error, host);
  if (certificate) return certificate;
  const message = error instanceof Error ? error.message : String(error);
  if (/subprotocol/i.test(message)) {
    return `${url} did not accept the WebSocket subprotocol "${SIP_SUBPROTOCOL}" that SIP over WebSocket requires (RFC 7118 §4.1): ${message}`;
  }
  if (message.startsWith('Unexpected server response')) return `${url} refused the WebSocket upgrade: ${message}`;
  return describeSocketError(error, `could not connect to ${url}`);
}

export class WebSocketTransport implements Transport {
  readonly protocol: 'WS' | 'WSS';
  readonly reliable = true;
  /** RFC 7118 §5.2: "a random domain name ending in .invalid" for Via sent-by and Contact. */
  readonly sentBy: { readonly host: string };
  private readonly emitter = new TransportEmitter();
  private readonly flow: ClientFlow<WebSocketServer>;
  private readonly maxPayload: number;
  private closed = false;

  constructor(options: WebSocketTransportOptions) {
    const servers = options.servers.map((s) => (typeof s === 'string' ? { url: s } : s));
    if (servers.length === 0) throw new RangeError('a WebSocket transport needs at least one server URL');
    const schemes = new Set(servers.map((s) => new URL(s.url).protocol));
    for (const scheme of schemes) if (scheme !== 'ws:' && scheme !== 'wss:') throw new RangeError(`not a WebSocket URL: ${servers.find((s) => new URL(s.url).protocol === scheme)!.url}`);
    if (schemes.size > 1) throw new RangeError('WebSocket servers must be all ws:// or all wss:// (one transport per protocol)');
    this.protocol = schemes.has('wss:') ? 'WSS' : 'WS';
    this.sentBy = { host: `${randomToken(6)}.invalid` };
    this.maxPayload = options.maxMessageBytes ?? DEFAULT_LIMITS.maxMessageBytes;
    this.flow = new ClientFlow<WebSocketServer>({
      servers,
      describe: (s) => s.url,
      connect: (s, handlers, signal) => this.openSocket(s, handlers, signal),
      clock: options.clock ?? systemClock,
      ...(options.random ? { random: options.random } : {}),
      emitState: (change) => this.emitter.emit('state', change),
      onMessage: (data, link) => this.emitter.emit('message', { data, source: link.remote, local: link.local, flowId: link.flowId }),
      onMalformed: (bytes, reason, link) => this.emitter.emit('malformed', bytes, link.remote, reason),
    }, options.flow);
  }

  /** Starts connecting to the first server (attach `state` listeners first); progress arrives through `state`. */
  connect(): this {
    if (!this.closed) this.flow.start();
    return this;
  }

  /** The flow's latest state change (for views that subscribe late). */
  get flowState(): TransportStateChange | undefined {
    return this.flow.lastState;
  }

  /** The open connection (flowId, local and remote ends), if connected. */
  get link(): FlowLink | undefined {
    return this.flow.link;
  }

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): () => void {
    return this.emitter.on(event, listener);
  }

  /**
   * Sends over the WebSocket connection, whatever the destination says: a
   * WebSocket client has no other way out. A `flowId` of an earlier, closed
   * connection falls back to the current one, as §18.2.2 lets a TCP server
   * open a new connection when the request's one has closed; rejects with a
   * TransportError while there is no connection.
   */
  send(data: Uint8Array, destination: TransportAddress, options?: SendOptions): Promise<void> {
    void options;
    if (this.closed) return Promise.reject(new TransportError(`${this.protocol} transport is closed`, destination));
    if (destination.protocol !== this.protocol) {
      return Promise.reject(new TransportError(`a ${this.protocol} transport cannot send to ${formatAddress(destination)}`, destination));
    }
    return this.flow.send(data, destination);
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.flow.close();
    }
    return Promise.resolve();
  }

  private openSocket(server: WebSocketServer, handlers: FlowLinkHandlers, signal: AbortSignal): Promise<FlowLink> {
    const url = new URL(server.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return new Promise((resolve, reject) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(server.url, SIP_SUBPROTOCOL, {
          perMessageDeflate: false,
          maxPayload: this.maxPayload,
          ...(url.protocol === 'wss:' ? tlsClientOptions(host, server) : {}),
        });
      } catch (error) {
        reject(new Error(describeWebSocketError(error, server.url, host), { cause: error }));
        return;
      }
      let ends: { local: TransportAddress; remote: TransportAddress } | undefined;
      socket.once('upgrade', (response) => {
        const s = response.socket;
        ends = {
          local: addressOf(this.protocol, s.localAddress ?? '', s.localPort ?? 0),
          remote: addressOf(this.protocol, s.remoteAddress ?? host, s.remotePort ?? Number(url.port || (url.protocol === 'wss:' ? 443 : 80))),
        };
      });
      const onAbort = () => {
        socket.terminate();
        reject(new Error(`could not connect to ${server.url}: ${signal.reason instanceof Error ? signal.reason.message : 'aborted'}`));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const onError = (error: Error) => {
        signal.removeEventListener('abort', onAbort);
        socket.terminate();
        reject(new Error(describeWebSocketError(error, server.url, server.serverName ?? host), { cause: error }));
      };
      socket.once('error', onError);
      socket.once('open', () => {
        signal.removeEventListener('abort', onAbort);
        socket.off('error', onError);
        const flowId = `${this.protocol.toLowerCase()}-${++flowCounter}`;
        const fallback = addressOf(this.protocol, host, Number(url.port || (url.protocol === 'wss:' ? 443 : 80)));
        resolve(new WebSocketLink(socket, flowId, ends?.local ?? fallback, ends?.remote ?? fallback, server.url, handlers));
      });
    });
  }
}

/** A WebSocket transport; call `connect()` once listeners are attached. */
export function createWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  return new WebSocketTransport(options);
}
