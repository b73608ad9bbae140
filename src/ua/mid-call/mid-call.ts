// What happens inside a call once its dialog exists: re-INVITE and UPDATE
// (hold, resume, new offers, session refreshes) with their glare rules,
// INFO (DTMF included), REFER with its NOTIFYs and SUBSCRIBE refreshes
// (blind and attended transfer), and session timers. CallBase
// makes one per call; each method plugs in through handleInDialog(), and the
// INVITE that set the call up lends it a few hooks (Supported: timer,
// Session-Expires, the 2xx).
import type { Dialog } from '../../dialog/dialog.js';
import type { HeaderSpec, SipRequest, SipResponse, TailSpec } from '../../message/index.js';
import type { ServerTransaction } from '../../transaction/transaction-layer.js';
import type { DtmfOptions, DtmfOutcome, InfoOutcome, InfoSpec, ModifyOutcome, TransferOutcome } from '../call/types.js';
import { describeOutcome, type InDialogOutcome } from '../core/in-dialog-client.js';
import { answerDirection, directionOf, flowOf, holdsAnswerer, offerDirection, sdpDirection } from '../sdp/media-direction.js';
import { sdpBody } from '../sdp/sdp-body.js';
import type { MediaDirection } from '../sdp/sdp-handler.js';
import { Dtmf } from './dtmf.js';
import { Negotiation, glareBackoffMs, type Collision } from './glare.js';
import { Infos, recvInfoOf } from './info.js';
import type { CallLink, MidCallOptions, MidCallShared } from './mid-call-types.js';
import { Transfers } from './refer.js';
import type { ReplacesTarget } from './replaces.js';
import { ReInvites } from './reinvite.js';
import { SessionTimer, minSeHeader, type AcceptedTimer, type TimerVerdict } from './session-timer.js';
import { Updates } from './update.js';

export type { CallLink, MidCallOptions } from './mid-call-types.js';

type Goal = { readonly hold: boolean } | 'refresh';

export class MidCall implements MidCallShared {
  readonly negotiation: Negotiation;
  readonly timer: SessionTimer;
  /** We hold the peer / the peer holds us (RFC 3264 §8.4), as last negotiated. */
  readonly media = { localHold: false, remoteHold: false };
  /** What the peer said it takes (Allow, Recv-Info), from its INVITE or 2xx; undefined when unknown. */
  readonly peer: { allow?: readonly string[]; recvInfo?: readonly string[] } = {};
  readonly random: () => number;
  private readonly reinvites: ReInvites;
  private readonly updates: Updates;
  private readonly infos: Infos;
  private readonly transfers: Transfers;
  private readonly dtmf: Dtmf;
  private answerVerdict: TimerVerdict | undefined;

  constructor(readonly call: CallLink, readonly options: MidCallOptions = {}) {
    this.random = options.random ?? Math.random;
    this.negotiation = new Negotiation(this.random);
    this.timer = new SessionTimer({
      now: () => call.now(),
      setTimer: (ms, callback) => call.setTimer(ms, callback),
      refresh: () => void this.refreshSession(),
      expire: (reason) => this.endSession('session-expired', reason),
      started: (state) => call.emit('session-refreshed', { at: call.now(), ...state }),
    }, options.sessionTimer);
    this.reinvites = new ReInvites(this);
    this.updates = new Updates(this);
    this.infos = new Infos(this);
    this.transfers = new Transfers(this);
    this.dtmf = new Dtmf(this, (info) => this.infos.send(info));
    call.handle('INVITE', (request, tx, dialog) => void this.reinvites.receive(request, tx, dialog));
    call.handle('UPDATE', (request, tx, dialog) => void this.updates.receive(request, tx, dialog));
    call.handle('INFO', (request, tx) => this.infos.receive(request, tx));
    call.handle('REFER', (request, tx, dialog) => this.transfers.receiveRefer(request, tx, dialog));
    call.handle('NOTIFY', (request, tx) => this.transfers.receiveNotify(request, tx));
    call.handle('SUBSCRIBE', (request, tx) => this.transfers.receiveSubscribe(request, tx));
    call.on('ended', () => {
      this.timer.stop();
      this.reinvites.stop();
      this.transfers.stop();
      this.negotiation.close();
    });
  }

  // ——— the operations a call offers ———

  /** RFC 3264 §8.4: a re-INVITE (or UPDATE) offering sendonly, or inactive when the peer holds us. */
  hold(method: 'INVITE' | 'UPDATE' = 'INVITE'): Promise<ModifyOutcome> {
    return this.negotiate(method, { hold: true });
  }

  /** Ends our hold: sendrecv again (recvonly while the peer holds us). */
  resume(method: 'INVITE' | 'UPDATE' = 'INVITE'): Promise<ModifyOutcome> {
    return this.negotiate(method, { hold: false });
  }

