// A media session: one call's audio behind the SdpHandler interface. What
// plain RTP and WebRTC share lives here — the source we send (tone, WAV,
// silence, echo), the sinks of what we receive (level meter, WAV recorder,
// echo buffer, listeners), the moment of the answer, and closing with a
// final measurement. The kind-specific sessions add the transport.
import type { MediaDirection, SdpHandler } from '../ua/sdp/sdp-handler.js';
import type { AudioFrame } from './audio/audio-frame.js';
import { EchoBuffer } from './audio/echo-buffer.js';
import { LevelMeter } from './audio/level-meter.js';
import { Resampler } from './audio/resampler.js';
import { createSource, type AudioSource, type AudioSourceSpec } from './audio/sources.js';
import { WavWriter } from './audio/wav.js';
import type { MediaKind, MediaMeasurement, ReceivedMeasurement } from './measure/measurements.js';

export interface MediaSessionOptions {
  /** What to send (default: a 440 Hz tone at -15 dBov). */
  readonly play?: AudioSourceSpec | AudioSource;
  /** Write what is received to this WAV file (16-bit mono, at the session's native rate). */
  readonly record?: string;
  /** The clock times are taken from (default performance.now): pass the SIP stack's, so times line up with the call's. */
  readonly now?: () => number;
}

/** One call's media; its SdpHandler methods are driven by the call. */
export interface MediaSession extends SdpHandler {
  readonly kind: MediaKind;
  /** Sends from now on what `source` gives (an announcement, then the echo ...); a WAV file it cannot use is one sentence. */
  play(source: AudioSourceSpec | AudioSource): string | undefined;
  /** Every decoded frame received; returns the function that stops listening. */
  onAudio(listener: (frame: AudioFrame) => void): () => void;
  /** RFC 4733 digits received (plain RTP only). */
  onDtmf(listener: (digit: string) => void): () => void;
  /** Sends digits as RFC 4733 events (plain RTP); WebRTC rejects with why (send them as SIP INFO instead). */
  sendDtmf(digits: string, options?: { readonly durationMs?: number }): Promise<void>;
  /** The call was answered now: what arrived before counts as early media. */
  markAnswered(): void;
  /** The measurements so far. */
  measure(): Promise<MediaMeasurement>;
  /** Resolves after close() with the final measurements (sockets, peer connection and files released). */
  readonly closed: Promise<MediaMeasurement>;
}

/** The engine's own failure of an SDP operation (an offer it cannot take), as one sentence. */
export class MediaError extends Error {
  override readonly name = 'MediaError';
}

export abstract class MediaSessionBase implements MediaSession {
  abstract readonly kind: MediaKind;
  readonly closed: Promise<MediaMeasurement>;
  protected readonly now: () => number;
  protected readonly sentLevel: LevelMeter;
  protected readonly receivedLevel: LevelMeter;
  protected readonly problems: string[] = [];
  protected isClosing = false;
  private source: AudioSource;
  private echoBuffer: EchoBuffer | undefined;
  private recorder: WavWriter | undefined;
  private recorderResampler: Resampler | undefined;
  private readonly audioListeners = new Set<(frame: AudioFrame) => void>();
  protected readonly dtmfListeners = new Set<(digit: string) => void>();
  private answered: { readonly at: number; received?: { packets: number; audibleSeconds: number } } | undefined;
  private resolveClosed!: (m: MediaMeasurement) => void;

