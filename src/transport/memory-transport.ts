// An in-memory loopback pair for tests of the layers above the transport:
// two Transports that deliver to each other asynchronously, reliable (TCP,
// TLS, WS, WSS: one flow per pair) or unreliable (UDP), with a hook that can
// drop or delay any message, and a record of everything sent.
import { systemClock } from '../util/clock.js';
import type { Clock } from '../util/clock.js';
import { formatAddress, sameAddress } from './address.js';
import { TransportEmitter } from './emitter.js';
import { isReliable, TransportError } from './transport.js';
import type {
  InboundMessage, SendOptions, Transport, TransportAddress, TransportEvents, TransportProtocol,
} from './transport.js';

/** One message handed to `send` on a memory transport. */
export interface MemoryPacket {
  readonly data: Uint8Array;
  readonly from: TransportAddress;
  readonly to: TransportAddress;
  /** 0 for the first message this side sent, 1 for the next, ... */
  readonly index: number;
}

/** What happens to one message: delivered (after the pair's latency), dropped, or delivered after `delayMs`. */
export type MemoryDelivery = 'deliver' | 'drop' | { readonly delayMs: number };

/** Decides the fate of each message; runs synchronously inside `send`. */
export type MemoryInterceptor = (packet: MemoryPacket) => MemoryDelivery;

export interface MemoryTransportPairOptions {
  readonly protocol: TransportProtocol;
  /** Addresses of the two ends; default 127.0.0.1:5060 and 127.0.0.1:5070. */
  readonly addresses?: readonly [{ host: string; port: number }, { host: string; port: number }];
  /**
   * Delivery delay. Without it, messages arrive in a microtask (after the
   * sender's synchronous code, before any timer). With it, they arrive via
   * `clock.setTimer(latencyMs)`, so a FakeClock must be advanced.
   */
  readonly latencyMs?: number;
  /** Clock for `latencyMs` and for delays from the interceptor; default the system clock. */
  readonly clock?: Clock;
  /** Applied to messages sent by either end; each end can override it with `intercept()`. */
  readonly interceptor?: MemoryInterceptor;
}

const DEFAULT_ADDRESSES = [{ host: '127.0.0.1', port: 5060 }, { host: '127.0.0.1', port: 5070 }] as const;

/** One end of a memory pair. */
export class MemoryTransport implements Transport {
  readonly reliable: boolean;
  readonly sentBy: { readonly host: string; readonly port: number };
  /** Every message this end was asked to send, in order, whether delivered or dropped. */
  readonly sent: MemoryPacket[] = [];
  /** The flow between the two ends (reliable protocols only); it is the same id on both ends. */
  readonly flowId: string | undefined;
  private readonly emitter = new TransportEmitter();
  private peer!: MemoryTransport;
  private interceptor: MemoryInterceptor | undefined;
  private flowFailure: string | undefined;
  private closed = false;

  constructor(
    readonly protocol: TransportProtocol,
    readonly address: TransportAddress,
    private readonly pair: { readonly latencyMs?: number; readonly clock: Clock },
    flowId: string | undefined,
    interceptor: MemoryInterceptor | undefined,
  ) {
    this.reliable = isReliable(protocol);
    this.sentBy = { host: address.host, port: address.port };
    this.flowId = flowId;
    this.interceptor = interceptor;
  }

  /** @internal */
  connect(peer: MemoryTransport): void {
    this.peer = peer;
  }

  /** Replaces the interceptor for messages sent by this end (undefined: deliver everything). */
  intercept(interceptor: MemoryInterceptor | undefined): void {
    this.interceptor = interceptor;
  }

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): () => void {
    return this.emitter.on(event, listener);
  }

  send(data: Uint8Array, destination: TransportAddress, options?: SendOptions): Promise<void> {
    if (this.closed) return Promise.reject(new TransportError(`${this.protocol} memory transport ${formatAddress(this.address)} is closed`, destination));
    if (this.flowFailure !== undefined) {
      return Promise.reject(new TransportError(`flow to ${formatAddress(this.peer.address)} failed: ${this.flowFailure}`, destination));
    }
    if (options?.flowId !== undefined && options.flowId !== this.flowId) {
      return Promise.reject(new TransportError(`no flow ${options.flowId} on ${this.protocol} memory transport ${formatAddress(this.address)}`, destination));
    }
    const peer = this.peer.address;
    if (!sameAddress(destination, peer)) {
      return Promise.reject(new TransportError(
        `memory transport ${formatAddress(this.address)} can only reach ${formatAddress(peer)}, not ${formatAddress(destination)}`, destination));
    }
    const packet: MemoryPacket = { data: data.slice(), from: this.address, to: peer, index: this.sent.length };
    this.sent.push(packet);
    const fate = this.interceptor?.(packet) ?? 'deliver';
    if (fate === 'drop') return Promise.resolve();
    const inbound: InboundMessage = {
      data: packet.data, source: this.address, local: peer, ...(this.flowId === undefined ? {} : { flowId: this.flowId }),
    };
    const delay = fate === 'deliver' ? this.pair.latencyMs : fate.delayMs;
    const receiver = this.peer;
    if (delay === undefined) queueMicrotask(() => receiver.receive(inbound));
    else this.pair.clock.setTimer(delay, () => receiver.receive(inbound));
    return Promise.resolve();
  }

  /**
   * Simulates the loss of the connection (reliable protocols): both ends
   * report `failed` with `reason`, and every later send rejects.
   */
  failFlow(reason: string): void {
    for (const end of [this, this.peer]) {
      if (end.flowFailure !== undefined || end.closed) continue;
      end.flowFailure = reason;
      end.emitter.emit('state', {
        state: 'failed', target: formatAddress(end.peer.address), reason, ...(end.flowId === undefined ? {} : { flowId: end.flowId }),
      });
    }
  }

  /** Hands `bytes` up as if they had arrived from the peer, e.g. a malformed message. */
  inject(bytes: Uint8Array): void {
    this.receive({
      data: bytes, source: this.peer.address, local: this.address, ...(this.flowId === undefined ? {} : { flowId: this.flowId }),
    });
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.emitter.emit('state', { state: 'closed', target: formatAddress(this.address), reason: 'closed by the user' });
    }
    return Promise.resolve();
  }

  private receive(message: InboundMessage): void {
    if (this.closed || this.flowFailure !== undefined) return;
    this.emitter.emit('message', message);
  }
}

/**
 * Two memory transports wired to each other: `[a, b]`, `a` on the first
 * address (default 127.0.0.1:5060), `b` on the second (127.0.0.1:5070).
 */
export function createMemoryTransportPair(options: MemoryTransportPairOptions): [MemoryTransport, MemoryTransport] {
  const [first, second] = options.addresses ?? DEFAULT_ADDRESSES;
  const pair = { clock: options.clock ?? systemClock, ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }) };
  const flowId = isReliable(options.protocol) ? `memory-${options.protocol.toLowerCase()}-${first.port}-${second.port}` : undefined;
  const a = new MemoryTransport(options.protocol, { protocol: options.protocol, ...first }, pair, flowId, options.interceptor);
  const b = new MemoryTransport(options.protocol, { protocol: options.protocol, ...second }, pair, flowId, options.interceptor);
  a.connect(b);
  b.connect(a);
  return [a, b];
}
