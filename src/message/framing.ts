// Message framing per transport. Datagrams (UDP) and WebSocket messages (RFC 7118) carry
// one SIP message each; stream transports (TCP, TLS) need a framer that cuts the byte
// stream by Content-Length and recognises RFC 5626 §3.5.1 CRLF keep-alives between messages.

import { bytesToByteString, textToByteString } from './bytes.js';
import type { SipParseError } from './errors.js';
import { resolveLimits } from './limits.js';
import type { ParseLimits } from './limits.js';
import type { SipMessage } from './message.js';
import { parseByteString } from './parser.js';

/**
 * A keep-alive: `ping` is a double CRLF (a client asking "are you there"), `pong` a single
 * CRLF (the answer), per RFC 5626 §3.5.1.
 */
export type KeepAlive = 'ping' | 'pong';

export type FrameEvent =
  | { readonly type: 'message'; readonly message: SipMessage }
  | { readonly type: 'keep-alive'; readonly kind: KeepAlive }
  /** `fatal`: the stream can no longer be framed and the connection should be closed. */
  | { readonly type: 'error'; readonly error: SipParseError; readonly fatal: boolean };

export interface FramingOptions {
  readonly limits?: Partial<ParseLimits>;
  /**
   * For StreamFramer: which side of RFC 5626 keep-alives this end is. A `client` (the
   * default, a UA) reports a CRLF at the end of the buffer at once as a pong; a `server`
   * waits for the next bytes, since it may be the first half of a CRLFCRLF ping.
   */
  readonly keepAliveRole?: 'client' | 'server';
}

function keepAliveOf(s: string): KeepAlive | undefined {
  if (s === '\r\n\r\n') return 'ping';
  if (s === '\r\n') return 'pong';
  return undefined;
}

function toEvent(s: string, framing: 'datagram' | 'websocket', limits: ParseLimits): FrameEvent {
  const ka = keepAliveOf(s);
  if (ka) return { type: 'keep-alive', kind: ka };
  const r = parseByteString(s, framing, limits);
  return r.ok ? { type: 'message', message: r.value } : { type: 'error', error: r.error, fatal: false };
}

/**
 * One UDP datagram (RFC 3261 §18.3): Content-Length optional; bytes beyond it are discarded;
 * a body shorter than Content-Length is an error.
 */
export function parseDatagram(packet: Uint8Array, options?: FramingOptions): FrameEvent {
  const limits = resolveLimits(options?.limits);
  if (packet.length > limits.maxMessageBytes) return tooLarge(packet.length, limits, false);
  return toEvent(bytesToByteString(packet), 'datagram', limits);
}

/**
 * One WebSocket message (RFC 7118 §5): "Each SIP message MUST be carried within a single
 * WebSocket message, and a WebSocket message MUST NOT contain more than one SIP message."
 * Text frames arrive as strings (UTF-8 decoded), binary frames as bytes.
 */
export function parseWebSocketMessage(data: string | Uint8Array, options?: FramingOptions): FrameEvent {
  const limits = resolveLimits(options?.limits);
  if (data.length > limits.maxMessageBytes) return tooLarge(data.length, limits, false);
  return toEvent(typeof data === 'string' ? textToByteString(data) : bytesToByteString(data), 'websocket', limits);
}

function tooLarge(size: number, limits: ParseLimits, fatal: boolean): FrameEvent {
  return {
    type: 'error',
    fatal,
    error: { code: 'too-large', message: `message of ${size} bytes exceeds the limit of ${limits.maxMessageBytes} bytes`, status: 513, reason: 'Message Too Large' },
  };
}

function lineTooLong(length: number, limits: ParseLimits): FrameEvent {
  return {
    type: 'error',
    fatal: true,
    error: { code: 'line-too-long', message: `a header line of more than ${length} bytes has no CRLF (limit ${limits.maxLineLength} bytes)`, status: 513, reason: 'Message Too Large' },
  };
}

