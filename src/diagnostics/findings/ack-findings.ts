// ACK problems: missing-ack (2xx), missing-ack-non2xx, ack-cseq-mismatch, bye-before-ack.
import type { SipRequest, SipResponse } from '../../message/index.js';
import { bytesToByteString } from '../../message/bytes.js';
import type { TransactionModel } from '../model-types.js';
import {
  hopOf, receiverOf, senderOf, seconds, type DetectedFinding, type FindingContext, type ParsedMessage,
} from './finding-context.js';

export function ackFindings(ctx: FindingContext): DetectedFinding[] {
  return [...missingAck(ctx), ...missingAckNon2xx(ctx), ...ackCseqMismatch(ctx), ...byeBeforeAck(ctx)];
}

/** 2xx responses to an INVITE transaction, including repeats that arrived after it ended. */
function twoHundreds(ctx: FindingContext, tx: TransactionModel): ParsedMessage<SipResponse>[] {
  const own = ctx.txMessages(tx).filter((m): m is ParsedMessage<SipResponse> => m.sip.kind === 'response' && m.sip.status >= 200 && m.sip.status < 300);
  if (own.length === 0) return own;
  const first = own[0]!;
  const extra = ctx.responses.filter((m) => m.transactionId === undefined && m.index > first.index
    && m.sip.status === first.sip.status && m.sip.cseq.seq === first.sip.cseq.seq && m.sip.cseq.method === 'INVITE'
    && m.sip.to.tag === first.sip.to.tag && senderOf(m) === senderOf(first) && receiverOf(m) === receiverOf(first));
  return [...own, ...extra].sort((a, b) => a.index - b.index);
}

/** The ACK that reached the sender of this 2xx (the UAS side of its hop), if any. */
function ackFor(ctx: FindingContext, ok: ParsedMessage<SipResponse>): ParsedMessage<SipRequest> | undefined {
  return ctx.requests.find((m) => m.index > ok.index && m.sip.method === 'ACK' && m.sip.cseq.seq === ok.sip.cseq.seq
    && m.sip.to.tag === ok.sip.to.tag && receiverOf(m) === senderOf(ok));
}

function missingAck(ctx: FindingContext): DetectedFinding[] {
  const out: DetectedFinding[] = [];
  for (const tx of ctx.transactions('INVITE')) {
    const oks = twoHundreds(ctx, tx);
    if (oks.length === 0) continue;
    const first = oks[0]!;
    const ack = ackFor(ctx, first);
    const repeats = oks.filter((m) => m.retransmission);
    if (repeats.length === 0) continue;
    // The caller's own trace shows its ACK leaving, never whether it arrived. What does show
    // it: the 2xx still coming after the ACK. A callee that got the ACK sends at most the one
    // retransmission that crossed it; two or more mean the ACK was lost or not taken.
    const lateRepeats = ack ? repeats.filter((m) => m.index > ack.index) : repeats;
    if (ack && (ack.direction !== 'sent' || lateRepeats.length < 2)) continue;
    const times = lateRepeats.map((m) => `+${seconds(m.at - first.at)}`).join(', ');
    const bye = ctx.requests.find((m) => m.index > first.index && m.sip.method === 'BYE' && m.sip.from.tag === first.sip.to.tag
      && senderOf(m) === senderOf(first));
    const teardown = bye ? ` The callee then hung up with BYE ${seconds(bye.at - first.at)} after the first 2xx (64·T1 = ${seconds(64 * ctx.t1)}).` : '';
    const invite = ctx.txMessages(tx)[0];
    const what = ack
      ? `The ${first.sip.status} to the INVITE on ${hopOf(first)} was ACKed here ${seconds(ack.at - first.at)} after it arrived, yet it was `
        + `retransmitted ${lateRepeats.length} more time(s) (${times}): the ACK did not reach ${senderOf(first)}, or was not taken there `
        + '(lost on the way, dropped or misrouted by a proxy, or not matched to the 2xx). '
      : `The ${first.sip.status} to the INVITE on ${hopOf(first)} was retransmitted ${repeats.length} time(s) (${times}) `
        + `and no ACK for it reached ${senderOf(first)}: `;
    out.push(ctx.finding('missing-ack', 'error', [...(invite ? [invite.index] : []), ...oks.map((m) => m.index), ...(ack ? [ack.index] : []), ...(bye ? [bye.index] : [])],
      `${what}The callee keeps retransmitting (T1, 2·T1, ... capped at T2) until 64·T1 and then ends the call.${teardown}`,
      `${first.sip.to.tag ?? ''}|${first.sip.cseq.seq}`));
  }
  return out;
}

