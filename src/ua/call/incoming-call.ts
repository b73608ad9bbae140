// An incoming call: the UAS side of an INVITE (RFC 3261 §13.3, RFC 3262,
// RFC 3264). Provisionals (reliable when the caller supports or requires
// 100rel), early media, the answer and its end-to-end retransmission until
// the ACK (§13.3.1.4: BYE when none comes within 64·T1), rejection, CANCEL,
// and BYE either way.
import { Dialog } from '../../dialog/dialog.js';
import type { SipRequest, SipResponse, TailSpec } from '../../message/index.js';
import type { InviteServerTransaction } from '../../transaction/invite-server-transaction.js';
import type { ServerTransaction } from '../../transaction/transaction-layer.js';
import type { InboundMessage } from '../../transport/transport.js';
import { CallBase, type CallContext } from './call-base.js';
import type { LocalEnd } from './handover.js';
import { CoreRetransmitter, answerSchedule } from '../core/core-retransmitter.js';
import { faultyContact, tryingWithToTag, type CallFaults } from './faults.js';
import { ReliableProvisionals } from './reliable-provisionals.js';
import { recordRouteHeaders, sdpBody } from '../sdp/sdp-body.js';
import { hasControlCharacter, reasonHeaderFields, reasonHeaderOf } from './reason-header.js';
import { autoAnswerAfterSeconds } from './auto-answer.js';
import type { Call, ReasonHeader } from './types.js';
import { OfferNotAcceptableError, offerStructureProblem, type OfferRefusal } from '../sdp/offer-answer.js';

/** Whether we use reliable provisionals: never, when the peer supports them, or only with peers that do. */
export type ReliableProvisionalPolicy = 'off' | 'supported' | 'required';

export interface IncomingCallOptions extends CallContext {
  readonly invite: SipRequest;
  readonly transaction: InviteServerTransaction;
  readonly inbound: InboundMessage;
  readonly reliableProvisionals: ReliableProvisionalPolicy;
  /** First RSeq (tests); random by default (RFC 3262 §3). */
  readonly initialRseq?: number;
  /** Deliberate protocol faults (see faults.ts); none by default. */
  readonly faults?: CallFaults;
  /** The call this INVITE replaces (RFC 3891); it is answered at once. */
  readonly replaces?: Call;
}

/** An INVITE answered with a final response instead of becoming a call. */
export interface InviteRefusal {
  readonly status: number;
  /** Why, in words: what the caller did not offer or support. */
  readonly reason: string;
}

/** RFC 3261 §20.43: `Warning: code agent "text"`. */
function warningHeader(product: string, refusal: OfferRefusal): { name: string; value: string } {
  const agent = product.replace(/[^A-Za-z0-9.!%*_+`'~-]/g, '') || 'callscope';
  return { name: 'Warning', value: `${refusal.warning} ${agent} "${refusal.text.replace(/["\\]/g, "'")}"` };
}

export class IncomingCall extends CallBase {
  readonly invite: SipRequest;
  /**
   * The call of ours this one replaces (an INVITE with Replaces, RFC 3891):
   * the agent answers it at once (no ringing; it takes the place of a call
   * the user already took) and then ends `replaces` with cause `replaced`.
   */
  readonly replaces: Call | undefined;
  /**
   * The caller asks us to answer on our own after this many seconds
   * (`Call-Info: ...;answer-after=N`, or `Alert-Info: ...;info=alert-autoanswer`);
   * undefined when it does not. Whether to do it is the host's choice.
   */
  readonly autoAnswerAfterSeconds: number | undefined;
  readonly dialog: Dialog;
  /** True when this INVITE's provisionals go reliably (RFC 3262). */
  readonly reliable: boolean;
  private readonly tx: InviteServerTransaction;
  private readonly provisionals: ReliableProvisionals;
  private readonly remoteOffer: string | undefined;
  private localAnswer: Promise<string> | undefined;
  private localOffer: string | undefined;
  /** The offer/answer exchange finished in a reliable provisional + PRACK (or INVITE + reliable 1xx). */
  private offerAnswerDone = false;
  private finalSent = false;
  private answerRetransmitter: CoreRetransmitter | undefined;
  /** hangup() before the ACK: BYE once it arrives (§15). */
  private byeAfterAck: LocalEnd | undefined;
  /** ring(), earlyMedia() and answer() run one after the other, in the order called. */
  private work: Promise<unknown> = Promise.resolve();
  private readonly faults: CallFaults;
  private delayed = false;

