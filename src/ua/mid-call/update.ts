// UPDATE (RFC 3311): a new offer, or a session refresh without one, in the
// confirmed dialog or in an early dialog once its first offer/answer is
// done. A non-INVITE transaction: the answer is in the 2xx, no ACK.
import type { Dialog } from '../../dialog/dialog.js';
import type { SipRequest } from '../../message/index.js';
import type { ServerTransaction } from '../../transaction/transaction-layer.js';
import { retryAfterSeconds } from './glare.js';
import type { InDialogOutcome } from '../core/in-dialog-client.js';
import type { MidCallShared } from './mid-call-types.js';
import { sdpBody } from '../sdp/sdp-body.js';

export class Updates {
  constructor(private readonly midCall: MidCallShared) {}

  /** Their UPDATE. */
  async receive(request: SipRequest, transaction: ServerTransaction, dialog: Dialog): Promise<void> {
    const { call, negotiation } = this.midCall;
    const offer = sdpBody(request);
    const confirmed = dialog === call.sessionDialog();
    if (!confirmed && offer !== undefined && dialog !== call.earlyDialog()) {
      // §5.1: an UPDATE may carry an offer in an early dialog only once the
      // initial offer/answer is done. §5.2: "If the UAS has generated an offer
      // ... to which it has not yet received an answer, it MUST reject the
      // UPDATE with a 491"; "If the UAS has received an offer ... to which it
      // has not yet generated an answer, it MUST reject the UPDATE with a 500
      // ... [and] a Retry-After header field with a randomly chosen value
      // between 0 and 10 seconds."
      if (call.direction === 'outgoing') this.midCall.refuse(transaction, { status: 491, reason: 'Request Pending' });
      else this.midCall.refuse(transaction, { status: 500, reason: 'the offer in the INVITE is not answered yet (RFC 3311 §5.2)', retryAfter: retryAfterSeconds(this.midCall.random) });
      return;
    }
    const verdict = this.midCall.admitRefresh('UPDATE', request, transaction, offer !== undefined);
    if (!verdict) return;
    let made: Awaited<ReturnType<MidCallShared['answerOrOffer']>> | undefined;
    if (offer !== undefined) {
      negotiation.theirOffer = true;
      made = await this.midCall.answerOrOffer(offer);
      negotiation.theirOffer = false;
      negotiation.changed();
      if (call.isEnded()) return;
      if ('error' in made) {
        // §5.2: "If the UAS cannot change the session parameters without prompting
        // the user, it SHOULD reject the request with a 504"; an offer it cannot
        // accept at all gets 488, and the session stays as it was.
        this.midCall.reply(transaction, 488, { reason: `Not Acceptable Here (${made.error})` });
        return;
      }
    }
    // UPDATE is a target refresh request (§5.2, RFC 3261 §12.2.2).
    dialog.refreshTarget(request);
    this.midCall.notePeer(request);
    this.midCall.reply(transaction, 200, this.midCall.okTail({
      require: verdict.require, headers: [...verdict.headers],
      ...(made && !('error' in made) ? { body: made.body, contentType: 'application/sdp' } : {}),
    }));
    verdict.commit();
    if (offer !== undefined && made && !('error' in made)) this.midCall.remoteDescribed('UPDATE', offer, made.direction);
  }

  /** Our UPDATE, with an offer or (a session refresh) without one. */
  send(dialog: Dialog, offer: string | undefined): Promise<InDialogOutcome> {
    const { endpoint } = this.midCall.call;
    return this.midCall.call.sendInDialog(dialog, 'UPDATE', {
      contact: this.midCall.contact(), supported: this.midCall.supported(),
      headers: [{ name: 'Allow', value: endpoint.allow.join(', ') }, ...this.midCall.timer.requestHeaders()],
      ...(offer === undefined ? {} : { body: offer, contentType: 'application/sdp' }),
    });
  }
}
