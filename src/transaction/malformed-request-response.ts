// Answering a request that failed to parse (RFC 3261 §8.2, §21.4.1: "400 Bad
// Request ... The reason phrase SHOULD identify the syntax problem in more
// detail"). A response needs the request's Via, From, To, Call-ID and CSeq;
// those header lines are salvaged from the raw text and the response is then
// parsed strictly. Only the Via is indispensable: the client matches a
// response on the top Via's branch and the CSeq method (§17.1.3) and the
// response travels back by the Via (§18.2.2). A From, To, Call-ID or CSeq too
// broken to copy is replaced by a stand-in, so garbage there still earns its
// 400. A request whose Via cannot carry a response is dropped (the caller
// reports it on the diagnostics stream).
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

const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;

/** Stand-ins for header values that cannot be copied; the Via has none. */
function standIn(name: string, method: string): string {
  switch (name) {
    case 'From': return `<sip:invalid@invalid>;tag=${randomToken()}`;
    case 'To': return '<sip:invalid@invalid>';
    case 'Call-ID': return `${randomToken(12)}@invalid`;
    default: return `0 ${method}`;
  }
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
  const vias = copied.Via ?? [];
  if (vias.length === 0) return undefined;
  const cseqText = copied.CSeq?.length === 1 ? copied.CSeq[0]! : '';
  // An ACK is never answered (§17.1.1.3); CSeq's method says what it was when the start line did not.
  if (/\bACK\s*$/i.test(cseqText) || error.method === 'ACK') return undefined;
  const cseqMethod = /\s([A-Za-z]+)\s*$/.exec(cseqText)?.[1];
  const method = error.method !== undefined && TOKEN.test(error.method) ? error.method : cseqMethod ?? 'OPTIONS';
  const values = new Map<string, string>();
  for (const name of ['From', 'To', 'Call-ID', 'CSeq']) {
    const found = copied[name];
    values.set(name, found?.length === 1 && found[0] !== '' ? found[0]! : standIn(name, method));
  }
  const reason = error.reason ?? 'Bad Request';
  // Each round replaces the header the strict parse names; the Via is never replaced.
  for (let round = 0; round < 5; round++) {
    const to = values.get('To')!;
    const toWithTag = /;\s*tag\s*=/i.test(to) ? to : `${to};tag=${randomToken()}`;
    const response = [
      `SIP/2.0 ${error.status} ${reason}`,
      ...vias.map((v) => `Via: ${v}`),
      `From: ${values.get('From')!}`, `To: ${toWithTag}`, `Call-ID: ${values.get('Call-ID')!}`, `CSeq: ${values.get('CSeq')!}`,
      'Content-Length: 0', '', '',
    ].join('\r\n');
    const parsed = parseMessage(response);
    if (parsed.ok) return parsed.value.kind === 'response' ? parsed.value : undefined;
    const broken = parsed.error.header;
    const name = broken === undefined ? undefined : COPIED.get(broken.toLowerCase());
    if (name === undefined || name === 'Via' || !values.has(name)) return undefined;
    const replacement = standIn(name, method);
    if (values.get(name) === replacement) return undefined;
    values.set(name, replacement);
  }
  return undefined;
}
