// A call as its users see it: the public Call interface, its states, how it
// ends, its events, and the outcomes of its mid-call operations. A leaf of the
// call and mid-call folders (it imports no call code), so that events,
// transfers and views refer to this interface, not to the classes behind it.
import type { Dialog } from '../../dialog/dialog.js';
import type { SipRequest } from '../../message/index.js';
import type { ServerTransaction } from '../../transaction/transaction-layer.js';
import type { CallState } from '../../trace/call-states.js';
import type { MediaDirection } from '../sdp/sdp-handler.js';

export type { CallState };

/** Handles one in-dialog request (after the §12.2.2 CSeq check); must answer through the transaction. */
export type InDialogHandler = (request: SipRequest, transaction: ServerTransaction, dialog: Dialog) => void;


export type CallDirection = 'outgoing' | 'incoming';

/** Why a call ended. */
export type CallEndCause =
  /** We hung up with BYE (or our BYE went unanswered). */
  | 'hangup-local'
  /** The other side sent BYE. */
  | 'hangup-remote'
  /** The INVITE was cancelled: by us (UAC, 487) or by the caller (UAS, CANCEL). */
  | 'cancelled'
  /** Our own no-answer policy gave up (ring timeout -> CANCEL). */
  | 'no-answer'
  /** A final 3xx-6xx response ended the INVITE (received as UAC, sent as UAS). */
  | 'rejected'
  /** The INVITE got no final response: Timer B (RFC 3261 §8.1.3.1: as a 408). */
  | 'timeout'
  /** UAS: the 2xx was never ACKed within 64·T1 (RFC 3261 §13.3.1.4); ended with BYE. */
  | 'no-ack'
  /** UAS: a reliable provisional was never PRACKed within 64·T1 (RFC 3262 §3); the INVITE got a 5xx. */
  | 'no-prack'
  /** 401/407 that could not be answered, or credentials refused. */
  | 'auth-failed'
  /** The request could not be sent or the connection failed (§8.1.3.1: as a 503). */
  | 'transport-error'
  /** The peer broke the rules in a way that ends the call (e.g. a 2xx without the SDP it must carry). */
  | 'protocol-error'
  /** An in-dialog request got 481 or 408, or no response: the dialog is gone (RFC 3261 §12.2.1.2); ended with BYE. */
  | 'dialog-lost'
  /** RFC 4028 §10: the session interval passed without a refresh; ended with BYE. */
  | 'session-expired'
  /**
   * Transferee: the call we were REFERred to was answered, so this one was ended.
   * Transferor: the transfer succeeded, and the transferee or the target ended this call (RFC 3515, RFC 5589).
   */
  | 'transferred'
  /** An INVITE with Replaces took this call's place (RFC 3891 §3): the new call is in the `replaced` event. */
  | 'replaced';

/**
 * A Reason header field value (RFC 3326): why a BYE, CANCEL or final response
 * was sent. `SIP` causes are SIP status codes, `Q.850` causes ISDN cause values.
 */
export interface ReasonHeader {
  readonly protocol: 'SIP' | 'Q.850';
  readonly cause: number;
  readonly text?: string;
}

/** Options of `hangup()`. */
export interface HangupOptions {
  /** A Reason header (RFC 3326) for the BYE, CANCEL or final response that ends the call. */
  readonly reasonHeader?: ReasonHeader;
}

/** The tones of `sendDtmf`: digits, `*`, `#`, and `A`-`D` (RFC 4733 events 0-15). */
export type DtmfTone = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

export interface DtmfOptions {
  /**
   * `info`: one SIP INFO per tone, `application/dtmf-relay` (in the `dtmf`
   * Info Package when the peer lists it in Recv-Info, else a legacy INFO).
   * RFC 4733 telephone-events belong to the media (see offersTelephoneEvent).
   */
  readonly method: 'info';
  /** How long each tone lasts, ms (40-5000; default 160). */
  readonly durationMs?: number;
  /** Pause between two tones, ms (0-5000; default 50). */
  readonly gapMs?: number;
}

