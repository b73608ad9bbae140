// What an outgoing and an incoming call share: lifecycle events, the end of
// the call (once), the dialogs it registered with the endpoint, timers that
// die with the call, BYE, and the one place where requests inside its
// dialogs are handled (RFC 3261 §12.2.2). The in-dialog features
// (re-INVITE, UPDATE, INFO, REFER, session timers) live in MidCall and plug
// in with `handleInDialog()`; the call's operations for them are here.
import type { Dialog, DialogId } from '../../dialog/dialog.js';
import type { HeaderSpec, SipRequest, SipResponse } from '../../message/index.js';
import type { ServerTransaction } from '../../transaction/transaction-layer.js';
import type { TimerHandle } from '../../util/clock.js';
import type { Authenticator } from '../auth/authenticator.js';
import { CallEvents } from './call-events.js';
import type { SipEndpoint } from '../core/endpoint.js';
import { sendInDialog, type InDialogOutcome, type SendInDialogOptions } from '../core/in-dialog-client.js';
import { MidCall, type MidCallOptions } from '../mid-call/mid-call.js';
import type { ReplacesTarget } from '../mid-call/replaces.js';
import type { SdpHandler } from '../sdp/sdp-handler.js';
import { Handover, type LocalEnd, type ReplaceableDialog } from './handover.js';
import { reasonHeaderFields } from './reason-header.js';
import type {
  Call, CallDirection, CallEndCause, CallEnded, CallEventName, CallListener, CallState, DtmfOptions, DtmfOutcome, HangupOptions, InDialogHandler,
  InfoOutcome, InfoSpec, ModifyOutcome, ReasonHeader, TransferOutcome,
} from './types.js';

export interface CallContext {
  readonly endpoint: SipEndpoint;
  /** This call's media; closed when the call ends. */
  readonly sdp: SdpHandler;
  /** Groups the call's transactions on the diagnostics stream. */
  readonly callTag: string;
  /** Answers 401/407 to our requests (the INVITE, BYE, PRACK ...), once each. */
  readonly authenticator?: Authenticator;
  /** User part of our Contact URI. */
  readonly contactUser?: string;
  /** Session timers, Info Packages, transfers (RFC 4028, RFC 6086, RFC 3515). */
  readonly midCall?: MidCallOptions;
}

export abstract class CallBase implements Call {
  protected readonly events = new CallEvents();
  /** Resolves once, when the call has ended. */
  readonly ended: Promise<CallEnded>;
  private currentState: CallState;
  private resolveEnded!: (end: CallEnded) => void;
  private endInfo: CallEnded | undefined;
  private readonly registrations = new Map<string, { readonly dialog: Dialog; readonly off: () => void }>();
  private readonly inDialogHandlers = new Map<string, InDialogHandler>();
  private readonly timers = new Set<TimerHandle>();
  /** re-INVITE, UPDATE, INFO, REFER/NOTIFY and session timers in this call's dialogs. */
  protected readonly midCall: MidCall;
  private sessionKey: string | undefined;
  private earlyKey: string | undefined;
  /** This call's part in transfers of ours (its end after one is the transfer's). */
  private readonly handover: Handover;
  private lastDialogs: readonly DialogId[] = [];

