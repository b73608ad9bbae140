// What the media findings share: the stretch of the call in which audio is
// expected both ways (from the answer to the BYE, or to the first re-offer,
// which may put the call on hold), the streams of the call that overlap it,
// and the SDPs of the answer's offer/answer exchange on every leg.
import { announcedMedia, callTimes, type AnnouncedMedia, type CallSide } from '../media/announced-media.js';
import { directionAllows } from '../media/sdp-media.js';
import type { CallMedia, MediaAddress, MediaWay, RtpStreamSummary } from '../media/media-types.js';
import type { FindingContext } from './finding-context.js';

export interface MediaWindow {
  readonly media: CallMedia;
  /** The answer (first 2xx to the initial INVITE) and when the window closes. */
  readonly answer: number;
  readonly from: number;
  readonly to: number;
  /** What closes it, for explanations: `the BYE`, `the re-offer`, `the end of the trace`. */
  readonly until: string;
  readonly bye?: number;
}

/** The last moment the trace knows anything of the call: its last message, packet or media report. */
export function lastEvidence(ctx: FindingContext, media: CallMedia): number {
  let last = ctx.messages[ctx.messages.length - 1]?.at ?? 0;
  for (const s of media.streams) if (s.lastAt !== undefined) last = Math.max(last, s.lastAt);
  if (media.reportedUntil !== undefined) last = Math.max(last, media.reportedUntil);
  return last;
}

export function mediaWindow(ctx: FindingContext): MediaWindow | undefined {
  const media = ctx.call.media;
  if (!media) return undefined;
  const times = callTimes(ctx.messages);
  if (times.answeredAt === undefined || times.answer === undefined) return undefined;
  let to = times.bye === undefined ? lastEvidence(ctx, media) : times.endedAt;
  let until = times.bye === undefined ? (media.source === 'capture' ? 'the end of the capture' : 'the last media report') : 'the BYE';
  if (times.reofferAt !== undefined && times.reofferAt < to) {
    to = times.reofferAt;
    until = 'the first re-offer (re-INVITE or UPDATE with SDP)';
  }
  // Live: only the part the media owner reported on can be judged.
  const from = Math.max(times.answeredAt, media.reportedFrom ?? times.answeredAt);
  if (media.reportedUntil !== undefined) to = Math.min(to, media.reportedUntil);
  return { media, answer: times.answer, from, to, until, ...(times.bye === undefined ? {} : { bye: times.bye }) };
}

/** Streams of one way (audio unless told) with packets inside [from, to]. */
export function streamsIn(media: CallMedia, way: MediaWay, from: number, to: number, kind = 'audio'): RtpStreamSummary[] {
  return media.streams.filter((s) => s.way === way && (s.kind ?? 'audio') === kind && s.packets > 0
    && s.firstAt !== undefined && s.lastAt !== undefined && s.firstAt <= to && s.lastAt >= from);
}

export function addressText(a: MediaAddress | undefined): string {
  if (!a) return '?';
  return a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

export function sameAddress(a: MediaAddress | undefined, b: MediaAddress | undefined): boolean {
  return a !== undefined && b !== undefined && a.address.toLowerCase() === b.address.toLowerCase() && a.port === b.port;
}

/**
 * The audio m= lines of the answered exchange, every copy a trace saw: the answered
 * INVITE's offer (or, for a delayed offer, the ACK's answer) and the answer in its
 * 18x/2xx. Re-offers are left out: they change the media later.
 */
export function answeredExchange(ctx: FindingContext, answerIndex: number): AnnouncedMedia[] {
  const answer = ctx.all[answerIndex]?.sip;
  if (!answer) return [];
  const seq = answer.cseq.seq;
  return announcedMedia(ctx.messages).filter((a) => {
    const sip = ctx.all[a.message]!.sip!;
    return a.media.kind === 'audio' && sip.cseq.seq === seq && (sip.kind === 'response' || sip.method === 'INVITE' || sip.method === 'ACK');
  });
}

/** Whether audio may flow towards `receiver` by the exchange's directions (RFC 3264 §5.1). */
export function wayExpected(exchange: readonly AnnouncedMedia[], receiver: CallSide): boolean {
  const mine = exchange.filter((a) => a.side === receiver && a.port > 0);
  const theirs = exchange.filter((a) => a.side !== receiver && a.port > 0);
  if (mine.length === 0 || theirs.length === 0) return false;
  return mine.some((a) => directionAllows(a.media.direction).receives) && theirs.some((a) => directionAllows(a.media.direction).sends);
}

/**
 * Whether packets may pause while nobody speaks: an SDP of the exchange asks for DTX or
 * silence suppression, both sides list comfort noise (RFC 3389: negotiated), or the way's
 * streams carried comfort noise.
 */
export function mayPause(exchange: readonly AnnouncedMedia[], streams: readonly RtpStreamSummary[]): boolean {
  const comfortNoise = (side: CallSide) => exchange.some((a) => a.side === side && a.media.comfortNoise);
  return exchange.some((a) => a.media.discontinuous) || (comfortNoise('caller') && comfortNoise('callee'))
    || streams.some((s) => (s.comfortNoisePackets ?? 0) > 0);
}

/**
 * Where a side receives RTP, per SDP of the exchange (one per leg): its c= address and
 * m= port, then its ICE candidates (media may go to any of them).
 */
export function receivingAddresses(exchange: readonly AnnouncedMedia[], side: CallSide): MediaAddress[][] {
  const out: MediaAddress[][] = [];
  for (const a of exchange) {
    if (a.side !== side || a.port <= 0 || a.address === undefined || a.address === '0.0.0.0' || a.address === '::') continue;
    const main = { address: a.address, port: a.port };
    if (out.some((group) => sameAddress(group[0], main))) continue;
    const candidates = a.media.candidates.filter((c) => c.component === 1 && c.transport === 'UDP').map((c) => ({ address: c.address, port: c.port }));
    out.push([main, ...candidates]);
  }
  return out;
}
