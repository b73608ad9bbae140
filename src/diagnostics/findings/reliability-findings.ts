// Provisional responses: missing-prack, unreliable-early-media, rseq-violation (RFC 3262),
// trying-with-to-tag (RFC 3261 §8.2.6.2).
import type { SipResponse } from '../../message/index.js';
import {
  hasSdp, hopOf, hundredRelOf, inviteFor, isReliableProvisional, receiverOf, senderOf, seconds,
  type DetectedFinding, type FindingContext, type ParsedMessage,
} from './finding-context.js';

export function reliabilityFindings(ctx: FindingContext): DetectedFinding[] {
  return [...missingPrack(ctx), ...unreliableEarlyMedia(ctx), ...rseqViolation(ctx), ...tryingWithToTag(ctx)];
}

function reliableProvisionals(ctx: FindingContext): ParsedMessage<SipResponse>[] {
  return ctx.responses.filter((m) => m.sip.cseq.method === 'INVITE' && isReliableProvisional(m.sip));
}

/**
 * A reliable provisional that no PRACK reached: retransmitted meanwhile (the caller ignores it),
 * or without a Contact (RFC 3261 §12.1.1: the caller has no remote target for the PRACK; some
 * far ends then also skip the retransmissions RFC 3262 §3 requires).
 */