  protected constructor(protected readonly ctx: CallContext, readonly direction: CallDirection, readonly callId: string, initial: CallState) {
    this.currentState = initial;
    ctx.endpoint.diagnostics.emit({
      type: 'call-state', at: this.now, callTag: ctx.callTag, callId, direction, to: initial,
      cause: direction === 'outgoing' ? 'call placed' : 'INVITE received',
    });
    this.ended = new Promise((resolve) => { this.resolveEnded = resolve; });
    this.handover = new Handover({
      isEnded: () => this.isEnded,
      graceMs: () => ctx.endpoint.transactions.timers.t2,
      setTimer: (ms, callback) => { this.setTimer(ms, callback); },
      endIfUp: (reason) => {
        const dialog = this.dialogFor(this.sessionKey);
        if (dialog && this.established) void this.byeAndEnd(dialog, { cause: 'transferred', reason });
      },
    });
    this.events.on('answered', (e) => { this.sessionKey = e.dialog; });
    // RFC 3311 §5.1: UPDATE with an offer in an early dialog once its first offer/answer is done (reliably).
    this.events.on('early-media', (e) => { if (e.reliable) this.earlyKey = e.dialog; });
    this.midCall = new MidCall({
      endpoint: ctx.endpoint, sdp: ctx.sdp, callTag: ctx.callTag, direction,
      ...(ctx.authenticator ? { authenticator: ctx.authenticator } : {}),
      ...(ctx.contactUser === undefined ? {} : { contactUser: ctx.contactUser }),
      now: () => this.now,
      isEnded: () => this.isEnded,
      sessionDialog: () => (this.established ? this.dialogFor(this.sessionKey) : undefined),
      earlyDialog: () => (this.sessionKey === undefined ? this.dialogFor(this.earlyKey) : undefined),
      emit: (name, event) => this.events.emit(name, event),
      on: (name, listener) => this.events.on(name, listener),
      setTimer: (ms, callback) => this.setTimer(ms, callback),
      handle: (method, handler) => { this.handleInDialog(method, handler); },
      sendInDialog: (dialog, method, options) => this.sendInDialog(dialog, method, options),
      byeAndEnd: (dialog, end) => this.byeAndEnd(dialog, end),
    }, ctx.midCall);
  }

  get state(): CallState {
    return this.currentState;
  }

  /** The one way a call changes state: every change goes on the diagnostics stream with its cause. */
  protected setState(to: CallState, cause: string): void {
    if (this.currentState === to) return;
    const from = this.currentState;
    this.currentState = to;
    this.ctx.endpoint.diagnostics.emit({
      type: 'call-state', at: this.now, callTag: this.ctx.callTag, callId: this.callId, direction: this.direction, from, to, cause,
    });
  }

  get callTag(): string {
    return this.ctx.callTag;
  }

  /** This call's media handler (whoever created the call chose it; for an incoming call, the agent's factory). */
  get media(): SdpHandler {
    return this.ctx.sdp;
  }

  /** How the call ended, once it has. */
  get endedWith(): CallEnded | undefined {
    return this.endInfo;
  }

  get isEnded(): boolean {
    return this.endInfo !== undefined;
  }

  on<E extends CallEventName>(name: E, listener: CallListener<E>): () => void {
    return this.events.on(name, listener);
  }

  /** Ends the call whatever its state: CANCEL, reject (603), or BYE; optionally with a Reason header (RFC 3326). */
  hangup(options: HangupOptions = {}): void {
    this.endLocally({ cause: 'hangup-local', reason: 'hung up', ...(options.reasonHeader ? { reasonHeader: options.reasonHeader } : {}) });
  }

  /** Ends the call from our side, as its state allows (CANCEL, reject, BYE). */
  protected abstract endLocally(end: LocalEnd): void;

  /** The dialogs the call had when it ended (RFC 3891 §3: an INVITE that replaces one of them is declined). */
  get endedDialogs(): readonly DialogId[] {
    return this.lastDialogs;
  }

  /**
   * RFC 3891 §3: the dialog `id` of this call, if it has it and it is not
   * over (the Replaces of an INVITE compares its to-tag with our local tag and
   * its from-tag with our remote tag).
   */
  replaceableDialog(callId: string, localTag: string, remoteTag: string): ReplaceableDialog | undefined {
    if (this.isEnded || callId !== this.callId) return undefined;
    for (const { dialog } of this.registrations.values()) {
      if (dialog.id.localTag !== localTag || dialog.id.remoteTag !== remoteTag) continue;
      const ending = this.currentState === 'ending' || this.currentState === 'cancelling';
      return { state: ending ? 'terminated' : dialog.state, role: dialog.role };
    }
    return undefined;
  }

