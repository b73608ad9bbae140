// Who is negotiating what in a dialog, and what a request that collides
// with it gets (RFC 3261 §14.1, §14.2; RFC 3311 §5.2): one INVITE
// transaction at a time in either direction, one offer at a time, 491 when
// our own request is pending, 500 with Retry-After when theirs is, and the
// randomized back-off before trying again after a 491.

/**
 * §14.1: "If the UAC is the owner of the Call-ID of the dialog ID (meaning it
 * generated the value), T has a randomly chosen value between 2.1 and 4
 * seconds in units of 10 ms. If the UAC is not the owner of the Call-ID of
 * the dialog ID, T has a randomly chosen value of between 0 and 2 seconds in
 * units of 10 ms." The owner of the Call-ID is the dialog's UAC.
 */
export function glareBackoffMs(callIdOwner: boolean, random: () => number = Math.random): number {
  const steps = (from: number, to: number) => Math.min(to, from + 10 * Math.floor(random() * ((to - from) / 10 + 1)));
  return callIdOwner ? steps(2100, 4000) : steps(0, 2000);
}

/**
 * §14.2: "MUST return a 500 (Server Internal Error) response to the second
 * INVITE and MUST include a Retry-After header field with a randomly chosen
 * value of between 0 and 10 seconds" (RFC 3311 §5.2 says the same for UPDATE).
 */
export function retryAfterSeconds(random: () => number = Math.random): number {
  return Math.min(10, Math.floor(random() * 11));
}

/** The answer to a request that collides with a negotiation in progress. */
export type Collision =
  | { readonly status: 491; readonly reason: string }
  | { readonly status: 500; readonly reason: string; readonly retryAfter: number };

export class Negotiation {
  /** Our re-INVITE is in progress (sent, until its final response is ACKed or failed). */
  outgoingInvite = false;
  /** Their re-INVITE is in progress (received, until our final response and, for a 2xx, its ACK). */
  incomingInvite = false;
  /** We made an offer that has no answer yet (re-INVITE, UPDATE, or a 2xx to an offerless re-INVITE). */
  ourOffer = false;
  /** They made an offer we have not answered yet. */
  theirOffer = false;
  private waiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly random: () => number = Math.random) {}

  /**
   * What a received re-INVITE or UPDATE gets when it collides, or undefined.
   * §14.2: "A UAS that receives a second INVITE before it sends the final
   * response to a first INVITE with a lower CSeq sequence number on the same
   * dialog MUST return a 500 ... A UAS that receives an INVITE on a dialog
   * while an INVITE it had sent on that dialog is in progress MUST return a
   * 491 (Request Pending)". RFC 3311 §5.2: an UPDATE with an offer while we
   * have "generated an offer ... to which it has not yet received an answer"
   * gets 491; while we have "received an offer ... to which it has not yet
   * generated an answer", 500 with Retry-After.
   */
  collision(method: 'INVITE' | 'UPDATE', hasOffer: boolean): Collision | undefined {
    if (method === 'INVITE') {
      if (this.incomingInvite) return this.busy('an earlier re-INVITE is still in progress (RFC 3261 §14.2)');
      if (this.outgoingInvite) return { status: 491, reason: 'Request Pending' };
    }
    if (!hasOffer && method === 'UPDATE') return undefined;
    if (this.ourOffer) return { status: 491, reason: 'Request Pending' };
    if (this.theirOffer) return this.busy('an earlier offer is still being answered (RFC 3311 §5.2)');
    return undefined;
  }

  /** Nothing in progress that our re-INVITE (or our offer in an UPDATE) would collide with. */
  isIdle(method: 'INVITE' | 'UPDATE'): boolean {
    if (this.closed) return true;
    const offers = !this.ourOffer && !this.theirOffer;
    return method === 'INVITE' ? offers && !this.outgoingInvite && !this.incomingInvite : offers;
  }

  /**
   * Resolves once `isIdle(method)`. §14.1: "a UAC MUST NOT initiate a
   * re-INVITE while another INVITE transaction is in progress in either
   * direction"; so our requests wait their turn instead of colliding.
   */
  async idle(method: 'INVITE' | 'UPDATE'): Promise<void> {
    while (!this.isIdle(method)) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Call after any flag went down. */
  changed(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** The call ended: nobody waits any more (they find the call ended). */
  close(): void {
    this.closed = true;
    this.changed();
  }

  private busy(reason: string): Collision {
    return { status: 500, reason, retryAfter: retryAfterSeconds(this.random) };
  }
}
