// How a call ends when it is handed over to another: by one of our
// transfers (RFC 5589: the transferee, or the target whose dialog an INVITE
// with Replaces took over, sends BYE), or by an INVITE with Replaces that
// takes its place here (RFC 3891 §3). The types CallBase and its subclasses
// use for ending a call from our side live here too.
import type { SipRequest } from '../../message/index.js';
import { reasonHeaderOf } from './reason-header.js';
import type { CallEndCause, ReasonHeader, TransferOutcome } from './types.js';

/** How we end a call ourselves: hung up by the user, or replaced by another call (RFC 3891). */
export interface LocalEnd {
  readonly cause: 'hangup-local' | 'replaced';
  readonly reason: string;
  readonly reasonHeader?: ReasonHeader;
}

/** What an INVITE with Replaces needs of the call whose dialog it names (RFC 3891 §3). */
export interface ReplaceableDialog {
  /** `terminated` once we have sent BYE (or CANCEL) in it, though the call has not quite ended. */
  readonly state: 'early' | 'confirmed' | 'terminated';
  /** Who created the dialog: an early dialog may be replaced only at its UAC (RFC 3891 §3). */
  readonly role: 'uac' | 'uas';
}

/** One call's part in the transfers of ours that hand it over. */
export class Handover {
  private running = 0;
  private done = false;

  /** `endIfUp`: our BYE, for a call whose peer did not end it after a successful transfer. */
  constructor(private readonly call: { isEnded(): boolean; graceMs(): number; setTimer(ms: number, callback: () => void): void; endIfUp(reason: string): void }) {}

  /**
   * While a transfer of ours runs, the calls it hands over (ours with the
   * transferee; for an attended transfer, also ours with the target) expect
   * a BYE: the transferee's once its new call is answered, the target's once
   * the INVITE with Replaces took this call's place (RFC 5589 §7.1, RFC 3891
   * §3). A BYE then ends them as transferred. After a success, a call whose
   * peer sends no BYE within T2 gets ours.
   */
  static async during(pending: Promise<TransferOutcome>, handovers: readonly Handover[]): Promise<TransferOutcome> {
    for (const handover of handovers) handover.running += 1;
    const outcome = await pending;
    for (const handover of handovers) {
      handover.running -= 1;
      if (outcome.ok) handover.succeeded();
    }
    return outcome;
  }

  /**
   * How the peer's BYE ended the call: hung up, or, while a transfer of ours
   * runs or once it has succeeded, transferred; with the BYE's Reason header (RFC 3326).
   */
  endedBy(bye: SipRequest, reason: string): { cause: CallEndCause; reason: string; reasonHeader?: ReasonHeader } {
    const reasonHeader = reasonHeaderOf(bye);
    const why = this.done ? 'after our transfer succeeded' : this.running > 0 ? 'while our transfer was in progress' : undefined;
    return {
      cause: why ? 'transferred' : 'hangup-remote', reason: why ? `${reason} ${why}` : reason,
      ...(reasonHeader ? { reasonHeader } : {}),
    };
  }

  private succeeded(): void {
    if (this.call.isEnded()) return;
    this.done = true;
    this.call.setTimer(this.call.graceMs(), () => {
      if (!this.call.isEnded()) this.call.endIfUp('the transfer succeeded and the peer did not end this call (RFC 5589)');
    });
  }
}
