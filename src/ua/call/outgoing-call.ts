// An outgoing call: the UAC side of an INVITE (RFC 3261 §13.2, RFC 3262,
// RFC 3264). One INVITE transaction at a time (a 401/407 or a 3xx makes a
// new one, §8.1.3.5), any number of forks, each with its early dialog, RSeq
// space and PRACKs; the ACK for every 2xx built here and sent end to end;
// a second 2xx, or one that crosses our CANCEL, gets ACK then BYE.
import { Dialog } from '../../dialog/dialog.js';
import { formatUri } from '../../message/index.js';
import type { HeaderSpec, SipRequest, SipResponse } from '../../message/index.js';
import { InviteClientTransaction } from '../../transaction/invite-client-transaction.js';
import type { ClientTransaction, ServerTransaction } from '../../transaction/transaction-layer.js';
import { CallBase, type CallContext } from './call-base.js';
import type { LocalEnd } from './handover.js';

import { faultyContact, withoutRecordRoute, type CallFaults } from './faults.js';
import type { ReliableProvisionalPolicy } from './incoming-call.js';
import { sdpBody } from '../sdp/sdp-body.js';
import { UacFork } from './uac-fork.js';
import { buildAckFor2xx, buildCancel, buildInvite } from './uac-requests.js';
import { reasonHeaderFields, reasonHeaderOf } from './reason-header.js';
import type { CallEndCause, ReasonHeader } from './types.js';

export interface OutgoingCallOptions extends CallContext {
  /** The Request-URI. */
  readonly target: string;
  /** Our address of record (From). */
  readonly from: { readonly uri: string; readonly displayName?: string };
  /** To; the target by default. */
  readonly to?: { readonly uri: string; readonly displayName?: string };
  /** 100rel (RFC 3262): `supported` (default), `required`, or `off`. */
  readonly reliableProvisionals?: ReliableProvisionalPolicy;
  /** Send the INVITE without an offer; the offer then comes in a reliable 18x or the 2xx. */
  readonly delayedOffer?: boolean;
  /** How many 3xx redirections to follow (default 0: a 3xx ends the call). */
  readonly followRedirects?: number;
  /** Our no-answer policy: CANCEL when not answered within this many ms. */
  readonly ringTimeoutMs?: number;
  /** Extra headers for the INVITE (Subject, ...). */
  readonly headers?: readonly HeaderSpec[];
  /** Deliberate protocol faults (see faults.ts); none by default. */
  readonly faults?: CallFaults;
}

type CancelState = 'none' | 'queued' | 'sent';

/**
 * RFC 3261 §20.43: a Warning's text says why to a human (a 488's "no common codec"); the
 * end reason carries it, ` (Warning 305: ...)`, or nothing when the response has none.
 */
function warningOf(response: SipResponse): string {
  const value = response.getHeader('Warning')?.value;
  const match = value === undefined ? null : /^\s*(\d{3})\s+\S+\s+"((?:[^"\\]|\\.)*)"/.exec(value);
  // The far end's text: unescaped, no control characters (it may reach a terminal), bounded.
  if (!match) return '';
  const text = [...match[2]!.replace(/\\(.)/g, '$1')].map((c) => (c.charCodeAt(0) < 0x20 || c === '\u007f' ? '?' : c)).join('').slice(0, 200);
  return ` (Warning ${match[1]}: ${text})`;
}

export class OutgoingCall extends CallBase {
  private invite: SipRequest | undefined;
  private inviteTransaction: ClientTransaction | undefined;
  private attempt = 0;
  private readonly fromTag: string;
  private cseq = 1;
  private offer: string | undefined;
  private readonly forks = new Map<string, UacFork>();
  private answeredFork: UacFork | undefined;
  private finalStatus: number | undefined;
  private provisionalSeen = false;
  private tryingSeen = false;
  private cancel: CancelState = 'none';
  private cancelCause: CallEndCause = 'cancelled';
  private authRetries = 0;
  /** The INVITE before any credentials (FAULT auth-retries answers refused challenges as if fresh). */
  private firstInvite: SipRequest | undefined;
  private redirects = 0;
  /** hangup() before the 2xx was ACKed: BYE once it is. */
  private byeRequested: LocalEnd | undefined;
  private cancelReason = 'cancelled';
  /** The Reason header (RFC 3326) our CANCEL carries, when hangup() gave one. */
  private cancelReasonHeader: ReasonHeader | undefined;

