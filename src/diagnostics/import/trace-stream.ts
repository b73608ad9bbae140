// A trace file read chunk by chunk, handing each SIP message on as soon as it is
// whole: the streaming twin of trace-import.ts, for traces too large to hold
// (a million messages). The format is recognised by the first bytes (pcap,
// pcapng, sngrep, sipdump, SIPp); UDP datagrams go on one by one, TCP streams
// (SIP framing or WebSocket) when a message is complete. Messages keep their
// capture order, except those read after a TCP gap at the very end of the
// capture (they come last). Each message's bytes are its own copy. The other UDP
// datagrams (RTP, RTCP, STUN, DTLS, ...) go to `onDatagram`, as views of the reader's buffer.
import { bytesToByteString } from '../../message/bytes.js';
import type { MessageInput } from '../model-builder.js';
import type { MediaDatagram } from '../media/media-matcher.js';
import type { Endpoint } from '../model-types.js';
import { CaptureReader, captureFormatOf, type CaptureFrame } from './capture-reader.js';
import { directionOf, type ImportOptions, type TraceFormat } from './imported-trace.js';
import { decodeFrame } from './packet-decoder.js';
import { TcpReassembler } from './tcp-streams.js';
import { textFormatOf } from './text-dumps.js';
import { TextDumpStream } from './text-stream.js';

