// RFC 3261 §17.1.1 INVITE client transaction, as updated by RFC 6026 §7.2
// (the Accepted state and Timer M: a 2xx ends the transaction's ACK duty but
// the transaction stays to pass 2xx retransmissions up to the TU).
import { buildRequest } from '../message/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { ClientTransactionBase, type ClientTransactionUser } from './client-transaction.js';
import { nextRetransmitInterval, timerDuration } from './timers.js';
import type { MessageChannel, TransactionContext, TransactionIdentity } from './transaction.js';
import { INVITE_CLIENT_TRANSITIONS, type InviteClientState } from './states.js';

export { INVITE_CLIENT_TRANSITIONS, type InviteClientState };

export class InviteClientTransaction extends ClientTransactionBase<InviteClientState> {
  private ack: SipRequest | undefined;

  constructor(context: TransactionContext, channel: MessageChannel, identity: TransactionIdentity,
    request: SipRequest, user: ClientTransactionUser) {
    super(context, channel, identity, 'invite', 'Calling', INVITE_CLIENT_TRANSITIONS, request, user);
  }

  /** §17.1.1.2: "the client transaction MUST pass the request to the transport layer". */
  start(): void {
    this.transmit(this.request, false);
    if (!this.channel.reliable) this.startTimerA();
    // "For any transport, the client transaction MUST start timer B with a value of 64*T1".
    this.startTimer('B', timerDuration('B', this.context.timers, this.channel.reliable), () => {
      if (this.state !== 'Calling') return;
      // "If the client transaction is still in the Calling state when timer B
      // fires, the client transaction SHOULD inform the TU that a timeout has occurred."
      this.transition('Terminated', 'Timer B fired: no response');
      this.user.onTimeout();
    });
  }

  private startTimerA(): void {
    this.startTimer('A', this.retransmitInterval, () => {
      if (this.state !== 'Calling') return;
      // "When timer A fires, the client transaction MUST retransmit the request
      // ... and reset the timer with a value of 2*T1."
      this.transmit(this.request, true);
      this.retransmitInterval = nextRetransmitInterval('A', this.retransmitInterval, this.context.timers);
      this.startTimerA();
    });
  }

  /**
   * §9.1: "If no final response has been received after 64*T1 seconds, the
   * client SHOULD then consider the original transaction cancelled and SHOULD
   * destroy the client transaction handling the original request."
   */
  abandon(reason: string): void {
    if (this.state === 'Calling' || this.state === 'Proceeding') this.transition('Terminated', reason);
  }

  /** A response matched to this transaction (§17.1.3). */
  receiveResponse(response: SipResponse): void {
    const status = response.status;
    switch (this.state) {
      case 'Calling':
      case 'Proceeding':
        if (status < 200) {
          // "If the client transaction receives a provisional response while in the
          // Calling state, it transitions to the Proceeding state ... Furthermore,
          // the provisional response MUST be passed to the TU."
          if (this.state === 'Calling') {
            this.cancelTimer('A');
            this.cancelTimer('B');
            this.transition('Proceeding', `${status} received`);
          }
          this.user.onResponse(response);
        } else if (status < 300) {
          // RFC 6026 §8.4: "a 2xx response MUST cause the client transaction to
          // enter the Accepted state" and "Timer M ... 64*T1".
          this.cancelTimer('A');
          this.cancelTimer('B');
          this.transition('Accepted', `${status} received`);
          this.startTimer('M', timerDuration('M', this.context.timers, this.channel.reliable), () => {
            this.transition('Terminated', 'Timer M fired');
          });
          this.user.onResponse(response);
        } else {
          // "When in either the Calling or Proceeding states, reception of a
          // response with status code from 300-699 MUST cause the client
          // transaction to transition to Completed. The client transaction MUST
          // pass the received response up to the TU, and the client transaction
          // MUST generate an ACK request".
          this.cancelTimer('A');
          this.cancelTimer('B');
          this.transition('Completed', `${status} received`);
          this.sendAck(response, false);
          this.user.onResponse(response);
          this.enterWaitForRetransmissions();
        }
        return;
      case 'Completed':
        // "Any retransmissions of the final response that are received while in
        // the Completed state MUST cause the ACK to be re-passed to the
        // transport layer for retransmission, but the newly received response
        // MUST NOT be passed up to the TU."
        if (status >= 300) {
          this.absorbed(response);
          this.sendAck(response, true);
        }
        return;
      case 'Accepted':
        // RFC 6026 §8.4: "any 2xx responses that match this client transaction
        // ... MUST be passed up to the TU".
        if (status >= 200 && status < 300) this.user.onResponse(response);
        return;
      case 'Terminated':
        return;
    }
  }

  private enterWaitForRetransmissions(): void {
    // "The client transaction SHOULD start timer D when it enters the Completed
    // state, with a value of at least 32 seconds for unreliable transports, and
    // a value of zero seconds for reliable transports."
    const d = timerDuration('D', this.context.timers, this.channel.reliable);
    if (d === 0) {
      this.transition('Terminated', 'Completed on a reliable transport (Timer D = 0)');
      return;
    }
    this.startTimer('D', d, () => this.transition('Terminated', 'Timer D fired'));
  }

  /**
   * §17.1.1.3: the ACK for a non-2xx final response has the Request-URI, Call-ID,
   * From, CSeq number and a single Via of the INVITE (same branch), the To of
   * the response (with its tag), method ACK, and the INVITE's Route headers.
   */
  private sendAck(response: SipResponse, retransmission: boolean): void {
    if (!this.ack) {
      const invite = this.request;
      const via = invite.topVia;
      const built = buildRequest({
        method: 'ACK',
        uri: invite.requestUriText,
        cseq: { seq: invite.cseq.seq, method: 'ACK' },
        maxForwards: invite.maxForwards ?? 70,
        via: [{
          transport: via.transport, host: via.host, branch: via.branch,
          ...(via.port === undefined ? {} : { port: via.port }),
          ...(via.rport === undefined ? {} : { rport: via.rport }),
        }],
        from: invite.from,
        to: response.to,
        callId: invite.callId,
        route: invite.routes,
      });
      if (!built.ok) {
        // Cannot happen for values that came from parsed messages; say so loudly if it does.
        throw new Error(`cannot build the ACK for ${response.status}: ${built.error.message}`);
      }
      this.ack = built.value;
    }
    this.transmit(this.ack, retransmission);
  }

  protected awaitingPeer(): boolean {
    return this.state === 'Calling' || this.state === 'Proceeding';
  }
}
