// The UAS side of RFC 3262 for one INVITE: numbering reliable provisional
// responses (RSeq), sending one at a time, retransmitting each until its
// PRACK arrives, and giving up after 64·T1.
import type { RAck, SipResponse } from '../../message/index.js';
import type { Clock } from '../../util/clock.js';
import { CoreRetransmitter, reliableProvisionalSchedule } from '../core/core-retransmitter.js';

export type ReliableOutcome = 'acknowledged' | 'timeout' | 'stopped';

export interface ReliableProvisionalsOptions {
  readonly clock: Clock;
  readonly timers: { readonly t1: number };
  /** Passes a response (or its retransmission) to the INVITE server transaction. */
  readonly transmit: (response: SipResponse, retransmission: boolean) => void;
  /** A reliable provisional went unacknowledged for 64·T1 (called synchronously, at that instant). */
  readonly onTimeout?: (response: SipResponse) => void;
  /** §3: "The value of the header field for the first reliable provisional response in a transaction MUST be between 1 and 2**31 - 1." */
  readonly initialRseq?: number;
  /** FAULT rseq-gap (see faults.ts): the second reliable provisional skips one RSeq. */
  readonly rseqGap?: boolean;
}

interface Outstanding {
  readonly rseq: number;
  readonly response: SipResponse;
  readonly retransmitter: CoreRetransmitter;
  readonly done: (outcome: ReliableOutcome) => void;
}

interface Queued {
  readonly build: (rseq: number) => SipResponse;
  readonly done: (outcome: ReliableOutcome) => void;
}

export class ReliableProvisionals {
  private nextRseq: number;
  private outstanding: Outstanding | undefined;
  /** The last one we stopped retransmitting without a PRACK: §3, we "MUST be prepared to process PRACK requests" for it. */
  private abandoned: { rseq: number; response: SipResponse } | undefined;
  private readonly queue: Queued[] = [];
  private idleWaiters: Array<() => void> = [];
  private stopped = false;
  private sent = 0;

  constructor(private readonly options: ReliableProvisionalsOptions) {
    // "It is RECOMMENDED that it be chosen uniformly in this range."
    this.nextRseq = options.initialRseq ?? 1 + Math.floor(Math.random() * (2 ** 31 - 2));
  }

  /** True while a reliable provisional waits for its PRACK or for its turn. */
  get pending(): boolean {
    return this.outstanding !== undefined || this.queue.length > 0;
  }

  /**
   * Sends a reliable provisional built for its RSeq; resolves when it is
   * PRACKed, timed out (64·T1) or stopped. §3: "The UAS MUST NOT send a
   * second reliable provisional response until the first is acknowledged":
   * later ones wait their turn.
   */
  send(build: (rseq: number) => SipResponse): Promise<ReliableOutcome> {
    if (this.stopped) return Promise.resolve('stopped');
    return new Promise((done) => {
      this.queue.push({ build, done });
      if (!this.outstanding) this.sendNext();
    });
  }

  /**
   * A PRACK's RAck. §3: "If the PRACK does match an unacknowledged reliable
   * provisional response, it MUST be responded to with a 2xx response"; the
   * match is on RSeq, CSeq number and method. Returns the response it
   * acknowledges, or undefined ("the UAS MUST respond to the PRACK with a 481").
   */
  acknowledge(rack: RAck | undefined, invite: { readonly seq: number; readonly method: string }): SipResponse | undefined {
    if (!rack || rack.cseq !== invite.seq || rack.method !== invite.method) return undefined;
    const abandoned = this.abandoned;
    if (abandoned && abandoned.rseq === rack.rseq) {
      this.abandoned = undefined;
      return abandoned.response;
    }
    const current = this.outstanding;
    if (!current || current.rseq !== rack.rseq) return undefined;
    // "Retransmissions of the reliable provisional response cease when a matching PRACK is received."
    current.retransmitter.stop();
    this.outstanding = undefined;
    current.done('acknowledged');
    this.sendNext();
    return current.response;
  }

  /** Resolves when nothing is outstanding or queued (at once if nothing is). */
  whenIdle(): Promise<void> {
    if (!this.pending) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * A final response was sent: §3, "it SHOULD NOT continue to retransmit the
   * unacknowledged reliable provisional responses, but it MUST be prepared to
   * process PRACK requests for those outstanding responses."
   */
  stop(): void {
    this.stopped = true;
    const current = this.outstanding;
    if (current) {
      current.retransmitter.stop();
      this.abandoned = { rseq: current.rseq, response: current.response };
      this.outstanding = undefined;
      current.done('stopped');
    }
    for (const queued of this.queue.splice(0)) queued.done('stopped');
    this.wakeIdle();
  }

  private sendNext(): void {
    const next = this.queue.shift();
    if (!next) {
      this.wakeIdle();
      return;
    }
    // FAULT rseq-gap (RFC 3262 §3: "MUST be one higher than the previous"): skip one.
    if (this.options.rseqGap && this.sent++ === 1) this.nextRseq++;
    const rseq = this.nextRseq++;
    const response = next.build(rseq);
    const retransmitter = new CoreRetransmitter(this.options.clock, reliableProvisionalSchedule(this.options.timers),
      () => this.options.transmit(response, true),
      () => {
        if (this.outstanding?.rseq !== rseq) return;
        this.outstanding = undefined;
        next.done('timeout');
        for (const queued of this.queue.splice(0)) queued.done('stopped');
        this.options.onTimeout?.(response);
        this.wakeIdle();
      });
    this.outstanding = { rseq, response, retransmitter, done: next.done };
    this.options.transmit(response, false);
    retransmitter.start();
  }

  private wakeIdle(): void {
    if (this.pending) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
