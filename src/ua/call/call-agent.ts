// Calls on top of one SipEndpoint: places outgoing calls and takes the
// INVITEs and CANCELs that arrive outside any dialog, handing each new
// incoming call to whoever listens. Every call gets its own call tag, which
// tags all of its client transactions on the diagnostics stream. An INVITE
// with Replaces (RFC 3891) takes the place of one of the agent's calls: it
// is answered at once and the call it names is ended.
import { randomToken } from '../../message/index.js';
import type { HeaderSpec, SipRequest } from '../../message/index.js';
import { InviteServerTransaction } from '../../transaction/invite-server-transaction.js';
import type { ServerTransaction } from '../../transaction/transaction-layer.js';
import type { InboundMessage } from '../../transport/transport.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { SipEndpoint } from '../core/endpoint.js';
import type { CallFaults } from './faults.js';
import { IncomingCall, type ReliableProvisionalPolicy } from './incoming-call.js';
import { OutgoingCall } from './outgoing-call.js';
import type { CallBase } from './call-base.js';
import { replacesVerdict } from './replaces-rules.js';
import type { SdpHandler } from '../sdp/sdp-handler.js';
import type { Call } from './types.js';
import { minSeHeader, sessionIntervalTooSmall, MIN_SESSION_INTERVAL, type SessionTimerOptions } from '../mid-call/session-timer.js';

export interface CallAgentOptions {
  readonly endpoint: SipEndpoint;
  /** Our address of record: the From of outgoing calls. */
  readonly identity: { readonly uri: string; readonly displayName?: string };
  /** User part of our Contact URI. */
  readonly contactUser?: string;
  /** Answers 401/407 to the calls' requests. */
  readonly authenticator?: Authenticator;
  /** 100rel for both directions (default `supported`). */
  readonly reliableProvisionals?: ReliableProvisionalPolicy;
  /** A new media handler for each call. */
  readonly createSdpHandler: () => SdpHandler;
  /** Deliberate protocol faults for every call, placed or taken (see faults.ts); none by default. */
  readonly faults?: CallFaults;
  /** Session timers (RFC 4028): our Min-SE, and whether our calls ask for one. */
  readonly sessionTimer?: SessionTimerOptions;
  /** Info Packages our calls take in INFO (RFC 6086), listed in Recv-Info; others get 469. */
  readonly infoPackages?: readonly string[];
  /** REFER in our calls (RFC 3515): `accept` (default) places the new call here; `decline` answers 603. */
  readonly transfers?: 'accept' | 'decline';
  /**
   * Looks at each new INVITE before a call is made of it (after the §8.2 checks): returns
   * false when it answered the INVITE itself (a challenge, a 404), true to take the call.
   */
  readonly screenInvite?: (invite: SipRequest, transaction: InviteServerTransaction, inbound: InboundMessage) => boolean;
  /** Faults for one incoming call, chosen by its INVITE (instead of `faults`). */
  readonly faultsFor?: (invite: SipRequest) => CallFaults | undefined;
}

export interface PlaceCallOptions {
  readonly sdp?: SdpHandler;
  readonly to?: { readonly uri: string; readonly displayName?: string };
  readonly delayedOffer?: boolean;
  readonly reliableProvisionals?: ReliableProvisionalPolicy;
  readonly ringTimeoutMs?: number;
  readonly followRedirects?: number;
  readonly headers?: readonly HeaderSpec[];
  /** Faults for this call (instead of the agent's). */
  readonly faults?: CallFaults;
  /** Ask for a session timer with this interval in seconds (RFC 4028 §7.1: Session-Expires in the INVITE). */
  readonly sessionExpires?: number;
}

export type IncomingCallListener = (call: IncomingCall) => void;

/** An INVITE with Replaces took the place of one of our calls (RFC 3891): `by` is answered, `replaced` is ending. */
export interface CallReplaced {
  readonly replaced: Call;
  readonly by: IncomingCall;
}
export type CallReplacedListener = (event: CallReplaced) => void;

/** How long an ended call's dialogs are remembered, for RFC 3891 §3's 603 to a late Replaces (ms). */
const ENDED_DIALOG_MEMORY_MS = 32_000;

/** An INVITE answered with a final response before it became a call (421, 488, 415, ...). */
export interface RefusedCall {
  readonly at: number;
  readonly invite: SipRequest;
  readonly status: number;
  /** Why, in words: what the caller did not offer or support. */
  readonly reason: string;
}

export type RefusedCallListener = (refusal: RefusedCall) => void;

