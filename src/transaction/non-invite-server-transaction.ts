// RFC 3261 §17.2.2 non-INVITE server transaction (Figure 8).
import type { SipRequest, SipResponse } from '../message/index.js';
import { ServerTransactionBase, type RespondOptions } from './server-transaction.js';
import { timerDuration } from './timers.js';
import type { MessageChannel, TransactionContext, TransactionIdentity } from './transaction.js';
import { NON_INVITE_SERVER_TRANSITIONS, type NonInviteServerState } from './states.js';

export { NON_INVITE_SERVER_TRANSITIONS, type NonInviteServerState };

export class NonInviteServerTransaction extends ServerTransactionBase<NonInviteServerState> {
  constructor(context: TransactionContext, channel: MessageChannel, identity: TransactionIdentity, request: SipRequest) {
    super(context, channel, identity, 'non-invite', 'Trying', NON_INVITE_SERVER_TRANSITIONS, request);
  }

  respond(response: SipResponse, options: RespondOptions = {}): void {
    this.checkResponse(response);
    const status = response.status;
    switch (this.state) {
      case 'Trying':
      case 'Proceeding':
        this.lastResponse = response;
        this.transmit(response, options.retransmission === true);
        if (status < 200) {
          // "While in the Trying state, if the TU passes a provisional response to
          // the server transaction, the server transaction MUST enter the
          // Proceeding state."
          this.transition('Proceeding', `${status} sent`);
          return;
        }
        // "If the TU passes a final response (status codes 200-699) to the server
        // while in the Proceeding state, the transaction MUST enter the Completed
        // state" (from Trying likewise) "... Timer J to fire in 64*T1 seconds for
        // unreliable transports, and zero seconds for reliable transports."
        this.transition('Completed', `${status} sent`);
        {
          const j = timerDuration('J', this.context.timers, this.channel.reliable);
          if (j === 0) this.transition('Terminated', 'Completed on a reliable transport (Timer J = 0)');
          else this.startTimer('J', j, () => this.transition('Terminated', 'Timer J fired'));
        }
        return;
      case 'Completed':
      case 'Terminated':
        // "Any other final responses passed by the TU to the server transaction
        // MUST be discarded while in the Completed state."
        return;
    }
  }

  receiveRequest(request: SipRequest): void {
    this.absorbed(request);
    switch (this.state) {
      case 'Trying':
        // "Once in the Trying state, any further request retransmissions are discarded."
        return;
      case 'Proceeding':
      case 'Completed':
        // "If a retransmission of the request is received while in the Proceeding
        // state, the most recently sent provisional response MUST be passed to the
        // transport layer for retransmission." / Completed: "the server MUST pass
        // the final response to the transport layer for retransmission".
        if (this.lastResponse) this.transmit(this.lastResponse, true);
        return;
      case 'Terminated':
        return;
    }
  }

  protected awaitingPeer(): boolean {
    return this.state === 'Trying' || this.state === 'Proceeding';
  }
}
