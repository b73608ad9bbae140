// The transferee's side of the implicit subscription a REFER creates
// (RFC 3515 §2.4.4, RFC 6665): NOTIFYs with the new call's progress as
// message/sipfrag, Subscription-State telling how long the subscription has
// left, a refreshing SUBSCRIBE from the transferor that extends it, and the
// end of the subscription when it runs out before the new call has.
import type { Dialog } from '../../dialog/dialog.js';
import type { SipRequest } from '../../message/index.js';
import type { ServerTransaction } from '../../transaction/transaction-layer.js';
import type { TimerHandle } from '../../util/clock.js';
import type { MidCallShared } from './mid-call-types.js';

export const SIPFRAG = 'message/sipfrag;version=2.0';
/** How long the implicit subscription lasts unless refreshed (the notifier chooses, RFC 3515 §2.4.4), seconds. */
export const SUBSCRIPTION_SECONDS = 60;
/** The longest subscription a refresh gets (RFC 6665 §4.2.1.1: the notifier may shorten what is asked), seconds. */
const MAX_SUBSCRIPTION_SECONDS = 3600;

/** The status line of a message/sipfrag body (RFC 3420), e.g. "SIP/2.0 180 Ringing". */
export function sipfragStatus(body: string): { status: number; reason: string } | undefined {
  const match = /^SIP\/2\.0 ([1-6]\d\d)(?: ([^\r\n]*))?/.exec(body.trimStart());
  return match ? { status: Number(match[1]), reason: (match[2] ?? '').trim() } : undefined;
}

/** Subscription-State (RFC 6665 §8.2.3): the state and its expires parameter. */
export function subscriptionState(request: SipRequest): { state: string; expires?: number } {
  const [state = '', ...params] = (request.getHeader('Subscription-State')?.value ?? '').split(';').map((p) => p.trim());
  const expires = params.find((p) => p.toLowerCase().startsWith('expires='))?.split('=')[1];
  return { state: state.toLowerCase(), ...(expires === undefined ? {} : { expires: Number(expires) }) };
}

/** The transferee's NOTIFYs for one REFER, sent one after the other, and the subscription's lifetime. */
export class ReferNotifier {
  private chain: Promise<void> = Promise.resolve();
  private done = false;
  private last = { status: 100, reason: 'Trying' };
  private expiresAt: number;
  private expiry: TimerHandle | undefined;

  constructor(private readonly midCall: MidCallShared, private readonly dialog: Dialog, readonly id: number) {
    this.expiresAt = midCall.call.now() + SUBSCRIPTION_SECONDS * 1000;
    this.armExpiry();
  }

  get terminated(): boolean {
    return this.done;
  }

  /**
   * RFC 3515 §2.4.4-§2.4.6: a NOTIFY with Event "refer" and the REFER's CSeq
   * as id, the subscription's state, and the status line as message/sipfrag.
   * The final one terminates the subscription.
   */
  send(status: number, reason: string, final: boolean, terminatedBy = 'noresource'): Promise<void> {
    if (this.done) return this.chain;
    this.done = final;
    this.last = { status, reason };
    if (final) this.expiry?.cancel();
    const { call } = this.midCall;
    call.emit('transfer-progress', { at: call.now(), role: 'transferee', status, reason, final });
    this.chain = this.chain.then(async () => {
      if (call.isEnded()) return;
      await call.sendInDialog(this.dialog, 'NOTIFY', {
        contact: this.midCall.contact(),
        headers: [
          { name: 'Event', value: `refer;id=${this.id}` },
          // RFC 6665 §4.2.2: "expires" is the time left, counted when the NOTIFY leaves.
          { name: 'Subscription-State', value: final ? `terminated${terminatedBy ? `;reason=${terminatedBy}` : ''}` : `active;expires=${this.secondsLeft()}` },
        ],
        body: `SIP/2.0 ${status} ${reason}\r\n`, contentType: SIPFRAG,
      });
    });
    return this.chain;
  }

  /**
   * An in-dialog SUBSCRIBE for this subscription (RFC 3515 §2.4.4: "the
   * REFER-Issuer may extend its subscription by subscribing"; RFC 6665
   * §4.2.1.2): 200 with the granted Expires, then at once a NOTIFY with the
   * current state. Expires 0 ends the subscription (§4.2.1.4).
   */
  refresh(request: SipRequest, transaction: ServerTransaction): void {
    if (this.done) {
      this.midCall.reply(transaction, 481, { reason: 'Subscription does not exist' });
      return;
    }
    const asked = request.expires ?? SUBSCRIPTION_SECONDS;
    const granted = Math.min(asked, MAX_SUBSCRIPTION_SECONDS);
    this.midCall.reply(transaction, 200, { headers: [{ name: 'Expires', value: String(granted) }] });
    if (granted === 0) {
      void this.send(this.last.status, this.last.reason, true, '');
      return;
    }
    this.expiresAt = this.midCall.call.now() + granted * 1000;
    this.armExpiry();
    void this.send(this.last.status, this.last.reason, false);
  }

  private secondsLeft(): number {
    return Math.max(0, Math.ceil((this.expiresAt - this.midCall.call.now()) / 1000));
  }

  /** RFC 6665 §4.2.2: a subscription that was not refreshed ends with "terminated;reason=timeout". */
  private armExpiry(): void {
    this.expiry?.cancel();
    this.expiry = this.midCall.call.setTimer(Math.max(0, this.expiresAt - this.midCall.call.now()), () => {
      void this.send(this.last.status, this.last.reason, true, 'timeout');
    });
  }
}
