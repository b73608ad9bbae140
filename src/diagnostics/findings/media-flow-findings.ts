// Whether audio flowed: one-way-audio (after the answer one way carries RTP,
// the other nothing, or starts late, or stops), silent-audio (packets whose
// payload holds no sound), early-media-without-rtp (an 18x with SDP, then no
// RTP towards the caller until the answer). From a capture's RTP streams or
// the media owner's reports; each way is judged once across legs.
import { callTimes, sideName, type CallSide } from '../media/announced-media.js';
import type { MediaWay, RtpStreamSummary } from '../media/media-types.js';
import { directionAllows, parseSdp, sdpTextOf } from '../media/sdp-media.js';
import { hasSdp, isReliableProvisional, seconds, senderOf, type DetectedFinding, type FindingContext } from './finding-context.js';
import {
  addressText, answeredExchange, lastEvidence, mayPause, mediaWindow, receivingAddresses, sameAddress, streamsIn, wayExpected, type MediaWindow,
} from './media-window.js';

export function mediaFlowFindings(ctx: FindingContext): DetectedFinding[] {
  const window = mediaWindow(ctx);
  return [
    ...(window ? oneWayAudio(ctx, window) : []),
    ...(window ? silentAudio(ctx, window) : []),
    ...earlyMediaWithoutRtp(ctx),
  ];
}

const receiverOf = (way: MediaWay): CallSide => (way === 'to-caller' ? 'caller' : 'callee');
const senderSideOf = (way: MediaWay): CallSide => (way === 'to-caller' ? 'callee' : 'caller');
const wayName = (way: MediaWay) => (way === 'to-caller' ? 'towards the caller' : 'towards the callee');

function streamText(s: RtpStreamSummary): string {
  if (s.local) return `${s.packets} packet(s) ${s.local === 'sent' ? 'sent' : 'received'}`;
  return `${addressText(s.src)} → ${addressText(s.dst)}, ${s.packets} packet(s)`;
}

/** What is wrong with one way in the window, in words, or undefined when it flowed throughout. */
function missingFlow(ctx: FindingContext, w: MediaWindow, way: MediaWay, exchangeAddresses: ReturnType<typeof receivingAddresses>,
  pausing: boolean): string | undefined {
  const timeout = ctx.mediaTimeoutMs;
  const flowing = streamsIn(w.media, way, w.from, w.to);
  const at = (t: number) => `${seconds(t - w.from)} after the answer`;
  if (flowing.length === 0) {
    const before = w.media.streams.filter((s) => s.way === way && s.packets > 0 && s.lastAt !== undefined && s.lastAt < w.from);
    return before.length > 0
      ? `it stopped at the answer (the last packet came ${seconds(w.from - Math.max(...before.map((s) => s.lastAt!)))} before it) and nothing came for the ${seconds(w.to - w.from)} until ${w.until}`
      : `no RTP at all went ${wayName(way)} in the ${seconds(w.to - w.from)} from the answer to ${w.until}: ${sideName(senderSideOf(way))} sent nothing`;
  }
  // A relay on the way: packets reached some of the receiving side's addresses, not all.
  const unreached = exchangeAddresses.filter((group) => !flowing.some((s) => group.some((a) => sameAddress(s.dst, a)))).map((group) => group[0]!);
  const reached = flowing.filter((s) => s.dst !== undefined);
  if (w.media.source === 'capture' && unreached.length > 0 && reached.length > 0) {
    return `it reached ${[...new Set(reached.map((s) => addressText(s.dst)))].join(', ')} (${reached.map(streamText).join('; ')}) `
      + `but nothing arrived at ${unreached.map(addressText).join(', ')}, the address ${sideName(receiverOf(way))}'s side announced on the other leg: `
      + 'the element in between does not forward it';
  }
  // With comfort noise or DTX, a pause in the packets is someone not speaking.
  if (pausing) return undefined;
  const first = Math.min(...flowing.map((s) => s.firstAt!));
  if (first - w.from > timeout) return `the first packet came only ${at(first)}`;
  const last = Math.max(...flowing.map((s) => s.lastAt!));
  if (w.to - last > timeout) return `it stopped ${at(last)}, ${seconds(w.to - last)} before ${w.until}`;
  return undefined;
}

