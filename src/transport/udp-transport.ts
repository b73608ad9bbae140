// SIP over UDP (RFC 3261 §18): one datagram socket, bound to a host and port
// (IPv4 or IPv6), sending and receiving one message per datagram. Responses
// therefore leave from the address and port the request arrived on, as RFC
// 3581 §4 requires. No framing here: each datagram goes up as is and the
// layer above parses it (§18.3).
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { addressOf, formatAddress } from './address.js';
import { TransportEmitter } from './emitter.js';
import { MAX_UDP_PAYLOAD } from './request-size.js';
import { describeSocketError } from './socket-errors.js';
import { TransportError } from './transport.js';
import { udpReceiveDrops } from './udp-drops.js';
import type { SendOptions, Transport, TransportAddress, TransportEvents } from './transport.js';

export interface UdpTransportOptions {
  /**
   * Local address to bind: an IPv4 or IPv6 literal. `0.0.0.0` or `::` listen
   * on all interfaces, but then InboundMessage.local and Via sent-by say the
   * wildcard (Node does not tell which address a datagram was sent to), so
   * the user agent should put a reachable address in its Via itself.
   */
  readonly host: string;
  /** Local port (0: any free port; default 5060). */
  readonly port?: number;
  /** IPv6 only: refuse IPv4-mapped traffic on `::` (default false, dual stack). */
  readonly ipv6Only?: boolean;
  /**
   * Receive buffer asked of the kernel (SO_RCVBUF; Linux caps it at net.core.rmem_max).
   * Default 4 MiB: a burst of requests must wait in the kernel while the process
   * catches up, not be dropped (the system default, ~200 KB, holds ~150 datagrams).
   */
  readonly receiveBufferBytes?: number;
}

export const DEFAULT_UDP_RECEIVE_BUFFER = 4 * 1024 * 1024;

export class UdpTransport implements Transport {
  readonly protocol = 'UDP' as const;
  readonly reliable = false;
  private readonly emitter = new TransportEmitter();
  private bound: TransportAddress | undefined;
  private closed = false;
  /** Sends handed to the socket and not yet done: close() lets them leave first. */
  private readonly sending = new Set<Promise<void>>();

  private constructor(private readonly socket: Socket) {
    socket.on('message', (data, rinfo) => {
      if (this.closed || !this.bound) return;
      this.emitter.emit('message', { data: new Uint8Array(data.buffer, data.byteOffset, data.length), source: addressOf('UDP', rinfo.address, rinfo.port), local: this.bound });
    });
    socket.on('error', (error) => {
      // An error after bind (rare on UDP) is reported; the socket stays usable.
      this.emitter.emit('state', { state: 'failed', target: this.target(), reason: describeSocketError(error, `UDP socket ${this.target()}`) });
    });
  }

  /** Binds a socket; rejects with a TransportError naming the address when it cannot. */
  static async bind(options: UdpTransportOptions): Promise<UdpTransport> {
    const family = isIP(options.host);
    if (family === 0) throw new TransportError(`UDP transport: bind host must be an IP address, got ${JSON.stringify(options.host)}`);
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', ...(options.ipv6Only ? { ipv6Only: true } : {}) });
    const transport = new UdpTransport(socket);
    const port = options.port ?? 5060;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => {
        socket.close();
        reject(new TransportError(describeSocketError(error, `cannot bind UDP ${formatAddress({ protocol: 'UDP', host: options.host, port })}`), undefined, { cause: error }));
      };
      socket.once('error', onError);
      socket.bind(port, options.host, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    const address = socket.address();
    transport.bound = addressOf('UDP', address.address, address.port);
    try {
      socket.setRecvBufferSize(options.receiveBufferBytes ?? DEFAULT_UDP_RECEIVE_BUFFER);
    } catch {
      // Not allowed here: the system's default buffer stays; droppedDatagrams() tells what it cost.
    }
    return transport;
  }

  get sentBy(): { readonly host: string; readonly port?: number } {
    return this.bound ? { host: this.bound.host, port: this.bound.port } : { host: '0.0.0.0' };
  }

  /**
   * Datagrams the kernel dropped for this socket because its receive buffer was full
   * (Linux; undefined where it cannot be known). Those requests never reached SIP.
   */
  droppedDatagrams(): number | undefined {
    return this.bound ? udpReceiveDrops(this.bound.host, this.bound.port) : undefined;
  }

  /** The bound address. */
  get localAddress(): TransportAddress {
    if (!this.bound) throw new Error('UDP transport not bound');
    return this.bound;
  }

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): () => void {
    return this.emitter.on(event, listener);
  }

  /**
   * Sends one datagram. `flowId` is ignored (UDP has no connections). A
   * payload above the largest UDP datagram rejects; the §18.1.1 size rule for
   * requests is decided above (see chooseRequestTransport).
   */
  send(data: Uint8Array, destination: TransportAddress, options?: SendOptions): Promise<void> {
    void options;
    if (this.closed) return Promise.reject(new TransportError('UDP transport is closed', destination));
    if (destination.protocol !== 'UDP') return Promise.reject(new TransportError(`a UDP transport cannot send to ${formatAddress(destination)}`, destination));
    if (data.length > MAX_UDP_PAYLOAD) {
      return Promise.reject(new TransportError(
        `message of ${data.length} bytes is larger than the largest UDP datagram (${MAX_UDP_PAYLOAD} bytes); send it over TCP or TLS`, destination));
    }
    const sent = new Promise<void>((resolve, reject) => {
      this.socket.send(data, destination.port, destination.host, (error) => {
        if (error) reject(new TransportError(describeSocketError(error, `could not send to ${formatAddress(destination)}`), destination, { cause: error }));
        else resolve();
      });
    });
    const settled = sent.then(() => undefined, () => undefined);
    this.sending.add(settled);
    void settled.then(() => this.sending.delete(settled));
    return sent;
  }

  /** Closes the socket once the datagrams already handed to it have left (a last response is not lost). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.sending);
    return new Promise((resolve) => {
      this.socket.close(() => {
        this.emitter.emit('state', { state: 'closed', target: this.target(), reason: 'closed by the user' });
        resolve();
      });
    });
  }

  private target(): string {
    return this.bound ? formatAddress(this.bound) : 'udp';
  }
}

/** Binds a UDP transport on `host`:`port`. */
export function createUdpTransport(options: UdpTransportOptions): Promise<UdpTransport> {
  return UdpTransport.bind(options);
}