export type DtmfOutcome =
  /** Every tone was sent and got a 2xx. */
  | { readonly ok: true; readonly sent: number }
  /** Refused before sending (`sent` 0: bad tones or options, no dialog), or a tone's INFO failed (the ones after it were not sent). */
  | { readonly ok: false; readonly sent: number; readonly status?: number; readonly reason: string };

export interface CallEnded {
  readonly cause: CallEndCause;
  /** The final status that ended the INVITE (received or sent), when there is one. */
  readonly status?: number;
  /** The status our BYE got (a clean end is a 2xx), when we sent one. */
  readonly byeStatus?: number;
  /** One line a user can read: what happened, with the status and the RFC rule when relevant. */
  readonly reason: string;
  /** Clock time (ms) of the end. */
  readonly at: number;
  /**
   * The Reason header (RFC 3326) of the peer's BYE, CANCEL or final response
   * that ended the call, when it had one we understand (the first SIP or Q.850 value).
   */
  readonly reasonHeader?: ReasonHeader;
}

export interface CallEventMap {
  /** UAC: a 100 Trying arrived (once). */
  trying: { readonly at: number };
  /** 180 Ringing: received (UAC) or sent (UAS). */
  ringing: { readonly at: number; readonly status: number; readonly reliable: boolean; readonly dialog?: string };
  /** Another provisional (181/182/183 ...) without early media. */
  progress: { readonly at: number; readonly status: number; readonly reliable: boolean; readonly dialog?: string };
  /**
   * Early media: the offer/answer of an early dialog is usable before the
   * 2xx (an answer in an 18x, or our answer in a PRACK to an offer in a
   * reliable 18x). `sdp` is the remote session description.
   */
  'early-media': { readonly at: number; readonly sdp: string; readonly reliable: boolean; readonly dialog: string };
  /** UAC: the 2xx arrived and was ACKed. UAS: the 2xx was sent. */
  answered: { readonly at: number; readonly status: number; readonly sdp?: string; readonly dialog: string };
  /** UAS: the ACK for the 2xx arrived (the dialog is confirmed end to end). */
  confirmed: { readonly at: number };
  /**
   * The media was put on hold (RFC 3264 §8.4): by us (our re-INVITE/UPDATE
   * offering sendonly or inactive was accepted) or by the peer (its offer will
   * not receive). `direction` is what the stream now is for us.
   */
  held: { readonly at: number; readonly by: 'local' | 'remote'; readonly direction: MediaDirection };
  /** The hold ended (same rules, the other way). */
  resumed: { readonly at: number; readonly by: 'local' | 'remote'; readonly direction: MediaDirection };
  /** An offer/answer inside the dialog completed (re-INVITE or UPDATE); `sdp` is the peer's description. */
  'session-updated': {
    readonly at: number; readonly method: 'INVITE' | 'UPDATE'; readonly by: 'local' | 'remote';
    readonly sdp?: string; readonly direction: MediaDirection;
  };
  /** RFC 4028: a session interval started (negotiated or refreshed); `refresher` refreshes before `expiresAt`. */
  'session-refreshed': { readonly at: number; readonly interval: number; readonly refresher: 'local' | 'remote'; readonly expiresAt: number };
  /** An INFO arrived and got 200 (RFC 6086); `package` is its Info-Package (none for a legacy INFO). */
  info: { readonly at: number; readonly package?: string; readonly contentType?: string; readonly body: string };
  /** Transferee: the peer asked us, with REFER, to call `target` (RFC 3515). */
  'transfer-requested': { readonly at: number; readonly target: string; readonly referredBy?: string };
  /**
   * Progress of a transfer (blind or attended): as transferor, what a NOTIFY
   * reported; as transferee, what we reported. `final` with the last one (also
   * when the subscription ran out: RFC 6665 "terminated;reason=timeout").
   */
  'transfer-progress': {
    readonly at: number; readonly role: 'transferor' | 'transferee'; readonly status: number;
    readonly reason: string; readonly final: boolean;
  };
  /** Transferee: the new call placed for a REFER (follow it like any call); `replaces` for an attended transfer. */
  'transfer-call': { readonly at: number; readonly target: string; readonly call: Call; readonly replaces?: boolean };
  /**
   * An INVITE with Replaces (RFC 3891) matched this call: `by` is the new call,
   * answered at once; this call then ends with cause `replaced`. A UI moves its
   * "current call" to `by`.
   */
  replaced: { readonly at: number; readonly by: Call };
  /** A DTMF tone the peer sent in an INFO (`application/dtmf-relay` or `application/dtmf`). */
  dtmf: { readonly at: number; readonly tone: DtmfTone; readonly durationMs?: number; readonly via: 'info' };
  ended: CallEnded;
}