  /** RFC 3311: an UPDATE with a new offer, in the confirmed dialog or an early one whose offer/answer is done. */
  update(options: { readonly hold?: boolean } = {}): Promise<ModifyOutcome> {
    return this.negotiate('UPDATE', { hold: options.hold ?? this.media.localHold });
  }

  sendInfo(info: InfoSpec): Promise<InfoOutcome> {
    return this.infos.send(info);
  }

  transfer(target: string): Promise<TransferOutcome> {
    return this.transfers.transfer(target);
  }

  transferTo(target: ReplacesTarget): Promise<TransferOutcome> {
    return this.transfers.transferTo(target);
  }

  sendDtmf(tones: string, options: DtmfOptions): Promise<DtmfOutcome> {
    return this.dtmf.send(tones, options);
  }

  // ——— hooks for the INVITE that set the call up ———

  /** Our INVITE: Supported: timer (RFC 4028 §7.1), Session-Expires when we ask, Recv-Info (RFC 6086). */
  inviteExtensions(): { supported: string[]; headers: HeaderSpec[] } {
    const timer = this.call.endpoint.capabilities.supportedExtensions.includes('timer');
    return { supported: timer ? ['timer'] : [], headers: [...(timer ? this.timer.inviteHeaders() : []), ...this.recvInfoHeaders()] };
  }

  /** A final response to our INVITE worth a new attempt: 422 with a larger Min-SE (RFC 4028 §7.4). */
  retriesInvite(response: SipResponse): boolean {
    return response.status === 422 && this.timer.raiseAfter422(response);
  }

  /** Their INVITE: what our 2xx adds (Session-Expires, Require: timer, Recv-Info). */
  answerExtensions(invite: SipRequest): { require: string[]; headers: HeaderSpec[] } {
    const verdict = this.timer.answer(invite);
    this.answerVerdict = verdict.kind === 'accept' ? verdict : undefined;
    return {
      require: verdict.kind === 'accept' ? [...verdict.require] : [],
      headers: [...(verdict.kind === 'accept' ? verdict.headers : []), ...this.recvInfoHeaders()],
    };
  }

  /** The session exists: the 2xx to our INVITE, or our 2xx to theirs, is on its way. */
  sessionEstablished(invite: SipRequest, ok: SipResponse): void {
    if (this.call.direction === 'outgoing') {
      this.notePeer(ok);
      this.timer.answered(ok);
      return;
    }
    this.notePeer(invite);
    if (this.answerVerdict?.kind === 'accept') this.answerVerdict.commit();
    this.answerVerdict = undefined;
  }

  receiveAck(dialog: Dialog, ack: SipRequest): void {
    this.reinvites.receiveAck(dialog, ack);
  }

  receiveStrayResponse(dialog: Dialog, response: SipResponse): void {
    this.reinvites.receiveStray(dialog, response);
  }

  // ——— shared by the method modules ———

  /** Option tags for our in-dialog requests and their 2xx (no 100rel: we do not PRACK provisionals to a re-INVITE). */
  supported(): string[] {
    return this.call.endpoint.capabilities.supportedExtensions.filter((tag) => tag !== '100rel');
  }

  contact(): string {
    return this.call.endpoint.contact(this.call.contactUser);
  }

  /** The 2xx to a target refresh request (re-INVITE, UPDATE): Contact (§12.2.2), Allow, Supported. */
  okTail(extra: TailSpec = {}): TailSpec {
    return {
      contact: [{ uri: this.contact() }], allow: this.call.endpoint.allow, supported: this.supported(), ...extra,
      headers: [...(extra.headers ?? [])],
    };
  }

  reply(transaction: ServerTransaction, status: number, tail: TailSpec & { reason?: string } = {}): void {
    if (transaction.state === 'Terminated') return;
    this.call.endpoint.reply(transaction, status, tail);
  }

  /** 491, or 500 with Retry-After (RFC 3261 §14.2, RFC 3311 §5.2). */
  refuse(transaction: ServerTransaction, collision: Collision): void {
    this.reply(transaction, collision.status, {
      reason: collision.status === 491 ? 'Request Pending' : `Server Internal Error: ${collision.reason}`,
      headers: collision.status === 500 ? [{ name: 'Retry-After', value: String(collision.retryAfter) }] : [],
    });
  }

  /** 422 with our Min-SE (RFC 4028 §9). */
  tooSmall(transaction: ServerTransaction, minSe: number): void {
    this.reply(transaction, 422, { headers: [minSeHeader(minSe)] });
  }