export class CallAgent {
  private readonly listeners = new Set<IncomingCallListener>();
  private readonly replacedListeners = new Set<CallReplacedListener>();
  /** Every call of this agent that has not ended, placed or taken: what an INVITE with Replaces can name. */
  private readonly live = new Set<CallBase>();
  /** Dialogs of ended calls (callId|local|remote), with when they ended. */
  private readonly ended = new Map<string, number>();
  private readonly refusalListeners = new Set<RefusedCallListener>();
  private readonly byInvite = new Map<InviteServerTransaction, IncomingCall>();
  /** §8.2.2.2: From tag, Call-ID and CSeq of INVITEs in progress, to spot merged requests. */
  private readonly inProgress = new Set<string>();
  private readonly offs: Array<() => void> = [];

  constructor(private readonly options: CallAgentOptions) {
    const { endpoint } = options;
    this.offs.push(endpoint.handle('INVITE', (request, transaction, inbound) => this.receiveInvite(request, transaction, inbound)));
    this.offs.push(endpoint.handle('CANCEL', (request, transaction) => this.receiveCancel(request, transaction)));
  }

  get endpoint(): SipEndpoint {
    return this.options.endpoint;
  }

  /** Places a call to `target` (a SIP URI); it starts at once. */
  call(target: string, options: PlaceCallOptions = {}): OutgoingCall {
    const policy = options.reliableProvisionals ?? this.options.reliableProvisionals;
    const call = new OutgoingCall({
      ...this.context(options.sdp, options.sessionExpires),
      target, from: this.options.identity,
      ...(options.to ? { to: options.to } : {}),
      ...(policy ? { reliableProvisionals: policy } : {}),
      ...(options.delayedOffer ? { delayedOffer: true } : {}),
      ...(options.ringTimeoutMs === undefined ? {} : { ringTimeoutMs: options.ringTimeoutMs }),
      ...(options.followRedirects === undefined ? {} : { followRedirects: options.followRedirects }),
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.faults ?? this.options.faults ? { faults: options.faults ?? this.options.faults } : {}),
    });
    this.track(call);
    call.start();
    return call;
  }

  private track(call: CallBase): void {
    this.live.add(call);
    void call.ended.then(() => {
      this.live.delete(call);
      const now = this.options.endpoint.clock.now();
      for (const [key, at] of this.ended) if (now - at > ENDED_DIALOG_MEMORY_MS) this.ended.delete(key);
      for (const id of call.endedDialogs) this.ended.set(`${id.callId}|${id.localTag}|${id.remoteTag}`, now);
    });
  }

  /** Calls `listener` for each new incoming call; without any listener, INVITEs get 480. */
  onIncomingCall(listener: IncomingCallListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Calls `listener` when an INVITE with Replaces has taken the place of one
   * of this agent's calls (after the new call's 2xx, before the old one's
   * BYE): where a UI moves its "current call" from `replaced` to `by`.
   */
  onCallReplaced(listener: CallReplacedListener): () => void {
    this.replacedListeners.add(listener);
    return () => this.replacedListeners.delete(listener);
  }

  /** Calls `listener` for each INVITE refused before it became a call; returns the function that stops it. */
  onRefusedCall(listener: RefusedCallListener): () => void {
    this.refusalListeners.add(listener);
    return () => this.refusalListeners.delete(listener);
  }

  /** Stops taking INVITEs and CANCELs (calls in progress carry on). */
  close(): void {
    for (const off of this.offs.splice(0)) off();
  }

  private context(sdp: SdpHandler | undefined, sessionExpires?: number) {
    const { sessionTimer, infoPackages, transfers } = this.options;
    return {
      endpoint: this.options.endpoint,
      sdp: sdp ?? this.options.createSdpHandler(),
      callTag: `call-${randomToken(4)}`,
      midCall: {
        ...(sessionTimer || sessionExpires !== undefined
          ? { sessionTimer: { ...sessionTimer, ...(sessionExpires === undefined ? {} : { sessionExpires }) } } : {}),
        ...(infoPackages ? { infoPackages } : {}),
        ...(transfers ? { transfers } : {}),
        // The transferee's new call (RFC 3515): placed by this agent, like any other.
        placeCall: (target: string, placed: { readonly headers: readonly HeaderSpec[] }) => this.call(target, { headers: placed.headers }),
      },
      ...(this.options.authenticator ? { authenticator: this.options.authenticator } : {}),
      ...(this.options.contactUser === undefined ? {} : { contactUser: this.options.contactUser }),
    };
  }

  private receiveInvite(request: SipRequest, transaction: ServerTransaction, inbound: InboundMessage): void {
    const { endpoint } = this.options;
    if (!(transaction instanceof InviteServerTransaction)) return;
    // §8.2.2.2: "If the From tag, Call-ID, and CSeq exactly match those associated
    // with an ongoing transaction, but the request does not match that
    // transaction ..., the UAS core SHOULD generate a 482 (Loop Detected)".
    const merged = `${request.callId}|${request.from.tag ?? ''}|${request.cseq.seq}`;
    if (this.inProgress.has(merged)) {
      endpoint.reply(transaction, 482, { reason: 'Loop Detected (merged request, RFC 3261 §8.2.2.2)' });
      return;
    }
    // RFC 3891 §3: an INVITE with Replaces names one of our calls, or is refused.
    const replaces = replacesVerdict(request, {
      live: this.live,
      endedRecently: (callId, localTag, remoteTag) => {
        const at = this.ended.get(`${callId}|${localTag}|${remoteTag}`);
        return at !== undefined && endpoint.clock.now() - at <= ENDED_DIALOG_MEMORY_MS;
      },
    });
    if (replaces.kind === 'refuse') {
      endpoint.reply(transaction, replaces.status, { reason: replaces.reason });
      this.refused(request, replaces.status, `the INVITE's Replaces cannot be honoured: ${replaces.reason}`);
      return;
    }
    if (this.listeners.size === 0 && replaces.kind === 'none') {
      endpoint.reply(transaction, 480, { reason: 'Temporarily Unavailable (not taking calls)' });
      return;
    }
    if (this.options.screenInvite && !this.options.screenInvite(request, transaction, inbound)) return;
    // RFC 4028 §9: a session interval below our minimum, from a caller that supports timers, gets 422 with Min-SE.
    const minSe = sessionIntervalTooSmall(request, this.options.sessionTimer?.minSe ?? MIN_SESSION_INTERVAL);
    if (minSe !== undefined) {
      endpoint.reply(transaction, 422, { headers: [minSeHeader(minSe)] });
      this.refused(request, 422, `the caller's session interval is below our Min-SE of ${minSe} s (RFC 4028 §9)`);
      return;
    }
    const faults = this.options.faultsFor?.(request) ?? this.options.faults;
    const call = IncomingCall.accept({
      ...this.context(undefined),
      invite: request, transaction, inbound,
      reliableProvisionals: this.options.reliableProvisionals ?? 'supported',
      ...(faults ? { faults } : {}),
      ...(replaces.kind === 'replace' ? { replaces: replaces.call } : {}),
    });
    if (!(call instanceof IncomingCall)) {
      this.refused(request, call.status, call.reason);
      return;
    }
    this.track(call);
    transaction.tagCall(call.callTag);
    this.inProgress.add(merged);
    this.byInvite.set(transaction, call);
    const forget = () => {
      this.inProgress.delete(merged);
      this.byInvite.delete(transaction);
    };
    transaction.onTerminated(forget);
    void call.ended.then(forget);
    for (const listener of this.listeners) {
      try {
        listener(call);
      } catch {
        // A listener's failure is its own; the call goes on (the caller's CANCEL or timeout still ends it).
      }
    }
    if (replaces.kind === 'replace') {
      // RFC 3891 §3: the UA "accepts the new INVITE by sending a 200-class
      // response, and shuts down the replaced dialog by sending a BYE" (CANCEL
      // for an early dialog we initiated).
      const replaced = replaces.call;
      call.on('answered', () => {
        for (const listener of this.replacedListeners) {
          try {
            listener({ replaced, by: call });
          } catch {
            // A listener's failure is its own; the replaced call still ends.
          }
        }
        replaced.replaceWith(call);
      });
      void call.answer();
    }
  }

  private refused(invite: SipRequest, status: number, reason: string): void {
    const refusal: RefusedCall = { at: this.options.endpoint.clock.now(), invite, status, reason };
    for (const listener of this.refusalListeners) {
      try {
        listener(refusal);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  private receiveCancel(cancel: SipRequest, transaction: ServerTransaction): void {
    const invite = this.options.endpoint.transactions.inviteForCancel(cancel);
    const call = invite ? this.byInvite.get(invite) : undefined;
    // §9.2: a CANCEL for an INVITE already answered "has no effect"; it still gets its 200.
    if (call) {
      transaction.tagCall(call.callTag);
      call.receiveCancel(transaction);
    }
    else this.options.endpoint.reply(transaction, 200);
  }
}
