// Whether media could get through at all: ice-failed (no candidate pair
// worked), dtls-not-completed (ICE connected, the DTLS handshake did not),
// unreachable-media-address (a private c= with no ICE candidates, from a side
// whose packets come from a public or carrier-grade NAT address: behind a NAT). From the media owner's reports (live), or the
// STUN and DTLS a capture saw between the call's media addresses.
import type { SipRequest } from '../../message/index.js';
import { announcedMedia, initialInvite, sideName, type AnnouncedMedia, type CallSide } from '../media/announced-media.js';
import type { CallMedia, MediaFlowSummary } from '../media/media-types.js';
import { seconds, type DetectedFinding, type FindingContext, type ParsedMessage } from './finding-context.js';
import { addressText, answeredExchange, lastEvidence, sameAddress } from './media-window.js';
import { unreachableKind } from './routing-findings.js';

const CARRIER_NAT = unreachableKind('100.64.0.1');

export function mediaTransportFindings(ctx: FindingContext): DetectedFinding[] {
  const media = ctx.call.media;
  return [...(media ? iceFailed(ctx, media) : []), ...(media ? dtlsNotCompleted(ctx, media) : []), ...unreachableMediaAddress(ctx)];
}

/** The first audio m= line of each SDP in a list. */
function firstAudio(list: readonly AnnouncedMedia[]): AnnouncedMedia[] {
  const seen = new Set<number>();
  return list.filter((a) => {
    if (a.media.kind !== 'audio' || seen.has(a.message)) return false;
    seen.add(a.message);
    return true;
  });
}

/** The audio SDPs of the call, for candidates and a=setup. */
function audioSdps(ctx: FindingContext): AnnouncedMedia[] {
  return firstAudio(announcedMedia(ctx.messages));
}

function candidatesText(sdps: readonly AnnouncedMedia[], side: CallSide): string {
  const seen = new Set<string>();
  for (const a of sdps) {
    if (a.side !== side) continue;
    for (const c of a.media.candidates) if (c.component === 1) seen.add(`${c.type} ${c.address}:${c.port}/${c.transport.toLowerCase()}`);
  }
  return seen.size > 0 ? [...seen].join(', ') : `none (its SDP has no a=candidate lines${sdps.some((a) => a.side === side && a.address) ? `; c= ${sdps.find((a) => a.side === side)?.address}` : ''})`;
}

/** The side this user agent is (live), from who sent the initial INVITE. */
function localSide(ctx: FindingContext): CallSide | undefined {
  const invite = initialInvite(ctx.messages);
  if (!invite || invite.direction === 'observed') return undefined;
  return invite.direction === 'sent' ? 'caller' : 'callee';
}

function iceFailed(ctx: FindingContext, media: CallMedia): DetectedFinding[] {
  const sdps = audioSdps(ctx);
  const tried = `The caller offered ${candidatesText(sdps, 'caller')}; the callee's side offered ${candidatesText(sdps, 'callee')}.`;
  const evidence = sdps.map((a) => a.message).slice(0, 4);
  if (media.transport) {
    const failed = media.transport.ice.find((s) => s.state === 'failed');
    if (!failed) return [];
    const checking = media.transport.ice.find((s) => s.state === 'checking');
    const pair = media.transport.localCandidate && media.transport.remoteCandidate
      ? ` The last pair reported: ${media.transport.localCandidate} ↔ ${media.transport.remoteCandidate}.` : '';
    return [ctx.finding('ice-failed', 'error', evidence,
      `ICE ${checking ? `checked for ${seconds(failed.at - checking.at)} and ` : ''}failed: no candidate pair got a STUN answer, so no media can flow. `
      + `${tried}${pair}`, 'ice')];
  }
  const flows = media.flows ?? [];
  const requests = flows.filter((f) => f.stunRequests > 0);
  if (requests.length === 0 || flows.some((f) => f.stunResponses > 0) || media.streams.some((s) => s.packets > 0)) return [];
  const first = Math.min(...requests.map((f) => f.firstAt));
  if (lastEvidence(ctx, media) - first <= ctx.mediaTimeoutMs) return [];
  const pairs = requests.map((f) => `${addressText(f.src)} → ${addressText(f.dst)} (${f.stunRequests} binding request(s))`).join(', ');
  return [ctx.finding('ice-failed', 'error', evidence,
    `ICE failed: the connectivity checks ${pairs} got no STUN answer at all, and no media followed. ${tried}`, 'ice')];
}

