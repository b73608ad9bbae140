// The live path into the model: a listener on a user agent's diagnostics
// stream that keeps what the stream says (messages, transactions, their
// states, timers and retransmissions) and builds the model from it on demand.
// It derives nothing the stream states; it only links received messages to
// the transactions they matched, with the same §17 keys the layer used.
import type { DiagnosticsEvent, DiagnosticsStream, Peer } from '../trace/events.js';
import { buildTraceModel, type MessageInput, type StreamTransaction } from './model-builder.js';
import type { Endpoint, StateChange, TimerRecord, TraceModel } from './model-types.js';
import type { FindingOptions } from './findings/run-findings.js';
import { initialInvite } from './media/announced-media.js';
import type { MediaEvidence } from './media/capture-media.js';
import { LiveMediaTrack } from './media/live-media.js';
import type { CallMedia, MediaSample } from './media/media-types.js';

export interface LiveRecorderOptions {
  /** This user agent's own address, recorded as the source of what it sends (for exports). */
  readonly local?: Endpoint;
  /** Finding thresholds; T1 defaults to the stream's first retransmission timer (A/E/G), else 500 ms. */
  readonly findings?: FindingOptions;
}

type MutableStreamTransaction = Omit<StreamTransaction, 'states' | 'timers' | 'callTag'>
  & { states: StateChange[]; timers: TimerRecord[]; callTag?: string };
type MutableInput = { -readonly [K in keyof MessageInput]: MessageInput[K] };

function endpoint(peer: Peer): Endpoint {
  return { transport: peer.transport, address: peer.address, port: peer.port };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class LiveRecorder {
  private readonly messages: MutableInput[] = [];
  private readonly transactions = new Map<string, MutableStreamTransaction>();
  private readonly pendingRetransmission = new Set<string>();
  private readonly notes: string[] = [];
  private t1: number | undefined;
  private lastReceived: MutableInput | undefined;
  private readonly media = new Map<string, LiveMediaTrack>();

  constructor(private readonly options: LiveRecorderOptions = {}) {}

  /** Starts recording a stream; returns the function that stops. */
  attach(stream: DiagnosticsStream): () => void {
    return stream.subscribe((event) => this.record(event));
  }

  /** Feeds one event (the stream calls this; tests and replays may too). */
  record(event: DiagnosticsEvent): void {
    switch (event.type) {
      case 'message-sent': {
        const stated = event.transactionId !== undefined && this.pendingRetransmission.delete(event.transactionId);
        this.messages.push({
          at: event.at, direction: 'sent', dst: endpoint(event.peer), transport: event.peer.transport, raw: event.raw,
          ...(this.options.local ? { src: this.options.local } : {}),
          ...(event.transactionId === undefined ? {} : { stackTransactionId: event.transactionId }),
          ...(stated ? { statedRetransmission: true } : {}),
        });
        return;
      }
      case 'message-received': {
        const input: MutableInput = {
          at: event.at, direction: 'received', src: endpoint(event.peer), transport: event.peer.transport, raw: event.raw,
          ...(this.options.local ? { dst: this.options.local } : {}),
        };
        this.messages.push(input);
        this.lastReceived = input;
        return;
      }
      case 'message-malformed': {
        const last = this.lastReceived;
        if (last && sameBytes(last.raw, event.raw)) last.malformedReason = event.reason;
        else {
          this.messages.push({
            at: event.at, direction: 'received', src: endpoint(event.peer), transport: event.peer.transport, raw: event.raw,
            malformedReason: event.reason,
          });
        }
        this.notes.push(`${event.peer.address}:${event.peer.port}: ${event.reason}`);
        return;
      }
      case 'retransmission-sent':
        this.pendingRetransmission.add(event.transactionId);
        return;
      case 'retransmission-absorbed':
        if (this.lastReceived) this.lastReceived.statedRetransmission = true;
        return;
      case 'transaction-created':
        this.transactions.set(event.transactionId, {
          id: event.transactionId, key: event.key, method: event.method, role: event.role, kind: event.kind,
          transport: event.transport, callId: event.callId, createdAt: event.at, messagesBefore: this.messages.length,
          states: [], timers: [], ...(event.callTag === undefined ? {} : { callTag: event.callTag }),
        });
        return;
      case 'transaction-tagged': {
        const tx = this.transactions.get(event.transactionId);
        if (tx) tx.callTag = event.callTag;
        return;
      }
      case 'transaction-state':
        this.transactions.get(event.transactionId)?.states.push({ at: event.at, from: event.from, to: event.to, cause: event.cause });
        return;
      case 'timer-started':
      case 'timer-fired':
      case 'timer-cancelled': {
        const kind = event.type === 'timer-started' ? 'started' : event.type === 'timer-fired' ? 'fired' : 'cancelled';
        this.transactions.get(event.transactionId)?.timers.push({ at: event.at, timer: event.timer, event: kind, durationMs: event.durationMs });
        if (kind === 'started' && this.t1 === undefined && (event.timer === 'A' || event.timer === 'E' || event.timer === 'G')) {
          this.t1 = event.durationMs;
        }
        return;
      }
      case 'transport-error':
        this.notes.push(`transport error (${event.transport}${event.peer ? ` ${event.peer.address}:${event.peer.port}` : ''}): ${event.reason}`);
        return;
      case 'transport-choice':
        this.notes.push(`${event.transactionId}: ${event.note}`);
        return;
      case 'transport-state':
        if (event.state === 'failed') this.notes.push(`${event.transport} ${event.target} failed${event.detail ? `: ${event.detail}` : ''}`);
        return;
      case 'registration-state':
        if (event.state === 'failed') this.notes.push(`registration of ${event.aor} failed${event.status ? ` (${event.status})` : ''}: ${event.reason ?? 'no reason given'}`);
        return;
      case 'call-state':
        // The call's own states are the call's view (ua/call); the model is built from its transactions.
        return;
    }
  }

  /**
   * Feeds one media summary of a call, as the media owner reports it (getStats, a few times
   * a second); the host maps the app's MediaSummary to a MediaSample (SIP Call-ID, and the
   * time on the stream's clock). Kept folded: counters and state changes, not the series.
   */
  recordMedia(sample: MediaSample): void {
    let track = this.media.get(sample.callId);
    if (!track) {
      track = new LiveMediaTrack();
      this.media.set(sample.callId, track);
    }
    track.add(sample);
  }

  /** The model of everything recorded so far. */
  model(): TraceModel {
    const t1 = this.options.findings?.t1 ?? this.t1 ?? 500;
    return buildTraceModel({
      source: 'live', messages: this.messages, transactions: [...this.transactions.values()], notes: this.notes,
      t1, findings: { ...this.options.findings, t1 },
      ...(this.media.size > 0 ? { media: this.mediaEvidence() } : {}),
    });
  }

  private mediaEvidence(): MediaEvidence {
    return (calls, messages) => {
      const out = new Map<string, CallMedia>();
      for (const call of calls) {
        const track = this.media.get(call.callId);
        if (!track) continue;
        const invite = initialInvite(call.messages.map((i) => messages[i]!));
        out.set(call.callId, track.media(invite?.direction !== 'received'));
      }
      return out;
    };
  }
}
