// RFC 3261 §18.2.1 and RFC 3581 §4: the server transport records where a
// request really came from in its top Via (`received`, and `rport` filled in),
// so that every response built from the request carries it back.
import { parseMessage } from '../message/index.js';
import type { SipRequest } from '../message/index.js';
import { viaReceivedParams } from '../transport/response-destination.js';
import type { TransportAddress } from '../transport/transport.js';

/** The request with received/rport added to its top Via, or the request itself when none are needed. */
export function withReceivedParams(request: SipRequest, source: TransportAddress): SipRequest {
  const { received, rport } = viaReceivedParams(request.topVia, source);
  if (received === undefined && rport === undefined) return request;
  if (request.topVia.received === received && (rport === undefined || request.topVia.rport === rport)) return request;
  const text = request.toString();
  const lines = text.split('\r\n');
  const index = lines.findIndex((line, i) => i > 0 && /^(via|v)[ \t]*:/i.test(line));
  if (index < 0) return request;
  // The top Via value ends at the first comma of the line (a Via value holds
  // no quoted strings in practice; if it did, we leave the request alone).
  const line = lines[index]!;
  if (line.includes('"')) return request;
  const comma = line.indexOf(',');
  let top = comma < 0 ? line : line.slice(0, comma);
  const rest = comma < 0 ? '' : line.slice(comma);
  top = top.replace(/;[ \t]*received[ \t]*=[^;,]*/i, '');
  if (rport !== undefined) top = top.replace(/;[ \t]*rport([ \t]*=[ \t]*\d+)?/i, '');
  top = top.trimEnd();
  if (received !== undefined) top += `;received=${received}`;
  if (rport !== undefined) top += `;rport=${rport}`;
  lines[index] = top + rest;
  const reparsed = parseMessage(lines.join('\r\n'));
  return reparsed.ok && reparsed.value.kind === 'request' ? reparsed.value : request;
}
