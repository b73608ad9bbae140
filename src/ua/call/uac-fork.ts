// One fork of an outgoing call, as the UAC sees it (RFC 3261 §12.1.2,
// §13.2.2.4; RFC 3262 §4): its dialog (early, then confirmed), its own RSeq
// space, the answer it gave in a provisional, and the ACK for its 2xx.
import type { Dialog } from '../../dialog/dialog.js';
import type { SipRequest } from '../../message/index.js';

/** What a reliable provisional's RSeq means for the UAC (RFC 3262 §4). */
export type RseqVerdict =
  /** The first reliable provisional of this dialog: PRACK it. */
  | 'first'
  /** Exactly one more than the last: PRACK it. */
  | 'next'
  /** One already seen (a retransmission): discard, no PRACK. */
  | 'retransmission'
  /** A gap: "MUST NOT be acknowledged with a PRACK, and MUST NOT be processed further". */
  | 'out-of-order';

/**
 * RFC 3262 §4: "The UAC MUST maintain a sequence number that indicates the
 * most recently received in-order reliable provisional response ... if the UAC
 * receives another reliable provisional response to the same request, and
 * its RSeq value is not one higher than the value of the sequence number,
 * that response MUST NOT be acknowledged with a PRACK".
 */
export function classifyRseq(last: number | undefined, rseq: number): RseqVerdict {
  if (last === undefined) return 'first';
  if (rseq === last + 1) return 'next';
  return rseq <= last ? 'retransmission' : 'out-of-order';
}

export class UacFork {
  private lastRseq: number | undefined;
  /** The SDP answer to our INVITE's offer that came in a provisional. */
  earlyAnswer: string | undefined;
  /** RFC 3262 §5: this fork's offer came in a reliable provisional and our PRACK answered it. */
  offerAnswered = false;
  /** The ACK for this fork's 2xx, re-sent for each retransmitted 2xx (§13.2.2.4). */
  ack: SipRequest | undefined;
  /** A 2xx of this fork is being ACKed (the ACK may wait for our SDP answer). */
  acking = false;
  /** The callee sent BYE on this fork's early dialog (and we accepted it). */
  byeReceived = false;

  constructor(readonly dialog: Dialog) {}

  get remoteTag(): string {
    return this.dialog.id.remoteTag;
  }

  /** The last in-order RSeq, for diagnostics and tests. */
  get rseq(): number | undefined {
    return this.lastRseq;
  }

  /** Classifies a reliable provisional's RSeq and, when it is in order, records it. */
  acceptRseq(rseq: number): RseqVerdict {
    const verdict = classifyRseq(this.lastRseq, rseq);
    if (verdict === 'first' || verdict === 'next') this.lastRseq = rseq;
    return verdict;
  }
}
