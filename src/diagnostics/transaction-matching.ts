// How a message is matched to its transaction, for both paths of the model:
// the same RFC 3261 §17 keys the transaction layer uses (transaction-key.ts),
// plus the server-side form of a response's key, which the layer never needs
// (a server knows which transaction it answers from) but an observer does.
import type { SipMessage, SipRequest, SipResponse } from '../message/index.js';
import { clientKey, clientKeyOfResponse, hasMagicCookie, serverKey } from '../transaction/transaction-key.js';

export { clientKey, clientKeyOfResponse, serverKey };

function sentBy(message: SipMessage): string {
  const via = message.topVia;
  return `${via.host.toLowerCase()}:${via.port ?? ''}`;
}

/**
 * The §17.2.3 key of the transaction a response belongs to, in the form
 * `serverKey()` gives its request (branch, sent-by, CSeq method), or undefined
 * for a response whose top Via has no RFC 3261 branch (RFC 2543 peers), which
 * the caller matches by Call-ID, CSeq and From tag instead.
 */
export function serverKeyOfResponse(response: SipResponse): string | undefined {
  const branch = response.topVia.branch;
  if (!hasMagicCookie(branch)) return undefined;
  return `${branch}|${sentBy(response)}|${response.cseq.method}`;
}

/** The canonical matching key of a message (requests: `serverKey`; ACK maps to its INVITE). */
export function matchKeyOf(message: SipMessage): string | undefined {
  return message.kind === 'request' ? serverKey(message) : serverKeyOfResponse(message);
}

/** §9.2: the key of the INVITE transaction a CANCEL refers to. */
export function inviteKeyOfCancel(cancel: SipRequest): string {
  return serverKey(cancel, 'invite-of-cancel');
}

/** Fallback matching for RFC 2543 messages: Call-ID, CSeq number and method, From tag. */
export function legacyKeyOf(message: SipMessage): string {
  const method = message.kind === 'request' && message.method === 'ACK' ? 'INVITE' : message.cseq.method;
  return `2543|${message.callId}|${message.cseq.seq}|${method}|${message.from.tag ?? ''}`;
}
