// Transfer with REFER (RFC 3515; flows of RFC 5589 §6 blind, §7 attended).
// As transferor: REFER with Refer-To (for an attended transfer a URI whose
// Replaces header names our other call's dialog, RFC 3891) and Referred-By,
// then the NOTIFYs of the implicit subscription, each a message/sipfrag
// status line, until one says the subscription is terminated; a SUBSCRIBE
// refreshes the subscription while it lasts. As transferee: 202, NOTIFY
// "100 Trying", the new call placed through the CallAgent (with Replaces
// when the Refer-To has one), NOTIFYs for its progress and final status
// (refer-notifier.ts), and, when it was answered, BYE on the original call.
import type { Dialog } from '../../dialog/dialog.js';
import { REASON_PHRASES, formatNameAddr, formatUri, parseUri } from '../../message/index.js';
import type { HeaderSpec, SipRequest, SipUri } from '../../message/index.js';
import type { ServerTransaction } from '../../transaction/transaction-layer.js';
import type { TimerHandle } from '../../util/clock.js';
import { describeOutcome } from '../core/in-dialog-client.js';
import type { Call, TransferOutcome } from '../call/types.js';
import type { MidCallShared } from './mid-call-types.js';
import { ReferNotifier, SUBSCRIPTION_SECONDS, sipfragStatus, subscriptionState } from './refer-notifier.js';
import { referToWithReplaces, replacesOfReferTo, type ReplacesTarget } from './replaces.js';

export { sipfragStatus } from './refer-notifier.js';

interface Subscription {
  /** CSeq number of the REFER: the NOTIFYs' Event id (RFC 3515 §2.4.6). */
  readonly seq: number;
  readonly dialog: Dialog;
  last?: { status: number; reason: string };
  /** Gives up when no NOTIFY comes before the subscription runs out. */
  guard?: TimerHandle;
  /** Our SUBSCRIBE that extends the subscription before it runs out. */
  refresher?: TimerHandle;
  settle(outcome: TransferOutcome): void;
}

export class Transfers {
  private readonly subscriptions = new Map<number, Subscription>();
  private readonly notifiers = new Map<number, ReferNotifier>();
  private transferring = false;

  constructor(private readonly midCall: MidCallShared) {}

  // ——— transferor ———

  /** Blind transfer (RFC 5589 §6): Refer-To the target. */
  transfer(target: string): Promise<TransferOutcome> {
    const uri = parseUri(target);
    if (!uri.ok) return Promise.resolve({ ok: false, reason: `not a URI to transfer to: ${target}` });
    return this.refer(`<${formatUri(uri.value)}>`);
  }

  /** Attended transfer (RFC 5589 §7.1): Refer-To the other call's peer, with Replaces naming that call's dialog. */
  transferTo(target: ReplacesTarget): Promise<TransferOutcome> {
    return this.refer(`<${referToWithReplaces(target)}>`);
  }

  private refer(referTo: string): Promise<TransferOutcome> {
    const { call } = this.midCall;
    const dialog = call.sessionDialog();
    if (!dialog) return Promise.resolve({ ok: false, reason: 'no established dialog to send REFER in' });
    return new Promise((resolve) => {
      let current: Subscription | undefined;
      const settle = (outcome: TransferOutcome): void => {
        if (!current) return;
        current.guard?.cancel();
        current.refresher?.cancel();
        this.subscriptions.delete(current.seq);
        current = undefined;
        resolve(outcome);
      };
      void call.sendInDialog(dialog, 'REFER', {
        contact: this.midCall.contact(),
        headers: [
          // RFC 3515: the REFER names its target in Refer-To; RFC 3892: who refers.
          { name: 'Refer-To', value: referTo },
          { name: 'Referred-By', value: `<${formatUri(dialog.local.uri)}>` },
        ],
        onSent: (request) => {
          // A NOTIFY may overtake the 202: the subscription exists from the moment the REFER leaves.
          if (current) this.subscriptions.delete(current.seq);
          current = { seq: request.cseq.seq, dialog, settle };
          this.subscriptions.set(current.seq, current);
        },
      }).then((outcome) => {
        if (outcome.kind !== 'response' || outcome.response.status >= 300) {
          this.midCall.dialogLost(dialog, 'REFER', outcome);
          const status = outcome.kind === 'response' ? outcome.response.status : undefined;
          const failed: TransferOutcome = { ok: false, ...(status === undefined ? {} : { status }), reason: `REFER: ${describeOutcome(outcome)}` };
          // Not sent at all (no subscription yet), or refused.
          if (current) settle(failed);
          else resolve(failed);
          return;
        }
        // RFC 3515 §2.4.4: the accepted REFER is followed by NOTIFYs; wait for the final one.
        if (current && !current.guard) {
          const subscription = current;
          subscription.guard = call.setTimer(64 * call.endpoint.transactions.timers.t1,
            () => subscription.settle({ ok: false, ...(subscription.last ?? {}), reason: 'no final NOTIFY for the REFER (RFC 3515 §2.4.7)' }));
        }
      });
    });
  }

