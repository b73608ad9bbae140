// How the two ends negotiated reliable provisionals (RFC 3262): require-ignored (a UAS
// that neither honoured Require: 100rel nor refused it with 420) and prack-failed (a PRACK
// answered with an error).
import type { SipRequest, SipResponse } from '../../message/index.js';
import {
  hopOf, hundredRelOf, inviteFor, isReliableProvisional, receiverOf, responderOf, senderOf,
  type DetectedFinding, type FindingContext, type ParsedMessage,
} from './finding-context.js';

export function prackFindings(ctx: FindingContext): DetectedFinding[] {
  return [...requireIgnored(ctx), ...prackFailed(ctx)];
}

/**
 * RFC 3261 §8.2.2.3: "If a UAS does not understand an option-tag listed in a Require header
 * field, it MUST respond by generating a response with status code 420 (Bad Extension)".
 * RFC 3262 §3: a UAS that supports 100rel and gets it required sends its provisional
 * responses reliably. An unreliable 101-199 to such an INVITE is neither.
 */
function requireIgnored(ctx: FindingContext): DetectedFinding[] {
  const out: DetectedFinding[] = [];
  for (const m of ctx.responses) {
    const sip = m.sip;
    if (sip.cseq.method !== 'INVITE' || sip.status <= 100 || sip.status >= 200 || m.retransmission || isReliableProvisional(sip)) continue;
    const invite = inviteFor(ctx, m);
    if (hundredRelOf(invite) !== 'required') continue;
    const answered = ctx.responses.find((r) => r.index > m.index && r.sip.cseq.method === 'INVITE' && r.sip.cseq.seq === sip.cseq.seq
      && r.sip.status >= 200 && r.sip.to.tag === sip.to.tag);
    out.push(ctx.finding('require-ignored', 'error', [invite!.index, m.index, ...(answered ? [answered.index] : [])],
      `The INVITE said Require: 100rel, but ${responderOf(m)} answered with an unreliable ${sip.status} ${sip.reason} on ${hopOf(m)} `
      + '(no Require: 100rel, no RSeq) instead of sending it reliably or refusing the INVITE with 420 Bad Extension'
      + `${answered ? `; it then answered ${answered.sip.status}` : ''}. A caller that depends on PRACK (for early media, `
      + 'or preconditions) cannot rely on this provisional.',
      `${sip.to.tag ?? ''}|${sip.cseq.seq}|${sip.status}`));
  }
  return out;
}

/**
 * RFC 3262 §3: "If the PRACK does match an unacknowledged reliable provisional response, a
 * 2xx response MUST be generated"; one matching none gets 481. Any other non-2xx final
 * response to a PRACK (a 501 from a UAS that sent reliable provisionals without
 * implementing PRACK, a 500 from one that answered its INVITE first) is a failure.
 */
function prackFailed(ctx: FindingContext): DetectedFinding[] {
  const out: DetectedFinding[] = [];
  const pracks = ctx.requests.filter((m) => m.sip.method === 'PRACK' && !m.retransmission);
  for (const m of ctx.responses) {
    const sip = m.sip;
    if (sip.cseq.method !== 'PRACK' || sip.status < 300 || m.retransmission) continue;
    // The copy of the PRACK that reached the responder (a capture may hold one per hop).
    const copies = pracks.filter((p) => p.index < m.index && p.sip.cseq.seq === sip.cseq.seq && p.sip.callId === sip.callId
      && p.sip.from.tag === sip.from.tag);
    const prack = copies.find((p) => receiverOf(p) === senderOf(m)) ?? copies.at(-1);
    out.push(ctx.finding('prack-failed', 'error', [...(prack ? [prack.index] : []), m.index],
      `The PRACK${rackText(prack)} got ${sip.status} ${sip.reason} from ${responderOf(m)} on ${hopOf(m)}. ${meaning(sip)}`,
      `${sip.from.tag ?? ''}|${sip.cseq.seq}`));
  }
  return out;
}

function rackText(prack: ParsedMessage<SipRequest> | undefined): string {
  const rack = prack?.sip.rack;
  return rack ? ` (RAck ${rack.rseq} ${rack.cseq} ${rack.method})` : '';
}

function meaning(sip: SipResponse): string {
  if (sip.status === 481) return 'The far end matched it to no reliable provisional response it is waiting for: the PRACK went to the wrong place, '
    + 'carried the wrong RAck, or came after the far end gave up on it.';
  if (sip.status === 501 || sip.status === 405) return 'The far end sent reliable provisional responses but does not implement PRACK.';
  return 'A PRACK that matches an outstanding reliable provisional must be answered 2xx (RFC 3262 §3).';
}