  /**
   * Takes an INVITE the endpoint handed over, or answers it with the final
   * response that refuses it and says why: 400 without Contact, 421 when we
   * require 100rel and the caller does not support it, 415 for a body that is
   * no session description, 488 with a Warning for an offer with no stream we
   * can take (RFC 3264 §6).
   */
  static accept(options: IncomingCallOptions): IncomingCall | InviteRefusal {
    const { invite, transaction, endpoint } = options;
    const overTls = options.inbound.local.protocol === 'TLS' || options.inbound.local.protocol === 'WSS';
    const dialog = Dialog.asUas(invite, endpoint.newTag(), { overTls });
    if (!dialog) {
      const reason = 'Missing Contact or From tag (RFC 3261 §8.1.1.8, §8.1.1.3)';
      endpoint.reply(transaction, 400, { reason });
      return { status: 400, reason: `the INVITE has no Contact or no From tag (RFC 3261 §8.1.1.8, §8.1.1.3)` };
    }
    const peerSupports = invite.supported.includes('100rel') || invite.require.includes('100rel');
    if (options.reliableProvisionals === 'required' && !peerSupports) {
      // RFC 3261 §21.4.15 / RFC 3262 §3: we only take calls whose provisionals can be reliable.
      endpoint.reply(transaction, 421, { require: ['100rel'], toTag: dialog.id.localTag });
      return { status: 421, reason: 'the caller does not support 100rel (RFC 3262) and reliable provisionals are required' };
    }
    const bodyType = invite.bodyLength > 0 ? invite.contentType?.essence : undefined;
    if (bodyType !== undefined && bodyType !== 'application/sdp' && !bodyType.startsWith('multipart/')) {
      // RFC 3261 §8.2.3: a body we do not understand gets 415 with Accept.
      endpoint.reply(transaction, 415, { toTag: dialog.id.localTag, headers: [{ name: 'Accept', value: 'application/sdp' }] });
      return { status: 415, reason: `the INVITE's body is ${bodyType}, not a session description (application/sdp)` };
    }
    const offer = sdpBody(invite);
    const refusal = offer === undefined ? undefined : offerStructureProblem(offer) ?? options.sdp.checkOffer?.(offer);
    if (refusal) {
      // RFC 3264 §6 / RFC 3261 §21.4.26: no offered stream can be accepted.
      endpoint.reply(transaction, 488, { toTag: dialog.id.localTag, headers: [warningHeader(endpoint.product, refusal)] });
      return { status: 488, reason: `the offer cannot be answered: ${refusal.text} (Warning ${refusal.warning})` };
    }
    return new IncomingCall(options, dialog);
  }

  private constructor(options: IncomingCallOptions, dialog: Dialog) {
    super(options, 'incoming', options.invite.callId, 'proceeding');
    this.invite = options.invite;
    this.replaces = options.replaces;
    this.autoAnswerAfterSeconds = autoAnswerAfterSeconds(options.invite);
    this.tx = options.transaction;
    this.dialog = dialog;
    this.remoteOffer = sdpBody(options.invite);
    this.faults = options.faults ?? {};
    // RFC 3262 §3: "If the initial request contained a Require header field with
    // the option tag 100rel, the UAS MUST send any non-100 provisional response
    // reliably. If the request did not include either a Supported or Require
    // header field indicating this feature, the UAS MUST NOT send the provisional
    // response reliably."
    this.reliable = (options.invite.require.includes('100rel')
      || (options.invite.supported.includes('100rel') && options.reliableProvisionals !== 'off'))
      // FAULT unreliable-early-media (RFC 3262 §3): never reliable, even when required.
      && !this.faults.unreliableEarlyMedia;
    this.provisionals = new ReliableProvisionals({
      clock: options.endpoint.clock, timers: options.endpoint.transactions.timers,
      transmit: (response, retransmission) => this.transmit(response, retransmission),
      onTimeout: (response) => this.provisionalTimedOut(response),
      ...(options.initialRseq === undefined ? {} : { initialRseq: options.initialRseq }),
      ...(this.faults.rseqGap ? { rseqGap: true } : {}),
    });
    this.register(dialog);
    // FAULT trying-to-tag (RFC 3261 §8.2.6.2): our own 100 Trying at once, with our To tag.
    if (this.faults.tryingToTag) this.transmit(tryingWithToTag(options.endpoint, this.invite, dialog.id.localTag), false);
    this.tx.onFailure((failure) => {
      if (this.isEnded || failure.kind !== 'transport') return;
      this.finish({ cause: 'transport-error', reason: `the INVITE's responses could not be sent: ${failure.error?.message ?? 'transport error'}` });
    });
  }