  constructor(private readonly options: OutgoingCallOptions) {
    super(options, 'outgoing', options.endpoint.newCallId(), 'calling');
    this.fromTag = options.endpoint.newTag();
  }

  /** The INVITE of the current attempt. */
  get request(): SipRequest | undefined {
    return this.invite;
  }

  /** The forks seen so far, by the remote (To) tag. */
  get dialogs(): ReadonlyMap<string, UacFork> {
    return this.forks;
  }

  /** Creates the offer (unless delayed) and sends the INVITE. */
  start(): void {
    void (async () => {
      try {
        if (!this.options.delayedOffer) this.offer = await this.ctx.sdp.createOffer();
      } catch (error) {
        this.finish({ cause: 'protocol-error', reason: `could not create the SDP offer: ${error instanceof Error ? error.message : String(error)}` });
        return;
      }
      if (this.isEnded) return;
      this.sendInvite(this.options.target, []);
      const ringTimeout = this.options.ringTimeoutMs;
      if (ringTimeout !== undefined) {
        this.setTimer(ringTimeout, () => {
          if (!this.answeredFork) this.cancelInvite('no-answer', `not answered within ${ringTimeout / 1000} s`);
        });
      }
    })();
  }

  protected endLocally(end: LocalEnd): void {
    if (this.isEnded) return;
    const fork = this.answeredFork;
    if (!fork) {
      this.cancelReasonHeader = end.reasonHeader;
      this.cancelInvite(end.cause === 'replaced' ? 'replaced' : 'cancelled', end.cause === 'replaced' ? end.reason : 'cancelled');
      return;
    }
    // FAULT cancel-late (RFC 3261 §9.1): "hang up" the answered call with CANCEL, then BYE.
    if (this.options.faults?.cancelLate && this.cancel === 'none') this.sendCancel();
    if (fork.ack && this.state === 'answered') void this.byeAndEnd(fork.dialog, this.endedBy(end), end.reasonHeader);
    else this.byeRequested = end;
  }

  private endedBy(end: LocalEnd): { cause: CallEndCause; status?: number; reason: string } {
    return { cause: end.cause, ...(this.finalStatus === undefined ? {} : { status: this.finalStatus }), reason: end.reason };
  }

  private sendInvite(uri: string, credentials: readonly HeaderSpec[]): void {
    const { endpoint } = this.ctx;
    const policy = this.options.reliableProvisionals ?? 'supported';
    const extensions = this.inviteExtensions();
    const invite = buildInvite({
      uri, from: this.options.from, fromTag: this.fromTag, to: this.options.to ?? { uri: this.options.target },
      callId: this.callId, cseq: this.cseq, via: endpoint.via(),
      // FAULT private-contact (RFC 3261 §8.1.1.8): an unreachable host in our Contact.
      contact: faultyContact(endpoint.contact(this.ctx.contactUser), this.options.faults),
      // RFC 3262 §4: "the UAC ... SHOULD include Supported: 100rel"; Require when it insists.
      supported: [...(policy === 'off' ? [] : ['100rel']), ...extensions.supported], require: policy === 'required' ? ['100rel'] : [],
      allow: endpoint.allow, route: endpoint.preloadedRoute,
      headers: [{ name: 'User-Agent', value: endpoint.product }, ...(this.options.headers ?? []), ...extensions.headers, ...credentials],
      ...(this.offer === undefined ? {} : { offer: this.offer }),
    });
    this.invite = invite;
    this.firstInvite ??= invite;
    // FAULT cancel-early (RFC 3261 §9.1): a CANCEL right behind the INVITE (built first, so that it
    // leaves before the next hop can answer), before any provisional response.
    const cancelEarly = this.options.faults?.cancelEarly && this.attempt === 0 ? buildCancel(invite) : undefined;
    const attempt = ++this.attempt;
    const current = () => attempt === this.attempt;
    this.inviteTransaction = endpoint.send(invite, {
      onResponse: (response) => { if (current()) this.receiveResponse(response); },
      onTimeout: () => {
        // §8.1.3.1: Timer B "MUST be treated as if the transaction had received a 408".
        if (current()) this.finish({ cause: 'timeout', status: 408, reason: 'no response to the INVITE (Timer B, 64·T1)' });
      },
      onTransportError: (error) => {
        if (current()) this.finish({ cause: 'transport-error', status: 503, reason: `the INVITE could not be sent: ${error.message}` });
      },
    }, { target: endpoint.firstHopFor(invite), callTag: this.ctx.callTag });
    if (cancelEarly) {
      this.cancelReason = 'cancelled at once (fault --cancel-early)';
      this.setState('cancelling', 'CANCEL at once (fault --cancel-early)');
      this.sendCancel(cancelEarly);
    }
  }

