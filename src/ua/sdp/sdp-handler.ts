// Media is reached only through this interface, so the same call code drives
// the renderer's RTCPeerConnection, the CLI's static SDP, and tests. No
// WebRTC or DOM here: implementations live where the media lives.
import type { OfferRefusal } from './offer-answer.js';

export type { OfferRefusal } from './offer-answer.js';

/** RFC 3264 §6.1 direction attributes; hold is `sendonly` (or `inactive` when the peer already holds us). */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface SdpHandler {
  /** An offer for a new session or a re-INVITE/UPDATE; `direction` puts the call on hold or resumes it. */
  createOffer(options?: { direction?: MediaDirection }): Promise<string>;
  /**
   * Optional: whether an incoming INVITE's offer can be answered at all, decided at once
   * (before ringing). A refusal becomes 488 Not Acceptable Here with a Warning (RFC 3264 §6,
   * RFC 3261 §21.4.26). Without it, a createAnswer that throws refuses the call as late as that.
   */
  checkOffer?(offer: string): OfferRefusal | undefined;
  /**
   * The answer to a remote offer (an incoming INVITE, re-INVITE, UPDATE, or a 2xx/18x to a
   * delayed-offer INVITE): one m= line per offered one, refused streams with port 0 (RFC 3264 §6).
   */
  createAnswer(offer: string, options?: { direction?: MediaDirection }): Promise<string>;
  /**
   * The answer in a provisional response (early media, RFC 3262 §5 / RFC 3264): playable, not
   * yet final. `dialog` names the early dialog it came in, when a forked INVITE has several.
   */
  applyProvisionalAnswer(answer: string, dialog?: string): Promise<void>;
  /** The final answer (2xx, ACK, PRACK or UPDATE answering our offer). */
  applyFinalAnswer(answer: string): Promise<void>;
  /**
   * Our last offer was refused (a non-2xx to a re-INVITE or UPDATE): RFC 3261
   * §14.1, "the session parameters MUST remain unchanged, as if no re-INVITE
   * had been issued". Optional: a handler whose offers change nothing needs none.
   */
  rollback?(): Promise<void>;
  /** The session ended; release the media. */
  close(): void;
}
