// re-INVITE inside an established dialog (RFC 3261 §14), both ways. Ours:
// an INVITE client transaction built by the dialog, one 401/407 retry, the
// ACK built by the UA core for the 2xx and re-sent for each retransmitted
// 2xx (§13.2.2.4, RFC 6026), the remote target refreshed from the 2xx.
// Theirs: the glare rules (491 / 500 + Retry-After), our answer (or our
// offer, when theirs had none), the 2xx retransmitted until the ACK
// (§13.3.1.4) and BYE when none comes within 64·T1.
import type { Dialog } from '../../dialog/dialog.js';
import type { SipRequest, SipResponse } from '../../message/index.js';
import type { ServerTransaction } from '../../transaction/transaction-layer.js';
import { CoreRetransmitter, answerSchedule } from '../core/core-retransmitter.js';
import { retryAfterSeconds } from './glare.js';
import { sendInDialog, type InDialogOutcome } from '../core/in-dialog-client.js';
import type { MidCallShared } from './mid-call-types.js';
import { sdpBody } from '../sdp/sdp-body.js';
import type { MediaDirection } from '../sdp/sdp-handler.js';
import { buildAckFor2xx } from '../call/uac-requests.js';

interface AwaitingAck {
  readonly dialog: Dialog;
  readonly seq: number;
  readonly retransmitter: CoreRetransmitter;
  /** Our 2xx carried an offer (their re-INVITE had none): the ACK brings the answer (§14.2). */
  readonly offered: MediaDirection | undefined;
}

export class ReInvites {
  private awaiting: AwaitingAck | undefined;
  /** The ACK for the 2xx to our last re-INVITE, for 2xx retransmissions (§13.2.2.4). */
  private lastAck: { readonly dialog: Dialog; readonly seq: number; readonly ack: SipRequest } | undefined;

  constructor(private readonly midCall: MidCallShared) {}

  /** Their re-INVITE. */
  async receive(request: SipRequest, transaction: ServerTransaction, dialog: Dialog): Promise<void> {
    const { call, negotiation } = this.midCall;
    if (dialog !== call.sessionDialog()) {
      // The INVITE that creates the dialog is still in progress. §14.2: a UAS
      // that gets a second INVITE before its final response to the first "MUST
      // return a 500"; one whose own INVITE is in progress "MUST return a 491".
      if (call.direction === 'outgoing') this.midCall.refuse(transaction, { status: 491, reason: 'Request Pending' });
      else this.midCall.refuse(transaction, { status: 500, reason: 'the call is not set up yet (RFC 3261 §14.2)', retryAfter: retryAfterSeconds(this.midCall.random) });
      return;
    }
    const offer = sdpBody(request);
    const verdict = this.midCall.admitRefresh('INVITE', request, transaction, offer !== undefined);
    if (!verdict) return;
    negotiation.incomingInvite = true;
    if (offer !== undefined) negotiation.theirOffer = true;
    else negotiation.ourOffer = true;
    const made = await this.midCall.answerOrOffer(offer);
    negotiation.theirOffer = false;
    if (call.isEnded()) return;
    if ('error' in made) {
      // §14.2: "If the UAS ... [finds] the session description ... not acceptable,
      // ... it MUST ... 488"; the session stays as it was.
      negotiation.incomingInvite = false;
      negotiation.ourOffer = false;
      negotiation.changed();
      this.midCall.reply(transaction, 488, { reason: `Not Acceptable Here (${made.error})` });
      return;
    }
    // §12.2.2: "When a UAS receives a target refresh request, it MUST replace the
    // dialog's remote target URI with the URI from the Contact header field in that request".
    dialog.refreshTarget(request);
    this.midCall.notePeer(request);
    const built = call.endpoint.response(request, 200, this.midCall.okTail({
      require: verdict.require, headers: [...verdict.headers, ...this.midCall.recvInfoHeaders()],
      body: made.body, contentType: 'application/sdp',
    }));
    if (!built.ok) throw new Error(`cannot build 200 for the re-INVITE: ${built.error.message}`);
    const ok = built.value;
    transaction.respond(ok);
    verdict.commit();
    if (offer !== undefined) this.midCall.remoteDescribed('INVITE', offer, made.direction);
    // §13.3.1.4 applies to every INVITE: the UA core retransmits its 2xx until the ACK.
    const retransmitter = new CoreRetransmitter(call.endpoint.clock, answerSchedule(call.endpoint.transactions.timers),
      () => transaction.respond(ok, { retransmission: true }),
      () => {
        this.awaiting = undefined;
        negotiation.incomingInvite = false;
        negotiation.ourOffer = false;
        negotiation.changed();
        const t1 = call.endpoint.transactions.timers.t1;
        this.midCall.endSession('no-ack', `no ACK for the 200 OK to the re-INVITE within 64·T1 (${64 * t1} ms, RFC 3261 §13.3.1.4)`);
      });
    this.awaiting = { dialog, seq: request.cseq.seq, retransmitter, offered: offer === undefined ? made.direction : undefined };
    retransmitter.start();
  }

