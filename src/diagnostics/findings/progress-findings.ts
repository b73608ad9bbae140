// Requests that get no answer, or a late one: no-provisional (INVITE, Timer B),
// request-timeout (non-INVITE, Timer F), post-dial-delay.
import { hopOf, seconds, type DetectedFinding, type FindingContext } from './finding-context.js';

export function progressFindings(ctx: FindingContext): DetectedFinding[] {
  return [...noProvisional(ctx), ...requestTimeout(ctx), ...postDialDelay(ctx)];
}

function noProvisional(ctx: FindingContext): DetectedFinding[] {
  const out: DetectedFinding[] = [];
  for (const tx of ctx.transactions('INVITE')) {
    const own = ctx.txMessages(tx);
    const request = own[0];
    if (!request || request.sip.kind !== 'request') continue;
    const responses = own.filter((m) => m.sip.kind === 'response');
    const firstResponse = responses[0];
    if (firstResponse && firstResponse.sip.kind === 'response' && firstResponse.sip.status < 200) continue;
    const retransmitted = own.filter((m) => m.sip.kind === 'request' && m.sip.method === 'INVITE' && m.retransmission);
    const timerB = tx.timers.some((t) => t.timer === 'B' && t.event === 'fired');
    if (retransmitted.length === 0 && !timerB) continue;
    const last = retransmitted[retransmitted.length - 1] ?? request;
    const none = firstResponse === undefined;
    out.push(ctx.finding('no-provisional', none ? 'error' : 'warning', [request.index, ...retransmitted.map((m) => m.index), ...(firstResponse ? [firstResponse.index] : [])],
      `The INVITE on ${hopOf(request)} was retransmitted ${retransmitted.length} time(s) over ${seconds(last.at - request.at)} `
      + (none
        ? `and got no response at all${timerB ? '; Timer B fired' : ''}: the next hop never answered (not even 100 Trying). `
          + `The client gives up after Timer B (64·T1 = ${seconds(64 * ctx.t1)}).`
        : `with no provisional response before the ${firstResponse.startLine.replace(/^SIP\/2\.0 /, '')}: the next hop did not say it was working on it.`)));
  }
  return out;
}

function requestTimeout(ctx: FindingContext): DetectedFinding[] {
  const out: DetectedFinding[] = [];
  for (const tx of ctx.call.transactions) {
    if (tx.method === 'INVITE' || tx.method === 'ACK') continue;
    if (tx.finalStatus !== undefined) continue;
    const own = ctx.txMessages(tx);
    const request = own[0];
    if (!request) continue;
    const timerF = tx.timers.some((t) => t.timer === 'F' && t.event === 'fired');
    const retransmitted = own.filter((m) => m.sip.kind === 'request' && m.retransmission);
    const stateTimeout = tx.states.some((s) => /Timer F/.test(s.cause));
    if (!timerF && !stateTimeout && retransmitted.length === 0) continue;
    const last = retransmitted[retransmitted.length - 1] ?? request;
    out.push(ctx.finding('request-timeout', 'error', own.map((m) => m.index),
      `The ${tx.method} on ${hopOf(request)} got no final response`
      + (timerF || stateTimeout ? ': Timer F fired' : ` in the trace (retransmitted ${retransmitted.length} time(s) over ${seconds(last.at - request.at)})`)
      + `. A non-INVITE client transaction gives up after 64·T1 (${seconds(64 * ctx.t1)}).`));
  }
  return out;
}

function postDialDelay(ctx: FindingContext): DetectedFinding[] {
  const invite = ctx.requests.find((m) => m.sip.method === 'INVITE' && m.sip.to.tag === undefined);
  if (!invite) return [];
  const answers = ctx.responses.filter((m) => m.sip.cseq.method === 'INVITE' && m.sip.cseq.seq >= invite.sip.cseq.seq);
  const ringing = answers.find((m) => m.sip.status === 180 || m.sip.status === 183);
  const answered = answers.find((m) => m.sip.status >= 200 && m.sip.status < 300);
  const first = ringing ?? answered;
  if (!first) return [];
  const delay = first.at - invite.at;
  if (delay <= ctx.postDialDelayMs) return [];
  return [ctx.finding('post-dial-delay', 'warning', [invite.index, first.index],
    `${seconds(delay)} passed between the first INVITE and the first ${ringing ? `${first.sip.status} (ringing/progress)` : `${first.sip.status} (answered without ringing)`}, `
    + `above the ${seconds(ctx.postDialDelayMs)} threshold.`)];
}
