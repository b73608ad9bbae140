// TCP reassembly for SIP: each direction of each connection is put back in
// sequence order (retransmitted and overlapping segments trimmed, out-of-order
// ones held until the gap fills), then cut into SIP messages by the same
// StreamFramer the TCP transport uses, or, after an HTTP Upgrade handshake,
// into WebSocket messages (RFC 6455, RFC 7118).
import { StreamFramer } from '../../message/index.js';
import { byteStringToBytes, bytesToByteString } from '../../message/bytes.js';
import { TCP_SYN, type Segment } from './packet-decoder.js';
import { WebSocketDeframer } from './websocket-frames.js';

export interface StreamMessage {
  readonly frame: number;
  readonly at: number;
  readonly transport: 'TCP' | 'WS';
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  readonly raw: Uint8Array;
}

const MAX_PENDING = 2048;

type Mode = 'unknown' | 'sip' | 'http' | 'ws' | 'other' | 'broken';

const fromByteString = byteStringToBytes;

class Direction {
  next: number | undefined;
  readonly pending = new Map<number, Segment>();
  mode: Mode = 'unknown';
  head = '';
  framer = new StreamFramer();
  readonly ws = new WebSocketDeframer();
  gapNoted = false;

  constructor(readonly name: string, readonly first: Segment, private readonly sink: TcpReassembler) {}

  segment(s: Segment): void {
    if ((s.flags ?? 0) & TCP_SYN) {
      this.next = (s.seq! + 1) >>> 0;
      if (s.payload.length === 0) return;
    }
    if (s.payload.length === 0) return;
    if (this.next === undefined) this.next = s.seq!;
    const ahead = (s.seq! - this.next) | 0;
    if (ahead > 0) {
      if (this.pending.size < MAX_PENDING) this.pending.set(s.seq!, s);
      return;
    }
    this.take(s, -ahead, s);
    this.drain(s);
  }

  /** Takes a segment's new bytes; `trigger` is the captured segment that made them usable (its time is the message's). */
  private take(s: Segment, skip: number, trigger: Segment): void {
    if (skip >= s.payload.length) return; // a retransmission of bytes already taken
    const data = s.payload.subarray(skip);
    this.next = (this.next! + data.length) >>> 0;
    this.consume(data, trigger);
  }

  private drain(trigger: Segment): void {
    for (let moved = true; moved && this.pending.size > 0;) {
      moved = false;
      for (const [seq, s] of this.pending) {
        const ahead = (seq - this.next!) | 0;
        if (ahead <= 0) {
          this.pending.delete(seq);
          this.take(s, -ahead, trigger.frame > s.frame ? trigger : s);
          moved = true;
        }
      }
    }
  }

  /** End of capture: bytes that never arrived are a gap; what follows it is read from the next message start. */
  flush(): void {
    while (this.pending.size > 0) {
      const [seq, s] = [...this.pending].reduce((a, b) => (((b[0] - a[0]) | 0) < 0 ? b : a));
      const missing = (seq - this.next!) | 0;
      this.sink.note(`TCP ${this.name}: ${missing} bytes were not captured before frame ${s.frame}; reading resumed at the next SIP message`);
      this.next = seq;
      if (this.mode === 'sip') this.resync();
      this.drain(s);
    }
    if (this.mode === 'sip' && this.framer.buffered > 0) {
      this.sink.note(`TCP ${this.name}: ${this.framer.buffered} bytes at the end form no complete SIP message (half a message); skipped`);
    }
  }

  private resync(): void {
    this.framer = new StreamFramer();
    this.mode = 'unknown';
    this.head = '';
  }

  private consume(data: Uint8Array, s: Segment): void {
    if (this.mode === 'unknown' || this.mode === 'http') {
      this.head += bytesToByteString(data);
      if (this.mode === 'unknown') {
        const trimmed = this.head.replace(/^(\r\n)+/, '');
        if (trimmed.length < 12 && !/\r\n/.test(trimmed)) return;
        if (/^(GET |HTTP\/1\.1 )/.test(trimmed)) this.mode = 'http';
        else {
          // After a gap, find the first SIP start line.
          const at = trimmed.search(/(?:^|\r\n)(?:SIP\/2\.0 \d{3} |[A-Z]+ \S+ SIP\/2\.0\r\n)/);
          if (at < 0) {
            if (this.head.length > 4096) {
              this.mode = 'other';
              this.sink.note(`TCP ${this.name}: not SIP (starts ${JSON.stringify(trimmed.slice(0, 24))}); skipped`);
            }
            return;
          }
          const start = trimmed.slice(at).replace(/^\r\n/, '');
          this.mode = 'sip';
          this.head = '';
          this.push(fromByteString(start), s);
          return;
        }
      }
      const end = this.head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.head.length > 16384) this.mode = 'other';
        return;
      }
      const handshake = this.head.slice(0, end);
      const rest = this.head.slice(end + 4);
      this.head = '';
      if (/^upgrade:[ \t]*websocket/im.test(handshake)) {
        this.mode = 'ws';
        if (rest.length > 0) this.pushWs(fromByteString(rest), s);
      } else {
        this.mode = 'other';
        this.sink.note(`TCP ${this.name}: HTTP without a WebSocket upgrade; skipped`);
      }
      return;
    }
    if (this.mode === 'sip') this.push(data, s);
    else if (this.mode === 'ws') this.pushWs(data, s);
  }

  private push(data: Uint8Array, s: Segment): void {
    for (const event of this.framer.push(data)) {
      if (event.type === 'message') this.sink.emit(this.first, s, 'TCP', event.message.toBytes());
      else if (event.type === 'error') {
        this.sink.note(`TCP ${this.name}, frame ${s.frame}: ${event.error.message}${event.fatal ? '; the rest of this stream is skipped' : ''}`);
        if (event.fatal) this.mode = 'broken';
      }
    }
  }

  private pushWs(data: Uint8Array, s: Segment): void {
    for (const event of this.ws.push(data)) {
      if (event.type === 'message') {
        const raw = event.message.data;
        if (raw.length === 0 || /^\r\n(\r\n)?$/.test(bytesToByteString(raw))) continue; // keep-alive
        this.sink.emit(this.first, s, 'WS', raw);
      } else this.sink.note(`WebSocket ${this.name}, frame ${s.frame}: ${event.reason}`);
    }
  }
}

export class TcpReassembler {
  private readonly directions = new Map<string, Direction>();
  readonly messages: StreamMessage[] = [];
  readonly notes: string[] = [];

  /** `onMessage`: each message as it is completed (streaming); without it they collect in `messages`. */
  constructor(private readonly onMessage?: (message: StreamMessage) => void) {}

  segment(s: Segment): void {
    const name = `${s.src}:${s.srcPort} → ${s.dst}:${s.dstPort}`;
    let d = this.directions.get(name);
    if (!d || (((s.flags ?? 0) & TCP_SYN) && d.next !== undefined && d.pending.size === 0 && d.mode !== 'unknown')) {
      if (d) d.flush();
      d = new Direction(name, s, this);
      this.directions.set(name, d);
    }
    d.segment(s);
  }

  finish(): void {
    for (const d of this.directions.values()) d.flush();
  }

  note(text: string): void {
    if (this.notes.length < 200) this.notes.push(text);
  }

  emit(first: Segment, s: Segment, transport: 'TCP' | 'WS', raw: Uint8Array): void {
    const message = { frame: s.frame, at: s.at, transport, src: first.src, srcPort: first.srcPort, dst: first.dst, dstPort: first.dstPort, raw };
    if (this.onMessage) this.onMessage(message);
    else this.messages.push(message);
  }
}
