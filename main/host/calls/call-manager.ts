// The calls the host runs, across accounts: dial, answer, reject, hang up, hold, DTMF and
// transfers, as the app API asks; incoming calls (ringing, call waiting, auto-answer only
// when the account says so); each call's view sent on every change; and the rules that
// end calls for the host's own reasons (the phone window closed, an account removed).
import { randomBytes } from 'node:crypto';
import type { CallView, NormalizedTarget } from '../../contract/calls.js';
import type { MediaSummary } from '../../contract/media.js';
import type { IncomingCall } from '../../../src/ua/call/incoming-call.js';
import type { Call } from '../../../src/ua/call/types.js';
import type { DiagnosticsStream } from '../../../src/trace/events.js';
import type { AccountRuntime } from '../accounts/account-runtime.js';
import type { MediaOwner } from '../media/media-owner.js';
import { RemoteSdpHandler } from '../media/remote-sdp-handler.js';
import { normalizeTarget } from './dial-target.js';
import { HostCall } from './host-call.js';
import type { HostEndReason } from './call-words.js';

export class CallError extends Error {
  override readonly name = 'CallError';
  constructor(readonly kind: 'not-found' | 'invalid' | 'unavailable' | 'conflict', message: string) {
    super(message);
  }
}

export interface CallManagerOptions {
  readonly mediaOwner: MediaOwner;
  readonly account: (accountId: string) => AccountRuntime | undefined;
  readonly onUpdate: (view: CallView) => void;
  /** A call began (for diagnostics and history). */
  readonly onStarted: (call: HostCall, stream: DiagnosticsStream | undefined) => void;
  /** A call ended (for diagnostics and history). */
  readonly onEnded: (call: HostCall) => void;
  /** Something to tell every page (an incoming call refused because no window owns the media). */
  readonly notice: (level: 'info' | 'warning' | 'error', text: string) => void;
  readonly now?: () => number;
  /** Ended calls stay listed this long, ms (so a page that reconnects sees how they ended). */
  readonly keepEndedMs?: number;
}

export class CallManager {
  private readonly calls = new Map<string, HostCall>();
  private readonly now: () => number;

