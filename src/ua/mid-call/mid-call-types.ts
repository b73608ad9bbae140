// What the mid-call method modules (re-INVITE, UPDATE, INFO, REFER) share,
// as interfaces: the call they work for (CallLink, lent by CallBase), the
// options, and the part of MidCall they use (MidCallShared). MidCall
// implements it, so the modules depend on this file and not on MidCall.
import type { Dialog } from '../../dialog/dialog.js';
import type { HeaderSpec, SipRequest, SipResponse, TailSpec } from '../../message/index.js';
import type { ServerTransaction } from '../../transaction/transaction-layer.js';
import type { TimerHandle } from '../../util/clock.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Call, CallDirection, CallEnded, CallEventMap, CallEventName, CallListener, InDialogHandler } from '../call/types.js';
import type { SipEndpoint } from '../core/endpoint.js';
import type { InDialogOutcome, SendInDialogOptions } from '../core/in-dialog-client.js';
import type { MediaDirection, SdpHandler } from '../sdp/sdp-handler.js';
import type { Collision, Negotiation } from './glare.js';
import type { AcceptedTimer, SessionTimer, SessionTimerOptions } from './session-timer.js';

export interface MidCallOptions {
  readonly sessionTimer?: SessionTimerOptions;
  /** Info Packages we take in INFO (RFC 6086), advertised in Recv-Info; others get 469. */
  readonly infoPackages?: readonly string[];
  /** REFER: `accept` (default, when `placeCall` exists) places the new call; `decline` answers 603. */
  readonly transfers?: 'accept' | 'decline';
  /** Places the transferee's new call (the CallAgent's `call()`). */
  readonly placeCall?: (target: string, options: { readonly headers: readonly HeaderSpec[] }) => Call;
  /** Randomness for back-offs and Retry-After (tests). */
  readonly random?: () => number;
}

/** What the call (CallBase) lends the mid-call layer. */
export interface CallLink {
  readonly endpoint: SipEndpoint;
  readonly sdp: SdpHandler;
  readonly callTag: string;
  readonly authenticator?: Authenticator;
  readonly contactUser?: string;
  readonly direction: CallDirection;
  now(): number;
  isEnded(): boolean;
  /** The dialog of the session once it is established (UAC: 2xx ACKed; UAS: ACK received). */
  sessionDialog(): Dialog | undefined;
  /** An early dialog whose first offer/answer is done (reliable early media), for UPDATE before the answer. */
  earlyDialog(): Dialog | undefined;
  emit<E extends CallEventName>(name: E, event: CallEventMap[E]): void;
  on<E extends CallEventName>(name: E, listener: CallListener<E>): () => void;
  setTimer(ms: number, callback: () => void): TimerHandle;
  handle(method: string, handler: InDialogHandler): void;
  sendInDialog(dialog: Dialog, method: string, options?: SendInDialogOptions): Promise<InDialogOutcome>;
  byeAndEnd(dialog: Dialog, end: Omit<CallEnded, 'at' | 'byeStatus'>): Promise<void>;
}

/** The part of MidCall the method modules use. */
export interface MidCallShared {
  readonly call: CallLink;
  readonly options: MidCallOptions;
  readonly negotiation: Negotiation;
  readonly timer: SessionTimer;
  /** What the peer said it takes (Allow, Recv-Info), from its INVITE or 2xx; undefined when unknown. */
  readonly peer: { allow?: readonly string[]; recvInfo?: readonly string[] };
  readonly random: () => number;
  supported(): string[];
  contact(): string;
  okTail(extra?: TailSpec): TailSpec;
  reply(transaction: ServerTransaction, status: number, tail?: TailSpec & { reason?: string }): void;
  refuse(transaction: ServerTransaction, collision: Collision): void;
  admitRefresh(method: 'INVITE' | 'UPDATE', request: SipRequest, transaction: ServerTransaction, hasOffer: boolean): AcceptedTimer | undefined;
  answerOrOffer(offer: string | undefined): Promise<{ body: string; direction: MediaDirection } | { error: string }>;
  remoteDescribed(method: 'INVITE' | 'UPDATE', sdp: string, ours: MediaDirection): void;
  notePeer(message: SipRequest | SipResponse): void;
  recvInfoHeaders(): HeaderSpec[];
  dialogLost(dialog: Dialog, method: string, outcome: InDialogOutcome): boolean;
  endSession(cause: 'session-expired' | 'protocol-error' | 'no-ack', reason: string): void;
}