  /**
   * RFC 3891 §3: the new call `by` (answered) replaces this one: "shuts down
   * the replaced dialog by sending a BYE" (or CANCEL for our early dialog).
   */
  replaceWith(by: Call): void {
    if (this.isEnded) return;
    this.events.emit('replaced', { at: this.now, by });
    this.endLocally({ cause: 'replaced', reason: `replaced by call ${by.callId} (INVITE with Replaces, RFC 3891)` });
  }

  /**
   * What the REFER of an attended transfer names (RFC 5589 §7.1, RFC 3891):
   * the peer of this call, and this call's dialog as Replaces sees it from the
   * peer (to-tag the peer's tag, from-tag ours). Undefined unless established.
   */
  replacesTarget(): ReplacesTarget | undefined {
    const dialog = this.established ? this.dialogFor(this.sessionKey) : undefined;
    if (!dialog) return undefined;
    return { uri: dialog.remoteTarget, aor: dialog.remote.uri, callId: dialog.id.callId, toTag: dialog.id.remoteTag, fromTag: dialog.id.localTag };
  }

  /** Answered and confirmed (UAC: the 2xx ACKed; UAS: its ACK received): in-dialog requests may go. */
  get established(): boolean {
    return this.currentState === (this.direction === 'outgoing' ? 'answered' : 'confirmed');
  }

  /** We hold the peer / the peer holds us, as last negotiated (RFC 3264 §8.4). */
  get onHold(): { readonly local: boolean; readonly remote: boolean } {
    return { local: this.midCall.media.localHold, remote: this.midCall.media.remoteHold };
  }

  /** The session interval (s) while a session timer runs (RFC 4028), and who refreshes. */
  get sessionTimer(): { readonly interval: number; readonly refresher: 'local' | 'remote' } | undefined {
    const interval = this.midCall.timer.sessionInterval;
    return interval === undefined ? undefined : { interval, refresher: this.midCall.timer.refresher ? 'local' : 'remote' };
  }

  /** Puts the peer on hold: a re-INVITE (or UPDATE) offering sendonly, inactive if it holds us (RFC 3264 §8.4). */
  hold(options: { readonly method?: 'INVITE' | 'UPDATE' } = {}): Promise<ModifyOutcome> {
    return this.midCall.hold(options.method);
  }

  /** Ends our hold: a re-INVITE (or UPDATE) offering sendrecv again. */
  resume(options: { readonly method?: 'INVITE' | 'UPDATE' } = {}): Promise<ModifyOutcome> {
    return this.midCall.resume(options.method);
  }

  /** An UPDATE with a new offer (RFC 3311), also in an early dialog whose offer/answer is done. */
  update(options: { readonly hold?: boolean } = {}): Promise<ModifyOutcome> {
    return this.midCall.update(options);
  }

  /** INFO with a body, for an Info Package the peer listed in Recv-Info (RFC 6086), or a legacy INFO. */
  sendInfo(info: InfoSpec): Promise<InfoOutcome> {
    return this.midCall.sendInfo(info);
  }

  /** Blind transfer (RFC 3515): REFER the peer to `target`; resolves with the final NOTIFY's status. */
  transfer(target: string): Promise<TransferOutcome> {
    return Handover.during(this.midCall.transfer(target), [this.handover]);
  }

  /** Attended transfer (RFC 5589 §7): REFER the peer to the peer of `other`, with Replaces naming `other`'s dialog. */
  transferTo(other: Call): Promise<TransferOutcome> {
    const target = other instanceof CallBase && other !== this ? other.replacesTarget() : undefined;
    if (!target || !(other instanceof CallBase)) return Promise.resolve({ ok: false, reason: 'the other call is not an established call of this user agent' });
    return Handover.during(this.midCall.transferTo(target), [this.handover, other.handover]);
  }

  /** DTMF by SIP INFO, one INFO per tone (application/dtmf-relay). */
  sendDtmf(tones: string, options: DtmfOptions = { method: 'info' }): Promise<DtmfOutcome> {
    return this.midCall.sendDtmf(tones, options);
  }

