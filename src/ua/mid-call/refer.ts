// Blind transfer with REFER (RFC 3515, flows of RFC 5589 §6). As
// transferor: REFER with Refer-To and Referred-By, then the NOTIFYs of the
// implicit subscription, each a message/sipfrag status line, until one says
// the subscription is terminated. As transferee: 202, NOTIFY "100 Trying",
// the new call placed through the CallAgent, a NOTIFY for its progress and
// its final status, and, when it was answered, BYE on the original call.
import type { Dialog } from '../../dialog/dialog.js';
import { REASON_PHRASES, formatNameAddr, formatUri, parseUri } from '../../message/index.js';
import type { SipRequest } from '../../message/index.js';
import type { ServerTransaction } from '../../transaction/transaction-layer.js';
import type { TimerHandle } from '../../util/clock.js';
import { describeOutcome } from '../core/in-dialog-client.js';
import type { Call, TransferOutcome } from '../call/types.js';
import type { MidCallShared } from './mid-call-types.js';

interface Subscription {
  /** CSeq number of the REFER: the NOTIFYs' Event id (RFC 3515 §2.4.6). */
  readonly seq: number;
  last?: { status: number; reason: string };
  guard?: TimerHandle;
  settle(outcome: TransferOutcome): void;
}

const SIPFRAG = 'message/sipfrag;version=2.0';
/** How long the transferee keeps the implicit subscription alive (Subscription-State expires), seconds. */
const SUBSCRIPTION_SECONDS = 60;

/** The status line of a message/sipfrag body (RFC 3420), e.g. "SIP/2.0 180 Ringing". */
export function sipfragStatus(body: string): { status: number; reason: string } | undefined {
  const match = /^SIP\/2\.0 ([1-6]\d\d)(?: ([^\r\n]*))?/.exec(body.trimStart());
  return match ? { status: Number(match[1]), reason: (match[2] ?? '').trim() } : undefined;
}

/** Subscription-State (RFC 6665 §8.2.3): the state and its expires parameter. */
function subscriptionState(request: SipRequest): { state: string; expires?: number } {
  const [state = '', ...params] = (request.getHeader('Subscription-State')?.value ?? '').split(';').map((p) => p.trim());
  const expires = params.find((p) => p.toLowerCase().startsWith('expires='))?.split('=')[1];
  return { state: state.toLowerCase(), ...(expires === undefined ? {} : { expires: Number(expires) }) };
}

export class Transfers {
  private readonly subscriptions = new Map<number, Subscription>();
  private transferring = false;

  constructor(private readonly midCall: MidCallShared) {}

  // ——— transferor ———

  transfer(target: string): Promise<TransferOutcome> {
    const { call } = this.midCall;
    const dialog = call.sessionDialog();
    if (!dialog) return Promise.resolve({ ok: false, reason: 'no established dialog to send REFER in' });
    const uri = parseUri(target);
    if (!uri.ok) return Promise.resolve({ ok: false, reason: `not a URI to transfer to: ${target}` });
    return new Promise((resolve) => {
      let current: Subscription | undefined;
      const settle = (outcome: TransferOutcome): void => {
        if (!current) return;
        current.guard?.cancel();
        this.subscriptions.delete(current.seq);
        current = undefined;
        resolve(outcome);
      };
      const expect = (ms: number): void => {
        if (!current) return;
        current.guard?.cancel();
        current.guard = call.setTimer(ms, () => settle({ ok: false, ...(current?.last ?? {}), reason: 'no final NOTIFY for the REFER (RFC 3515 §2.4.7)' }));
      };
      void call.sendInDialog(dialog, 'REFER', {
        contact: this.midCall.contact(),
        headers: [
          // RFC 3515: the REFER names its target in Refer-To; RFC 3892: who refers.
          { name: 'Refer-To', value: `<${formatUri(uri.value)}>` },
          { name: 'Referred-By', value: `<${formatUri(dialog.local.uri)}>` },
        ],
        onSent: (request) => {
          // A NOTIFY may overtake the 202: the subscription exists from the moment the REFER leaves.
          if (current) this.subscriptions.delete(current.seq);
          current = { seq: request.cseq.seq, settle };
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
        if (current && !current.guard) expect(64 * call.endpoint.transactions.timers.t1);
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
  }

  /** The call ended: a transfer still waiting for its final NOTIFY gets the last status it heard of. */
  stop(): void {
    for (const subscription of [...this.subscriptions.values()]) {
      subscription.settle({ ok: false, ...(subscription.last ?? {}), reason: 'the call ended before the final NOTIFY' });
    }
  }

  // ——— transferee ———

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
    if ('host' in uri && (uri.headers.some((h) => h.name.toLowerCase() === 'replaces') || (uri.params.get('method') ?? 'INVITE').toUpperCase() !== 'INVITE')) {
      this.midCall.reply(transaction, 403, { reason: 'Forbidden (only blind transfer with INVITE is implemented)' });
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
    const target = 'host' in uri ? formatUri({ ...uri, headers: [] }) : formatUri(uri);
    const referredBy = request.referredBy;
    call.emit('transfer-requested', { at: call.now(), target, ...(referredBy ? { referredBy: formatUri(referredBy.uri) } : {}) });
    const notifier = new Notifier(this.midCall, dialog, request.cseq.seq);
    // RFC 3515 §2.4.4-§2.4.5: a NOTIFY at once, its body the status line "SIP/2.0 100 Trying".
    notifier.send(100, 'Trying', false);
    let newCall: Call;
    try {
      newCall = placeCall(target, { headers: referredBy ? [{ name: 'Referred-By', value: formatNameAddr(referredBy, 'referredBy') }] : [] });
    } catch (error) {
      this.transferring = false;
      notifier.send(500, `Server Internal Error (${error instanceof Error ? error.message : String(error)})`, true);
      return;
    }
    call.emit('transfer-call', { at: call.now(), target, call: newCall });
    let answered = false;
    newCall.on('ringing', (e) => notifier.send(e.status, 'Ringing', false));
    newCall.on('progress', (e) => notifier.send(e.status, REASON_PHRASES[e.status] ?? 'Session Progress', false));
    newCall.on('early-media', () => notifier.send(183, 'Session Progress', false));
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
      notifier.send(status, REASON_PHRASES[status] ?? e.reason, true);
    });
  }
}

/** The transferee's NOTIFYs for one REFER, sent one after the other. */
class Notifier {
  private chain: Promise<void> = Promise.resolve();
  private done = false;

  constructor(private readonly midCall: MidCallShared, private readonly dialog: Dialog, private readonly id: number) {}

  send(status: number, reason: string, final: boolean): Promise<void> {
    if (this.done) return this.chain;
    this.done = final;
    const { call } = this.midCall;
    call.emit('transfer-progress', { at: call.now(), role: 'transferee', status, reason, final });
    this.chain = this.chain.then(async () => {
      if (call.isEnded()) return;
      // RFC 3515 §2.4.4-§2.4.6: Event "refer" with the REFER's CSeq as id, the
      // subscription's state, and the status line as message/sipfrag.
      await call.sendInDialog(this.dialog, 'NOTIFY', {
        contact: this.midCall.contact(),
        headers: [
          { name: 'Event', value: `refer;id=${this.id}` },
          { name: 'Subscription-State', value: final ? 'terminated;reason=noresource' : `active;expires=${SUBSCRIPTION_SECONDS}` },
        ],
        body: `SIP/2.0 ${status} ${reason}\r\n`, contentType: SIPFRAG,
      });
    });
    return this.chain;
  }
}
