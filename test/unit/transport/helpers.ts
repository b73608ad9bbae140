// Small helpers for transport tests on real loopback sockets.
import { waitFor } from '../../support/wait-for.js';
export { waitFor };
import type { InboundMessage, Transport, TransportStateChange } from '../../../src/transport/transport.js';

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** Records a transport's messages, states and malformed reports. */
export function record(transport: Transport) {
  const messages: InboundMessage[] = [];
  const states: TransportStateChange[] = [];
  const malformed: Array<{ bytes: Uint8Array; reason: string }> = [];
  transport.on('message', (m) => messages.push(m));
  transport.on('state', (s) => states.push(s));
  transport.on('malformed', (b, _source, reason) => malformed.push({ bytes: b, reason }));
  return {
    messages, states, malformed,
    stateNames: () => states.map((s) => s.state),
    waitForState: (state: TransportStateChange['state'], count = 1) =>
      waitFor(() => states.filter((s) => s.state === state).length >= count && states.filter((s) => s.state === state)[count - 1], `state ${state} #${count}`),
    waitForMessages: (count: number) => waitFor(() => messages.length >= count && messages, `${count} message(s)`),
  };
}

/** A minimal SIP request with a correct Content-Length. */
export function sipRequest(method: string, body = '', extra: string[] = []): string {
  return [
    `${method} sip:bob@127.0.0.1 SIP/2.0`,
    'Via: SIP/2.0/TCP 127.0.0.1:5099;branch=z9hG4bK-test-' + Math.random().toString(36).slice(2, 10),
    'Max-Forwards: 70',
    'From: <sip:alice@127.0.0.1>;tag=a1',
    'To: <sip:bob@127.0.0.1>',
    'Call-ID: call-' + Math.random().toString(36).slice(2, 10),
    `CSeq: 1 ${method}`,
    ...extra,
    `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
    '',
    body,
  ].join('\r\n');
}