export type CallEventName = keyof CallEventMap;
export type CallListener<E extends CallEventName> = (event: CallEventMap[E]) => void;

// ——— outcomes of the mid-call operations ———

export type ModifyOutcome =
  | { readonly ok: true; readonly status: number; readonly sdp?: string }
  | { readonly ok: false; readonly status?: number; readonly reason: string };

export interface InfoSpec {
  /** The Info Package (RFC 6086); omit for a legacy INFO (RFC 2976 usage). */
  readonly package?: string;
  readonly body: string;
  readonly contentType: string;
}

export type InfoOutcome =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly status?: number; readonly reason: string };

export type TransferOutcome =
  /** The final NOTIFY reported a 2xx: the transferee talks to the target. */
  | { readonly ok: true; readonly status: number; readonly reason: string }
  /** REFER refused, or the transferee's call failed (`status` from the final NOTIFY), or no final NOTIFY came. */
  | { readonly ok: false; readonly status?: number; readonly reason: string };

/** One call, placed (OutgoingCall) or taken (IncomingCall). */
export interface Call {
  readonly direction: CallDirection;
  readonly callId: string;
  /** Groups the call's transactions on the diagnostics stream. */
  readonly callTag: string;
  readonly state: CallState;
  /** Resolves once, when the call has ended. */
  readonly ended: Promise<CallEnded>;
  /** How the call ended, once it has. */
  readonly endedWith: CallEnded | undefined;
  readonly isEnded: boolean;
  /** Answered and confirmed: in-dialog requests may go. */
  readonly established: boolean;
  /** We hold the peer / the peer holds us, as last negotiated (RFC 3264 §8.4). */
  readonly onHold: { readonly local: boolean; readonly remote: boolean };
  /** The session interval (s) while a session timer runs (RFC 4028), and who refreshes. */
  readonly sessionTimer: { readonly interval: number; readonly refresher: 'local' | 'remote' } | undefined;
  on<E extends CallEventName>(name: E, listener: CallListener<E>): () => void;
  /** Ends the call whatever its state: CANCEL, reject (603), or BYE; optionally with a Reason header (RFC 3326). */
  hangup(options?: HangupOptions): void;
  hold(options?: { readonly method?: 'INVITE' | 'UPDATE' }): Promise<ModifyOutcome>;
  resume(options?: { readonly method?: 'INVITE' | 'UPDATE' }): Promise<ModifyOutcome>;
  update(options?: { readonly hold?: boolean }): Promise<ModifyOutcome>;
  sendInfo(info: InfoSpec): Promise<InfoOutcome>;
  /** Blind transfer (RFC 3515): REFER the peer to `target`; resolves with the final NOTIFY's status. */
  transfer(target: string): Promise<TransferOutcome>;
  /**
   * Attended transfer (RFC 5589 §7): REFER the peer of this call to the peer of
   * `other` (another established call of this user agent), with Replaces
   * naming `other`'s dialog (RFC 3891). On success the transferee and the
   * target talk, and both of our calls end (cause `transferred`).
   */
  transferTo(other: Call): Promise<TransferOutcome>;
  /**
   * DTMF by SIP INFO: one INFO per tone, in order, each after the previous
   * one's final response. Tones other than 0-9 * # A-D refuse the whole string
   * before anything is sent.
   */
  sendDtmf(tones: string, options?: DtmfOptions): Promise<DtmfOutcome>;
  handleInDialog(method: string, handler: InDialogHandler): () => void;
}