  /** The caller's offer, if the INVITE had one (else the offer is ours). */
  get offer(): string | undefined {
    return this.remoteOffer;
  }

  /** 180 Ringing. Reliable when 100rel is in use; then, to an offerless INVITE, it carries our offer (§13.2.1). */
  ring(): Promise<void> {
    return this.serialize(() => this.provisional(180, false));
  }

  /**
   * 183 Session Progress with SDP: early media. Our answer to the INVITE's
   * offer (reliable or not), or, to an offerless INVITE, our offer in a
   * reliable 183 whose PRACK brings the answer (RFC 3262 §5).
   */
  earlyMedia(): Promise<void> {
    return this.serialize(() => this.provisional(183, true));
  }

  /** Answers with 200 OK once every reliable provisional has been PRACKed (RFC 3262 §3). */
  answer(): Promise<void> {
    return this.serialize(() => this.sendAnswer());
  }

  private serialize(action: () => Promise<void>): Promise<void> {
    const next = this.work.then(action);
    this.work = next.catch(() => undefined);
    return next;
  }

  private async sendAnswer(): Promise<void> {
    if (this.finalSent || this.isEnded) return;
    this.setState('answering', 'answer()');
    await this.provisionals.whenIdle();
    if (this.finalSent || this.isEnded) return;
    let body: string | undefined;
    if (this.remoteOffer !== undefined) {
      // §13.2.1: the answer is in the 2xx unless a reliable provisional already carried it.
      if (!this.offerAnswerDone) {
        body = await this.answerToOffer();
        if (body === undefined) return;
      }
    } else if (!this.offerAnswerDone) {
      // Offerless INVITE: "the offer is in the first reliable non-failure message" — the 2xx; the ACK answers.
      this.localOffer ??= await this.ctx.sdp.createOffer();
      body = this.localOffer;
    }
    if (this.finalSent || this.isEnded) return;
    const ok = this.build(200, {
      ...this.answerExtensions(this.invite),
      allow: this.ctx.endpoint.allow, supported: this.ctx.endpoint.capabilities.supportedExtensions,
      ...(body === undefined ? {} : { body, contentType: 'application/sdp' }),
    });
    this.sendFinal(ok);
    this.sessionEstablished(this.invite, ok);
    // §12.1.1: the dialog is confirmed once the 2xx is sent.
    this.dialog.confirm();
    this.setState('answered', '2xx sent');
    this.events.emit('answered', { at: this.now, status: 200, ...(this.remoteOffer === undefined ? {} : { sdp: this.remoteOffer }), dialog: this.dialog.key });
    // §13.3.1.4: "it is necessary to periodically pass the response directly to
    // the transport until the ACK arrives ... This is independent of whatever
    // transport protocols are used to send the response."
    this.answerRetransmitter = new CoreRetransmitter(this.ctx.endpoint.clock, answerSchedule(this.ctx.endpoint.transactions.timers),
      () => this.transmit(ok, true),
      () => {
        // "If the server retransmits the 2xx response for 64*T1 seconds without
        // receiving an ACK, the dialog is confirmed, but the session SHOULD be
        // terminated. This is accomplished with a BYE".
        void this.byeAndEnd(this.dialog, {
          cause: 'no-ack', status: 200,
          reason: `no ACK for the 200 OK within 64·T1 (${64 * this.ctx.endpoint.transactions.timers.t1} ms, RFC 3261 §13.3.1.4)`,
        });
      });
    this.answerRetransmitter.start();
    // FAULT bye-before-ack (RFC 3261 §15): BYE at once, without waiting for the ACK.
    if (this.faults.byeBeforeAck) void this.byeAndEnd(this.dialog, { cause: 'hangup-local', status: 200, reason: 'hung up before the ACK (fault --bye-before-ack)' });
  }

