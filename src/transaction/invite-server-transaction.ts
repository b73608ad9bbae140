// RFC 3261 §17.2.1 INVITE server transaction, as updated by RFC 6026 §7.1
// (the Accepted state and Timer L: the TU, not the transaction, retransmits
// 2xx responses, and the transaction absorbs INVITE retransmissions meanwhile).
import { buildResponseTo } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { ServerTransactionBase, type RespondOptions } from './server-transaction.js';
import { nextRetransmitInterval, timerDuration } from './timers.js';
import type { MessageChannel, TransactionContext, TransactionIdentity } from './transaction.js';
import { INVITE_SERVER_TRANSITIONS, type InviteServerState } from './states.js';

export { INVITE_SERVER_TRANSITIONS, type InviteServerState };

export class InviteServerTransaction extends ServerTransactionBase<InviteServerState> {
  private retransmitInterval: number;
  private lastProvisional: SipResponse | undefined;

  constructor(context: TransactionContext, channel: MessageChannel, identity: TransactionIdentity, request: SipRequest) {
    super(context, channel, identity, 'invite', 'Proceeding', INVITE_SERVER_TRANSITIONS, request);
    this.retransmitInterval = context.timers.t1;
  }

  /**
   * §17.2.1: "the server transaction MUST generate a 100 (Trying) response
   * unless it knows that the TU will generate a provisional or final response
   * within 200 ms".
   */
  start(): void {
    this.startTimer('Trying', timerDuration('Trying', this.context.timers, this.channel.reliable), () => {
      if (this.state === 'Proceeding' && !this.lastResponse) this.sendTrying();
    });
  }

  private sendTrying(): void {
    // buildResponseTo never adds a To tag to a 100 (§8.2.6.1 / §17.2.1).
    const trying = buildResponseTo(this.request, { status: 100 });
    if (!trying.ok) throw new Error(`cannot build 100 Trying: ${trying.error.message}`);
    this.lastProvisional = trying.value;
    this.lastResponse = trying.value;
    this.transmit(trying.value, false);
  }

  respond(response: SipResponse, options: RespondOptions = {}): void {
    this.checkResponse(response);
    const status = response.status;
    this.cancelTimer('Trying', false);
    switch (this.state) {
      case 'Proceeding':
        this.lastResponse = response;
        this.transmit(response, options.retransmission === true);
        if (status < 200) {
          // "The TU passes any number of provisional responses to the server transaction."
          this.lastProvisional = response;
        } else if (status < 300) {
          // RFC 6026 §8.5: "If, while in the Proceeding state, the TU passes a 2xx
          // response to the server transaction, the server transaction MUST pass
          // this response to the transport layer for transmission. ... The server
          // transaction MUST then transition to the Accepted state" (Timer L, 64*T1).
          this.transition('Accepted', `${status} sent`);
          this.startTimer('L', timerDuration('L', this.context.timers, this.channel.reliable),
            () => this.transition('Terminated', 'Timer L fired'));
        } else {
          // "While in the Proceeding state, if the TU passes a response with status
          // code from 300 to 699 to the server transaction, the response MUST be
          // passed to the transport layer for transmission, and the state machine
          // MUST enter the Completed state. For unreliable transports, timer G is
          // set to fire in T1 seconds ... timer H MUST be set to fire in 64*T1".
          this.transition('Completed', `${status} sent`);
          if (!this.channel.reliable) this.startTimerG();
          this.startTimer('H', timerDuration('H', this.context.timers, this.channel.reliable), () => {
            if (this.state !== 'Completed') return;
            // "If timer H fires while in the Completed state, it implies that the
            // ACK was never received. In this case, the server transaction MUST
            // transition to the Terminated state, and MUST indicate to the TU that
            // a transaction failure has occurred."
            this.fail({ kind: 'timeout' }, 'Timer H fired: no ACK');
          });
        }
        return;
      case 'Accepted':
        // RFC 6026 §8.7: "while in the Accepted state, if the TU passes a 2xx
        // response, the server transaction MUST pass the response to the
        // transport layer for transmission" (the TU's own 2xx retransmissions).
        if (status >= 200 && status < 300) {
          this.lastResponse = response;
          this.transmit(response, options.retransmission === true);
          return;
        }
        // Anything else after a 2xx is meaningless; discarded like a second final.
        return;
      case 'Completed':
      case 'Confirmed':
      case 'Terminated':
        // A final response was already sent: later ones are discarded (as §17.2.2
        // says for non-INVITE).
        return;
    }
  }

  private startTimerG(): void {
    this.startTimer('G', this.retransmitInterval, () => {
      if (this.state !== 'Completed' || !this.lastResponse) return;
      // "If timer G fires, the response is passed to the transport layer once
      // more for retransmission, and timer G is set to fire in MIN(2*T1, T2) seconds."
      this.transmit(this.lastResponse, true);
      this.retransmitInterval = nextRetransmitInterval('G', this.retransmitInterval, this.context.timers);
      this.startTimerG();
    });
  }

  /**
   * For an ACK matched by key: true when it acknowledges this transaction's
   * non-2xx (RFC 2543 fallback also needs the To tag to match the response's).
   */
  acknowledgesFinalResponse(ack: SipRequest): boolean {
    if (this.state !== 'Completed' && this.state !== 'Confirmed') return false;
    const sentTag = this.lastResponse?.to.tag;
    return sentTag === undefined || ack.to.tag === sentTag;
  }

  receiveRequest(request: SipRequest): void {
    if (request.method === 'ACK') {
      this.absorbed(request);
      if (this.state !== 'Completed') return;
      // "If an ACK is received while the server transaction is in the Completed
      // state, the server transaction MUST transition to the Confirmed state."
      this.cancelTimer('G');
      this.cancelTimer('H');
      this.transition('Confirmed', 'ACK received');
      // "The purpose of the Confirmed state is to absorb any additional ACK
      // messages ... timer I is set to fire in T4 seconds for unreliable
      // transports, and zero seconds for reliable transports."
      const i = timerDuration('I', this.context.timers, this.channel.reliable);
      if (i === 0) this.transition('Terminated', 'Confirmed on a reliable transport (Timer I = 0)');
      else this.startTimer('I', i, () => this.transition('Terminated', 'Timer I fired'));
      return;
    }
    // A retransmitted INVITE.
    this.absorbed(request);
    switch (this.state) {
      case 'Proceeding':
        // "If a request retransmission is received while in the Proceeding state,
        // the most recent provisional response that was received from the TU MUST
        // be passed to the transport layer for retransmission." With none yet,
        // the 100 Trying goes now rather than at 200 ms.
        if (this.lastProvisional) this.transmit(this.lastProvisional, true);
        else {
          this.cancelTimer('Trying', false);
          this.sendTrying();
        }
        return;
      case 'Completed':
        // "while in the Completed state, if a request retransmission is received,
        // the server SHOULD pass the response to the transport for retransmission."
        if (this.lastResponse) this.transmit(this.lastResponse, true);
        return;
      case 'Accepted':
      case 'Confirmed':
      case 'Terminated':
        // RFC 6026 §8.6: Accepted absorbs INVITE retransmissions; Confirmed absorbs too.
        return;
    }
  }

  protected awaitingPeer(): boolean {
    return this.state === 'Proceeding' || this.state === 'Completed';
  }
}
