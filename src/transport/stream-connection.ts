// One TCP or TLS connection: cuts the byte stream into SIP messages with the
// message layer's StreamFramer (RFC 3261 §18.3: "the Content-Length header
// field MUST be used with stream oriented transports"), answers RFC 5626
// §4.4.1 CRLFCRLF pings with a CRLF pong, and closes itself with a reason when
// the stream can no longer be framed.
import type { Socket } from 'node:net';
import { StreamFramer } from '../message/index.js';
import type { FrameEvent, FramingOptions } from '../message/index.js';
import { addressOf, formatAddress } from './address.js';
import type { FlowLink } from './client-flow.js';
import { TransportError } from './transport.js';
import type { TransportAddress, TransportProtocol } from './transport.js';

const PING = Buffer.from('\r\n\r\n', 'latin1');
const PONG = Buffer.from('\r\n', 'latin1');

export interface StreamConnectionHandlers {
  /** One framed message. Bytes the message layer could frame but not parse come here too: the layer above parses and reports them. */
  message(data: Uint8Array, connection: StreamConnection): void;
  /** Bytes that could not be framed; the connection closes right after. */
  malformed(bytes: Uint8Array, reason: string, connection: StreamConnection): void;
  pong(connection: StreamConnection): void;
  /**
   * The connection ended without `close()` being called here; `reason` says
   * why, `failed` is true for errors (reset, framing) rather than an orderly
   * close by the peer. Called at most once.
   */
  closed(reason: string, failed: boolean, connection: StreamConnection): void;
}

export class StreamConnection implements FlowLink {
  readonly local: TransportAddress;
  readonly remote: TransportAddress;
  private readonly framer: StreamFramer;
  private pending: Buffer = Buffer.alloc(0);
  private ended = false;
  private corked = false;
  private error: Error | undefined;

  constructor(
    private readonly socket: Socket,
    readonly protocol: TransportProtocol,
    readonly flowId: string,
    private readonly handlers: StreamConnectionHandlers,
    framing: FramingOptions | undefined,
    /**
     * `server` for accepted connections: a lone CRLF may be the first half of
     * a CRLFCRLF ping, so the framer waits for more rather than call it a pong.
     */
    keepAliveRole: 'client' | 'server',
  ) {
    this.framer = new StreamFramer({ ...framing, keepAliveRole });
    this.local = addressOf(protocol, socket.localAddress ?? '', socket.localPort ?? 0);
    this.remote = addressOf(protocol, socket.remoteAddress ?? '', socket.remotePort ?? 0);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => { this.error = error; });
    socket.on('close', () => this.finish(this.describeClose()));
    if (socket.destroyed) queueMicrotask(() => this.finish(`connection to ${formatAddress(this.remote)} closed before it could be used`));
    else socket.setNoDelay(true);
  }

  get open(): boolean {
    return !this.ended && !this.socket.destroyed;
  }

  send(data: Uint8Array): Promise<void> {
    if (!this.open) return Promise.reject(new TransportError(`connection ${this.flowId} to ${formatAddress(this.remote)} is closed`, this.remote));
    // Writes made in one tick leave in one segment (Nagle is off): a request and the
    // CANCEL or ACK sent right behind it reach the next hop together, in order.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    return new Promise((resolve, reject) => {
      this.socket.write(data, (error) => {
        if (error) reject(new TransportError(`could not send to ${formatAddress(this.remote)}: ${error.message}`, this.remote, { cause: error }));
        else resolve();
      });
    });
  }

  ping(): void {
    if (this.open) this.socket.write(PING);
  }

  close(reason: string): void {
    void reason;
    this.ended = true;
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    if (this.ended) return;
    const all = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const events = this.framer.push(chunk);
    let at = 0;
    for (const event of events) {
      at = this.handle(event, all, at);
      if (this.ended) return;
    }
    this.pending = all.subarray(all.length - this.framer.buffered);
  }

  /** Handles one frame event that starts at `at` in `all`; returns where the next one starts. */
  private handle(event: FrameEvent, all: Buffer, at: number): number {
    switch (event.type) {
      case 'keep-alive':
        // RFC 5626 §4.4.1: a server that receives a CRLFCRLF ping answers with a CRLF pong.
        if (event.kind === 'ping') {
          if (this.open) this.socket.write(PONG);
          return at + 4;
        }
        this.handlers.pong(this);
        return at + 2;
      case 'message': {
        const data = event.message.toBytes();
        this.handlers.message(data, this);
        return at + data.length;
      }
      case 'error': {
        if (event.fatal) {
          const reason = `cannot frame the stream from ${formatAddress(this.remote)}: ${event.error.message}; connection closed`;
          this.handlers.malformed(new Uint8Array(all.subarray(at)), reason, this);
          this.ended = true;
          this.socket.destroy();
          this.handlers.closed(reason, true, this);
          return all.length;
        }
        // Framed but not parseable: hand the exact bytes up; the layer above parses them again and reports.
        const length = frameLength(all, at);
        this.handlers.message(new Uint8Array(all.subarray(at, at + length)), this);
        return at + length;
      }
    }
  }

  private describeClose(): string {
    const peer = formatAddress(this.remote);
    if (!this.error) return `connection closed by ${peer}`;
    const code = (this.error as NodeJS.ErrnoException).code;
    return `connection to ${peer} lost: ${this.error.message}${code && !this.error.message.includes(code) ? ` (${code})` : ''}`;
  }

  private finish(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.handlers.closed(reason, this.error !== undefined, this);
  }
}

/**
 * Length of the message starting at `start`, cut the way StreamFramer cuts it
 * (header section up to the empty line, then Content-Length bytes of body).
 * Only used for a message the framer framed but could not parse, so both
 * exist and are valid.
 */
function frameLength(all: Buffer, start: number): number {
  const headerEnd = all.indexOf(PING, start);
  if (headerEnd < 0) return all.length - start;
  const head = all.toString('latin1', start, headerEnd + 2);
  const match = /\r\n(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*\r\n/i.exec(`\r\n${head.slice(head.indexOf('\r\n') + 2)}`);
  const body = match ? Number(match[1]) : 0;
  return Math.min(all.length - start, headerEnd + 4 - start + body);
}