  /** A NOTIFY in this dialog: progress of a REFER we sent. */
  receiveNotify(request: SipRequest, transaction: ServerTransaction): void {
    const { call } = this.midCall;
    const event = request.event;
    if (!event || event.type.toLowerCase() !== 'refer') {
      // RFC 6665 §4.1.3: an event package we did not subscribe to.
      this.midCall.reply(transaction, 489, { reason: 'Bad Event' });
      return;
    }
    const id = event.id === undefined ? undefined : Number(event.id);
    const subscription = id !== undefined ? this.subscriptions.get(id)
      : this.subscriptions.size === 1 ? [...this.subscriptions.values()][0] : undefined;
    if (!subscription) {
      // RFC 6665 §4.1.3: a NOTIFY that matches no subscription gets 481.
      this.midCall.reply(transaction, 481, { reason: 'Subscription does not exist' });
      return;
    }
    this.midCall.reply(transaction, 200);
    const state = subscriptionState(request);
    const frag = sipfragStatus(request.bodyText);
    const final = state.state === 'terminated';
    if (frag) {
      subscription.last = frag;
      call.emit('transfer-progress', { at: call.now(), role: 'transferor', ...frag, final });
    }
    if (final) {
      const last = subscription.last;
      subscription.settle(last && last.status >= 200 && last.status < 300 ? { ok: true, ...last }
        : { ok: false, ...(last ?? {}), reason: last ? `the transfer failed: ${last.status} ${last.reason}`.trim() : 'the subscription ended without a final status' });
      return;
    }
    const expires = state.expires ?? SUBSCRIPTION_SECONDS;
    subscription.guard?.cancel();
    subscription.guard = call.setTimer(expires * 1000 + 64 * call.endpoint.transactions.timers.t1,
      () => subscription.settle({ ok: false, ...(subscription.last ?? {}), reason: 'the transfer subscription expired without a final NOTIFY' }));
    // RFC 6665 §4.1.2.2: the subscriber refreshes before the subscription expires (here at half its time left).
    subscription.refresher?.cancel();
    if (expires > 0) subscription.refresher = call.setTimer(expires * 500, () => void this.resubscribe(subscription));
  }

  /** RFC 3515 §2.4.4: "the REFER-Issuer may extend its subscription by subscribing". */
  private async resubscribe(subscription: Subscription): Promise<void> {
    const { call } = this.midCall;
    if (!this.subscriptions.has(subscription.seq)) return;
    const outcome = await call.sendInDialog(subscription.dialog, 'SUBSCRIBE', {
      contact: this.midCall.contact(),
      headers: [
        { name: 'Event', value: `refer;id=${subscription.seq}` },
        { name: 'Expires', value: String(SUBSCRIPTION_SECONDS) },
      ],
    });
    // A refused refresh changes nothing here: the subscription runs until the notifier ends it or the guard gives up.
    if (outcome.kind === 'response' && outcome.response.status === 481) {
      subscription.settle({ ok: false, ...(subscription.last ?? {}), reason: 'the transferee no longer knows the subscription (SUBSCRIBE got 481)' });
    }
  }

  /** The call ended: a transfer still waiting for its final NOTIFY gets the last status it heard of. */
  stop(): void {
    for (const subscription of [...this.subscriptions.values()]) {
      subscription.settle({ ok: false, ...(subscription.last ?? {}), reason: 'the call ended before the final NOTIFY' });
    }
  }

  // ——— transferee ———

  /** An in-dialog SUBSCRIBE: the transferor refreshing (or ending) the subscription of a REFER it sent us. */
  receiveSubscribe(request: SipRequest, transaction: ServerTransaction): void {
    const event = request.event;
    if (!event || event.type.toLowerCase() !== 'refer') {
      // RFC 6665 §4.2.1.1: "SUBSCRIBE requests for event packages the notifier does not support" get 489.
      this.midCall.reply(transaction, 489, { reason: 'Bad Event', headers: [{ name: 'Allow-Events', value: 'refer' }] });
      return;
    }
    const id = event.id === undefined ? undefined : Number(event.id);
    const notifier = id === undefined ? (this.notifiers.size === 1 ? [...this.notifiers.values()][0] : undefined) : this.notifiers.get(id);
    if (!notifier || notifier.terminated) {
      this.midCall.reply(transaction, 481, { reason: 'Subscription does not exist' });
      return;
    }
    notifier.refresh(request, transaction);
  }

