// How a call ended, in the UI's terms and words: "Busy (486 Busy Here)", "No answer",
// "Rejected by the network: 403 Forbidden", "Network error: WebSocket closed". Pure: the
// stack's CallEnded in, the contract's CallEnd out.
import type { CallEnd, EndCause } from '../../contract/calls.js';
import { REASON_PHRASES } from '../../../src/message/index.js';
import type { CallDirection, CallEnded, ReasonHeader } from '../../../src/ua/call/types.js';

/** Why the host ended a call itself, overriding what the stack says. */
export type HostEndReason = 'window-closed' | 'media-failure' | 'account-removed' | 'shutting-down';

function statusText(status: number): string {
  const phrase = REASON_PHRASES[status];
  return phrase === undefined ? String(status) : `${status} ${phrase}`;
}

/** A final response that ended an INVITE, seen from the side that sent the INVITE. */
function rejectedWords(status: number): { cause: EndCause; words: string } {
  const text = statusText(status);
  if (status === 486 || status === 600) return { cause: 'busy', words: `Busy (${text})` };
  if (status === 603) return { cause: 'declined', words: `Declined (${text})` };
  if (status === 480) return { cause: 'unreachable', words: `Not available right now (${text})` };
  if (status === 404 || status === 604) return { cause: 'rejected', words: `No such number or user (${text})` };
  if (status === 408) return { cause: 'request-timeout', words: `No answer from the network (${text})` };
  if (status === 487) return { cause: 'cancelled', words: `Cancelled (${text})` };
  if (status === 401 || status === 407) return { cause: 'auth-failed', words: `Authentication failed (${text})` };
  if (status === 488 || status === 606) return { cause: 'media-failure', words: `The other side cannot take this call's media (${text})` };
  if (status >= 500 && status < 600) return { cause: 'unreachable', words: `The network could not complete the call: ${text}` };
  return { cause: 'rejected', words: `Rejected by the network: ${text}` };
}

/** A Reason header (RFC 3326) as a user reads it: "SIP 486 (Busy Here)", "Q.850 cause 16 (Normal call clearing)". */
export function reasonHeaderText(reason: ReasonHeader): string {
  const label = reason.protocol === 'SIP' ? `SIP ${reason.cause}` : `Q.850 cause ${reason.cause}`;
  return reason.text === undefined ? label : `${label} (${reason.text})`;
}

export function endOfCall(
  ended: CallEnded,
  context: { readonly direction: CallDirection; readonly answered: boolean; readonly host?: HostEndReason; readonly reasonHeader?: string },
): CallEnd {
  const detail = ended.reason;
  const base = { detail, ...(ended.status === undefined ? {} : { status: ended.status }), ...(context.reasonHeader ? { reasonHeader: context.reasonHeader } : {}) };
  const make = (cause: EndCause, words: string): CallEnd => ({ cause, words, ...base });
  switch (context.host) {
    case 'window-closed':
      return make('window-closed', 'Ended: the phone window closed');
    case 'media-failure':
      return make('media-failure', `Ended: the call's audio could not be set up (${detail})`);
    case 'account-removed':
      return make('hangup-local', 'Ended: the account was removed');
    case 'shutting-down':
      return make('hangup-local', 'Ended: Callscope was closing');
    case undefined:
      break;
  }
  const incoming = context.direction === 'incoming';
  switch (ended.cause) {
    case 'hangup-local':
      return make('hangup-local', 'You hung up');
    case 'hangup-remote':
      return make('hangup-remote', 'The other side hung up');
    case 'cancelled':
      return incoming ? make('missed', 'Missed call (the caller hung up)') : make('cancelled', 'Cancelled');
    case 'no-answer':
      return make('no-answer', 'No answer');
    case 'rejected': {
      if (ended.status === undefined) return make('rejected', 'Rejected');
      if (incoming) {
        return ended.status === 486 ? make('busy', `You declined: busy (${statusText(486)})`)
          : ended.status === 480 ? make('missed', `Missed call: ${statusText(480)}`)
            : make('declined', `You declined (${statusText(ended.status)})`);
      }
      const { cause, words } = rejectedWords(ended.status);
      return make(cause, words);
    }
    case 'timeout':
      return make('request-timeout', 'No response from the network (the INVITE timed out, as a 408)');
    case 'no-ack':
      return make('protocol-error', 'The other side never confirmed the answer (no ACK)');
    case 'no-prack':
      return make('protocol-error', 'The caller never acknowledged our ringing (no PRACK)');
    case 'auth-failed':
      return make('auth-failed', `Authentication failed: ${detail}`);
    case 'transport-error':
      return make('network-error', `Network error: ${networkReason(detail)}`);
    case 'protocol-error':
      return make('protocol-error', `Ended: ${detail}`);
    case 'dialog-lost':
      return make('network-error', 'The call was lost: the other side no longer knows it');
    case 'session-expired':
      return make('network-error', 'The call was lost: its session timer ran out without a refresh');
    case 'transferred':
      return make('transferred', 'Transferred');
    case 'replaced':
      return make('replaced', 'Replaced by another call (a transfer)');
    default:
      return make(context.answered ? 'hangup-remote' : 'rejected', `Ended: ${detail}`);
  }
}

/** The transport's own reason, without the stack's prefix: "WebSocket closed", "connection refused". */
function networkReason(detail: string): string {
  const colon = detail.indexOf(': ');
  return colon >= 0 ? detail.slice(colon + 2) : detail;
}