  /**
   * The checks a session-refreshing re-INVITE or UPDATE passes before it is taken: no
   * offer/answer collision (491/500), and a Session-Expires we accept (422). Returns the
   * session timer's verdict for the 2xx, or undefined when the request was refused here.
   */
  admitRefresh(method: 'INVITE' | 'UPDATE', request: SipRequest, transaction: ServerTransaction, hasOffer: boolean): AcceptedTimer | undefined {
    const collision = this.negotiation.collision(method, hasOffer);
    if (collision) {
      this.refuse(transaction, collision);
      return undefined;
    }
    const verdict = this.timer.answer(request);
    if (verdict.kind === 'reject') {
      this.tooSmall(transaction, verdict.minSe);
      return undefined;
    }
    return verdict;
  }

  /** Our answer to their offer, or (for an offerless re-INVITE) our offer; undefined when the SDP handler refused it. */
  async answerOrOffer(offer: string | undefined): Promise<{ body: string; direction: MediaDirection } | { error: string }> {
    try {
      if (offer === undefined) {
        const direction = offerDirection(this.media);
        return { body: await this.call.sdp.createOffer({ direction }), direction };
      }
      // RFC 3264 §6.1, with our hold: we do not receive while we hold.
      const direction = answerDirection(sdpDirection(offer), this.media.localHold);
      return { body: await this.call.sdp.createAnswer(offer, { direction }), direction };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** The peer's description (its offer, or its answer to the offer in our 2xx) now applies: hold events. */
  remoteDescribed(method: 'INVITE' | 'UPDATE', sdp: string, ours: MediaDirection): void {
    const wasHeld = this.media.remoteHold;
    this.media.remoteHold = holdsAnswerer(sdpDirection(sdp));
    const at = this.call.now();
    if (!wasHeld && this.media.remoteHold) this.call.emit('held', { at, by: 'remote', direction: ours });
    if (wasHeld && !this.media.remoteHold) this.call.emit('resumed', { at, by: 'remote', direction: ours });
    this.call.emit('session-updated', { at, method, by: 'remote', sdp, direction: ours });
  }

  /** Our offer was answered with 2xx: the hold we asked for applies. */
  localAnswered(method: 'INVITE' | 'UPDATE', hold: boolean, answer: string | undefined, offered: MediaDirection): void {
    const was = this.media.localHold;
    this.media.localHold = hold;
    const theirs = answer === undefined ? undefined : flowOf(sdpDirection(answer));
    const direction = theirs ? directionOf({ send: theirs.recv, recv: theirs.send }) : offered;
    const at = this.call.now();
    if (!was && hold) this.call.emit('held', { at, by: 'local', direction });
    if (was && !hold) this.call.emit('resumed', { at, by: 'local', direction });
    this.call.emit('session-updated', { at, method, by: 'local', ...(answer === undefined ? {} : { sdp: answer }), direction });
  }

  /** Allow and Recv-Info of the peer's INVITE, re-INVITE, UPDATE or 2xx. */
  notePeer(message: SipRequest | SipResponse): void {
    if (message.getHeader('Allow')) this.peer.allow = message.allow;
    const recvInfo = recvInfoOf(message);
    if (recvInfo) this.peer.recvInfo = recvInfo;
  }

  recvInfoHeaders(): HeaderSpec[] {
    const packages = this.options.infoPackages ?? [];
    return packages.length === 0 ? [] : [{ name: 'Recv-Info', value: packages.join(', ') }];
  }

  /**
   * §12.2.1.2: "If the response for a request within a dialog is a 481
   * (Call/Transaction Does Not Exist) or a 408 (Request Timeout), the UAC
   * SHOULD terminate the dialog. A UAC SHOULD also terminate a dialog if no
   * response at all is received for the request within the dialog".
   * True when it did.
   */
  dialogLost(dialog: Dialog, method: string, outcome: InDialogOutcome): boolean {
    const status = outcome.kind === 'response' ? outcome.response.status : undefined;
    if (outcome.kind !== 'timeout' && status !== 481 && status !== 408) return false;
    const what = outcome.kind === 'timeout' ? 'got no response' : `got ${status}`;
    void this.call.byeAndEnd(dialog, { cause: 'dialog-lost', reason: `our ${method} ${what}: the dialog is gone (RFC 3261 §12.2.1.2)` });
    return true;
  }

  endSession(cause: 'session-expired' | 'protocol-error' | 'no-ack', reason: string): void {
    const dialog = this.call.sessionDialog();
    if (dialog && !this.call.isEnded()) void this.call.byeAndEnd(dialog, { cause, reason });
  }

  /** RFC 4028 §7.4/§10: UPDATE when the peer allows it (no offer needed), else a re-INVITE with the same session. */
  private async refreshSession(): Promise<void> {
    const useUpdate = this.peer.allow?.includes('UPDATE') ?? false;
    const outcome = await this.negotiate(useUpdate ? 'UPDATE' : 'INVITE', 'refresh');
    if (!outcome.ok && useUpdate && (outcome.status === 501 || outcome.status === 405)) {
      await this.negotiate('INVITE', 'refresh');
    }
  }

  /**
   * One session modification, retried as the RFCs say: after a 491 (§14.1
   * back-off), a 500 with Retry-After (§14.2), or a 422 (RFC 4028 §7.4).
   */
  private async negotiate(method: 'INVITE' | 'UPDATE', goal: Goal): Promise<ModifyOutcome> {
    for (let attempt = 1; ; attempt++) {
      await this.negotiation.idle(method);
      if (this.call.isEnded()) return { ok: false, reason: 'the call has ended' };
      const dialog = this.call.sessionDialog() ?? (method === 'UPDATE' ? this.call.earlyDialog() : undefined);
      if (!dialog) return { ok: false, reason: `no established dialog to send ${method} in` };
      const hold = goal === 'refresh' ? this.media.localHold : goal.hold;
      const withOffer = method === 'INVITE' || goal !== 'refresh';
      const direction = offerDirection({ localHold: hold, remoteHold: this.media.remoteHold });
      if (method === 'INVITE') this.negotiation.outgoingInvite = true;
      if (withOffer) this.negotiation.ourOffer = true;
      let outcome: InDialogOutcome;
      try {
        const offer = withOffer ? await this.call.sdp.createOffer({ direction }) : undefined;
        outcome = method === 'INVITE' ? await this.reinvites.send(dialog, offer!) : await this.updates.send(dialog, offer);
      } catch (error) {
        outcome = { kind: 'unbuildable', reason: `no offer: ${error instanceof Error ? error.message : String(error)}` };
      }
      const retryIn = await this.settle(method, dialog, outcome, { hold, withOffer, direction });
      if (method === 'INVITE') this.negotiation.outgoingInvite = false;
      if (withOffer) this.negotiation.ourOffer = false;
      this.negotiation.changed();
      if (typeof retryIn !== 'number') return retryIn;
      if (attempt >= 5) return { ok: false, reason: `${method} refused ${attempt} times (last: ${describeOutcome(outcome)})` };
      if (retryIn > 0) await new Promise<void>((resolve) => this.call.setTimer(retryIn, resolve));
    }
  }

  /** What one attempt's outcome means: the result, or a delay (ms) before trying again. */
  private async settle(method: 'INVITE' | 'UPDATE', dialog: Dialog, outcome: InDialogOutcome,
    sent: { hold: boolean; withOffer: boolean; direction: MediaDirection }): Promise<ModifyOutcome | number> {
    if (outcome.kind !== 'response') {
      if (sent.withOffer) await this.call.sdp.rollback?.().catch(() => undefined);
      this.dialogLost(dialog, method, outcome);
      return { ok: false, reason: describeOutcome(outcome) };
    }
    const { response } = outcome;
    const status = response.status;
    if (status >= 200 && status < 300) {
      // §12.2.1.2: a 2xx to a target refresh request replaces the remote target (the re-INVITE did it before its ACK).
      if (method === 'UPDATE') dialog.refreshTarget(response);
      this.notePeer(response);
      this.timer.answered(response);
      const answer = sdpBody(response);
      if (sent.withOffer) {
        if (answer === undefined) {
          this.endSession('protocol-error', `the ${status} to our ${method} has no SDP answer to our offer (RFC 3264 §5)`);
          return { ok: false, status, reason: 'no SDP answer' };
        }
        try {
          await this.call.sdp.applyFinalAnswer(answer);
        } catch (error) {
          this.endSession('protocol-error', `the answer to our ${method} was not usable: ${error instanceof Error ? error.message : String(error)}`);
          return { ok: false, status, reason: 'unusable answer' };
        }
        this.localAnswered(method, sent.hold, answer, sent.direction);
      }
      return { ok: true, status, ...(answer === undefined ? {} : { sdp: answer }) };
    }
    // §14.1: "If a UAC receives a non-2xx final response to a re-INVITE, the
    // session parameters MUST remain unchanged, as if no re-INVITE had been issued."
    if (sent.withOffer) await this.call.sdp.rollback?.().catch(() => undefined);
    if (this.dialogLost(dialog, method, outcome)) return { ok: false, status, reason: `${status} ${response.reason}` };
    // §14.1: "the UAC SHOULD start a timer with value T ... When the timer fires,
    // the UAC SHOULD attempt the re-INVITE once more, if it still desires".
    if (status === 491) return glareBackoffMs(dialog.role === 'uac', this.random);
    const retryAfter = Number(response.getHeader('Retry-After')?.value.split(/[ ;(]/)[0]);
    if (status === 500 && Number.isFinite(retryAfter) && retryAfter <= 10) return retryAfter * 1000;
    if (status === 422 && this.timer.raiseAfter422(response)) return 0;
    return { ok: false, status, reason: `${status} ${response.reason}`.trim() };
  }
}