/** Index of the Content-Length value in a header section, or an error text. */
function findContentLength(s: string, headerEnd: number): number | undefined | string {
  let found: number | undefined;
  let p = s.indexOf('\r\n') + 2;
  while (p < headerEnd + 2) {
    let e = s.indexOf('\r\n', p);
    while (e >= 0 && e < headerEnd && (s.charCodeAt(e + 2) === 0x20 || s.charCodeAt(e + 2) === 0x09)) e = s.indexOf('\r\n', e + 2);
    if (e < 0) break;
    let n = p;
    while (n < e && s.charCodeAt(n) !== 0x3a && s.charCodeAt(n) !== 0x20 && s.charCodeAt(n) !== 0x09) n++;
    const name = s.slice(p, n).toLowerCase();
    if (name === 'content-length' || name === 'l') {
      if (found !== undefined) return 'more than one Content-Length header field: the stream cannot be framed';
      const colon = s.indexOf(':', n);
      const value = colon < 0 || colon > e ? '' : s.slice(colon + 1, e).trim();
      if (!/^[0-9]{1,10}$/.test(value)) return `invalid Content-Length ${JSON.stringify(value.slice(0, 20))}: the stream cannot be framed`;
      found = Number(value);
    }
    p = e + 2;
  }
  return found;
}

/**
 * Cuts a byte stream (TCP, TLS) into SIP messages. Feed it chunks as they arrive; it returns
 * the events completed by each chunk. RFC 3261 §18.3: "the Content-Length header field
 * MUST be used with stream oriented transports".
 */
export class StreamFramer {
  private buf = '';
  private scanFrom = 0;
  private failed = false;
  private readonly limits: ParseLimits;
  private readonly server: boolean;

  constructor(options?: FramingOptions) {
    this.limits = resolveLimits(options?.limits);
    this.server = options?.keepAliveRole === 'server';
  }

  /** Bytes received but not yet part of a complete message. */
  get buffered(): number {
    return this.buf.length;
  }

  /** True after a fatal framing error; the connection should be closed. */
  get broken(): boolean {
    return this.failed;
  }

  push(chunk: Uint8Array | string): FrameEvent[] {
    if (this.failed) return [];
    this.buf += typeof chunk === 'string' ? textToByteString(chunk) : bytesToByteString(chunk);
    const events: FrameEvent[] = [];
    for (;;) {
      const b = this.buf;
      if (b.length === 0) break;
      if (b.startsWith('\r\n')) {
        if (b.startsWith('\r\n\r\n')) {
          events.push({ type: 'keep-alive', kind: 'ping' });
          this.consume(4);
          continue;
        }
        if (b.length === 3 && b.charCodeAt(2) === 0x0d) break; // maybe the start of a ping
        if (b.length === 2 && this.server) break; // a server waits: the second CRLF of a ping may follow
        events.push({ type: 'keep-alive', kind: 'pong' });
        this.consume(2);
        continue;
      }
      const headerEnd = b.indexOf('\r\n\r\n', this.scanFrom);
      if (headerEnd < 0) {
        if (b.length > this.limits.maxMessageBytes) return this.fail(events, tooLarge(b.length, this.limits, true));
        // A line that has outgrown the longest allowed one can never end well: no need to wait for 256 KiB.
        const open = b.length - (b.lastIndexOf('\r\n') + 2);
        if (open > this.limits.maxLineLength) return this.fail(events, lineTooLong(open, this.limits));
        this.scanFrom = Math.max(0, b.length - 3);
        break;
      }
      const cl = findContentLength(b, headerEnd);
      if (typeof cl === 'string') {
        return this.fail(events, { type: 'error', fatal: true, error: { code: 'bad-content-length', message: cl, header: 'Content-Length', status: 400, reason: 'Bad Content-Length header field' } });
      }
      const total = headerEnd + 4 + (cl ?? 0);
      if (total > this.limits.maxMessageBytes) return this.fail(events, tooLarge(total, this.limits, true));
      if (b.length < total) break;
      const r = parseByteString(b.slice(0, total), 'stream', this.limits);
      this.consume(total);
      events.push(r.ok ? { type: 'message', message: r.value } : { type: 'error', error: r.error, fatal: false });
    }
    return events;
  }

  private consume(n: number): void {
    this.buf = this.buf.slice(n);
    this.scanFrom = 0;
  }

  private fail(events: FrameEvent[], event: FrameEvent): FrameEvent[] {
    this.failed = true;
    this.buf = '';
    events.push(event);
    return events;
  }
}
