// What a ladder row is, read from its start line: a request (method) or a response (status,
// and the method of its transaction), and the tone it is drawn in: requests in one colour,
// responses by class, unparsable messages apart.
import type { MessageSummary } from '../../../main/contract/diagnostics.js';

export type Tone = 'request' | 'provisional' | 'success' | 'redirect' | 'failure' | 'invalid';

export interface MessageKind {
  readonly request: boolean;
  /** The request's method, or the method of the response's transaction ('' when unknown). */
  readonly method: string;
  readonly status?: number;
  readonly tone: Tone;
  /** "INVITE", "183 Session Progress". */
  readonly label: string;
}

const REQUEST = /^([A-Za-z]+) (\S+) SIP\/2\.0$/;
const RESPONSE = /^SIP\/2\.0 (\d{3})(?: (.*))?$/;

function toneOf(status: number): Tone {
  if (status < 200) return 'provisional';
  if (status < 300) return 'success';
  if (status < 400) return 'redirect';
  return 'failure';
}

/** `methodOf` names the method of a transaction (for responses). */
export function kindOf(m: MessageSummary, methodOf: (transactionId: string) => string | undefined): MessageKind {
  const line = m.startLine.trim();
  const request = REQUEST.exec(line);
  if (request && m.parseError === undefined) {
    const method = request[1]!.toUpperCase();
    return { request: true, method, tone: 'request', label: method };
  }
  const response = RESPONSE.exec(line);
  if (response && m.parseError === undefined) {
    const status = Number(response[1]);
    const method = m.transactionId === undefined ? '' : methodOf(m.transactionId) ?? '';
    return { request: false, method, status, tone: toneOf(status), label: `${status} ${response[2] ?? ''}`.trim() };
  }
  const word = line.split(' ')[0] ?? '';
  return { request: !word.startsWith('SIP/'), method: '', tone: 'invalid', label: line.length > 40 ? `${line.slice(0, 39)}…` : line || '(empty)' };
}

/** The request URI of a request row ("" otherwise). */
export function requestUriOf(m: MessageSummary): string {
  const request = REQUEST.exec(m.startLine.trim());
  return request ? request[2]! : '';
}
