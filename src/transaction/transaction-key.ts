// Matching messages to transactions: RFC 3261 §17.1.3 (client), §17.2.3
// (server, including the RFC 2543 fallback) and §9.2 (CANCEL to INVITE).
import type { SipRequest, SipResponse } from '../message/index.js';

/** RFC 3261 §8.1.1.7: a branch that starts with this cookie was made by an RFC 3261 element. */
export const MAGIC_COOKIE = 'z9hG4bK';

export function hasMagicCookie(branch: string | undefined): branch is string {
  return branch !== undefined && branch.startsWith(MAGIC_COOKIE);
}

/**
 * §17.1.3: a response matches a client transaction when "the response has the
 * same value of the branch parameter in the top Via header field as the branch
 * parameter in the top Via header field of the request that created the
 * transaction" and "the method parameter in the CSeq header field matches the
 * method of the request that created the transaction".
 */
export function clientKey(branch: string, method: string): string {
  return `${branch}|${method}`;
}

export function clientKeyOfResponse(response: SipResponse): string | undefined {
  const branch = response.topVia.branch;
  return branch === undefined ? undefined : clientKey(branch, response.cseq.method);
}

function sentBy(request: SipRequest): string {
  const via = request.topVia;
  return `${via.host.toLowerCase()}:${via.port ?? ''}`;
}

/**
 * §17.2.3 with the magic cookie: branch, sent-by and method match, "except
 * for ACK, where the method of the request that created the transaction is
 * INVITE". Without the cookie, the RFC 2543 rules: Request-URI, From tag,
 * Call-ID, CSeq number, top Via (and To tag, checked by the transaction for
 * ACK against the tag it sent).
 */
export function serverKey(request: SipRequest, as: 'self' | 'invite-of-cancel' = 'self'): string {
  const method = request.method === 'ACK' || as === 'invite-of-cancel' ? 'INVITE' : request.method;
  const branch = request.topVia.branch;
  if (hasMagicCookie(branch)) return `${branch}|${sentBy(request)}|${method}`;
  const via = request.topVia;
  const viaText = `${via.transport} ${sentBy(request)};branch=${branch ?? ''}`;
  return `2543|${request.requestUriText}|${request.from.tag ?? ''}|${request.callId}|${request.cseq.seq}|${viaText}|${method}`;
}
