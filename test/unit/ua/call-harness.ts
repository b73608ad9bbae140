// Two user agents wired back to back over an in-memory transport pair, on a
// fake clock: Alice (127.0.0.1:5060) and Bob (127.0.0.1:5070). Everything
// each side put on the wire is kept, parsed, with the clock time it left.
import { parseMessage } from '../../../src/message/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../../../src/message/index.js';
import type { DiagnosticsEvent } from '../../../src/trace/events.js';
import { createMemoryTransportPair, type MemoryInterceptor, type MemoryTransport } from '../../../src/transport/memory-transport.js';
import type { TransportProtocol } from '../../../src/transport/transport.js';
import { CallAgent, type CallAgentOptions } from '../../../src/ua/call/call-agent.js';
import { SipEndpoint } from '../../../src/ua/core/endpoint.js';
import { StaticSdpHandler } from '../../../src/ua/sdp/static-sdp.js';
import { FakeClock } from '../../../src/util/fake-clock.js';

export interface WireEntry {
  readonly at: number;
  readonly message: SipMessage;
}

export interface Side {
  readonly transport: MemoryTransport;
  readonly endpoint: SipEndpoint;
  readonly events: DiagnosticsEvent[];
  /** What this side sent, in order, with the time it left. */
  readonly wire: WireEntry[];
  agent(options?: Partial<Omit<CallAgentOptions, 'endpoint'>>): CallAgent;
  /** Requests this side sent, by method. */
  requests(method: string): SipRequest[];
  /** Responses this side sent, by status (and CSeq method). */
  responses(status: number, method?: string): SipResponse[];
  /** Drop (or delay) what this side sends. */
  intercept(interceptor: MemoryInterceptor | undefined): void;
}

export function parse(data: Uint8Array): SipMessage {
  const parsed = parseMessage(data);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

/** Intercepts the messages whose start line matches `pattern`. */
export function dropping(pattern: RegExp, fate: 'drop' | { delayMs: number } = 'drop'): MemoryInterceptor {
  return (packet) => (pattern.test(Buffer.from(packet.data).toString('latin1').split('\r\n', 1)[0]!) ? fate : 'deliver');
}

export function setup(options: { protocol?: TransportProtocol; t1?: number; t2?: number; aliceRoute?: readonly string[] } = {}) {
  const clock = new FakeClock();
  const [ta, tb] = createMemoryTransportPair({ protocol: options.protocol ?? 'UDP', clock, latencyMs: 1 });
  const timers = { t1: options.t1 ?? 500, t2: options.t2 ?? 4000, t4: 5000 };
  const side = (transport: MemoryTransport, peer: MemoryTransport, user: string): Side => {
    const route = user === 'alice' && options.aliceRoute ? { preloadedRoute: options.aliceRoute } : {};
    const endpoint = new SipEndpoint({ transport, outboundProxy: peer.address, clock, timers, ...route });
    const events: DiagnosticsEvent[] = [];
    const wire: WireEntry[] = [];
    endpoint.diagnostics.subscribe((event) => {
      events.push(event);
      if (event.type === 'message-sent') wire.push({ at: event.at, message: parse(event.raw) });
    });
    return {
      transport, endpoint, events, wire,
      agent: (extra = {}) => new CallAgent({
        endpoint, identity: { uri: `sip:${user}@callscope.test` }, contactUser: user,
        createSdpHandler: () => new StaticSdpHandler({ port: user === 'alice' ? 40000 : 50000 }), ...extra,
      }),
      requests: (method) => wire.map((w) => w.message).filter((m): m is SipRequest => m.kind === 'request' && m.method === method),
      responses: (status, method) => wire.map((w) => w.message)
        .filter((m): m is SipResponse => m.kind === 'response' && m.status === status && (method === undefined || m.cseq.method === method)),
      intercept: (interceptor) => transport.intercept(interceptor),
    };
  };
  const alice = side(ta, tb, 'alice');
  const bob = side(tb, ta, 'bob');
  /** Moves the fake clock in small steps, letting promises (SDP handler calls) settle between them. */
  const advance = async (ms: number, step = 1): Promise<void> => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  return { clock, alice, bob, advance, timers };
}

/** Times (ms) at which `side` sent messages whose start line matches `pattern`. */
export function sendTimes(side: Side, pattern: RegExp): number[] {
  return side.wire.filter((w) => pattern.test(w.message.startLine)).map((w) => w.at);
}

export function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

/** Times (ms) at which `side` sent responses with `status` to `method`. */
export function responseTimes(side: Side, status: number, method: string): number[] {
  return side.wire.filter((w) => w.message.kind === 'response' && w.message.status === status && w.message.cseq.method === method).map((w) => w.at);
}
