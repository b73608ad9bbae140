// RFC 3261 §17.1.2 non-INVITE client transaction (Figure 6).
import type { SipRequest, SipResponse } from '../message/index.js';
import { ClientTransactionBase, type ClientTransactionUser } from './client-transaction.js';
import { nextRetransmitInterval, timerDuration } from './timers.js';
import type { MessageChannel, TransactionContext, TransactionIdentity } from './transaction.js';
import { NON_INVITE_CLIENT_TRANSITIONS, type NonInviteClientState } from './states.js';

export { NON_INVITE_CLIENT_TRANSITIONS, type NonInviteClientState };

export class NonInviteClientTransaction extends ClientTransactionBase<NonInviteClientState> {
  constructor(context: TransactionContext, channel: MessageChannel, identity: TransactionIdentity,
    request: SipRequest, user: ClientTransactionUser) {
    super(context, channel, identity, 'non-invite', 'Trying', NON_INVITE_CLIENT_TRANSITIONS, request, user);
  }

  start(): void {
    this.transmit(this.request, false);
    // §17.1.2.2: "The Trying state is entered when the TU initiates a new client
    // transaction with a request. When entering this state, the client
    // transaction SHOULD set timer F to fire in 64*T1 seconds."
    this.startTimer('F', timerDuration('F', this.context.timers, this.channel.reliable), () => {
      if (this.state !== 'Trying' && this.state !== 'Proceeding') return;
      // "If Timer F fires while the client transaction is still in the Trying
      // state, the client transaction SHOULD inform the TU about the timeout,
      // and then it SHOULD enter the Terminated state." (likewise in Proceeding)
      this.transition('Terminated', 'Timer F fired: no final response');
      this.user.onTimeout();
    });
    // "If an unreliable transport is in use, the client transaction MUST set
    // timer E to fire in T1 seconds."
    if (!this.channel.reliable) this.startTimerE();
  }

  private startTimerE(): void {
    this.startTimer('E', this.retransmitInterval, () => {
      if (this.state !== 'Trying' && this.state !== 'Proceeding') return;
      this.transmit(this.request, true);
      // Trying: "the timer is reset with a value of MIN(2*T1, T2)" and doubling;
      // Proceeding: "Timer E MUST be reset with a value of T2 seconds."
      this.retransmitInterval = this.state === 'Proceeding'
        ? this.context.timers.t2
        : nextRetransmitInterval('E', this.retransmitInterval, this.context.timers);
      this.startTimerE();
    });
  }

  receiveResponse(response: SipResponse): void {
    const status = response.status;
    switch (this.state) {
      case 'Trying':
      case 'Proceeding':
        if (status < 200) {
          // "If a provisional response is received while in the Trying state, the
          // response MUST be passed to the TU, and then the client transaction
          // SHOULD move to the Proceeding state."
          this.transition('Proceeding', `${status} received`);
          this.user.onResponse(response);
          return;
        }
        // "If a final response (status codes 200-699) is received while in the
        // Trying [or Proceeding] state, the response MUST be passed to the TU,
        // and the client transaction MUST transition to the Completed state."
        this.cancelTimer('E');
        this.cancelTimer('F');
        this.transition('Completed', `${status} received`);
        this.user.onResponse(response);
        {
          // "Once the client transaction enters the Completed state, it MUST set
          // Timer K to fire in T4 seconds for unreliable transports, and zero
          // seconds for reliable transports."
          const k = timerDuration('K', this.context.timers, this.channel.reliable);
          if (k === 0) this.transition('Terminated', 'Completed on a reliable transport (Timer K = 0)');
          else this.startTimer('K', k, () => this.transition('Terminated', 'Timer K fired'));
        }
        return;
      case 'Completed':
        // "The Completed state exists to buffer any additional response
        // retransmissions that may be received".
        this.absorbed(response);
        return;
      case 'Terminated':
        return;
    }
  }

  protected awaitingPeer(): boolean {
    return this.state === 'Trying' || this.state === 'Proceeding';
  }
}