  /**
   * The extension point for in-dialog requests: `method` in any of this
   * call's dialogs goes to `handler` (after the §12.2.2 checks). INVITE,
   * UPDATE, INFO, REFER and NOTIFY have MidCall's handlers from the start (a
   * later call replaces one). Without a handler: BYE and OPTIONS are answered
   * here, PRACK by the incoming call, anything else gets 501.
   */
  handleInDialog(method: string, handler: InDialogHandler): () => void {
    this.inDialogHandlers.set(method.toUpperCase(), handler);
    return () => this.inDialogHandlers.delete(method.toUpperCase());
  }

  protected get now(): number {
    return this.ctx.endpoint.clock.now();
  }

  private dialogFor(key: string | undefined): Dialog | undefined {
    return key === undefined ? undefined : this.registrations.get(key)?.dialog;
  }

  /** Our INVITE's extra Supported tags and headers (RFC 4028 timer and Session-Expires, RFC 6086 Recv-Info). */
  protected inviteExtensions(): { supported: string[]; headers: HeaderSpec[] } {
    return this.midCall.inviteExtensions();
  }

  /** A final response to our INVITE that calls for a new attempt (RFC 4028 §7.4: 422 with a larger Min-SE). */
  protected retriesInvite(response: SipResponse): boolean {
    return this.midCall.retriesInvite(response);
  }

  /** What our 2xx to their INVITE adds (Session-Expires, Require: timer, Recv-Info). */
  protected answerExtensions(invite: SipRequest): { require: string[]; headers: HeaderSpec[] } {
    return this.midCall.answerExtensions(invite);
  }

  /** The 2xx to our INVITE arrived, or ours to theirs went: session timer and the peer's capabilities. */
  protected sessionEstablished(invite: SipRequest, ok: SipResponse): void {
    this.midCall.sessionEstablished(invite, ok);
  }

  /** Routes the dialog's requests, ACKs and stray 2xx to this call until it ends. */
  protected register(dialog: Dialog): void {
    if (this.registrations.has(dialog.key) || this.isEnded) return;
    this.registrations.set(dialog.key, {
      dialog,
      off: this.ctx.endpoint.addDialog(dialog.key, {
        onRequest: (request, transaction) => this.receiveInDialog(dialog, request, transaction),
        onAck: (ack) => {
          this.receiveAck(dialog, ack);
          this.midCall.receiveAck(dialog, ack);
        },
        onStrayResponse: (response) => {
          this.receiveStrayResponse(dialog, response);
          this.midCall.receiveStrayResponse(dialog, response);
        },
      }),
    });
  }

  protected unregister(dialog: Dialog): void {
    this.registrations.get(dialog.key)?.off();
    this.registrations.delete(dialog.key);
  }

  /** A timer cancelled when the call ends. */
  protected setTimer(ms: number, callback: () => void): TimerHandle {
    const handle = this.ctx.endpoint.clock.setTimer(ms, () => {
      this.timers.delete(handle);
      callback();
    });
    this.timers.add(handle);
    return {
      cancel: () => {
        handle.cancel();
        this.timers.delete(handle);
      },
    };
  }

  /** §12.2.2, then the method's handler. */
  private receiveInDialog(dialog: Dialog, request: SipRequest, transaction: ServerTransaction): void {
    const endpoint = this.ctx.endpoint;
    transaction.tagCall(this.ctx.callTag);
    // "If the remote sequence number was not empty, but the sequence number of
    // the request is lower than the remote sequence number, the request is out
    // of order and MUST be rejected with a 500 (Server Internal Error)".
    const rejection = dialog.receiveRequest(request);
    if (rejection) {
      endpoint.reply(transaction, rejection.status, { reason: rejection.reason });
      return;
    }
    const handler = this.inDialogHandlers.get(request.method);
    if (handler) {
      handler(request, transaction, dialog);
      return;
    }
    if (this.receiveCoreRequest(dialog, request, transaction)) return;
    switch (request.method) {
      case 'BYE':
        this.receiveBye(dialog, request, transaction);
        return;
      case 'OPTIONS':
        // §11.2: what we support, inside the dialog too.
        endpoint.reply(transaction, 200, {
          allow: endpoint.allow, supported: endpoint.capabilities.supportedExtensions,
          headers: [{ name: 'Accept', value: 'application/sdp' }],
        });
        return;
      default:
        endpoint.reply(transaction, 501, { reason: `${request.method} within a call is not implemented yet` });
    }
  }