  /** `nativeRate`: the rate the session sends, echoes and records at (8 kHz for G.711, 48 kHz for WebRTC). */
  constructor(protected readonly options: MediaSessionOptions, protected readonly nativeRate: number) {
    this.now = options.now ?? (() => performance.now());
    this.sentLevel = new LevelMeter(this.now);
    this.receivedLevel = new LevelMeter(this.now);
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve; });
    const source = this.resolveSource(options.play ?? { kind: 'tone' });
    if (typeof source === 'string') throw new MediaError(source);
    this.source = source;
  }

  abstract createOffer(options?: { direction?: MediaDirection }): Promise<string>;
  abstract createAnswer(offer: string, options?: { direction?: MediaDirection }): Promise<string>;
  abstract applyProvisionalAnswer(answer: string): Promise<void>;
  abstract applyFinalAnswer(answer: string): Promise<void>;
  abstract sendDtmf(digits: string, options?: { readonly durationMs?: number }): Promise<void>;
  /** Releases the transport; the final measurement is taken just before. */
  protected abstract teardown(): Promise<void>;
  /** The transport's part of the measurement. */
  protected abstract snapshot(): Promise<Omit<MediaMeasurement, 'sending' | 'problems' | 'recording' | 'answeredAt'>>;
  /** Received packet count now (for the early-media snapshot). */
  protected abstract receivedPacketsNow(): Promise<number>;

  play(source: AudioSourceSpec | AudioSource): string | undefined {
    const resolved = this.resolveSource(source);
    if (typeof resolved === 'string') return resolved;
    this.source = resolved;
    return undefined;
  }

  onAudio(listener: (frame: AudioFrame) => void): () => void {
    this.audioListeners.add(listener);
    return () => this.audioListeners.delete(listener);
  }

  onDtmf(listener: (digit: string) => void): () => void {
    this.dtmfListeners.add(listener);
    return () => this.dtmfListeners.delete(listener);
  }

  markAnswered(): void {
    if (this.answered) return;
    const answered: { at: number; received?: { packets: number; audibleSeconds: number } } = { at: this.now() };
    this.answered = answered;
    const audibleSeconds = this.receivedLevel.snapshot().audibleSeconds;
    void this.receivedPacketsNow().then((packets) => { answered.received = { packets, audibleSeconds }; }, () => undefined);
  }

  async measure(): Promise<MediaMeasurement> {
    const transport = await this.snapshot();
    const received: ReceivedMeasurement = this.answered?.received
      ? { ...transport.received, beforeAnswer: this.answered.received } : transport.received;
    return {
      ...transport,
      received,
      sending: this.source.description,
      ...(this.recorder ? { recording: { path: this.recorder.path, seconds: Math.round(this.recorder.seconds * 1000) / 1000 } } : {}),
      ...(this.answered ? { answeredAt: this.answered.at } : {}),
      problems: [...this.problems],
    };
  }

  /** The SdpHandler's close: stops sending, measures one last time, releases everything. */
  close(): void {
    if (this.isClosing) return;
    this.isClosing = true;
    void (async () => {
      let final: MediaMeasurement | undefined;
      try {
        final = await this.measure();
      } catch (error) {
        this.problems.push(`the last measurement failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      try {
        await this.teardown();
      } catch (error) {
        this.problems.push(`releasing the media failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      this.closeRecorder();
      final ??= await this.measure().catch(() => undefined);
      this.resolveClosed(final ?? this.emptyMeasurement());
    })();
  }

  /** Fills `out` from the current source and meters it (the sender's clock drives this). */
  protected readSource(out: Int16Array, sampleRate: number): void {
    this.source.read(out, sampleRate);
    this.sentLevel.add(out, sampleRate);
  }

  /** A decoded frame arrived: meter it, record it, keep it for the echo, hand it to listeners. */
  protected deliverReceived(samples: Int16Array, sampleRate: number): void {
    this.receivedLevel.add(samples, sampleRate);
    this.echoBuffer?.write(samples, sampleRate);
    this.record(samples, sampleRate);
    if (this.audioListeners.size === 0) return;
    const frame: AudioFrame = { samples, sampleRate };
    for (const listener of this.audioListeners) listener(frame);
  }

  /** Starts the WAV recorder, if asked; a file that cannot be written is a problem, not a failure. */
  protected openRecorder(): void {
    if (this.options.record === undefined || this.recorder) return;
    try {
      this.recorder = new WavWriter(this.options.record, this.nativeRate);
    } catch (error) {
      this.problems.push(`cannot record to ${this.options.record}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }

  private record(samples: Int16Array, sampleRate: number): void {
    if (!this.recorder) return;
    if (!this.recorderResampler || this.recorderResampler.from !== sampleRate) {
      this.recorderResampler = new Resampler(sampleRate, this.recorder.sampleRate);
    }
    this.recorder.write(this.recorderResampler.process(samples));
  }

  private closeRecorder(): void {
    try {
      this.recorder?.close();
    } catch (error) {
      this.problems.push(`the recording could not be finished: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }

  private resolveSource(source: AudioSourceSpec | AudioSource): AudioSource | string {
    if ('read' in source) return source;
    return createSource(source, () => (this.echoBuffer ??= new EchoBuffer(this.nativeRate)));
  }

  private emptyMeasurement(): MediaMeasurement {
    const level = this.receivedLevel.snapshot();
    return {
      kind: this.kind, negotiated: false, sending: this.source.description,
      sent: { packets: 0, bytes: 0, level: this.sentLevel.snapshot() },
      received: { packets: 0, bytes: 0, lost: 0, level },
      problems: [...this.problems],
    };
  }
}
