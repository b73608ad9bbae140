// Edits to the top Via of a request, made by the transport layer itself:
// recording where a request came from (RFC 3261 §18.2.1, RFC 3581 §4) and
// naming the transport a request really goes over (§18.1.1). The edited text
// is parsed again strictly, so an edit can never produce an invalid message.
import { parseMessage } from '../message/index.js';
import type { SipRequest } from '../message/index.js';
import { viaReceivedParams } from '../transport/response-destination.js';
import type { Transport, TransportAddress } from '../transport/transport.js';

/**
 * Applies `edit` to the text of the top Via value and re-parses; returns the
 * request unchanged when the Via line cannot be edited safely (quotes) or the
 * result would not parse.
 */
function rewriteTopVia(request: SipRequest, edit: (topVia: string) => string): SipRequest {
  const lines = request.toString().split('\r\n');
  const index = lines.findIndex((line, i) => i > 0 && /^(via|v)[ \t]*:/i.test(line));
  if (index < 0) return request;
  const line = lines[index]!;
  // The top Via value ends at the first comma of the line (a Via value holds
  // no quoted strings in practice; if it did, we leave the request alone).
  if (line.includes('"')) return request;
  const colon = line.indexOf(':');
  const comma = line.indexOf(',');
  const name = line.slice(0, colon + 1);
  const top = (comma < 0 ? line.slice(colon + 1) : line.slice(colon + 1, comma)).trim();
  const rest = comma < 0 ? '' : line.slice(comma);
  lines[index] = `${name} ${edit(top)}${rest}`;
  const reparsed = parseMessage(lines.join('\r\n'));
  return reparsed.ok && reparsed.value.kind === 'request' ? reparsed.value : request;
}

/** The request with received/rport added to its top Via, or the request itself when none are needed. */
export function withReceivedParams(request: SipRequest, source: TransportAddress): SipRequest {
  const { received, rport } = viaReceivedParams(request.topVia, source);
  if (received === undefined && rport === undefined) return request;
  if (request.topVia.received === received && (rport === undefined || request.topVia.rport === rport)) return request;
  return rewriteTopVia(request, (top) => {
    let out = top.replace(/;[ \t]*received[ \t]*=[^;,]*/i, '');
    if (rport !== undefined) out = out.replace(/;[ \t]*rport([ \t]*=[ \t]*\d+)?/i, '');
    if (received !== undefined) out += `;received=${received}`;
    if (rport !== undefined) out += `;rport=${rport}`;
    return out;
  });
}

/**
 * The request with its top Via's sent-protocol and sent-by changed to
 * `transport`'s (§18.1.1: "If this causes a change in the transport protocol
 * from the one indicated in the top Via, the value in the top Via MUST be
 * changed"); parameters (branch, rport) are kept.
 */
export function withTopViaTransport(request: SipRequest, transport: Transport): SipRequest {
  const { host, port } = transport.sentBy;
  const sentBy = port === undefined ? host : `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
  return rewriteTopVia(request, (top) => {
    const params = top.indexOf(';');
    return `SIP/2.0/${transport.protocol} ${sentBy}${params < 0 ? '' : top.slice(params)}`;
  });
}