function oneWayAudio(ctx: FindingContext, w: MediaWindow): DetectedFinding[] {
  if (w.to - w.from <= ctx.mediaTimeoutMs) return [];
  const exchange = answeredExchange(ctx, w.answer);
  const out: DetectedFinding[] = [];
  for (const way of ['to-callee', 'to-caller'] as const) {
    const other: MediaWay = way === 'to-callee' ? 'to-caller' : 'to-callee';
    // Judged only when the SDPs want audio that way (or, live, nothing says otherwise)...
    if (exchange.length > 0 && !wayExpected(exchange, receiverOf(way))) continue;
    // ... and when the other way carried audio for longer than the timeout (else no media was seen at all).
    const back = streamsIn(w.media, other, w.from, w.to);
    if (back.length === 0 || Math.max(...back.map((s) => s.lastAt!)) - Math.min(...back.map((s) => s.firstAt!)) <= ctx.mediaTimeoutMs) continue;
    const problem = missingFlow(ctx, w, way, receivingAddresses(exchange, receiverOf(way)), mayPause(exchange, streamsIn(w.media, way, w.from, w.to)));
    if (!problem) continue;
    const local = w.media.source === 'media-owner' ? liveWords(back, way) : '';
    out.push(ctx.finding('one-way-audio', 'error', [w.answer, ...(w.bye === undefined ? [] : [w.bye])],
      `Audio ${wayName(other)} flowed after the answer (${back.map(streamText).join('; ')}), but ${wayName(way)}: ${problem}.${local}`,
      way));
  }
  return out;
}

function liveWords(back: readonly RtpStreamSummary[], way: MediaWay): string {
  const weSend = back.some((s) => s.local === 'sent');
  return weSend
    ? ` We send, and nothing arrives from the far end (${way === 'to-caller' ? 'we are the caller' : 'we are the callee'}).`
    : ' The far end\'s audio arrives, but we send nothing: check the microphone and the outbound track.';
}

/** Most of the packets of a way held no sound: at least 95 %, over longer than the timeout. */
function silentAudio(ctx: FindingContext, w: MediaWindow): DetectedFinding[] {
  const out: DetectedFinding[] = [];
  for (const way of ['to-callee', 'to-caller'] as const) {
    // Live: only what we receive (our own microphone is the user's business).
    const judged = streamsIn(w.media, way, w.from, w.to).filter((s) => (s.levelPackets ?? 0) > 0 && s.local !== 'sent');
    if (judged.length === 0) continue;
    const level = judged.reduce((n, s) => n + s.levelPackets!, 0);
    const silent = judged.reduce((n, s) => n + (s.silentPackets ?? 0), 0);
    const span = Math.max(...judged.map((s) => s.lastAt!)) - Math.min(...judged.map((s) => s.firstAt!));
    if (span <= ctx.mediaTimeoutMs || silent < 0.95 * level) continue;
    const how = w.media.source === 'capture'
      ? `${silent} of the ${level} G.711 payloads carry no audible sample (every sample below -60 dBFS, or comfort noise)`
      : `the audio energy getStats reports did not grow while ${silent} of ${level} packets arrived`;
    out.push(ctx.finding('silent-audio', 'warning', [w.answer],
      `Audio ${wayName(way)} arrives (${judged.map(streamText).join('; ')}) but is silence: ${how}, over ${seconds(span)}.`, way));
  }
  return out;
}

function earlyMediaWithoutRtp(ctx: FindingContext): DetectedFinding[] {
  const media = ctx.call.media;
  if (!media) return [];
  const out: DetectedFinding[] = [];
  const seen = new Set<string>();
  const times = callTimes(ctx.messages);
  for (const m of ctx.responses) {
    const sip = m.sip;
    if (sip.cseq.method !== 'INVITE' || sip.status <= 100 || sip.status >= 200 || m.retransmission || !hasSdp(sip)) continue;
    const key = `${sip.to.tag ?? ''}|${sip.cseq.seq}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const audio = parseSdp(sdpTextOf(sip) ?? '').media.filter((x) => x.kind === 'audio' && x.port > 0);
    if (!audio.some((x) => directionAllows(x.direction).sends)) continue;
    const final = ctx.responses.find((r) => r.index > m.index && r.sip.cseq.method === 'INVITE' && r.sip.cseq.seq === sip.cseq.seq && r.sip.status >= 200);
    const end = final?.at ?? (times.bye === undefined ? lastEvidence(ctx, media) : times.endedAt);
    const start = Math.max(m.at, media.reportedFrom ?? m.at);
    if (end - start <= ctx.mediaTimeoutMs || (media.reportedUntil !== undefined && media.reportedUntil < end)) continue;
    const early = media.streams.some((s) => s.way === 'to-caller' && s.packets > 0 && s.firstAt !== undefined && s.firstAt < end
      && s.lastAt !== undefined && s.lastAt >= m.at - 1000);
    if (early) continue;
    const reliable = isReliableProvisional(sip) ? 'reliable ' : '';
    out.push(ctx.finding('early-media-without-rtp', 'warning', [m.index, ...(final ? [final.index] : [])],
      `The ${reliable}${sip.status} from ${senderOf(m)} carried SDP (early media), so the caller plays the far end's media instead of its own `
      + `ringback, but no RTP came towards the caller in the ${seconds(end - m.at)} until ${final ? `the ${final.sip.status}` : 'the end'}: `
      + 'the caller heard silence.', key));
  }
  return out;
}
