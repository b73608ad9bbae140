// What the two server machines share: the request that created them, the
// responses the TU passes down, and how they tell the TU about failures.
import type { SipRequest, SipResponse } from '../message/index.js';
import type { TransactionKind } from '../trace/events.js';
import type { TransportError } from '../transport/transport.js';
import type { TransactionState } from '../trace/transaction-states.js';
import type { TransitionTable } from './states.js';
import { Transaction, type MessageChannel, type TransactionContext, type TransactionIdentity } from './transaction.js';

export interface ServerTransactionFailure {
  /** `timeout`: Timer H fired, the ACK never came (§17.2.1); `transport`: a response could not be sent (§17.2.4). */
  readonly kind: 'timeout' | 'transport';
  readonly error?: TransportError;
}

export interface RespondOptions {
  readonly retransmission?: boolean;
}

export abstract class ServerTransactionBase<State extends TransactionState> extends Transaction<State> {
  protected lastResponse: SipResponse | undefined;
  private readonly failureListeners: Array<(failure: ServerTransactionFailure) => void> = [];

  protected constructor(
    context: TransactionContext,
    channel: MessageChannel,
    identity: TransactionIdentity,
    kind: TransactionKind,
    initialState: State,
    transitions: TransitionTable<State>,
    readonly request: SipRequest,
  ) {
    super(context, channel, identity, 'server', kind, initialState, transitions);
  }

  /**
   * The TU's response to the request (§17.2: "the TU passes a response to the
   * server transaction"). `retransmission`: the TU is resending a response it
   * retransmits itself (a 2xx, §13.3.1.4; a reliable provisional, RFC 3262 §3),
   * reported on the diagnostics stream as a retransmission.
   */
  abstract respond(response: SipResponse, options?: RespondOptions): void;

  /** A request matched to this transaction: a retransmission (or, for INVITE, the ACK). */
  abstract receiveRequest(request: SipRequest): void;

  /** The last response sent, if any. */
  get response(): SipResponse | undefined {
    return this.lastResponse;
  }

  /** Called when the transaction fails (Timer H, or a transport error). */
  onFailure(listener: (failure: ServerTransactionFailure) => void): void {
    this.failureListeners.push(listener);
  }

  protected fail(failure: ServerTransactionFailure, cause: string): void {
    this.transition('Terminated' as State, cause);
    for (const listener of this.failureListeners) listener(failure);
  }

  protected transportFailed(error: TransportError): void {
    // §17.2.4: "the server transaction SHOULD inform the TU of a failure".
    this.fail({ kind: 'transport', error }, `transport error: ${error.message}`);
  }

  protected checkResponse(response: SipResponse): void {
    if (response.cseq.seq !== this.request.cseq.seq || response.cseq.method !== this.request.cseq.method) {
      throw new Error(`response CSeq '${response.cseq.seq} ${response.cseq.method}' does not answer ` +
        `'${this.request.cseq.seq} ${this.request.cseq.method}' (transaction ${this.id})`);
    }
  }
}