  /** A request the call itself handles (PRACK for an incoming call); true when handled. */
  protected receiveCoreRequest(_dialog: Dialog, _request: SipRequest, _transaction: ServerTransaction): boolean {
    return false;
  }

  protected abstract receiveBye(dialog: Dialog, request: SipRequest, transaction: ServerTransaction): void;

  /** How the peer's BYE ended the call: hung up, or transferred (by a transfer of ours); with its Reason header. */
  protected remoteEnd(bye: SipRequest, reason: string): { cause: CallEndCause; reason: string; reasonHeader?: ReasonHeader } {
    return this.handover.endedBy(bye, reason);
  }

  /** An ACK for a 2xx in this dialog (UAS). */
  protected receiveAck(_dialog: Dialog, _ack: SipRequest): void {}

  /** A 2xx that matched no transaction any more (UAC, after Timer M). */
  protected receiveStrayResponse(_dialog: Dialog, _response: SipResponse): void {}

  /** Sends a request in `dialog` as this call (BYE, PRACK, ...). */
  protected sendInDialog(dialog: Dialog, method: string, options: SendInDialogOptions = {}): Promise<InDialogOutcome> {
    return sendInDialog({
      endpoint: this.ctx.endpoint, dialog, callTag: this.ctx.callTag,
      ...(this.ctx.authenticator ? { authenticator: this.ctx.authenticator } : {}),
    }, method, options);
  }

  /**
   * §15.1.1: BYE in a confirmed dialog; the call ends when it is answered (or
   * its transaction gives up: "the UAC SHOULD consider the session and
   * dialog terminated" on a 481 or 408 too).
   */
  protected async byeAndEnd(dialog: Dialog, end: Omit<CallEnded, 'at' | 'byeStatus'>, reasonHeader?: ReasonHeader): Promise<void> {
    this.setState('ending', 'BYE sent');
    const outcome = await this.sendInDialog(dialog, 'BYE', { headers: reasonHeaderFields(reasonHeader) });
    dialog.terminate();
    const byeStatus = outcome.kind === 'response' ? outcome.response.status : undefined;
    const how = outcome.kind === 'response' ? `BYE answered ${outcome.response.status} ${outcome.response.reason}`
      : outcome.kind === 'timeout' ? 'BYE got no response' : `BYE not sent: ${outcome.reason}`;
    this.finish({ ...end, reason: `${end.reason}; ${how}`, ...(byeStatus === undefined ? {} : { byeStatus }) });
  }

  /** Ends the call (once): forgets its dialogs, stops its timers, closes the media, tells the listeners. */
  protected finish(end: Omit<CallEnded, 'at'>): void {
    if (this.endInfo) return;
    this.setState('ended', `${end.cause}: ${end.reason}`);
    this.endInfo = { ...end, at: this.now };
    this.lastDialogs = [...this.registrations.values()].map(({ dialog }) => dialog.id);
    for (const { off } of this.registrations.values()) off();
    this.registrations.clear();
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
    this.onFinish();
    try {
      this.ctx.sdp.close();
    } catch {
      // The media's own failure does not change how the call ended.
    }
    this.events.emit('ended', this.endInfo);
    this.resolveEnded(this.endInfo);
  }

  /** Subclass clean-up when the call ends. */
  protected onFinish(): void {}
}
