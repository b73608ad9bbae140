// Answering a request that failed to parse (RFC 3261 §8.2, §21.4.1: "400 Bad
// Request ... The reason phrase SHOULD identify the syntax problem in more
// detail"). A response needs the request's Via, From, To, Call-ID and CSeq;
// those header lines are salvaged from the raw text and the response is then
// parsed strictly. If they are themselves broken, there is no safe response
// and the request is dropped (the caller reports it on the diagnostics stream).
import { parseMessage, randomToken } from '../message/index.js';
import type { SipParseError, SipResponse } from '../message/index.js';

const COPIED = new Map([
  ['via', 'Via'], ['v', 'Via'], ['from', 'From'], ['f', 'From'], ['to', 'To'], ['t', 'To'],
  ['call-id', 'Call-ID'], ['i', 'Call-ID'], ['cseq', 'CSeq'],
]);

/** Header lines of a raw message, unfolded, up to the blank line. */
function headerLines(raw: string): string[] {
  const end = raw.search(/\r?\n\r?\n/);
  const lines = (end < 0 ? raw : raw.slice(0, end)).split(/\r?\n/).slice(1);
  const out: string[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && out.length > 0) out[out.length - 1] += ` ${line.trim()}`;
    else out.push(line);
  }
  return out;
}

export function responseToMalformedRequest(raw: Uint8Array, error: SipParseError): SipResponse | undefined {
  if (error.messageKind !== 'request' || error.status === undefined) return undefined;
  const text = Buffer.from(raw).toString('latin1');
  const copied: Record<string, string[]> = {};
  for (const line of headerLines(text)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = COPIED.get(line.slice(0, colon).trim().toLowerCase());
    if (name) (copied[name] ??= []).push(line.slice(colon + 1).trim());
  }
  const one = (name: string) => (copied[name]?.length === 1 ? copied[name]![0] : undefined);
  const [from, to, callId, cseq] = [one('From'), one('To'), one('Call-ID'), one('CSeq')];
  const vias = copied.Via ?? [];
  if (vias.length === 0 || !from || !to || !callId || !cseq) return undefined;
  // An ACK is never answered (§17.1.1.3); CSeq's method says what it was when the start line did not.
  if (/\bACK\s*$/i.test(cseq) || error.method === 'ACK') return undefined;
  const reason = error.reason ?? 'Bad Request';
  const toWithTag = /;\s*tag\s*=/i.test(to) ? to : `${to};tag=${randomToken()}`;
  const response = [
    `SIP/2.0 ${error.status} ${reason}`,
    ...vias.map((v) => `Via: ${v}`),
    `From: ${from}`, `To: ${toWithTag}`, `Call-ID: ${callId}`, `CSeq: ${cseq}`,
    'Content-Length: 0', '', '',
  ].join('\r\n');
  const parsed = parseMessage(response);
  return parsed.ok && parsed.value.kind === 'response' ? parsed.value : undefined;
}