/** a=setup of each side in the SDPs that use DTLS (a fingerprint), the first of each. */
function dtlsRoles(sdps: readonly AnnouncedMedia[]): { caller?: AnnouncedMedia; callee?: AnnouncedMedia } {
  const withDtls = sdps.filter((a) => a.media.fingerprint && a.media.setup !== undefined);
  const caller = withDtls.find((a) => a.side === 'caller');
  const callee = withDtls.find((a) => a.side === 'callee');
  return { ...(caller ? { caller } : {}), ...(callee ? { callee } : {}) };
}

function rolesText(ctx: FindingContext, sdps: readonly AnnouncedMedia[], reportedRole: string | undefined): string {
  const { caller, callee } = dtlsRoles(sdps);
  if (!caller || !callee) return 'The SDPs do not say both DTLS roles (a=setup).';
  const said = `The caller's SDP said a=setup:${caller.media.setup}, the callee's side (${addressText(callee.address === undefined ? undefined : { address: callee.address, port: callee.port })}) a=setup:${callee.media.setup}`;
  const offerer = caller.message <= callee.message ? caller : callee;
  const answerer = offerer === caller ? callee : caller;
  const a = offerer.media.setup;
  const b = answerer.media.setup;
  const local = localSide(ctx);
  const role = reportedRole && local ? ` getStats says ${local === 'caller' ? 'the caller (we)' : 'the callee (we)'} acted as DTLS ${reportedRole}.` : '';
  if (b === 'actpass') return `${said}: an answer must choose active or passive, never actpass (RFC 5763 §5).${role}`;
  if ((a === 'active' && b === 'active') || (a === 'passive' && b === 'passive')) {
    return `${said}: both want to be the DTLS ${a === 'active' ? 'client' : 'server'}, so the handshake can never start (RFC 4145 §4).${role}`;
  }
  const client = b === 'active' ? answerer : offerer;
  return `${said}: ${sideName(client.side)}'s side is the DTLS client (active), ${sideName(client.side === 'caller' ? 'callee' : 'caller')}'s the server (passive). `
    + `The roles are valid, yet the handshake did not finish: some media relays fail as DTLS server (or client) with browsers; swap the relay's role.${role}`;
}

function dtlsNotCompleted(ctx: FindingContext, media: CallMedia): DetectedFinding[] {
  const sdps = audioSdps(ctx);
  const evidence = sdps.map((a) => a.message).slice(0, 4);
  if (media.transport) {
    const t = media.transport;
    const connected = t.ice.find((s) => s.state === 'connected' || s.state === 'completed');
    if (!connected || t.dtls.some((s) => s.state === 'connected')) return [];
    const failed = t.dtls.find((s) => s.state === 'failed');
    const lastReport = media.reportedUntil ?? connected.at;
    if (!failed && lastReport - connected.at <= ctx.mediaTimeoutMs) return [];
    const state = failed ? 'DTLS failed' : `DTLS was still ${t.dtls.at(-1)?.state ?? 'new'} ${seconds(lastReport - connected.at)} later`;
    return [ctx.finding('dtls-not-completed', 'error', evidence,
      `ICE connected (${t.localCandidate ?? '?'} ↔ ${t.remoteCandidate ?? '?'}), but ${state}: no SRTP can flow without its keys. `
      + rolesText(ctx, sdps, t.dtlsRole), 'dtls')];
  }
  const flows = media.flows ?? [];
  const answered = flows.filter((f) => f.stunResponses > 0);
  const dtls = flows.filter((f) => f.dtlsPackets > 0);
  if (answered.length === 0 || dtls.length === 0) return [];
  const between = (f: MediaFlowSummary) => media.streams.some((s) => s.packets > 0
    && ((sameAddress(s.src, f.src) && sameAddress(s.dst, f.dst)) || (sameAddress(s.src, f.dst) && sameAddress(s.dst, f.src))));
  if (dtls.some(between)) return [];
  const firstDtls = Math.min(...dtls.map((f) => f.firstAt));
  if (lastEvidence(ctx, media) - firstDtls <= ctx.mediaTimeoutMs) return [];
  const seen = dtls.map((f) => `${addressText(f.src)} → ${addressText(f.dst)} (${f.dtlsPackets})`).join(', ');
  return [ctx.finding('dtls-not-completed', 'error', evidence,
    `ICE connected (STUN answered between ${answered.map((f) => `${addressText(f.src)} → ${addressText(f.dst)}`).join(', ')}), and DTLS records went ${seen}, `
    + `but no SRTP followed in ${seconds(lastEvidence(ctx, media) - firstDtls)}: the handshake never completed. ${rolesText(ctx, sdps, undefined)}`, 'dtls')];
}

