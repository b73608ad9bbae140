// The Reason header (RFC 3326) at the end of a call: read from the peer's
// BYE, CANCEL or final response, written on ours. "The Reason header field
// MAY appear in any request within a dialog, in any CANCEL request and in
// any response whose status code explicitly allows the presence of this
// header field" (RFC 3326 §2); gateways and PBXs also put it on the final
// responses that end an INVITE, so it is read there too.
import { quote } from '../../message/index.js';
import type { HeaderSpec, SipMessage } from '../../message/index.js';
import type { ReasonHeader } from './types.js';

/** RFC 3326 §2: "protocol-cause = "cause" EQUAL cause" — a SIP status code or a Q.850 cause value. */
const CAUSE_RANGE: Record<ReasonHeader['protocol'], readonly [number, number]> = {
  SIP: [100, 699],
  'Q.850': [0, 127],
};

/** True when `text` has a control character (HTAB aside): it could end a header line. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/** The first Reason value of `message` in a protocol we know (SIP, Q.850) with a cause, if any. */
export function reasonHeaderOf(message: SipMessage): ReasonHeader | undefined {
  for (const value of message.reasons) {
    const protocol = value.protocol.toUpperCase() === 'SIP' ? 'SIP' : value.protocol.toUpperCase() === 'Q.850' ? 'Q.850' : undefined;
    if (protocol === undefined || value.cause === undefined) continue;
    return { protocol, cause: value.cause, ...(value.text === undefined ? {} : { text: value.text }) };
  }
  return undefined;
}

/**
 * The header field for `reason`; throws a RangeError for a protocol, cause or
 * text that cannot be sent (the text is quoted: it can carry no CR, LF or
 * other control character, so no header can be injected through it).
 */
export function reasonHeaderField(reason: ReasonHeader): HeaderSpec {
  const range = (CAUSE_RANGE as Partial<Record<string, readonly [number, number]>>)[reason.protocol];
  if (!range) throw new RangeError(`Reason protocol must be SIP or Q.850, got ${JSON.stringify(reason.protocol)}`);
  if (!Number.isInteger(reason.cause) || reason.cause < range[0] || reason.cause > range[1]) {
    throw new RangeError(`a ${reason.protocol} Reason cause is an integer in ${range[0]}-${range[1]}, got ${reason.cause}`);
  }
  let text = '';
  if (reason.text !== undefined) {
    if (hasControlCharacter(reason.text)) throw new RangeError('a Reason text cannot contain control characters');
    text = `;text=${quote(reason.text, 'Reason text')}`;
  }
  return { name: 'Reason', value: `${reason.protocol};cause=${reason.cause}${text}` };
}

/** Header fields for an optional reason: none or one. */
export function reasonHeaderFields(reason: ReasonHeader | undefined): HeaderSpec[] {
  return reason === undefined ? [] : [reasonHeaderField(reason)];
}
