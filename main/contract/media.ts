// The media owner: the one page that holds the calls' RTCPeerConnections (the main window
// in Electron; in browser mode the page that claimed it). The host's user agents reach
// media only through it: the host sends a `media-request` event with a correlation id, the
// owner answers with `answerMediaRequest`, and the host gives up after a timeout. Both
// directions are validated here. The owner also reports a media summary of each call a few
// times a second (from getStats).
import { z } from 'zod';
import { callIdSchema } from './calls.js';

/** An ICE server as the media owner needs it: with its credential (it never leaves the host otherwise). */
export interface IceServerConfig {
  readonly urls: readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

export type MediaDirectionName = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** What the host asks of the media owner. One RTCPeerConnection per call id. */
export type MediaRequest =
  | { readonly kind: 'create-offer'; readonly callId: string; readonly direction?: MediaDirectionName; readonly iceServers: readonly IceServerConfig[] }
  | {
    readonly kind: 'create-answer'; readonly callId: string; readonly offer: string; readonly direction?: MediaDirectionName;
    readonly iceServers: readonly IceServerConfig[];
  }
  /** `provisional`: an answer in a reliable 18x (apply as pranswer and play); `dialog` tells forked early dialogs apart. */
  | { readonly kind: 'apply-answer'; readonly callId: string; readonly sdp: string; readonly provisional: boolean; readonly dialog?: string }
  | { readonly kind: 'rollback'; readonly callId: string }
  | { readonly kind: 'close'; readonly callId: string }
  /** RFC 4733 through RTCDTMFSender. */
  | { readonly kind: 'send-dtmf'; readonly callId: string; readonly tones: string; readonly durationMs: number };

export type MediaRequestKind = MediaRequest['kind'];

const SDP_MAX = 64 * 1024;

export const mediaReplySchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), sdp: z.string().min(1).max(SDP_MAX, 'is too long').optional() }),
  z.strictObject({ ok: z.literal(false), error: z.string().min(1).max(1024, 'is too long') }),
]);

export type MediaReply = z.output<typeof mediaReplySchema>;

export const answerMediaRequestSchema = z.strictObject({
  requestId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  reply: mediaReplySchema,
});

export const claimMediaOwnerSchema = z.strictObject({
  /** Random per page load: a page whose connection to the host dropped reclaims with the same id and keeps its calls. */
  pageId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 URL-safe characters'),
  /** Take over from another page (refused while that page has calls up). */
  force: z.boolean().default(false),
});

export interface MediaOwnerState {
  /** This page owns the media. */
  readonly owner: boolean;
  /** Another page owns it (this one sees calls read-only). */
  readonly elsewhere: boolean;
  /** Why this page does not own it, when it asked. */
  readonly reason?: string;
}

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const level = z.number().min(0).max(1);
const ms = z.number().nonnegative().max(3_600_000);

const directionStatsSchema = z.strictObject({
  packets: count,
  bytes: count,
  /** Inbound only: RFC 3550 cumulative lost. */
  lost: z.number().int().min(-1_000_000).max(Number.MAX_SAFE_INTEGER).optional(),
  jitterMs: ms.optional(),
  /** 0-1, as getStats reports it. */
  audioLevel: level.optional(),
  totalAudioEnergy: z.number().nonnegative().max(1e12).optional(),
});

/** What the media owner reports of one call, from getStats. */
export const mediaSummarySchema = z.strictObject({
  callId: callIdSchema,
  /** ms since the epoch, by the page's clock. */
  at: z.number().nonnegative().max(1e15),
  iceState: z.enum(['new', 'checking', 'connected', 'completed', 'failed', 'disconnected', 'closed']),
  dtlsState: z.enum(['new', 'connecting', 'connected', 'closed', 'failed']).optional(),
  dtlsRole: z.enum(['client', 'server', 'unknown']).optional(),
  codec: z.string().max(64).optional(),
  localCandidate: z.string().max(128).optional(),
  remoteCandidate: z.string().max(128).optional(),
  rttMs: ms.optional(),
  outbound: directionStatsSchema,
  inbound: directionStatsSchema,
  /** The microphone is muted (the track is disabled). */
  muted: z.boolean().default(false),
});

export type MediaSummary = z.output<typeof mediaSummarySchema>;
export const reportMediaRequestSchema = mediaSummarySchema;
