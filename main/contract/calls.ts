// Calls in the app API: the operations (dial, answer, reject, hang up, hold, DTMF,
// transfers) with their schemas, and the one view of a call the host keeps sending as it
// changes (`call-updated`). What a user typed never becomes header text: the host
// normalises a dial target into a URI and refuses anything else.
import { z } from 'zod';
import { accountIdSchema } from './accounts.js';

export const callIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,80}$/, 'must be a call id');

/** What a user typed or pasted: a number, `user`, `user@host`, or a sip:/sips:/tel: URI. */
export const dialTargetSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(512, 'is too long')
  .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters (line breaks, tabs)');

export const dtmfTonesSchema = z
  .string()
  .min(1, 'is required')
  .max(32, 'takes at most 32 tones at once')
  .regex(/^[0-9*#A-Da-d]+$/, 'may contain only 0-9, *, # and A-D');

export const dialRequestSchema = z.strictObject({ accountId: accountIdSchema, target: dialTargetSchema });
export const normalizeTargetRequestSchema = dialRequestSchema;
export const callRequestSchema = z.strictObject({ callId: callIdSchema });
export const rejectRequestSchema = z.strictObject({
  callId: callIdSchema,
  /** 486 Busy Here (default), 603 Decline, or another 4xx-6xx. */
  status: z.number().int().min(400, 'must be a 4xx-6xx status').max(699, 'must be a 4xx-6xx status').default(486),
});
export const dtmfRequestSchema = z.strictObject({ callId: callIdSchema, tones: dtmfTonesSchema });
export const blindTransferRequestSchema = z.strictObject({ callId: callIdSchema, target: dialTargetSchema });
export const attendedTransferRequestSchema = z.strictObject({
  /** The call whose peer is transferred. */
  callId: callIdSchema,
  /** The call whose peer it is transferred to (its dialog is replaced, RFC 3891). */
  toCallId: callIdSchema,
});

export interface NormalizedTarget {
  /** The Request-URI the host will dial. */
  readonly uri: string;
  /** What to show: the number or address as the user would read it. */
  readonly display: string;
  /** True when the URI is not simply what was typed (show it before dialling). */
  readonly changed: boolean;
}

/**
 * A call as the UI follows it. `ringing` and `early-media` concern both directions
 * (an incoming call rings here); `on-hold` is our hold, `held-by-remote` theirs.
 */
export type CallPhase =
  | 'dialing' | 'trying' | 'ringing' | 'early-media' | 'answered' | 'on-hold' | 'held-by-remote' | 'transferring' | 'ended';

/** Why a call ended, for the words and icons of the UI. */
export type EndCause =
  | 'hangup-local' | 'hangup-remote' | 'busy' | 'declined' | 'no-answer' | 'missed' | 'cancelled' | 'rejected'
  | 'unreachable' | 'request-timeout' | 'network-error' | 'auth-failed' | 'transferred' | 'replaced'
  | 'media-failure' | 'window-closed' | 'protocol-error';

export interface CallEnd {
  readonly cause: EndCause;
  /** In words, with the SIP status: "Busy (486 Busy Here)", "Network error: WebSocket closed". */
  readonly words: string;
  readonly status?: number;
  /** The peer's Reason header (RFC 3326), as received. */
  readonly reasonHeader?: string;
  /** The stack's own sentence, with the RFC rule when one applies. */
  readonly detail: string;
}

/** Milliseconds from the dial (or from the INVITE's arrival) to each step. */
export interface CallTimings {
  readonly inviteSent?: number;
  readonly firstProvisional?: number;
  readonly earlyMedia?: number;
  readonly answered?: number;
  readonly mediaFlowing?: number;
}

export interface TransferProgress {
  readonly role: 'transferor' | 'transferee';
  readonly kind: 'blind' | 'attended';
  readonly status?: number;
  readonly words: string;
  readonly final: boolean;
  readonly ok?: boolean;
}

export interface CallView {
  /** The host's id of the call (its call tag on the diagnostics stream). */
  readonly id: string;
  readonly accountId: string;
  readonly direction: 'outgoing' | 'incoming';
  /** The other party: as shown (what was dialled, or the caller's display name / number) and as URI. */
  readonly peer: { readonly display: string; readonly uri: string };
  /** What the user dialled, as typed (outgoing). */
  readonly dialled?: string;
  readonly phase: CallPhase;
  readonly hold: { readonly local: boolean; readonly remote: boolean };
  /** Early media is playing (an answer in a reliable 18x was applied). */
  readonly earlyMedia: boolean;
  /** Local ringback should sound (a 180 without SDP, and no early media). */
  readonly ringback: boolean;
  /** ms since the epoch. */
  readonly startedAt: number;
  readonly answeredAt?: number;
  readonly endedAt?: number;
  readonly end?: CallEnd;
  readonly timings: CallTimings;
  readonly transfer?: TransferProgress;
  /** An incoming call that takes the place of another (RFC 3891 Replaces). */
  readonly replaces?: string;
  /** Answered automatically (the account said so, and the INVITE asked when that is the rule). */
  readonly autoAnswered?: boolean;
  /** The SIP Call-ID, for the diagnostics panel. */
  readonly sipCallId: string;
  /** How DTMF goes on this call: through the media (RFC 4733) or SIP INFO. */
  readonly dtmf: 'rfc4733' | 'info';
}