  constructor(private readonly options: CallManagerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The calls up now (and the ones that just ended). */
  views(): CallView[] {
    return [...this.calls.values()].map((call) => call.view());
  }

  get active(): boolean {
    return [...this.calls.values()].some((call) => !call.ended);
  }

  normalize(accountId: string, typed: string): NormalizedTarget {
    const runtime = this.runtime(accountId);
    const result = normalizeTarget(typed, runtime.domain);
    if (!result.ok) throw new CallError('invalid', result.error);
    return result.value;
  }

  dial(accountId: string, typed: string): CallView {
    const runtime = this.runtime(accountId);
    const target = this.normalize(accountId, typed);
    const agent = runtime.agent;
    if (agent === undefined) throw new CallError('unavailable', `The account is not connected yet (${runtime.state.state}); try again when it is.`);
    if (!this.options.mediaOwner.hasOwner) throw new CallError('unavailable', 'No phone window owns the microphone: open Callscope\'s window to place calls.');
    const id = newCallId();
    const media = new RemoteSdpHandler(id, this.options.mediaOwner, runtime.config.iceServers);
    const call = agent.call(target.uri, {
      sdp: media, ringTimeoutMs: 120_000,
      reliableProvisionals: runtime.config.account.reliableProvisionals === 'disabled' ? 'off' : runtime.config.account.reliableProvisionals,
    });
    const hostCall = this.track({ id, runtime, call, media, peer: { display: target.display, uri: target.uri }, dialled: typed });
    return hostCall.view();
  }

  /** An INVITE for one of our accounts: ring it, or refuse it when no page can take its audio. */
  incoming(runtime: AccountRuntime, call: IncomingCall): void {
    if (!this.options.mediaOwner.hasOwner) {
      // Answering would open no microphone anywhere: RFC 3261 §21.4.18, 480 Temporarily Unavailable.
      call.reject(480, 'Temporarily Unavailable (no phone window is open)');
      this.options.notice('warning', `A call from ${callerOf(call).display} was refused: no Callscope window is open to ring it.`);
      return;
    }
    const media = call.media;
    if (!(media instanceof RemoteSdpHandler)) {
      call.reject(500, 'Server Internal Error (no media handler)');
      return;
    }
    // RFC 3891: an INVITE with Replaces takes the place of one of our calls; the stack answers it at once.
    const replaced = call.replaces === undefined ? undefined : [...this.calls.values()].find((c) => c.call === call.replaces);
    const hostCall = this.track({
      id: media.callId, runtime, call, media, peer: callerOf(call), ...(replaced ? { replaces: replaced.id } : {}),
    });
    if (call.replaces !== undefined) return;
    void call.ring().catch(() => undefined);
    const { autoAnswer } = runtime.config.account;
    const asked = call.autoAnswerAfterSeconds;
    if (autoAnswer === 'always' || (autoAnswer === 'when-asked' && asked !== undefined)) {
      const delayMs = Math.min(asked ?? 0, 30) * 1000;
      setTimeout(() => {
        if (hostCall.ended || hostCall.answered) return;
        hostCall.markAutoAnswered();
        void this.answer(hostCall.id).catch(() => undefined);
      }, delayMs).unref?.();
    }
  }

  /** A media factory for an account's incoming calls: each gets a handler with a fresh call id. */
  mediaFactory(runtime: () => AccountRuntime | undefined): () => RemoteSdpHandler {
    return () => new RemoteSdpHandler(newCallId(), this.options.mediaOwner, runtime()?.config.iceServers ?? []);
  }

  async answer(id: string): Promise<CallView> {
    const hostCall = this.find(id);
    const call = hostCall.call;
    if (call.direction !== 'incoming' || !isIncoming(call)) throw new CallError('invalid', 'Only an incoming call can be answered.');
    if (hostCall.answered || hostCall.ended) throw new CallError('conflict', 'This call is no longer ringing.');
    // Call waiting: answering one call holds the others (RFC 3264 §8.4, a re-INVITE with sendonly).
    for (const other of this.calls.values()) {
      if (other !== hostCall && !other.ended && other.answered && !other.call.onHold.local) void other.call.hold().catch(() => undefined);
    }
    try {
      await call.answer();
    } catch (error) {
      hostCall.endedByHost('media-failure');
      // RFC 3261 §21.4.26: 488 when the session description cannot be accepted.
      if (!call.isEnded) call.reject(488, `Not Acceptable Here (${errorText(error)})`);
      throw new CallError('unavailable', `The call could not be answered: ${errorText(error)}`);
    }
    return hostCall.view();
  }

  reject(id: string, status: number): CallView {
    const hostCall = this.find(id);
    const call = hostCall.call;
    if (!isIncoming(call) || hostCall.answered) throw new CallError('invalid', 'Only a ringing incoming call can be rejected; hang up instead.');
    call.reject(status);
    return hostCall.view();
  }

  /** CANCEL before the answer, BYE after; a ringing incoming call is declined (603). */
  hangup(id: string): CallView {
    const hostCall = this.find(id);
    const call = hostCall.call;
    if (isIncoming(call) && !hostCall.answered && !hostCall.ended) call.reject(603, 'Decline');
    else call.hangup();
    return hostCall.view();
  }

  async hold(id: string, hold: boolean): Promise<CallView> {
    const hostCall = this.find(id);
    if (!hostCall.call.established) throw new CallError('conflict', 'The call is not connected yet.');
    const outcome = hold ? await hostCall.call.hold() : await hostCall.call.resume();
    if (!outcome.ok) throw new CallError('unavailable', `${hold ? 'Hold' : 'Resume'} failed: ${outcome.reason}`);
    return hostCall.view();
  }

  async sendDtmf(id: string, tones: string): Promise<'rfc4733' | 'info'> {
    const hostCall = this.find(id);
    if (!hostCall.call.established) throw new CallError('conflict', 'DTMF needs a connected call.');
    const method = hostCall.dtmfMethod;
    if (method === 'rfc4733') {
      await hostCall.media.sendDtmf(tones, 100);
      return method;
    }
    const outcome = await hostCall.call.sendDtmf(tones, { method: 'info' });
    if (!outcome.ok) throw new CallError('unavailable', `DTMF by SIP INFO failed after ${outcome.sent} tone(s): ${outcome.reason}`);
    return method;
  }

  async transfer(id: string, typed: string): Promise<CallView> {
    const hostCall = this.find(id);
    if (!hostCall.call.established) throw new CallError('conflict', 'Only a connected call can be transferred.');
    const target = this.normalize(hostCall.accountId, typed);
    hostCall.markTransfer('blind');
    const outcome = await hostCall.call.transfer(target.uri);
    if (!outcome.ok) hostCall.transferFailed(`Transfer failed: ${outcome.reason}`);
    return hostCall.view();
  }

  /** Attended transfer (RFC 5589 §7): the peer of `id` is sent to the peer of `toId`, whose dialog it replaces. */
  async attendedTransfer(id: string, toId: string): Promise<CallView> {
    const hostCall = this.find(id);
    const target = this.find(toId);
    if (hostCall === target) throw new CallError('invalid', 'A call cannot be transferred to itself.');
    if (!hostCall.call.established || !target.call.established) throw new CallError('conflict', 'Both calls must be connected for an attended transfer.');
    hostCall.markTransfer('attended');
    const outcome = await hostCall.call.transferTo(target.call);
    if (!outcome.ok) hostCall.transferFailed(`Transfer failed: ${outcome.reason}`);
    return hostCall.view();
  }

  mediaReported(summary: MediaSummary): boolean {
    const hostCall = this.calls.get(summary.callId);
    if (hostCall === undefined) return false;
    hostCall.mediaReported(summary);
    return true;
  }

  /** Ends every call (BYE, CANCEL, or 480 for one still ringing here) for a host reason. */
  endAll(reason: HostEndReason, accountId?: string): Promise<void> {
    const ending = [...this.calls.values()].filter((c) => !c.ended && (accountId === undefined || c.accountId === accountId));
    for (const hostCall of ending) {
      hostCall.endedByHost(reason);
      const call = hostCall.call;
      if (isIncoming(call) && !hostCall.answered) call.reject(480, 'Temporarily Unavailable');
      else call.hangup();
    }
    return Promise.all(ending.map((c) => Promise.race([c.call.ended, delay(5000)]))).then(() => undefined);
  }

  get(id: string): HostCall | undefined {
    return this.calls.get(id);
  }

  private track(spec: {
    id: string; runtime: AccountRuntime; call: Call; media: RemoteSdpHandler;
    peer: { display: string; uri: string }; dialled?: string; replaces?: string;
  }): HostCall {
    const { runtime, call } = spec;
    const stream = runtime.agent?.endpoint.diagnostics;
    const hostCall = new HostCall({
      id: spec.id, accountId: runtime.accountId, call, media: spec.media, peer: spec.peer,
      ...(spec.dialled === undefined ? {} : { dialled: spec.dialled }),
      ...(spec.replaces === undefined ? {} : { replaces: spec.replaces }),
      clockAt: runtime.agent?.endpoint.clock.now() ?? 0, now: this.now,
      dtmfMethod: runtime.config.account.dtmfMethod,
      onChange: (changed) => this.changed(changed),
    });
    this.calls.set(spec.id, hostCall);
    if (stream !== undefined && call.direction === 'outgoing') {
      const off = stream.subscribe((event) => {
        if (event.type === 'transaction-created' && event.callTag === call.callTag && event.method === 'INVITE') {
          hostCall.inviteSent(event.at);
          off();
        }
      });
      void call.ended.then(off);
    }
    this.options.onStarted(hostCall, stream);
    this.options.onUpdate(hostCall.view());
    return hostCall;
  }

  private changed(hostCall: HostCall): void {
    this.options.onUpdate(hostCall.view());
    if (!hostCall.ended) return;
    this.options.onEnded(hostCall);
    setTimeout(() => this.calls.delete(hostCall.id), this.options.keepEndedMs ?? 60_000).unref?.();
  }

  private find(id: string): HostCall {
    const call = this.calls.get(id);
    if (call === undefined || call.ended) throw new CallError('not-found', call ? 'That call has ended.' : 'There is no such call.');
    return call;
  }

  private runtime(accountId: string): AccountRuntime {
    const runtime = this.options.account(accountId);
    if (runtime === undefined) throw new CallError('not-found', 'There is no enabled account with that id.');
    return runtime;
  }
}

function isIncoming(call: Call): call is IncomingCall {
  return call.direction === 'incoming';
}

function callerOf(call: IncomingCall): { display: string; uri: string } {
  const from = call.invite.from;
  const uri = from.uri;
  const user = 'user' in uri && uri.user !== undefined ? uri.user : undefined;
  const host = 'host' in uri ? uri.host : '';
  const address = user === undefined ? host : `${user}@${host}`;
  const display = from.displayName !== undefined && from.displayName !== '' ? from.displayName : (user ?? address);
  return { display, uri: address === '' ? '' : `${uri.scheme}:${address}` };
}

function newCallId(): string {
  return `c-${randomBytes(6).toString('hex')}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}
