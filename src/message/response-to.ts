// Answer a parsed request (RFC 3261 §8.2.6): the response copies Via, From, Call-ID, CSeq
// and To from the request exactly, adding a To tag when the request had none.

import type { BuildResult, TailSpec } from './builder.js';
import { REASON_PHRASES, finishBuiltMessage, renderTailSpec, runBuilder } from './builder.js';
import { textToByteString } from './bytes.js';
import { buildFault } from './errors.js';
import { checkInteger, checkText, checkToken } from './format.js';
import type { WireHeaderField } from './header-field.js';
import type { SipRequest, SipResponse } from './message.js';

export interface ResponseToOptions extends TailSpec {
  readonly status: number;
  /** Default: the standard phrase for the status. */
  readonly reason?: string;
  /** To tag to add when the request's To has none; random when omitted (never added to a 100). */
  readonly toTag?: string;
}

/** A random token for tags and branches (RFC 3261 §19.3: at least 32 bits of randomness). */
/** Random bytes drawn from the system in blocks (one getRandomValues call per 4 KiB, not per token). */
const pool = new Uint8Array(4096);
let poolUsed = pool.length;

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export function randomToken(bytes = 8): string {
  let out = '';
  for (let i = 0; i < bytes; i++) {
    if (poolUsed === pool.length) {
      globalThis.crypto.getRandomValues(pool);
      poolUsed = 0;
    }
    out += HEX[pool[poolUsed++]!]!;
  }
  return out;
}

/** Raw value of a header field on one line: folds become one SP, trailing whitespace dropped. */
function unfolded(field: WireHeaderField): string {
  const raw = field.valueBytes;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) === 0x0d) {
      i += 2;
      while (raw.charCodeAt(i) === 0x20 || raw.charCodeAt(i) === 0x09) i++;
      i--;
      out += ' ';
    } else out += raw[i];
  }
  let end = out.length;
  while (end > 0 && (out.charCodeAt(end - 1) === 0x20 || out.charCodeAt(end - 1) === 0x09)) end--;
  return out.slice(0, end);
}

/** Build the response to `request` (RFC 3261 §8.2.6.2). */
export function buildResponseTo(request: SipRequest, options: ResponseToOptions): BuildResult<SipResponse> {
  return runBuilder(() => {
    // RFC 3261 §17.1.1.3: the ACK is not answered
    if (request.method === 'ACK') buildFault('request', 'an ACK is never answered');
    const status = checkInteger(options.status, 100, 699, 'status');
    const reason = checkText(options.reason ?? REASON_PHRASES[status] ?? 'Unknown', 'reason');
    const fields = (name: string) => request.headers.filter((h) => h.name === name) as WireHeaderField[];
    let out = `SIP/2.0 ${status} ${textToByteString(reason)}\r\n`;
    for (const via of fields('Via')) out += `Via: ${unfolded(via)}\r\n`;
    out += `From: ${unfolded(fields('From')[0]!)}\r\n`;
    let to = unfolded(fields('To')[0]!);
    // "the UAS MUST add a tag to the To header field in the response (with the exception of the 100 (Trying) response...)"
    if (request.to.tag === undefined && status !== 100) to += `;tag=${checkToken(options.toTag ?? randomToken(), 'toTag')}`;
    out += `To: ${to}\r\n`;
    out += `Call-ID: ${unfolded(fields('Call-ID')[0]!)}\r\n`;
    out += `CSeq: ${unfolded(fields('CSeq')[0]!)}\r\n`;
    // RFC 3261 §8.2.6.1: a Timestamp in the request MUST be copied into a 100 (Trying)
    const timestamp = fields('Timestamp')[0];
    if (status === 100 && timestamp) out += `Timestamp: ${unfolded(timestamp)}\r\n`;
    out += renderTailSpec(options);
    return finishBuiltMessage<SipResponse>(out);
  });
}
