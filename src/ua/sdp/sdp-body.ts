// SDP in a SIP message body (RFC 3264 offers and answers travel as
// `application/sdp`). Other body types, and empty bodies, carry no session.
import type { SipMessage } from '../../message/index.js';

/** The session description a message carries, if any. */
export function sdpBody(message: SipMessage): string | undefined {
  if (message.bodyLength === 0 || message.contentType?.essence !== 'application/sdp') return undefined;
  return message.bodyText;
}

/** Record-Route values of a request, to copy into a dialog-creating response (§12.1.1), in order. */
export function recordRouteHeaders(message: SipMessage): { name: string; value: string }[] {
  return message.getHeaders('Record-Route').map((h) => ({ name: 'Record-Route', value: h.value.replace(/\r\n[ \t]+/g, ' ') }));
}
