// Test harness for the transaction machines: a fake clock, a diagnostics
// recorder, and a channel that records what was sent and when.
import { buildResponseTo, parseMessage } from '../../../src/message/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../../../src/message/index.js';
import { DiagnosticsStream, type DiagnosticsEvent } from '../../../src/trace/events.js';
import type { MessageChannel, TransactionContext } from '../../../src/transaction/transaction.js';
import { TransportError } from '../../../src/transport/transport.js';
import { FakeClock } from '../../../src/util/fake-clock.js';

export interface Sent {
  readonly at: number;
  readonly message: SipMessage;
}

export class RecordingChannel implements MessageChannel {
  readonly sent: Sent[] = [];
  failSends = false;
  constructor(readonly transport: string, readonly reliable: boolean, private readonly clock: FakeClock) {}
  async send(message: SipMessage): Promise<void> {
    if (this.failSends) throw new TransportError('connection refused');
    this.sent.push({ at: this.clock.now(), message });
  }
  /** Start lines and times of what was sent. */
  lines(): string[] {
    return this.sent.map((s) => `${s.at} ${s.message.startLine}`);
  }
}

export function setup(options: { reliable?: boolean; t1?: number } = {}) {
  const clock = new FakeClock();
  const diagnostics = new DiagnosticsStream();
  const events: DiagnosticsEvent[] = [];
  diagnostics.subscribe((e) => events.push(e));
  const t1 = options.t1 ?? 500;
  const context: TransactionContext = { clock, diagnostics, timers: { t1, t2: 8 * t1, t4: 10 * t1 } };
  const channel = new RecordingChannel(options.reliable ? 'TCP' : 'UDP', options.reliable ?? false, clock);
  return { clock, context, channel, events };
}

export function parse(text: string): SipMessage {
  const result = parseMessage(text.replace(/\n/g, '\r\n'));
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

export function request(method: string, options: { branch?: string; toTag?: string; extra?: string; viaHost?: string } = {}): SipRequest {
  const cseqMethod = method === 'ACK' ? 'INVITE' : method;
  const message = parse(`${method} sip:bob@biloxi.example.com SIP/2.0
Via: SIP/2.0/UDP ${options.viaHost ?? 'pc33.atlanta.example.com'};branch=${options.branch ?? 'z9hG4bK776asdhds'}
Max-Forwards: 70
To: Bob <sip:bob@biloxi.example.com>${options.toTag ? `;tag=${options.toTag}` : ''}
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
Call-ID: a84b4c76e66710@pc33.atlanta.example.com
CSeq: 314159 ${method === 'ACK' ? 'ACK' : cseqMethod}
Route: <sip:proxy.atlanta.example.com;lr>
Contact: <sip:alice@pc33.atlanta.example.com>
${options.extra ?? ''}Content-Length: 0

`);
  if (message.kind !== 'request') throw new Error('not a request');
  return message;
}

export function respond(to: SipRequest, status: number, toTag = 'a6c85cf'): SipResponse {
  const built = buildResponseTo(to, { status, toTag });
  if (!built.ok) throw new Error(built.error.message);
  return built.value;
}

export function states(events: DiagnosticsEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'transaction-state' ? [`${e.at} ${e.from}->${e.to}`] : []));
}

export function timerEvents(events: DiagnosticsEvent[]): string[] {
  return events.flatMap((e) =>
    e.type === 'timer-started' || e.type === 'timer-fired' || e.type === 'timer-cancelled'
      ? [`${e.at} ${e.type.slice(6)} ${e.timer} ${e.durationMs}`] : []);
}