  /**
   * Refuses the call with any 3xx-6xx: 486 Busy Here by default, 603 Decline,
   * 480, 404 ... `reason` is the reason phrase; `options.reasonHeader` adds a
   * Reason header (RFC 3326). Throws a RangeError for another status, or a
   * phrase or Reason that cannot be sent (a control character in it).
   */
  reject(status = 486, reason?: string, options: { readonly reasonHeader?: ReasonHeader } = {}): void {
    if (this.finalSent || this.isEnded) return;
    if (!Number.isInteger(status) || status < 300 || status > 699) throw new RangeError(`reject needs a 3xx-6xx status, got ${status}`);
    if (reason !== undefined && hasControlCharacter(reason)) throw new RangeError('a reason phrase cannot contain control characters');
    const headers = reasonHeaderFields(options.reasonHeader);
    this.sendFinal(this.build(status, { ...(reason === undefined ? {} : { reason }), headers }));
    this.finish({ cause: 'rejected', status, reason: `rejected with ${status}${reason ? ` ${reason}` : ''}` });
  }

  protected endLocally(end: LocalEnd): void {
    if (this.isEnded) return;
    if (!this.finalSent) {
      this.reject(603, 'Decline', end.reasonHeader ? { reasonHeader: end.reasonHeader } : {});
      return;
    }
    if (this.answerRetransmitter?.running) {
      // §15: "The callee's UA MUST NOT send a BYE on a confirmed dialog until
      // it has received an ACK for its 2xx response or until the server
      // transaction times out."
      this.byeAfterAck = end;
      return;
    }
    if (this.state === 'confirmed') void this.byeAndEnd(this.dialog, { cause: end.cause, status: 200, reason: end.reason }, end.reasonHeader);
  }

  /** §9.2: the caller's CANCEL for this INVITE; its transaction is answered here. */
  receiveCancel(cancelTransaction: ServerTransaction): void {
    // "the UAS core ... responds to the CANCEL with a 200 (OK)"; if a final
    // response was already sent, "the CANCEL request has no effect".
    this.ctx.endpoint.reply(cancelTransaction, 200, { toTag: this.dialog.id.localTag });
    if (this.finalSent || this.isEnded) return;
    // "the UAS SHOULD respond to the INVITE with a 487 (Request Terminated)."
    this.sendFinal(this.build(487));
    const reasonHeader = reasonHeaderOf(cancelTransaction.request);
    this.finish({
      cause: 'cancelled', status: 487, reason: 'the caller cancelled (CANCEL, 487 Request Terminated)', ...(reasonHeader ? { reasonHeader } : {}),
    });
  }

  protected override receiveCoreRequest(_dialog: Dialog, request: SipRequest, transaction: ServerTransaction): boolean {
    if (request.method !== 'PRACK') return false;
    void this.receivePrack(request, transaction);
    return true;
  }

  protected receiveBye(_dialog: Dialog, request: SipRequest, transaction: ServerTransaction): void {
    this.ctx.endpoint.reply(transaction, 200);
    this.answerRetransmitter?.stop();
    if (!this.finalSent) {
      // §15.1.2: a BYE in the early dialog ends the INVITE: "the UAS MUST still
      // respond to any pending requests ... with a 487 (Request Terminated)".
      this.sendFinal(this.build(487));
      this.finish({ ...this.remoteEnd(request, 'the caller sent BYE before the answer (487 to the INVITE)'), status: 487 });
      return;
    }
    this.finish({ ...this.remoteEnd(request, 'the caller hung up (BYE)'), status: 200 });
  }

