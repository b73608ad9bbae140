// CANCEL at the wrong time (RFC 3261 §9.1): after a final response, or before any provisional.
import type { SipRequest } from '../../message/index.js';
import { inviteKeyOfCancel } from '../transaction-matching.js';
import { hopOf, seconds, type DetectedFinding, type FindingContext, type ParsedMessage } from './finding-context.js';

export function cancelFindings(ctx: FindingContext): DetectedFinding[] {
  const out: DetectedFinding[] = [];
  for (const cancel of ctx.requests) {
    if (cancel.sip.method !== 'CANCEL' || cancel.retransmission) continue;
    const key = inviteKeyOfCancel(cancel.sip);
    const invite = ctx.transactions('INVITE').find((tx) => tx.matchKey === key && tx.messages[0]! < cancel.index);
    if (!invite) continue;
    const before = ctx.txMessages(invite).filter((m) => m.index < cancel.index && m.sip.kind === 'response');
    const final = before.find((m) => m.sip.kind === 'response' && m.sip.status >= 200);
    const request = ctx.txMessages(invite)[0] as ParsedMessage<SipRequest> | undefined;
    if (final) {
      const gap = cancel.at - final.at;
      out.push(ctx.finding('cancel-after-final', 'warning', [...(request ? [request.index] : []), final.index, cancel.index],
        `The CANCEL on ${hopOf(cancel)} came ${seconds(gap)} after the INVITE's ${final.startLine.replace(/^SIP\/2\.0 /, '')} on that hop. `
        + 'A CANCEL has no effect once a final response was sent'
        + (gap < ctx.t1 ? '; they are this close, so they probably crossed on the wire (a race, harmless).' : '; the caller should have sent BYE (after a 2xx) or nothing.'),
        `${cancel.sip.cseq.seq}|${cancel.sip.from.tag ?? ''}`));
      continue;
    }
    if (!before.some((m) => m.sip.kind === 'response' && m.sip.status < 200)) {
      out.push(ctx.finding('cancel-before-provisional', 'warning', [...(request ? [request.index] : []), cancel.index],
        `The CANCEL on ${hopOf(cancel)} was sent ${request ? `${seconds(cancel.at - request.at)} after the INVITE, ` : ''}before any provisional `
        + 'response to it: §9.1 says a CANCEL SHOULD NOT be sent until one has arrived; it may overtake the INVITE and cancel nothing.',
        `${cancel.sip.cseq.seq}|${cancel.sip.from.tag ?? ''}`));
    }
  }
  return out;
}