  /** The ACK for our 2xx to their re-INVITE. */
  receiveAck(dialog: Dialog, ack: SipRequest): void {
    const awaiting = this.awaiting;
    if (!awaiting || awaiting.dialog !== dialog || ack.cseq.seq !== awaiting.seq) return;
    // §13.3.1.4: "Response retransmissions cease when an ACK request for the response is received."
    awaiting.retransmitter.stop();
    this.awaiting = undefined;
    const { negotiation, call } = this.midCall;
    negotiation.incomingInvite = false;
    if (awaiting.offered !== undefined) {
      const answer = sdpBody(ack);
      negotiation.ourOffer = false;
      if (answer === undefined) {
        // §13.2.1 / §14.2: the 2xx carried our offer, so "the ACK MUST carry the answer".
        this.midCall.endSession('protocol-error', 'the ACK to our offer in the 200 OK (re-INVITE) has no SDP answer (RFC 3261 §13.2.1)');
      } else {
        const ours = awaiting.offered;
        void call.sdp.applyFinalAnswer(answer).then(() => this.midCall.remoteDescribed('INVITE', answer, ours), () => undefined);
      }
    }
    negotiation.changed();
  }

  /** Our re-INVITE with `offer`; resolves with its final response (2xx already ACKed). */
  send(dialog: Dialog, offer: string): Promise<InDialogOutcome> {
    const { call } = this.midCall;
    const { endpoint } = call;
    let ack: SipRequest | undefined;
    return sendInDialog({
      endpoint, dialog, callTag: call.callTag, ...(call.authenticator ? { authenticator: call.authenticator } : {}),
    }, 'INVITE', {
      contact: this.midCall.contact(), supported: this.midCall.supported(),
      body: offer, contentType: 'application/sdp',
      headers: [
        { name: 'Allow', value: endpoint.allow.join(', ') },
        ...this.midCall.timer.requestHeaders(), ...this.midCall.recvInfoHeaders(),
      ],
      on2xx: (request, response) => {
        if (!ack) {
          // §12.2.1.2: "When a UAC receives a 2xx response to a target refresh
          // request, it MUST replace the dialog's remote target URI with the
          // URI from the Contact header field in that response"; the ACK goes there.
          dialog.refreshTarget(response);
          ack = buildAckFor2xx(dialog, request, endpoint.via());
          this.lastAck = { dialog, seq: request.cseq.seq, ack };
        }
        // §13.2.2.4: an ACK for each 2xx, retransmissions included.
        endpoint.sendAck(ack).catch(() => undefined);
      },
    });
  }

  /** A 2xx to our re-INVITE retransmitted after its transaction ended (Timer M): ACK it again. */
  receiveStray(dialog: Dialog, response: SipResponse): void {
    const last = this.lastAck;
    if (!last || last.dialog !== dialog || response.cseq.method !== 'INVITE' || response.cseq.seq !== last.seq) return;
    if (response.status >= 200 && response.status < 300) this.midCall.call.endpoint.sendAck(last.ack).catch(() => undefined);
  }

  stop(): void {
    this.awaiting?.retransmitter.stop();
    this.awaiting = undefined;
  }
}