/**
 * Where the writer of an SDP really is: the source address of the copy it sent itself (a
 * request with one Via; a response with every Via of the deepest INVITE copy, from an
 * element that forwarded no INVITE), else its Via's received= as the first proxy saw it.
 */
function writerAddress(ctx: FindingContext, copies: readonly AnnouncedMedia[]): string | undefined {
  const messages = copies.map((a) => ctx.all[a.message]! as ParsedMessage);
  const deepest = Math.max(0, ...ctx.requests.filter((r) => r.sip.method === 'INVITE').map((r) => r.sip.via.length));
  const own = messages.find((m) => m.direction === 'observed' && m.src && (m.sip.kind === 'request'
    ? m.sip.via.length === 1
    : m.sip.via.length === deepest && !ctx.requests.some((r) => r.sip.method === 'INVITE' && r.src?.address === m.src!.address && r.src.port === m.src!.port)));
  if (own) return own.src!.address.toLowerCase();
  const request = messages.find((m) => m.sip.kind === 'request')?.sip as SipRequest | undefined;
  if (!request) return undefined;
  // A request's writer: the bottom Via of any copy of it, or of a response to it, stamped by the first proxy.
  const related = ctx.parsed.filter((m) => m.sip.cseq.seq === request.cseq.seq && m.sip.cseq.method === request.cseq.method
    && m.sip.from.tag === request.from.tag);
  return related.map((m) => m.sip.via[m.sip.via.length - 1]?.received).find((r) => r !== undefined)?.toLowerCase().replace(/^\[|\]$/g, '');
}

function unreachableMediaAddress(ctx: FindingContext): DetectedFinding[] {
  const answer = ctx.responses.find((m) => m.sip.cseq.method === 'INVITE' && m.sip.status >= 200 && m.sip.status < 300);
  if (!answer) return [];
  const exchange = firstAudio(answeredExchange(ctx, answer.index));
  const out: DetectedFinding[] = [];
  for (const side of ['caller', 'callee'] as const) {
    const copies = exchange.filter((a) => a.side === side && a.port > 0);
    const judged = copies[copies.length - 1];
    if (!judged?.address || judged.media.candidates.length > 0) continue;
    const kind = unreachableKind(judged.address);
    if (!kind || copies[0]!.address !== judged.address) continue;
    const writer = writerAddress(ctx, copies);
    if (writer === undefined || writer === judged.address.toLowerCase()) continue;
    // A NAT between the writer and the rest shows as packets from a public (or carrier-grade
    // NAT) address. A writer at a private address itself (a LAN with a separate media server,
    // routed private networks, the loopback lab) shows nothing the far end could not reach.
    const writerKind = unreachableKind(writer);
    if (writerKind !== undefined && writerKind !== CARRIER_NAT) continue;
    const target = { address: judged.address, port: judged.port };
    if (ctx.call.media?.streams.some((s) => sameAddress(s.dst, target) && s.packets > 0)) continue;
    const m = ctx.all[judged.message]!;
    out.push(ctx.finding('unreachable-media-address', 'error', [copies[0]!.message, judged.message],
      `${sideName(side)[0]!.toUpperCase()}${sideName(side).slice(1)}'s SDP in the ${m.startLine.replace(/ SIP\/2\.0$/, '')} announces media at `
      + `${addressText(target)}, ${kind}, with no ICE candidates, but ${sideName(side)} is at ${writer}: RTP sent to that address from elsewhere `
      + 'goes nowhere (one-way or no audio).', `${judged.address}|${judged.port}`));
  }
  return out;
}