function missingAckNon2xx(ctx: FindingContext): DetectedFinding[] {
  const out: DetectedFinding[] = [];
  for (const tx of ctx.transactions('INVITE')) {
    if ((tx.finalStatus ?? 0) < 300) continue;
    const own = ctx.txMessages(tx);
    if (own.some((m) => m.sip.kind === 'request' && m.sip.method === 'ACK')) continue;
    const finals = own.filter((m) => m.sip.kind === 'response' && m.sip.status >= 300);
    const timerH = tx.timers.some((t) => t.timer === 'H' && t.event === 'fired');
    const repeats = finals.filter((m) => m.retransmission).length;
    if (!timerH && repeats === 0) continue;
    const first = finals[0];
    out.push(ctx.finding('missing-ack-non2xx', 'error', own.filter((m) => m.sip.kind === 'response' || m === own[0]).map((m) => m.index),
      `The ${tx.finalStatus} final response${first ? ` on ${hopOf(first)}` : ''} was retransmitted ${repeats} time(s)`
      + `${timerH ? ' and Timer H fired' : ''} without the hop-by-hop ACK coming back; the server transaction gives up after 64·T1 (${seconds(64 * ctx.t1)}).`,
    ));
  }
  return out;
}

const CSEQ_LINE = /^(?:CSeq)[ \t]*:[ \t]*(\d+)[ \t]+(\S+)/im;

function ackCseqMismatch(ctx: FindingContext): DetectedFinding[] {
  const out: DetectedFinding[] = [];
  for (const m of ctx.messages) {
    if (!m.startLine.startsWith('ACK ')) continue;
    let seq: number;
    let method: string;
    let fromTag: string | undefined;
    if (m.sip && m.sip.kind === 'request') {
      seq = m.sip.cseq.seq;
      method = m.sip.cseq.method;
      fromTag = m.sip.from.tag;
    } else {
      // The strict parser refuses an ACK whose CSeq method is not ACK (§8.1.1.5): read it from the text.
      const cseq = CSEQ_LINE.exec(bytesToByteString(m.raw.subarray(0, 8192)));
      if (!cseq) continue;
      seq = Number(cseq[1]);
      method = cseq[2]!;
    }
    const invite = [...ctx.requests].reverse().find((r) => r.index < m.index && r.sip.method === 'INVITE'
      && (fromTag === undefined || r.sip.from.tag === fromTag));
    const wrongMethod = method !== 'ACK';
    const wrongSeq = invite !== undefined && invite.sip.cseq.seq !== seq;
    if (!wrongMethod && !wrongSeq) continue;
    const parts = [
      wrongMethod ? `its CSeq method is ${method}, not ACK` : '',
      wrongSeq ? `its CSeq number ${seq} is not the INVITE's ${invite!.sip.cseq.seq}` : '',
    ].filter(Boolean).join(', and ');
    out.push(ctx.finding('ack-cseq-mismatch', 'error', [...(invite ? [invite.index] : []), m.index],
      `The ACK on ${hopOf(m)}: ${parts}. The callee cannot match it to its 2xx (or the server transaction to its final response) and keeps retransmitting.`,
      `${fromTag ?? ''}|${seq}|${method}`));
  }
  return out;
}

function byeBeforeAck(ctx: FindingContext): DetectedFinding[] {
  const out: DetectedFinding[] = [];
  for (const dialog of ctx.call.dialogs) {
    if (dialog.confirmedBy === undefined) continue;
    const bye = ctx.requests.find((m) => m.sip.method === 'BYE' && m.sip.from.tag === dialog.calleeTag && m.sip.via.length === 1);
    if (!bye) continue;
    // The 2xx as it left the callee: the first one sent by the BYE's sender.
    const ok = ctx.responses.find((m) => m.sip.cseq.method === 'INVITE' && m.sip.status >= 200 && m.sip.status < 300
      && m.sip.to.tag === dialog.calleeTag && senderOf(m) === senderOf(bye) && m.index < bye.index);
    if (!ok) continue;
    const ack = ctx.requests.find((m) => m.index > ok.index && m.index < bye.index && m.sip.method === 'ACK'
      && m.sip.to.tag === dialog.calleeTag && receiverOf(m) === senderOf(bye));
    if (ack) continue;
    const elapsed = bye.at - ok.at;
    // After 64·T1 without ACK the callee is right to end the call (§13.3.1.4); that is missing-ack.
    // The callee's own T1 shows in its first 2xx retransmission (timers fire late, never early):
    // one that gave up after retransmitting for half of 64·T1 or more is tearing the call down.
    const repeat = ctx.responses.find((m) => m.index > ok.index && m.index < bye.index && m.retransmission
      && m.sip.cseq.method === 'INVITE' && m.sip.to.tag === dialog.calleeTag && senderOf(m) === senderOf(bye));
    const t1 = repeat ? Math.min(ctx.t1, repeat.at - ok.at) : ctx.t1;
    if (elapsed >= 64 * ctx.t1 || (repeat && elapsed >= 32 * t1)) continue;
    out.push(ctx.finding('bye-before-ack', 'error', [ok.index, bye.index],
      `The callee (${senderOf(bye)}) sent BYE ${seconds(elapsed)} after its 2xx, before any ACK reached it; `
      + `it must wait for the ACK or for 64·T1 (${seconds(64 * ctx.t1)}).`, dialog.id));
  }
  return out;
}