  private receiveResponse(response: SipResponse): void {
    if (response.status < 200) this.receiveProvisional(response);
    else if (response.status < 300) this.receive2xx(response);
    else this.receiveFailure(response);
  }

  private receiveProvisional(response: SipResponse): void {
    if (this.isEnded || this.answeredFork) return;
    if (!this.provisionalSeen) {
      this.provisionalSeen = true;
      // §9.1: a CANCEL waits for the first provisional response.
      if (this.cancel === 'queued') this.sendCancel();
    }
    if (this.state === 'calling') this.setState('proceeding', `${response.status} received`);
    if (response.status === 100) {
      if (!this.tryingSeen) this.events.emit('trying', { at: this.now });
      this.tryingSeen = true;
      return;
    }
    const fork = this.forkFor(response);
    let reliable = false;
    // RFC 3262 §4: "If a provisional response is received for an initial request,
    // and that response contains a Require header field containing the option tag
    // 100rel, the response is to be sent reliably."
    if (fork && response.require.includes('100rel') && response.rseq !== undefined && this.options.reliableProvisionals !== 'off') {
      const verdict = fork.acceptRseq(response.rseq);
      // "Once a reliable provisional response is received, retransmissions of
      // that response MUST be discarded"; one out of order "MUST NOT be
      // acknowledged with a PRACK, and MUST NOT be processed further".
      if (verdict === 'retransmission' || verdict === 'out-of-order') return;
      reliable = true;
    }
    if (fork && this.state === 'proceeding') this.setState('early', `${response.status} with a To tag received`);
    void this.handleProvisional(response, fork, reliable);
  }

