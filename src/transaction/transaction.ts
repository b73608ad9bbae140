// What the four transaction machines share: identity, the state with its
// history on the diagnostics stream, timers that report themselves, and
// sending through a channel that turns failures into transport errors.
import type { SipMessage } from '../message/index.js';
import type { DiagnosticsStream, TransactionKind, TransactionRole } from '../trace/events.js';
import { TransportError } from '../transport/transport.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { TimerName } from '../trace/timer-names.js';
import type { TransactionState } from '../trace/transaction-states.js';
import { IllegalTransitionError, type TransitionTable } from './states.js';
import type { TimerSettings } from './timers.js';

/** The stack services a transaction needs, shared by all transactions of a user agent. */
export interface TransactionContext {
  readonly clock: Clock;
  readonly diagnostics: DiagnosticsStream;
  readonly timers: TimerSettings;
}

/**
 * Where a transaction's messages go: one transport, one destination (or flow).
 * The transaction layer makes it, and reports every message sent on the
 * diagnostics stream; `send` rejects with a TransportError when it cannot send.
 */
export interface MessageChannel {
  /** `UDP`, `TCP`, `TLS`, `WS`, `WSS`. */
  readonly transport: string;
  /** True when a failure reported for `flowId` (or for `target`) concerns this channel. */
  carriedBy?(flowId: string | undefined, target: string): boolean;
  readonly reliable: boolean;
  send(message: SipMessage, transactionId: string | undefined): Promise<void>;
}

export interface TransactionIdentity {
  readonly id: string;
  readonly key: string;
  readonly method: string;
  readonly callId: string;
  readonly callTag?: string;
}

export abstract class Transaction<State extends TransactionState> {
  readonly id: string;
  readonly key: string;
  readonly method: string;
  readonly callId: string;
  private currentState: State;
  private readonly running = new Map<TimerName, TimerHandle & { readonly durationMs: number }>();
  private readonly terminatedListeners: Array<() => void> = [];

  protected constructor(
    protected readonly context: TransactionContext,
    protected readonly channel: MessageChannel,
    identity: TransactionIdentity,
    readonly role: TransactionRole,
    readonly kind: TransactionKind,
    initialState: State,
    /** The machine's figure (states.ts): every move not in it is refused. */
    private readonly transitions: TransitionTable<State>,
  ) {
    this.id = identity.id;
    this.key = identity.key;
    this.method = identity.method;
    this.callId = identity.callId;
    this.currentState = initialState;
    context.diagnostics.emit({
      type: 'transaction-created', at: context.clock.now(), transactionId: this.id, key: this.key,
      method: this.method, role, kind, transport: channel.transport, callId: this.callId,
      ...(identity.callTag === undefined ? {} : { callTag: identity.callTag }),
    });
  }

  get state(): State {
    return this.currentState;
  }

  get terminated(): boolean {
    return this.currentState === 'Terminated';
  }

  /** The call this transaction belongs to, when it was not known at creation (server transactions). */
  tagCall(callTag: string): void {
    this.context.diagnostics.emit({ type: 'transaction-tagged', at: this.context.clock.now(), transactionId: this.id, callTag });
  }

  /** Called once, when the transaction reaches Terminated. */
  onTerminated(listener: () => void): void {
    this.terminatedListeners.push(listener);
  }

  /** Timers currently running, for the diagnostics panel and tests. */
  get runningTimers(): readonly TimerName[] {
    return [...this.running.keys()];
  }

  /** Moves to `to` (no-op when already there); throws IllegalTransitionError for a move the figure lacks. */
  protected transition(to: State, cause: string): void {
    if (this.currentState === to) return;
    const from = this.currentState;
    if (!this.transitions[from].includes(to)) {
      throw new IllegalTransitionError(`${this.kind} ${this.role}`, from, to, cause);
    }
    this.currentState = to;
    this.context.diagnostics.emit({
      type: 'transaction-state', at: this.context.clock.now(), transactionId: this.id, from, to, cause,
    });
    if (to === 'Terminated') {
      for (const name of [...this.running.keys()]) this.cancelTimer(name);
      for (const listener of this.terminatedListeners.splice(0)) listener();
    }
  }

  /** Starts (or restarts) a timer; `onFire` runs unless it is cancelled first. */
  protected startTimer(name: TimerName, durationMs: number, onFire: () => void): void {
    this.cancelTimer(name, false);
    const { clock, diagnostics } = this.context;
    const handle = clock.setTimer(durationMs, () => {
      if (this.running.get(name) !== timer) return;
      this.running.delete(name);
      diagnostics.emit({ type: 'timer-fired', at: clock.now(), transactionId: this.id, timer: name, durationMs });
      onFire();
    });
    const timer = { cancel: () => handle.cancel(), durationMs };
    this.running.set(name, timer);
    diagnostics.emit({ type: 'timer-started', at: clock.now(), transactionId: this.id, timer: name, durationMs });
  }

  protected cancelTimer(name: TimerName, report = true): void {
    const timer = this.running.get(name);
    if (!timer) return;
    timer.cancel();
    this.running.delete(name);
    if (report) {
      this.context.diagnostics.emit({
        type: 'timer-cancelled', at: this.context.clock.now(), transactionId: this.id, timer: name, durationMs: timer.durationMs,
      });
    }
  }

  /**
   * Sends a message on the transaction's channel. A retransmission is also
   * reported as such. A failure reaches `transportFailed` (§17.1.4, §17.2.4).
   */
  protected transmit(message: SipMessage, retransmission: boolean): void {
    if (retransmission) {
      this.context.diagnostics.emit({
        type: 'retransmission-sent', at: this.context.clock.now(), transactionId: this.id, startLine: message.startLine,
      });
    }
    this.channel.send(message, this.id).catch((error: unknown) => {
      if (this.terminated) return;
      this.transportFailed(error instanceof TransportError ? error
        : new TransportError(error instanceof Error ? error.message : String(error), undefined, { cause: error }));
    });
  }

  /** Reports a retransmission from the peer that this transaction absorbed. */
  protected absorbed(message: SipMessage): void {
    this.context.diagnostics.emit({
      type: 'retransmission-absorbed', at: this.context.clock.now(), transactionId: this.id, startLine: message.startLine,
    });
  }

  /**
   * The connection this transaction's messages travel on has failed (RFC 3261
   * §18.4, RFC 5626 §4.4): a transaction still waiting on its peer fails now,
   * instead of at Timer B/F/H; one whose work is done carries on quietly.
   */
  flowFailed(error: TransportError): void {
    if (!this.terminated && this.awaitingPeer()) this.transportFailed(error);
  }

  /** Whether the transaction still needs to hear from (or reach) its peer. */
  protected abstract awaitingPeer(): boolean;

  protected abstract transportFailed(error: TransportError): void;
}
