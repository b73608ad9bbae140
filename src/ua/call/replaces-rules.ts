// An INVITE with Replaces (RFC 3891 §3) at the UAS: which of our calls it
// replaces, or the response that refuses it. The dialog is matched by its
// Call-ID, "the to-tag ... compared to the local tag, and the from-tag ...
// compared to the remote tag".
import type { SipRequest } from '../../message/index.js';
import type { CallBase } from './call-base.js';

export type ReplacesVerdict =
  /** No Replaces header: an ordinary INVITE. */
  | { readonly kind: 'none' }
  | { readonly kind: 'refuse'; readonly status: number; readonly reason: string }
  /** Answer the new call at once, then end `call` (BYE, or CANCEL for our early dialog). */
  | { readonly kind: 'replace'; readonly call: CallBase };

/** What the agent knows: its live calls, and whether a dialog ended a short while ago. */
export interface ReplaceableCalls {
  readonly live: Iterable<CallBase>;
  endedRecently(callId: string, localTag: string, remoteTag: string): boolean;
}

export function replacesVerdict(invite: SipRequest, calls: ReplaceableCalls): ReplacesVerdict {
  const fields = invite.getHeaders('Replaces');
  if (fields.length === 0) return { kind: 'none' };
  // "If more than one Replaces header field is present in an INVITE, ... the
  // UAS MUST reject the request with a 400 (Bad Request) response."
  const replaces = invite.replaces;
  if (fields.length > 1 || !replaces) return { kind: 'refuse', status: 400, reason: 'Bad Request (more than one Replaces, RFC 3891 §3)' };
  const { callId, toTag, fromTag } = replaces;
  const matches = [...calls.live].flatMap((call) => {
    const dialog = call.replaceableDialog(callId, toTag, fromTag);
    return dialog ? [{ call, dialog }] : [];
  });
  // "If the Replaces header field matches more than one dialog, the UA MUST act as if no match is found."
  if (matches.length !== 1) {
    // "If the Replaces header field matches a dialog which has already
    // terminated, the UA SHOULD decline the request with a 603 Declined response."
    if (matches.length === 0 && calls.endedRecently(callId, toTag, fromTag)) {
      return { kind: 'refuse', status: 603, reason: 'Declined (the dialog to replace has ended, RFC 3891 §3)' };
    }
    return { kind: 'refuse', status: 481, reason: 'Call/Transaction Does Not Exist (no dialog to replace, RFC 3891 §3)' };
  }
  const [{ call, dialog }] = matches as [typeof matches[number]];
  switch (dialog.state) {
    case 'terminated':
      return { kind: 'refuse', status: 603, reason: 'Declined (the dialog to replace is ending, RFC 3891 §3)' };
    case 'confirmed':
      // "If the Replaces header field matches a confirmed dialog, it checks for
      // the presence of the "early-only" flag ... If the flag is present, the
      // UA rejects the request with a 486 Busy response."
      if (replaces.earlyOnly) return { kind: 'refuse', status: 486, reason: 'Busy Here (early-only, and the dialog is confirmed, RFC 3891 §3)' };
      return { kind: 'replace', call };
    case 'early':
      // "If the Replaces header field matches an early dialog that was not
      // initiated by this UA, it returns a 481 ... and leaves the matched dialog alone."
      if (dialog.role === 'uas') return { kind: 'refuse', status: 481, reason: 'Call/Transaction Does Not Exist (an early dialog we did not initiate, RFC 3891 §3)' };
      return { kind: 'replace', call };
  }
}
