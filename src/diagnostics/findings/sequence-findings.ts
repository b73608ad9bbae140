// Request chains that go round: auth-loop (RFC 3261 §22) and glare (§14.1).
import type { SipRequest, SipResponse } from '../../message/index.js';
import { hopOf, seconds, senderOf, type DetectedFinding, type FindingContext, type ParsedMessage } from './finding-context.js';

export function sequenceFindings(ctx: FindingContext): DetectedFinding[] {
  return [...authLoop(ctx), ...glare(ctx)];
}

function authLoop(ctx: FindingContext): DetectedFinding[] {
  const out: DetectedFinding[] = [];
  const chains = new Map<string, Map<number, ParsedMessage<SipResponse>>>();
  for (const m of ctx.responses) {
    if (m.sip.status !== 401 && m.sip.status !== 407) continue;
    const key = `${m.sip.cseq.method}|${m.sip.from.tag ?? ''}`;
    const chain = chains.get(key) ?? new Map<number, ParsedMessage<SipResponse>>();
    if (!chain.has(m.sip.cseq.seq)) chain.set(m.sip.cseq.seq, m);
    chains.set(key, chain);
  }
  for (const [key, chain] of chains) {
    if (chain.size < 3) continue;
    const challenges = [...chain.values()];
    const method = key.split('|')[0];
    out.push(ctx.finding('auth-loop', 'error', challenges.map((m) => m.index),
      `The ${method} was challenged ${chain.size} times in a row (${challenges.map((m) => `${m.sip.status} to CSeq ${m.sip.cseq.seq}`).join(', ')}), `
      + 'each retry with new credentials rejected again: the credentials or the digest computation are wrong, and the client should stop after one retry.',
      key));
  }
  return out;
}

function glare(ctx: FindingContext): DetectedFinding[] {
  const out: DetectedFinding[] = [];
  const dialogs = ctx.call.dialogs;
  const seen = new Set<string>();
  for (const m of ctx.responses) {
    if (m.sip.status !== 491 || (m.sip.cseq.method !== 'INVITE' && m.sip.cseq.method !== 'UPDATE')) continue;
    const key = `${m.sip.cseq.method}|${m.sip.cseq.seq}|${m.sip.from.tag ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const requester = m.sip.from.tag;
    // The last copy of the 491 before the retry is the one that reached the requester.
    const retry = ctx.requests.find((r) => r.index > m.index && (r.sip.method === 'INVITE' || r.sip.method === 'UPDATE')
      && r.sip.from.tag === requester && r.sip.to.tag === m.sip.to.tag && r.sip.cseq.seq > m.sip.cseq.seq);
    const copies = ctx.responses.filter((r) => r.sip.status === 491 && r.sip.cseq.seq === m.sip.cseq.seq
      && r.sip.from.tag === requester && (!retry || r.index < retry.index));
    const received = copies[copies.length - 1] ?? m;
    const owner = dialogs.some((d) => d.callerTag === requester);
    const [low, high] = owner ? [2100, 4000] : [0, 2000];
    const role = owner ? 'the owner of the Call-ID (the caller), so it must wait 2.1-4 s' : 'not the owner of the Call-ID, so it must wait 0-2 s';
    const request = ctx.requests.find((r) => r.sip.method === m.sip.cseq.method && r.sip.cseq.seq === m.sip.cseq.seq
      && r.sip.from.tag === requester && r.index < m.index) as ParsedMessage<SipRequest> | undefined;
    const evidence = [...(request ? [request.index] : []), m.index, ...(retry ? [retry.index] : [])];
    if (!retry) {
      out.push(ctx.finding('glare', 'info', evidence,
        `The ${m.sip.cseq.method} (CSeq ${m.sip.cseq.seq}) got 491 Request Pending on ${hopOf(m)}: both sides offered at once. `
        + `The requester (${senderOf(request ?? m)}) is ${role}; no retry was seen.`, key));
      continue;
    }
    const wait = retry.at - received.at;
    const respected = wait >= low && wait <= high;
    out.push(ctx.finding('glare', respected ? 'info' : 'warning', evidence,
      `The ${m.sip.cseq.method} (CSeq ${m.sip.cseq.seq}) got 491 Request Pending: both sides offered at once. The requester is ${role}; `
      + `it retried after ${seconds(wait)}, which ${respected ? 'respects' : 'does not respect'} the §14.1 back-off.`, key));
  }
  return out;
}
