// Streaming analysis of a trace file: bytes in, finished calls out. The file
// is read in chunks (TraceStream), its messages grouped into calls as they
// come (CallAssembler), and each call's model — transactions, dialogs,
// findings, the same as importTrace() builds — handed on as soon as nothing
// more can belong to it. What it holds is the calls open at once. A capture's
// other UDP datagrams (RTP, RTCP, STUN, DTLS) are matched to the open calls as
// they come (StreamMedia), and each call's media goes into its model.
import type { FindingOptions } from '../findings/run-findings.js';
import type { ImportOptions, TraceFormat } from '../import/imported-trace.js';
import { TraceStream } from '../import/trace-stream.js';
import type { MessageInput } from '../model-builder.js';
import type { TraceMessage } from '../model-types.js';
import { CallAssembler, type AssembledCall } from './call-assembler.js';
import { StreamMedia } from './stream-media.js';

export type { AssembledCall } from './call-assembler.js';

export interface TraceAnalysisOptions extends ImportOptions {
  readonly findings?: FindingOptions;
  /** Only this call (the others are read past, not held). */
  readonly callId?: string;
  /** Each finished call, with trace-wide message indices. */
  readonly onCall: (call: AssembledCall) => void;
  /** A message with no readable Call-ID. */
  readonly onOrphan?: (message: TraceMessage) => void;
  /** Every message as it is read, before it joins its call (for exports). */
  readonly onMessage?: (input: MessageInput) => void;
}

export class TraceAnalysis {
  private readonly stream: TraceStream;
  private readonly calls: CallAssembler;
  private readonly media: StreamMedia;

  constructor(options: TraceAnalysisOptions) {
    this.media = new StreamMedia({ onMedia: (callId, at) => this.calls.touch(callId, at) });
    this.calls = new CallAssembler({
      media: this.media,
      onCall: options.onCall,
      ...(options.onOrphan ? { onOrphan: options.onOrphan } : {}),
      ...(options.findings ? { findings: options.findings } : {}),
      ...(options.callId === undefined ? {} : { callId: options.callId }),
    });
    const onMessage = options.onMessage;
    this.stream = new TraceStream(options, (input) => {
      onMessage?.(input);
      this.calls.add(input);
    }, (datagram) => {
      this.calls.mediaStarted();
      this.media.datagram(datagram);
    });
  }

  push(chunk: Uint8Array): void {
    this.stream.push(chunk);
  }

  /** The trace ended: the calls still open are finished and handed on. */
  end(): void {
    this.stream.end();
    if (this.stream.error !== undefined) return;
    this.media.end();
    this.calls.end();
  }

  /** Why the file cannot be read at all (no format, nothing SIP in it). */
  get error(): string | undefined {
    return this.stream.error;
  }

  get format(): TraceFormat | undefined {
    return this.stream.format;
  }

  /** SIP messages read so far. */
  get messages(): number {
    return this.calls.messages;
  }

  /** Calls handed on so far. */
  get finishedCalls(): number {
    return this.calls.calls;
  }

  /** Calls open right now and the messages they hold. */
  get held(): { calls: number; messages: number } {
    return this.calls.held;
  }

  /** What the media matching holds right now (counters per open call, stream and flow; datagrams waiting for a claim). */
  get heldMedia(): StreamMedia['held'] {
    return this.media.held;
  }

  /** What was skipped, cut or could not be read, and calls cut at their message limit. */
  notes(): string[] {
    return [...this.stream.notes(), ...this.calls.notes, ...this.media.notes()];
  }
}
