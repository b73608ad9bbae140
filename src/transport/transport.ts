// The one interface between the SIP stack and the network (RFC 3261 §18).
// Implementations: WebSocket WS/WSS (RFC 7118), UDP, TCP, TLS. A transport
// hands up whole framed messages as bytes; parsing happens above it, so a
// malformed message still reaches the diagnostics stream as received bytes.

export type TransportProtocol = 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS';

/** RFC 3261 §18: TCP, TLS (and WS/WSS over them) are reliable; UDP is not. */
export function isReliable(protocol: TransportProtocol): boolean {
  return protocol !== 'UDP';
}

/** A transport address: where a message goes to or came from. */
export interface TransportAddress {
  readonly protocol: TransportProtocol;
  /** An IP address (IPv6 without brackets) or, for sending, a host name. */
  readonly host: string;
  readonly port: number;
}

/** One message as it came off the wire. */
export interface InboundMessage {
  /** Exactly one SIP message (already framed for stream transports). */
  readonly data: Uint8Array;
  /** The far end of the packet or connection. */
  readonly source: TransportAddress;
  /** The local end it arrived on. */
  readonly local: TransportAddress;
  /**
   * The connection it arrived on (connection-oriented transports): responses
   * to a request, and requests of a dialog set up over it, go back this way
   * (RFC 3261 §18.2.2, RFC 5626 flows).
   */
  readonly flowId?: string;
}

export type TransportStateName = 'connecting' | 'connected' | 'failed' | 'reconnecting' | 'closed';

export interface TransportStateChange {
  readonly state: TransportStateName;
  /** The server, e.g. `wss://proxy.example.com:443` or `udp:127.0.0.1:5060`. */
  readonly target: string;
  /** Why it failed or closed, in words a user can act on. */
  readonly reason?: string;
  /** For `reconnecting`: when the next attempt starts. */
  readonly retryInMs?: number;
  /**
   * The connection this change is about (`connected`, and `failed`/`closed` of
   * an open connection): transactions sent on that flow learn it is gone
   * (RFC 5626 flow failure, RFC 3261 §18.4) instead of waiting for Timer B/F.
   */
  readonly flowId?: string;
}

export interface TransportEvents {
  message(message: InboundMessage): void;
  /** Connection and flow changes (connection-oriented transports). */
  state(change: TransportStateChange): void;
  /**
   * A message that could not be framed (bad Content-Length, oversize...):
   * the bytes are reported and dropped, the transport carries on.
   */
  malformed(bytes: Uint8Array, source: TransportAddress, reason: string): void;
}

export interface SendOptions {
  /** Send on this flow (a connection a request arrived on) rather than a new one. */
  readonly flowId?: string;
}

export interface Transport {
  readonly protocol: TransportProtocol;
  readonly reliable: boolean;
  /**
   * What to put in Via sent-by and Contact: the bound address and port, or,
   * for a WebSocket client (RFC 7118 §5.2), a random `.invalid` host.
   */
  readonly sentBy: { readonly host: string; readonly port?: number };
  /**
   * Sends one serialized message. Rejects with a TransportError when it
   * cannot be sent (§8.1.3.1 / §18.4: the transaction treats that as a
   * transport failure), never drops it silently.
   */
  send(data: Uint8Array, destination: TransportAddress, options?: SendOptions): Promise<void>;
  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): () => void;
  close(): Promise<void>;
}

/** Why a send or a connection failed. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly destination?: TransportAddress,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}