const SIP_LIKE = /^(?:SIP\/2\.0 \d{3}|[A-Za-z][A-Za-z0-9.!%*_+`'~-]* \S+ SIP\/2\.0\r?$)/;
const DETECT_BYTES = 4096;
const ENDPOINTS_CACHED = 10_000;
const SIP_VERSION = ' SIP/2.0';

/** A status line, or a request line ending in SIP/2.0: checked on the bytes, the regex only for what passes. */
function looksLikeSip(payload: Uint8Array): boolean {
  let end = payload.indexOf(0x0a);
  if (end < 0 || end > 256) end = Math.min(payload.length, 256);
  const lineEnd = end > 0 && payload[end - 1] === 0x0d ? end - 1 : end;
  const status = payload[0] === 0x53 && payload[1] === 0x49 && payload[2] === 0x50 && payload[3] === 0x2f;
  if (!status) {
    if (lineEnd < SIP_VERSION.length) return false;
    for (let i = 0; i < SIP_VERSION.length; i++) if (payload[lineEnd - SIP_VERSION.length + i] !== SIP_VERSION.charCodeAt(i)) return false;
  }
  return SIP_LIKE.test(bytesToByteString(payload.subarray(0, end)));
}

export class TraceStream {
  format: TraceFormat | undefined;
  /** Why the file cannot be read at all; set by the time `end()` returns, or earlier. */
  error: string | undefined;
  messages = 0;
  private head: Uint8Array[] = [];
  private headBytes = 0;
  private capture: CaptureReader | undefined;
  private text: TextDumpStream | undefined;
  private readonly tcp = new TcpReassembler((m) => this.emit(m.at, m.transport, m.src, m.srcPort, m.dst, m.dstPort, m.raw));
  private readonly skipped = new Map<string, number>();
  private truncatedSip = 0;
  private readonly endpoints = new Map<string, Map<number, Endpoint>>();
  private endpointCount = 0;

  constructor(
    private readonly options: ImportOptions,
    private readonly onMessage: (input: MessageInput) => void,
    private readonly onDatagram?: (datagram: MediaDatagram) => void,
  ) {}

  push(chunk: Uint8Array): void {
    if (this.error !== undefined) return;
    if (this.format === undefined) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
      // A capture's magic is 4 bytes; a text dump is known by its first line.
      const head = this.head.length === 1 ? chunk : Buffer.concat(this.head);
      if (this.headBytes < DETECT_BYTES && !(head.length >= 4 && captureFormatOf(head)) && head.indexOf(0x0a) < 0) return;
      this.detect();
      return;
    }
    this.feed(chunk);
  }

  /** No more bytes. Afterwards `error`, or `format` and `notes()`, are final. */
  end(): void {
    if (this.error !== undefined) return;
    if (this.format === undefined) this.detect();
    if (this.error !== undefined) return;
    this.capture?.end();
    this.text?.end();
    this.tcp.finish();
    if (this.capture?.error !== undefined && this.capture.frames === 0) this.error = this.capture.error;
    else if (this.text && this.text.blocks === 0) this.error = `no SIP messages found in this ${this.format} file`;
  }

  /** What was skipped, cut or could not be read: as trace-import.ts says it. */
  notes(): string[] {
    if (this.text) return [...this.text.notes];
    const notes = [...(this.capture?.notes.filter((n) => n !== this.capture?.error) ?? [])];
    for (const [reason, n] of this.skipped) notes.push(`${n} frame(s) skipped: ${reason}`);
    if (this.truncatedSip > 0) notes.push(`${this.truncatedSip} SIP datagram(s) were cut by the capture's snap length (half messages)`);
    notes.push(...this.tcp.notes);
    return notes;
  }

  private detect(): void {
    const head = this.head.length === 1 ? this.head[0]! : Buffer.concat(this.head);
    this.head = [];
    const capture = captureFormatOf(head);
    const text = capture ? undefined : textFormatOf(bytesToByteString(head.subarray(0, DETECT_BYTES)));
    this.format = capture ?? text;
    if (capture) this.capture = new CaptureReader(capture, (frame) => this.frame(frame));
    else if (text) this.text = new TextDumpStream(text, this.options, (input) => this.deliver(input));
    else {
      this.error = 'unknown file format: expected pcap, pcapng, an sngrep text export, a Kamailio sipdump text file or a SIPp -trace_msg log';
      return;
    }
    this.feed(head);
  }

  private feed(chunk: Uint8Array): void {
    if (this.capture) this.capture.push(chunk);
    else this.text?.push(chunk);
  }

  private frame(frame: CaptureFrame): void {
    const decoded = decodeFrame(frame);
    if (!decoded.ok) {
      this.skipped.set(decoded.skip, (this.skipped.get(decoded.skip) ?? 0) + 1);
      return;
    }
    const s = decoded.segment;
    if (s.protocol === 'TCP') {
      this.tcp.segment(s);
      return;
    }
    if (s.payload.length <= 4 && /^(\r\n)+$|^\0*$/.test(bytesToByteString(s.payload))) {
      this.skipped.set('UDP keep-alive (CRLF)', (this.skipped.get('UDP keep-alive (CRLF)') ?? 0) + 1);
      return;
    }
    if (!looksLikeSip(s.payload)) {
      const reason = 'UDP datagram that is not SIP (RTP, STUN, DNS, ...)';
      this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
      this.onDatagram?.({ at: s.at, src: { address: s.src, port: s.srcPort }, dst: { address: s.dst, port: s.dstPort }, payload: s.payload, frame: s.frame });
      return;
    }
    if (frame.truncated) this.truncatedSip++;
    this.emit(s.at, 'UDP', s.src, s.srcPort, s.dst, s.dstPort, s.payload);
  }

  /** One object per address seen (messages of a call share them), up to a bound. */
  private endpoint(transport: string, address: string, port: number): Endpoint {
    const key = transport === 'UDP' ? address : `${transport}|${address}`;
    let ports = this.endpoints.get(key);
    let e = ports?.get(port);
    if (!e) {
      e = { transport, address, port };
      if (this.endpointCount < ENDPOINTS_CACHED) {
        if (!ports) this.endpoints.set(key, ports = new Map());
        ports.set(port, e);
        this.endpointCount++;
      }
    }
    return e;
  }

  private emit(at: number, transport: string, srcAddress: string, srcPort: number, dstAddress: string, dstPort: number, raw: Uint8Array): void {
    const src = this.endpoint(transport, srcAddress, srcPort);
    const dst = this.endpoint(transport, dstAddress, dstPort);
    // The frame is a view of the reader's buffer: the message gets its own bytes.
    this.deliver({ at, direction: directionOf(src, dst, this.options), src, dst, transport, raw: raw.slice() });
  }

  private deliver(input: MessageInput): void {
    this.messages++;
    this.onMessage(input);
  }
}