  protected override receiveAck(_dialog: Dialog, ack: SipRequest): void {
    if (ack.cseq.seq !== this.invite.cseq.seq || !this.answerRetransmitter?.running) return;
    // FAULT ignore-ack (RFC 3261 §13.3.1.4): as if it were lost, the 2xx goes on until 64·T1.
    if (this.faults.ignoreAck) return;
    // §13.3.1.4: "Response retransmissions cease when an ACK request for the response is received."
    this.answerRetransmitter.stop();
    this.setState('confirmed', 'ACK received');
    const answer = sdpBody(ack);
    if (this.localOffer !== undefined && !this.offerAnswerDone && answer !== undefined) {
      this.offerAnswerDone = true;
      void this.ctx.sdp.applyFinalAnswer(answer).catch(() => undefined);
    }
    this.events.emit('confirmed', { at: this.now });
    const end = this.byeAfterAck;
    if (end) void this.byeAndEnd(this.dialog, { cause: end.cause, status: 200, reason: end.reason }, end.reasonHeader);
  }

  protected override onFinish(): void {
    this.answerRetransmitter?.stop();
    this.provisionals.stop();
  }

  private async provisional(status: 180 | 183, withMedia: boolean): Promise<void> {
    // A call that replaces another (RFC 3891) is answered at once: it does not ring.
    if (this.finalSent || this.isEnded || this.replaces) return;
    // FAULT post-dial-delay (RFC 6076 §4.2 measures it): the first provisional waits.
    if (this.faults.postDialDelayMs !== undefined && !this.delayed) {
      this.delayed = true;
      await new Promise<void>((resolve) => this.setTimer(this.faults.postDialDelayMs!, resolve));
      if (this.finalSent || this.isEnded) return;
    }
    let body: string | undefined;
    if (this.remoteOffer !== undefined) {
      if (withMedia) body = await this.answerToOffer();
    } else if (this.reliable && !this.offerAnswerDone && this.localOffer === undefined) {
      // RFC 3261 §13.2.1: with no offer in the INVITE, "the offer ... is in the
      // first reliable non-failure message from the UAS back to the UAC".
      this.localOffer ??= await this.ctx.sdp.createOffer();
      body = this.localOffer;
    }
    if (this.finalSent || this.isEnded) return;
    const tail: TailSpec = body === undefined ? {} : { body, contentType: 'application/sdp' };
    this.setState('early', `${status} sent`);
    const media = body !== undefined && this.remoteOffer !== undefined;
    if (!this.reliable) {
      this.transmit(this.build(status, tail), false);
      this.emitProvisional(status, media, false);
      return;
    }
    if (media) this.offerAnswerDone = true;
    void this.provisionals.send((rseq) => this.build(status, {
      ...tail, require: ['100rel'], headers: [{ name: 'RSeq', value: String(rseq) }],
    }));
    this.emitProvisional(status, media, true);
  }

  private provisionalTimedOut(response: SipResponse): void {
    if (this.finalSent || this.isEnded) return;
    // RFC 3262 §3: "If a reliable provisional response is retransmitted for
    // 64*T1 seconds without reception of a corresponding PRACK, the UAS
    // SHOULD reject the original request with a 5xx response."
    const t1 = this.ctx.endpoint.transactions.timers.t1;
    this.sendFinal(this.build(504, { reason: 'No PRACK' }));
    this.finish({
      cause: 'no-prack', status: 504,
      reason: `the reliable ${response.status} was not PRACKed within 64·T1 (${64 * t1} ms, RFC 3262 §3): 504 to the INVITE`,
    });
  }

  private emitProvisional(status: number, media: boolean, reliable: boolean): void {
    const at = this.now;
    const dialog = this.dialog.key;
    if (media && this.remoteOffer !== undefined) this.events.emit('early-media', { at, sdp: this.remoteOffer, reliable, dialog });
    else if (status === 180) this.events.emit('ringing', { at, status, reliable, dialog });
    else this.events.emit('progress', { at, status, reliable, dialog });
  }