function missingPrack(ctx: FindingContext): DetectedFinding[] {
  const out: DetectedFinding[] = [];
  const groups = new Map<string, ParsedMessage<SipResponse>[]>();
  for (const m of reliableProvisionals(ctx)) {
    const key = `${m.transactionId ?? ''}|${m.sip.to.tag ?? ''}|${m.sip.rseq}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  for (const group of groups.values()) {
    const first = group[0]!;
    const repeats = group.filter((m) => m.retransmission);
    const noContact = first.sip.contacts.length === 0;
    if (repeats.length === 0 && !noContact) continue;
    const sip = first.sip;
    const prack = ctx.requests.find((m) => m.index > first.index && m.sip.method === 'PRACK' && m.sip.rack !== undefined
      && m.sip.rack.rseq === sip.rseq && m.sip.rack.cseq === sip.cseq.seq && m.sip.rack.method === 'INVITE'
      && receiverOf(m) === senderOf(first));
    // The caller's own trace shows its PRACK leaving, never whether the callee took it; the
    // reliable provisional still coming after it (more than the one that may cross it) does.
    const lateRepeats = prack ? repeats.filter((m) => m.index > prack.index) : repeats;
    if (prack && (prack.direction !== 'sent' || lateRepeats.length < 2)) continue;
    const invite = ctx.requests.find((m) => m.sip.method === 'INVITE' && m.sip.cseq.seq === sip.cseq.seq && m.index < first.index);
    const offered = invite ? invite.sip.supported.concat(invite.sip.require).some((t) => t.toLowerCase() === '100rel') : undefined;
    const times = lateRepeats.map((m) => `+${seconds(m.at - first.at)}`).join(', ');
    const what = prack
      ? `The reliable ${sip.status} (RSeq ${sip.rseq}) on ${hopOf(first)} was PRACKed here ${seconds(prack.at - first.at)} after it arrived, `
        + `yet it was retransmitted ${lateRepeats.length} more time(s) (${times}): the PRACK did not reach ${senderOf(first)}, or was not `
        + 'matched to the response there (lost, dropped by a proxy, or a wrong RAck); the callee gives up with a 5xx after 64·T1.'
      : `The reliable ${sip.status} (RSeq ${sip.rseq}) on ${hopOf(first)} `
        + (repeats.length > 0 ? `was retransmitted ${repeats.length} time(s) (${times}) ` : 'was never retransmitted (RFC 3262 §3 wants it retransmitted until its PRACK) ')
        + `and no PRACK for it reached ${senderOf(first)}.`;
    out.push(ctx.finding('missing-prack', repeats.length > 0 ? 'error' : 'warning',
      [...(invite ? [invite.index] : []), ...group.map((m) => m.index), ...(prack ? [prack.index] : [])],
      what
      + (noContact ? ' It carries no Contact: a response that creates a dialog must have one (RFC 3261 §12.1.1), so the caller has no remote '
        + 'target for the early dialog to send the PRACK to.' : '')
      + (offered === false ? ' The INVITE did not offer 100rel (no Supported/Require: 100rel), so the caller may not know it must PRACK.' : '')
      + (hasSdp(sip) ? ' Its early media (SDP) will be lost when the callee gives up.' : ''),
      `${sip.to.tag ?? ''}|${sip.cseq.seq}|${sip.rseq}`));
  }
  return out;
}

function unreliableEarlyMedia(ctx: FindingContext): DetectedFinding[] {
  const out: DetectedFinding[] = [];
  for (const m of ctx.responses) {
    const sip = m.sip;
    if (sip.cseq.method !== 'INVITE' || sip.status < 180 || sip.status > 189 || m.retransmission) continue;
    if (!hasSdp(sip) || sip.require.some((t) => t.toLowerCase() === '100rel')) continue;
    // Only a caller that offered 100rel could have had it reliably: to one that did not, an
    // unreliable 18x is the only choice the RFCs leave (RFC 3262 §3). One that required it
    // is require-ignored's case.
    if (hundredRelOf(inviteFor(ctx, m)) !== 'supported') continue;
    // The far end may simply not implement 100rel (baresip, for one): say so, it is the fix to ask for.
    const noSupport = !sip.supported.some((t) => t.toLowerCase() === '100rel') && sip.allow.length > 0 && !sip.allow.some((a) => a.toUpperCase() === 'PRACK');
    out.push(ctx.finding('unreliable-early-media', 'warning', [m.index],
      `The ${sip.status} on ${hopOf(m)} carries SDP without 100rel (no Require: 100rel, no RSeq), though the caller offered it: if it is lost `
      + 'the caller never gets the early-media answer, and the caller may play local ringback over the far end\'s media.'
      + (noSupport ? ` The far end does not support 100rel (not in its Supported, no PRACK in its Allow: ${sip.allow.join(', ')}).` : ''),
      `${sip.to.tag ?? ''}|${sip.cseq.seq}|${sip.status}`));
  }
  return out;
}

function rseqViolation(ctx: FindingContext): DetectedFinding[] {
  const out: DetectedFinding[] = [];
  const last = new Map<string, ParsedMessage<SipResponse>>();
  for (const m of reliableProvisionals(ctx)) {
    if (m.retransmission) continue;
    const key = `${m.transactionId ?? ''}|${m.sip.to.tag ?? ''}`;
    const previous = last.get(key);
    last.set(key, m);
    if (!previous || previous.sip.rseq === m.sip.rseq) continue;
    const expected = previous.sip.rseq! + 1;
    if (m.sip.rseq === expected) continue;
    out.push(ctx.finding('rseq-violation', 'error', [previous.index, m.index],
      `The reliable ${m.sip.status} on ${hopOf(m)} has RSeq ${m.sip.rseq}, but the previous one had ${previous.sip.rseq}: `
      + `RSeq must grow by exactly one (expected ${expected}).`, `${m.sip.to.tag ?? ''}|${previous.sip.rseq}|${m.sip.rseq}`));
  }
  const reliable = reliableProvisionals(ctx);
  for (const m of ctx.requests) {
    if (m.sip.method !== 'PRACK' || m.retransmission) continue;
    const rack = m.sip.rack;
    const matched = rack !== undefined && reliable.some((r) => r.index < m.index && r.sip.rseq === rack.rseq
      && r.sip.cseq.seq === rack.cseq && r.sip.cseq.method === rack.method && r.sip.to.tag === m.sip.to.tag);
    if (matched) continue;
    const what = rack ? `RAck ${rack.rseq} ${rack.cseq} ${rack.method}` : 'no RAck';
    out.push(ctx.finding('rseq-violation', 'error', [m.index],
      `The PRACK on ${hopOf(m)} has ${what}, which matches no reliable provisional response of this dialog seen before it.`,
      `prack|${m.sip.to.tag ?? ''}|${what}`));
  }
  return out;
}

function tryingWithToTag(ctx: FindingContext): DetectedFinding[] {
  // §8.2.6.2: a response to a request that had a To tag (a re-INVITE) must carry that tag, a 100 too.
  const inDialog = (m: ParsedMessage<SipResponse>) => ctx.requests.some((r) => r.index < m.index && r.sip.method === m.sip.cseq.method
    && r.sip.cseq.seq === m.sip.cseq.seq && r.sip.to.tag !== undefined && r.sip.to.tag === m.sip.to.tag);
  return ctx.responses.filter((m) => m.sip.status === 100 && m.sip.to.tag !== undefined && !m.retransmission && !inDialog(m))
    .map((m) => ctx.finding('trying-with-to-tag', 'warning', [m.index],
      `The 100 Trying on ${hopOf(m)} (sent by ${senderOf(m)}) carries To tag "${m.sip.to.tag}". A 100 is hop-by-hop and never `
      + 'creates a dialog; a caller that builds an early dialog from it may mismatch later responses.',
      `${m.sip.to.tag}|${m.sip.cseq.seq}|${senderOf(m)}`));
}