  receiveRefer(request: SipRequest, transaction: ServerTransaction, dialog: Dialog): void {
    const { call, options } = this.midCall;
    if (dialog !== call.sessionDialog()) {
      this.midCall.reply(transaction, 403, { reason: 'Forbidden (REFER outside an established call)' });
      return;
    }
    const referTo = request.referTo;
    // §2.4.1: "A REFER request MUST contain exactly one Refer-To header field value."
    if (!referTo || request.getHeaders('Refer-To').length !== 1) {
      this.midCall.reply(transaction, 400, { reason: 'Bad Request (exactly one Refer-To, RFC 3515 §2.4.1)' });
      return;
    }
    const uri = referTo.uri;
    if (uri.scheme !== 'sip' && uri.scheme !== 'sips') {
      this.midCall.reply(transaction, 416, { reason: `Unsupported URI Scheme (${uri.scheme})` });
      return;
    }
    const sipUri = uri as SipUri;
    if ((sipUri.params.get('method') ?? 'INVITE').toUpperCase() !== 'INVITE') {
      this.midCall.reply(transaction, 403, { reason: 'Forbidden (only transfers with INVITE are implemented)' });
      return;
    }
    const replaces = replacesOfReferTo(sipUri);
    if (replaces && !replaces.ok) {
      this.midCall.reply(transaction, 400, { reason: `Bad Request (${replaces.error})` });
      return;
    }
    const placeCall = options.placeCall;
    if (options.transfers === 'decline' || !placeCall) {
      this.midCall.reply(transaction, 603, { reason: 'Decline' });
      return;
    }
    if (this.transferring) {
      this.midCall.reply(transaction, 491, { reason: 'Request Pending (a transfer is in progress)' });
      return;
    }
    this.transferring = true;
    // RFC 3515 §2.4.2: an accepted REFER gets 202 Accepted; REFER is a target refresh (Contact).
    dialog.refreshTarget(request);
    this.midCall.reply(transaction, 202, { contact: [{ uri: this.midCall.contact() }] });
    // The new call goes to the Refer-To URI without its headers: of those only
    // Replaces is carried over (RFC 3891 §6.1, RFC 5589 §7), as a header of the INVITE.
    const target = formatUri({ ...sipUri, headers: [] });
    const referredBy = request.referredBy;
    call.emit('transfer-requested', { at: call.now(), target, ...(referredBy ? { referredBy: formatUri(referredBy.uri) } : {}) });
    const notifier = new ReferNotifier(this.midCall, dialog, request.cseq.seq);
    this.notifiers.set(notifier.id, notifier);
    // RFC 3515 §2.4.4-§2.4.5: a NOTIFY at once, its body the status line "SIP/2.0 100 Trying".
    void notifier.send(100, 'Trying', false);
    const headers: HeaderSpec[] = [
      ...(referredBy ? [{ name: 'Referred-By', value: formatNameAddr(referredBy, 'referredBy') }] : []),
      ...(replaces?.ok ? [{ name: 'Replaces', value: replaces.value }] : []),
    ];
    let newCall: Call;
    try {
      newCall = placeCall(target, { headers });
    } catch (error) {
      this.transferring = false;
      void notifier.send(500, `Server Internal Error (${error instanceof Error ? error.message : String(error)})`, true);
      return;
    }
    call.emit('transfer-call', { at: call.now(), target, call: newCall, ...(replaces?.ok ? { replaces: true } : {}) });
    this.follow(newCall, notifier, dialog, target);
  }

  /** The new call's progress goes to the transferor; once it is answered, the original call ends. */
  private follow(newCall: Call, notifier: ReferNotifier, dialog: Dialog, target: string): void {
    const { call } = this.midCall;
    let answered = false;
    newCall.on('ringing', (e) => void notifier.send(e.status, 'Ringing', false));
    newCall.on('progress', (e) => void notifier.send(e.status, REASON_PHRASES[e.status] ?? 'Session Progress', false));
    newCall.on('early-media', () => void notifier.send(183, 'Session Progress', false));
    newCall.on('answered', (e) => {
      answered = true;
      this.transferring = false;
      // The final NOTIFY first, then BYE on the call we were transferred from.
      void notifier.send(e.status, REASON_PHRASES[e.status] ?? 'OK', true).then(() => {
        if (call.sessionDialog() === dialog) {
          void call.byeAndEnd(dialog, { cause: 'transferred', reason: `transferred to ${target} (REFER, RFC 3515)` });
        }
      });
    });
    newCall.on('ended', (e) => {
      if (answered) return;
      this.transferring = false;
      const status = e.status ?? 408;
      void notifier.send(status, REASON_PHRASES[status] ?? e.reason, true);
    });
  }
}
