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

/**
 * What a start line says, shared by every message with the same line (a long call repeats a
 * few lines thousands of times: reading each once keeps a 10,000-row layout cheap). A
 * response's kind also depends on its transaction's method, so those are kept per method.
 */
interface LineKinds {
  readonly request?: MessageKind;
  readonly status?: number;
  readonly reason?: string;
  readonly byMethod?: Map<string, MessageKind>;
}

const LINE_CACHE_MAX = 4096;
const lines = new Map<string, LineKinds | null>();

function lineKinds(startLine: string): LineKinds | null {
  let kinds = lines.get(startLine);
  if (kinds !== undefined) return kinds;
  const line = startLine.trim();
  const request = REQUEST.exec(line);
  const response = request ? null : RESPONSE.exec(line);
  if (request) {
    const method = request[1]!.toUpperCase();
    kinds = { request: { request: true, method, tone: 'request', label: method } };
  } else if (response) {
    kinds = { status: Number(response[1]), reason: response[2] ?? '', byMethod: new Map() };
  } else {
    kinds = null;
  }
  if (lines.size >= LINE_CACHE_MAX) lines.clear();
  lines.set(startLine, kinds);
  return kinds;
}

/** `methodOf` names the method of a transaction (for responses). */
export function kindOf(m: MessageSummary, methodOf: (transactionId: string) => string | undefined): MessageKind {
  const kinds = m.parseError === undefined ? lineKinds(m.startLine) : null;
  if (kinds?.request) return kinds.request;
  if (kinds?.status !== undefined && kinds.byMethod) {
    const method = m.transactionId === undefined ? '' : methodOf(m.transactionId) ?? '';
    let kind = kinds.byMethod.get(method);
    if (kind === undefined) {
      kind = { request: false, method, status: kinds.status, tone: toneOf(kinds.status), label: `${kinds.status} ${kinds.reason ?? ''}`.trim() };
      kinds.byMethod.set(method, kind);
    }
    return kind;
  }
  const line = m.startLine.trim();
  const word = line.split(' ')[0] ?? '';
  return { request: !word.startsWith('SIP/'), method: '', tone: 'invalid', label: line.length > 40 ? `${line.slice(0, 39)}…` : line || '(empty)' };
}

/** The request URI of a request row ("" otherwise). */
export function requestUriOf(m: MessageSummary): string {
  const request = REQUEST.exec(m.startLine.trim());
  return request ? request[2]! : '';
}
