// What the two client machines share: the request they carry, the user they
// report to, the retransmission interval, and transport failures (§17.1.4).
import type { SipRequest, SipResponse } from '../message/index.js';
import type { TransactionKind } from '../trace/events.js';
import type { TransportError } from '../transport/transport.js';
import type { TransactionState } from '../trace/transaction-states.js';
import type { TransitionTable } from './states.js';
import { Transaction, type MessageChannel, type TransactionContext, type TransactionIdentity } from './transaction.js';

/** What a client transaction tells its user (the UA core, or a test). */
export interface ClientTransactionUser {
  /**
   * A response the transaction passes up: provisional and final responses,
   * and (RFC 6026 §8.4) every 2xx that arrives while the INVITE transaction
   * is Accepted, so the UA core can ACK each retransmitted 2xx.
   */
  onResponse(response: SipResponse): void;
  /** Timer B or F fired without a final response (§8.1.3.1: act as on a 408). */
  onTimeout(): void;
  /** The request could not be sent (§8.1.3.1: act as on a 503). */
  onTransportError(error: TransportError): void;
}

export abstract class ClientTransactionBase<State extends TransactionState> extends Transaction<State> {
  /** The current retransmission interval of Timer A or E; starts at T1. */
  protected retransmitInterval: number;

  protected constructor(
    context: TransactionContext,
    channel: MessageChannel,
    identity: TransactionIdentity,
    kind: TransactionKind,
    initialState: State,
    transitions: TransitionTable<State>,
    readonly request: SipRequest,
    protected readonly user: ClientTransactionUser,
  ) {
    super(context, channel, identity, 'client', kind, initialState, transitions);
    this.retransmitInterval = context.timers.t1;
  }

  /** Sends the request and starts the machine's timers. */
  abstract start(): void;

  /** A response matched to this transaction (§17.1.3). */
  abstract receiveResponse(response: SipResponse): void;

  protected transportFailed(error: TransportError): void {
    // §17.1.4: "the client transaction SHOULD inform the TU that a failure has
    // occurred, and SHOULD transition directly to the Terminated state."
    this.transition('Terminated' as State, `transport error: ${error.message}`);
    this.user.onTransportError(error);
  }
}