  private async handleProvisional(response: SipResponse, fork: UacFork | undefined, reliable: boolean): Promise<void> {
    const sdp = sdpBody(response);
    let prackAnswer: string | undefined;
    let media = false;
    try {
      if (sdp !== undefined && fork) {
        if (this.offer !== undefined && fork.earlyAnswer === undefined) {
          // The answer to our offer (RFC 3264 §4), in a provisional: early media.
          fork.earlyAnswer = sdp;
          media = true;
          await this.ctx.sdp.applyProvisionalAnswer(sdp, fork.dialog.key);
        } else if (this.offer === undefined && reliable && !fork.offerAnswered) {
          // RFC 3262 §5: "If the UAC receives a reliable provisional response with
          // an offer ... it MUST generate an answer in the PRACK."
          prackAnswer = await this.ctx.sdp.createAnswer(sdp);
          fork.offerAnswered = true;
          media = true;
        }
      }
    } catch (error) {
      if (!this.isEnded && !this.answeredFork) this.cancelInvite('protocol-error', `the early SDP was not usable: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (this.isEnded) return;
    // FAULT no-prack (RFC 3262 §4): the reliable provisional is never acknowledged.
    if (reliable && fork && !this.options.faults?.noPrack) {
      // RFC 3262 §7.2: "RAck: <RSeq of the response> <CSeq number> <CSeq method>", in the early dialog.
      void this.sendInDialog(fork.dialog, 'PRACK', {
        headers: [{ name: 'RAck', value: `${response.rseq} ${response.cseq.seq} ${response.cseq.method}` }],
        ...(prackAnswer === undefined ? {} : { body: prackAnswer, contentType: 'application/sdp' }),
      });
    }
    const at = this.now;
    const dialog = fork?.dialog.key;
    if (media && sdp !== undefined && dialog !== undefined) this.events.emit('early-media', { at, sdp, reliable, dialog });
    else if (response.status === 180) this.events.emit('ringing', { at, status: 180, reliable, ...(dialog ? { dialog } : {}) });
    else this.events.emit('progress', { at, status: response.status, reliable, ...(dialog ? { dialog } : {}) });
  }

  /** The fork a 1xx belongs to; a new early dialog for a new To tag (§12.1.2: it needs a Contact). */
  private forkFor(response: SipResponse): UacFork | undefined {
    const tag = response.to.tag;
    if (tag === undefined || !this.invite) return undefined;
    let fork = this.forks.get(tag);
    if (!fork) {
      const dialog = Dialog.asUac(this.invite, response);
      if (!dialog) return undefined;
      fork = new UacFork(dialog);
      this.forks.set(tag, fork);
      this.register(dialog);
    }
    return fork;
  }

  private receive2xx(received: SipResponse): void {
    // FAULT wrong-route-set (RFC 3261 §12.1.2): the dialog ignores the 2xx's Record-Route.
    const response = this.options.faults?.wrongRouteSet ? withoutRecordRoute(received) : received;
    const invite = this.invite!;
    const tag = response.to.tag;
    const known = tag === undefined ? undefined : this.forks.get(tag);
    if (known?.ack) {
      // §13.2.2.4: "The UAC core MUST generate an ACK request for each 2xx
      // received from the transaction layer" — a retransmission gets the same ACK.
      this.transmitAck(known.ack);
      return;
    }
    if (known?.acking) return;
    if (known?.byeReceived && !this.answeredFork && !this.isEnded) {
      // The callee's BYE overtook its 2xx (a proxy relaying them in parallel): the 2xx is
      // ACKed as any other (§13.2.2.4), from a dialog built on it, but the callee has
      // already ended that dialog (a BYE of ours would get 481), so the call is over.
      const dialog = Dialog.asUac(invite, response);
      if (dialog) {
        const ended = new UacFork(dialog);
        ended.acking = true;
        ended.offerAnswered = known.offerAnswered;
        this.forks.set(dialog.id.remoteTag, ended);
        this.finalStatus = response.status;
        void this.ackOnly(ended, response).then(() => dialog.terminate());
        this.finish({ cause: 'hangup-remote', status: response.status, reason: `the callee hung up: its BYE arrived before its ${response.status}` });
        return;
      }
    }
    let fork = known;
    if (fork) {
      fork.dialog.confirm(response);
    } else {
      const dialog = Dialog.asUac(invite, response);
      if (!dialog) {
        if (!this.answeredFork) this.finish({ cause: 'protocol-error', status: response.status, reason: `${response.status} without a To tag or Contact: it cannot be ACKed (RFC 3261 §12.1.2)` });
        return;
      }
      fork = new UacFork(dialog);
      this.forks.set(dialog.id.remoteTag, fork);
    }
    fork.acking = true;
    if (this.answeredFork || this.isEnded) {
      // A 2xx from another fork: "the UAC core MUST ... ACK ... [and] terminate the dialog with a BYE".
      void this.ackThenBye(fork, response);
      return;
    }
    this.answeredFork = fork;
    this.finalStatus = response.status;
    this.register(fork.dialog);
    void this.accept(fork, response);
  }

  private async accept(fork: UacFork, response: SipResponse): Promise<void> {
    const sdp = sdpBody(response);
    let problem: string | undefined;
    let ackAnswer: string | undefined;
    let finalAnswer: string | undefined;
    if (this.offer !== undefined) {
      // §13.2.1: the answer is in the 2xx, unless a (reliable) provisional brought it.
      finalAnswer = sdp ?? fork.earlyAnswer;
      if (finalAnswer === undefined) problem = `the ${response.status} has no SDP answer to our offer (RFC 3261 §13.2.1)`;
    } else if (!fork.offerAnswered) {
      if (sdp === undefined) problem = `the ${response.status} to an offerless INVITE has no offer (RFC 3261 §13.2.1)`;
      else ackAnswer = await this.ctx.sdp.createAnswer(sdp).catch((error: unknown) => {
        problem = `could not answer the offer in the ${response.status}: ${error instanceof Error ? error.message : String(error)}`;
        return undefined;
      });
    }
    this.sendAck(fork, ackAnswer);
    // Other forks' early dialogs are over for us; a late 2xx of theirs is ACKed and BYEd.
    for (const other of this.forks.values()) if (other !== fork) this.unregister(other.dialog);
    if (problem !== undefined) {
      void this.byeAndEnd(fork.dialog, { cause: 'protocol-error', status: response.status, reason: problem });
      return;
    }
    if (this.cancel !== 'none') {
      // The CANCEL/200 race (§9.1, §15): the INVITE won; ACK it, then BYE.
      void this.byeAndEnd(fork.dialog, {
        cause: this.cancelCause, status: response.status,
        reason: `${response.status} crossed our CANCEL: ACK then BYE (RFC 3261 §9.1, §15)`,
      });
      return;
    }
    if (finalAnswer !== undefined) await this.ctx.sdp.applyFinalAnswer(finalAnswer).catch(() => undefined);
    if (this.isEnded) return;
    this.sessionEstablished(this.invite!, response);
    this.setState('answered', `${response.status} received and ACKed`);
    this.events.emit('answered', { at: this.now, status: response.status, ...(sdp === undefined ? {} : { sdp }), dialog: fork.dialog.key });
    if (this.byeRequested) void this.byeAndEnd(fork.dialog, this.endedBy(this.byeRequested), this.byeRequested.reasonHeader);
  }

  private async ackThenBye(fork: UacFork, response: SipResponse): Promise<void> {
    await this.ackOnly(fork, response);
    void this.sendInDialog(fork.dialog, 'BYE').then(() => fork.dialog.terminate());
  }

  /** ACKs a 2xx of a fork that will not be kept. */
  private async ackOnly(fork: UacFork, response: SipResponse): Promise<void> {
    // An offerless INVITE's 2xx carries an offer: the ACK must still answer it (§13.2.1).
    const offer = this.offer === undefined && !fork.offerAnswered ? sdpBody(response) : undefined;
    const answer = offer === undefined ? undefined : await this.ctx.sdp.createAnswer(offer).catch(() => undefined);
    this.sendAck(fork, answer);
  }

  private sendAck(fork: UacFork, answer: string | undefined): void {
    fork.ack = buildAckFor2xx(fork.dialog, this.invite!, this.ctx.endpoint.via(), answer, this.options.faults);
    this.transmitAck(fork.ack);
  }

  private transmitAck(ack: SipRequest): void {
    // FAULT drop-ack (RFC 3261 §13.2.2.4): the ACK is built (BYE still works) but never sent.
    if (this.options.faults?.dropAck) return;
    this.ctx.endpoint.sendAck(ack).catch(() => undefined);
  }

  private receiveFailure(response: SipResponse): void {
    if (this.isEnded) return;
    const status = response.status;
    const invite = this.invite!;
    this.finalStatus = status;
    const line = `${status} ${response.reason}`.trim();
    if ((status === 401 || status === 407) && this.cancel === 'none') {
      // §22.2: retry once with credentials; the Authenticator refuses loops.
      // FAULT auth-retries (§22.2, §22.3): up to N retries, each refusal answered as if it were a fresh challenge.
      const limit = this.options.faults?.authRetries ?? 1;
      const answer = this.ctx.authenticator && this.authRetries < limit
        ? this.ctx.authenticator.answer(limit > 1 ? this.firstInvite! : invite, response) : undefined;
      if (answer?.ok) {
        this.authRetries += 1;
        this.retry(invite.requestUriText, answer.headers);
        return;
      }
      const why = answer ? answer.reason : this.ctx.authenticator ? `credentials refused ${this.authRetries} time(s)` : 'no credentials configured';
      this.finish({ cause: 'auth-failed', status, reason: `${line}: ${why}` });
      return;
    }
    const contact = response.contacts[0];
    if (status < 400 && contact && this.redirects < (this.options.followRedirects ?? 0) && this.cancel === 'none') {
      // §8.1.3.4: "the UAC MAY ... generate new requests based on the contacts".
      this.redirects += 1;
      this.retry(formatUri(contact.uri), []);
      return;
    }
    // RFC 4028 §7.4: a 422 names a larger Min-SE; one more INVITE asks for it,
    // with the credentials the last one carried (§22.3: the challenge is reused,
    // its nonce count advanced), or a challenging proxy would refuse it.
    if (this.cancel === 'none' && this.retriesInvite(response)) {
      const hadCredentials = invite.authorization.length > 0 || invite.proxyAuthorization.length > 0;
      const credentials = hadCredentials ? this.ctx.authenticator?.headersFor(invite) ?? [] : [];
      this.retry(invite.requestUriText, credentials);
      return;
    }
    // 4xx-6xx: the INVITE client transaction has ACKed it hop by hop (§17.1.1.3).
    const reasonHeader = reasonHeaderOf(response);
    const why = reasonHeader ? { reasonHeader } : {};
    if (status === 487 && this.cancel !== 'none') {
      this.finish({ cause: this.cancelCause, status, reason: `${this.cancelReason}: CANCEL, ${line}`, ...why });
      return;
    }
    this.finish({ cause: 'rejected', status, reason: `${line}${warningOf(response)}`, ...why });
  }

  /** §8.1.3.5: a new request, "the same value of the Call-ID, To, and From", CSeq one higher. */
  private retry(uri: string, credentials: readonly HeaderSpec[]): void {
    for (const fork of this.forks.values()) this.unregister(fork.dialog);
    this.forks.clear();
    this.provisionalSeen = false;
    this.cseq += 1;
    this.setState('calling', 'INVITE sent again');
    this.sendInvite(uri, credentials);
  }

  private cancelInvite(cause: CallEndCause, reason: string): void {
    if (this.isEnded || this.answeredFork || this.cancel !== 'none') return;
    this.cancelCause = cause;
    this.cancelReason = reason;
    this.setState('cancelling', reason);
    // §9.1: "If no provisional response has been received, the CANCEL request
    // MUST NOT be sent; rather, the client MUST wait for the arrival of a
    // provisional response before sending the request."
    if (!this.provisionalSeen) this.cancel = 'queued';
    else this.sendCancel();
  }

  private sendCancel(prebuilt?: SipRequest): void {
    const invite = this.invite!;
    this.cancel = 'sent';
    const { endpoint } = this.ctx;
    // §9.1: the CANCEL goes where the INVITE went.
    endpoint.send(prebuilt ?? buildCancel(invite, reasonHeaderFields(this.cancelReasonHeader)), {
      onResponse: () => undefined, onTimeout: () => undefined, onTransportError: () => undefined,
    }, { target: endpoint.firstHopFor(invite), callTag: this.ctx.callTag });
    // §9.1: "If there is no final response for the original request in 64*T1
    // seconds ..., the client SHOULD then consider the original transaction cancelled".
    const limit = 64 * endpoint.transactions.timers.t1;
    this.setTimer(limit, () => {
      if (this.answeredFork) return;
      const reason = `${this.cancelReason}: CANCEL sent, but no final response within 64·T1 (RFC 3261 §9.1)`;
      // "... and SHOULD destroy the client transaction handling the original request."
      if (this.inviteTransaction instanceof InviteClientTransaction) this.inviteTransaction.abandon(reason);
      this.finish({ cause: this.cancelCause, reason });
    });
  }

  protected receiveBye(dialog: Dialog, request: SipRequest, transaction: ServerTransaction): void {
    this.ctx.endpoint.reply(transaction, 200);
    dialog.terminate();
    if (dialog === this.answeredFork?.dialog) {
      this.finish({
        ...this.remoteEnd(request, 'the callee hung up (BYE)'),
        ...(this.finalStatus === undefined ? {} : { status: this.finalStatus }),
      });
    } else {
      // §15: a callee must not BYE an early dialog; if one does, that fork is simply gone.
      // It may also be the callee's BYE right behind its 2xx, relayed first by a proxy that
      // handles them in parallel: see receive2xx.
      const fork = this.forks.get(dialog.id.remoteTag);
      if (fork) fork.byeReceived = true;
      this.unregister(dialog);
    }
  }

  protected override receiveStrayResponse(_dialog: Dialog, response: SipResponse): void {
    // A 2xx retransmission after Timer M (RFC 6026 §8.4): ACK it again.
    const invite = this.invite;
    if (invite && response.status >= 200 && response.status < 300 && response.cseq.method === 'INVITE' && response.cseq.seq === invite.cseq.seq) {
      this.receive2xx(response);
    }
  }
}
