// A diagnostics stream fed by hand, for floods no real peer would send: requests in client
// transactions with their answers, junk datagrams the transaction layer reports malformed.
import { DiagnosticsStream, type Peer } from '../../../../../src/trace/events.js';
import type { FakeClock } from '../../../../../src/util/fake-clock.js';

const PEER: Peer = { transport: 'UDP', address: '192.0.2.20', port: 5060 };
const encoder = new TextEncoder();

export function requestText(callId: string, cseq: number, method = 'OPTIONS', body = ''): string {
  return `${method} sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-${callId}-${cseq}\r\n`
    + `Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\nCall-ID: ${callId}\r\n`
    + `CSeq: ${cseq} ${method}\r\n${body ? 'Content-Type: text/plain\r\n' : ''}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

export function responseText(callId: string, cseq: number, method = 'OPTIONS'): string {
  return `SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-${callId}-${cseq}\r\n`
    + `From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>;tag=b1\r\nCall-ID: ${callId}\r\nCSeq: ${cseq} ${method}\r\nContent-Length: 0\r\n\r\n`;
}

export class SyntheticWire {
  readonly stream = new DiagnosticsStream();
  private nextTx = 1;

  constructor(private readonly clock: FakeClock) {}

  /** A request in a client transaction, answered 200 at once; the transaction terminates (reliable transport). */
  exchange(callId: string, cseq: number, options: { body?: string; answered?: boolean; method?: string } = {}): string {
    const at = this.clock.now();
    const id = `tx${this.nextTx++}`;
    const method = options.method ?? 'OPTIONS';
    this.stream.emit({
      type: 'transaction-created', at, transactionId: id, key: `z9hG4bK-${callId}-${cseq}|${method}`, method,
      role: 'client', kind: method === 'INVITE' ? 'invite' : 'non-invite', transport: 'UDP', callId,
    });
    this.stream.emit({ type: 'message-sent', at, peer: PEER, raw: encoder.encode(requestText(callId, cseq, method, options.body)), transactionId: id });
    if (options.answered === false) return id;
    this.stream.emit({ type: 'message-received', at, peer: PEER, raw: encoder.encode(responseText(callId, cseq, method)) });
    this.stream.emit({ type: 'transaction-state', at, transactionId: id, from: 'Trying', to: 'Completed', cause: '2xx received' });
    this.stream.emit({ type: 'transaction-state', at, transactionId: id, from: 'Completed', to: 'Terminated', cause: 'Timer K fired' });
    return id;
  }

  /** Bytes that are no SIP message, as the transaction layer reports them. */
  junk(n: number): void {
    const at = this.clock.now();
    const raw = encoder.encode(`\u0001garbage ${n} ${'x'.repeat(n % 50)}`);
    this.stream.emit({ type: 'message-received', at, peer: PEER, raw });
    this.stream.emit({ type: 'message-malformed', at, peer: PEER, raw, reason: 'not a SIP start line' });
  }
}
