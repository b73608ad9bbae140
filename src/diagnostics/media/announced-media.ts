// Where a call's media should flow, from its SIP: every SDP of the call (offer
// and answer, on every leg a capture saw, re-offers too) gives, per m= line,
// the address and ports its writer receives on, and the side it speaks for
// (caller or callee: on a leg behind a media relay, the relay's address
// stands for that side). Also the SIP times media is judged against.
import type { SipMessage } from '../../message/index.js';
import type { TraceMessage } from '../model-types.js';
import type { MediaWay } from './media-types.js';
import { parseSdp, sdpTextOf, type SdpMedia } from './sdp-media.js';

export type CallSide = 'caller' | 'callee';

export interface AnnouncedMedia {
  /** Index of the message that carried the SDP, and its time. */
  readonly message: number;
  readonly at: number;
  /** The side whose receiving address this is. */
  readonly side: CallSide;
  /** In a provisional response (early media), a 2xx, or a request. */
  readonly carriedBy: 'provisional' | 'final' | 'request';
  readonly mediaIndex: number;
  readonly media: SdpMedia;
  /** Its RTP address: the c= address and m= port. */
  readonly address?: string;
  readonly port: number;
}

/** Audio towards this side's address flows this way. */
export function wayTowards(side: CallSide): MediaWay {
  return side === 'caller' ? 'to-caller' : 'to-callee';
}

export function sideName(side: CallSide): string {
  return side === 'caller' ? 'the caller' : 'the callee';
}

/** The initial INVITE of a call (no To tag), the first one in the trace. */
export function initialInvite(messages: readonly TraceMessage[]): (TraceMessage & { sip: SipMessage & { kind: 'request' } }) | undefined {
  return messages.find((m): m is TraceMessage & { sip: SipMessage & { kind: 'request' } } => m.sip?.kind === 'request'
    && m.sip.method === 'INVITE' && m.sip.to.tag === undefined);
}

/** Every SDP m= line of the call's messages, in trace order (retransmissions skipped). */
export function announcedMedia(messages: readonly TraceMessage[]): AnnouncedMedia[] {
  const callerTag = initialInvite(messages)?.sip.from.tag;
  if (callerTag === undefined) return [];
  return messages.flatMap((m) => (m.retransmission ? [] : announcedIn(m, callerTag)));
}

/**
 * The SDP m= lines one message announces, given the caller's From tag (the initial
 * INVITE's): a request speaks for its sender, a response for the one the request went to.
 */
export function announcedIn(m: Pick<TraceMessage, 'index' | 'at' | 'sip'>, callerTag: string): AnnouncedMedia[] {
  const sip = m.sip;
  if (!sip) return [];
  const text = sdpTextOf(sip);
  if (text === undefined) return [];
  if (sip.kind === 'response' && sip.status >= 300) return [];
  const fromCaller = sip.from.tag === callerTag;
  const side: CallSide = sip.kind === 'request' ? (fromCaller ? 'caller' : 'callee') : (fromCaller ? 'callee' : 'caller');
  const carriedBy = sip.kind === 'request' ? 'request' : sip.status < 200 ? 'provisional' : 'final';
  return parseSdp(text).media.map((media, mediaIndex) => ({
    message: m.index, at: m.at, side, carriedBy, mediaIndex, media, port: media.port,
    ...(media.address === undefined ? {} : { address: media.address }),
  }));
}

/** The SIP moments media is judged against. */
export interface CallTimes {
  /** The first 2xx to the initial INVITE. */
  readonly answeredAt?: number;
  readonly answer?: number;
  /** The first BYE (or the end of the trace). */
  readonly endedAt: number;
  readonly bye?: number;
  /** The first re-INVITE or UPDATE with SDP after the answer: the media may change there. */
  readonly reofferAt?: number;
}

export function callTimes(messages: readonly TraceMessage[]): CallTimes {
  // The INVITEs outside a dialog: the first, and its retries after a 401/407 (a higher CSeq).
  const initial = new Set(messages.filter((m) => m.sip?.kind === 'request' && m.sip.method === 'INVITE' && m.sip.to.tag === undefined)
    .map((m) => m.sip!.cseq.seq));
  const last = messages[messages.length - 1];
  const answer = messages.find((m) => m.sip?.kind === 'response' && m.sip.cseq.method === 'INVITE'
    && initial.has(m.sip.cseq.seq) && m.sip.status >= 200 && m.sip.status < 300);
  const bye = messages.find((m) => m.sip?.kind === 'request' && m.sip.method === 'BYE');
  const reoffer = answer === undefined ? undefined : messages.find((m) => m.index > answer.index && m.sip?.kind === 'request'
    && (m.sip.method === 'INVITE' || m.sip.method === 'UPDATE') && m.sip.to.tag !== undefined && sdpTextOf(m.sip) !== undefined);
  return {
    ...(answer ? { answeredAt: answer.at, answer: answer.index } : {}),
    endedAt: bye?.at ?? last?.at ?? 0,
    ...(bye ? { bye: bye.index } : {}),
    ...(reoffer ? { reofferAt: reoffer.at } : {}),
  };
}