  private async receivePrack(prack: SipRequest, transaction: ServerTransaction): Promise<void> {
    const endpoint = this.ctx.endpoint;
    if (this.faults.ignorePrack) {
      // FAULT ignore-prack (RFC 3262 §3): a 200 for the PRACK, but the reliable 18x goes on until 64·T1.
      endpoint.reply(transaction, 200);
      return;
    }
    const acknowledged = this.provisionals.acknowledge(prack.rack, this.invite.cseq);
    if (!acknowledged) {
      // RFC 3262 §3: "If a PRACK request is received by the UA core that does not
      // match any unacknowledged reliable provisional response, the UAS MUST
      // respond to the PRACK with a 481 response."
      endpoint.reply(transaction, 481, { reason: 'No matching reliable provisional response' });
      return;
    }
    const sdp = sdpBody(prack);
    let body: string | undefined;
    if (sdp !== undefined && this.localOffer !== undefined && sdpBody(acknowledged) === this.localOffer && !this.offerAnswerDone) {
      // RFC 3262 §5: the PRACK carries the answer to the offer in the reliable provisional.
      this.offerAnswerDone = true;
      await this.ctx.sdp.applyFinalAnswer(sdp).catch(() => undefined);
      this.events.emit('early-media', { at: this.now, sdp, reliable: true, dialog: this.dialog.key });
    } else if (sdp !== undefined) {
      // "If the UAS receives a PRACK with an offer, it MUST place the answer in the 2xx to the PRACK."
      body = await this.ctx.sdp.createAnswer(sdp);
    }
    endpoint.reply(transaction, 200, body === undefined ? {} : { body, contentType: 'application/sdp' });
  }

  /** Our answer to the INVITE's offer; undefined when the handler could not make one (the call is then refused with 488). */
  private async answerToOffer(): Promise<string | undefined> {
    this.localAnswer ??= this.ctx.sdp.createAnswer(this.remoteOffer!);
    try {
      return await this.localAnswer;
    } catch (error) {
      this.refuseOffer(error);
      return undefined;
    }
  }

  /** RFC 3261 §21.4.26: the offer turned out to be unanswerable after all: 488 with a Warning. */
  private refuseOffer(error: unknown): void {
    if (this.finalSent || this.isEnded) return;
    const refusal: OfferRefusal = error instanceof OfferNotAcceptableError ? error.refusal
      : { warning: 399, text: error instanceof Error ? error.message : String(error) };
    this.sendFinal(this.build(488, { headers: [warningHeader(this.ctx.endpoint.product, refusal)] }));
    this.finish({ cause: 'rejected', status: 488, reason: `the offer cannot be answered: ${refusal.text} (488, Warning ${refusal.warning})` });
  }

  /** A response to the INVITE: our To tag, and for 1xx/2xx the Contact and Record-Route that make the dialog (§12.1.1). */
  private build(status: number, tail: TailSpec & { reason?: string } = {}): SipResponse {
    const endpoint = this.ctx.endpoint;
    const dialogForming = status < 300;
    const built = endpoint.response(this.invite, status, {
      ...tail,
      toTag: this.dialog.id.localTag,
      // FAULT private-contact (RFC 3261 §8.1.1.8): an unreachable host in our Contact.
      ...(dialogForming ? { contact: [{ uri: faultyContact(endpoint.contact(this.ctx.contactUser), this.faults) }] } : {}),
      headers: [...(dialogForming ? recordRouteHeaders(this.invite) : []), ...(tail.headers ?? [])],
    });
    if (!built.ok) throw new Error(`cannot build ${status} for the INVITE: ${built.error.message}`);
    return built.value;
  }

  private sendFinal(response: SipResponse): void {
    this.finalSent = true;
    this.provisionals.stop();
    this.transmit(response, false);
  }

  /** Passes a response to the INVITE transaction; a UA-core retransmission is reported as one. */
  private transmit(response: SipResponse, retransmission: boolean): void {
    this.tx.respond(response, { retransmission });
  }
}

