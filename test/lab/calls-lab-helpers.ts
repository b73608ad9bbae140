// What the calls-*.lab.test.ts files share: a Callscope user agent (endpoint
// + call agent + static SDP) over WSS or UDP to the lab proxy, with every
// diagnostics event and every message it sent or received kept, parsed.
import { parseMessage } from '../../src/message/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../../src/message/index.js';
import type { DiagnosticsEvent } from '../../src/trace/events.js';
import { createUdpTransport } from '../../src/transport/udp-transport.js';
import { Authenticator } from '../../src/ua/auth/authenticator.js';
import { CallAgent, type CallAgentOptions } from '../../src/ua/call/call-agent.js';
import { SipEndpoint } from '../../src/ua/core/endpoint.js';
import { connectToServer } from '../../src/ua/connection/server-connection.js';
import { StaticSdpHandler } from '../../src/ua/sdp/static-sdp.js';
import type { Call, CallEventMap, CallEventName } from '../../src/ua/call/types.js';
import type { Lab } from './lab.js';

export const T1 = 50;
export const T2 = 400;
export const LAB_TIMERS = { t1: T1, t2: T2, t4: 500 };

/**
 * An interval measured between two processes: it may come late by up to
 * 40 ms + 30 % (timers on a loaded two-core machine fire late) and early by
 * at most 15 ms (clocks and scheduling), as in transaction-timers.lab.test.ts.
 */
export function withinTolerance(measured: number, expected: number): boolean {
  return measured >= expected - 15 && measured <= expected + 40 + 0.3 * expected;
}

export interface WireEntry {
  readonly at: number;
  readonly direction: 'sent' | 'received';
  readonly message: SipMessage;
}

export interface LabUa {
  readonly endpoint: SipEndpoint;
  readonly agent: CallAgent;
  readonly events: DiagnosticsEvent[];
  readonly wire: WireEntry[];
  /** Requests this UA sent (or received), by method. */
  requests(method: string, direction?: 'sent' | 'received'): SipRequest[];
  responses(status: number, direction?: 'sent' | 'received'): SipResponse[];
  close(): Promise<void>;
}

function labUa(endpoint: SipEndpoint, user: string, close: () => Promise<void>, extra: Partial<CallAgentOptions>): LabUa {
  const events: DiagnosticsEvent[] = [];
  const wire: WireEntry[] = [];
  endpoint.diagnostics.subscribe((event) => {
    events.push(event);
    if (event.type !== 'message-sent' && event.type !== 'message-received') return;
    const parsed = parseMessage(event.raw);
    if (parsed.ok) wire.push({ at: event.at, direction: event.type === 'message-sent' ? 'sent' : 'received', message: parsed.value });
  });
  const agent = new CallAgent({
    endpoint, identity: { uri: `sip:${user}@callscope.lab` }, contactUser: user,
    createSdpHandler: () => new StaticSdpHandler(), ...extra,
  });
  return {
    endpoint, agent, events, wire,
    requests: (method, direction = 'sent') => wire.filter((w) => w.direction === direction).map((w) => w.message)
      .filter((m): m is SipRequest => m.kind === 'request' && m.method === method),
    responses: (status, direction = 'received') => wire.filter((w) => w.direction === direction).map((w) => w.message)
      .filter((m): m is SipResponse => m.kind === 'response' && m.status === status),
    close: async () => {
      agent.close();
      endpoint.close();
      await close();
    },
  };
}

/** A UA connected to the lab proxy over WSS (verified against the lab CA). */
export async function wssUa(lab: Lab, options: { user?: string; password?: string; agent?: Partial<CallAgentOptions> } = {}): Promise<LabUa> {
  const connection = await connectToServer(lab.proxy.wssUrl, { caFile: lab.proxy.caFile });
  if (!connection.ok) throw new Error(`lab: no WSS connection: ${connection.error.reason}`);
  const { transport, outboundProxy } = connection.value;
  const endpoint = new SipEndpoint({ transport, outboundProxy, timers: LAB_TIMERS });
  const user = options.user ?? 'callscope';
  return labUa(endpoint, user, () => connection.value.close(), {
    ...(options.password === undefined ? {} : { authenticator: new Authenticator({ username: user, password: options.password }) }),
    ...options.agent,
  });
}

/** A UA on a UDP port of the lab's block, reachable through the proxy as `farend-<port>`. */
export async function udpUa(lab: Lab, options: {
  user?: string; agent?: Partial<CallAgentOptions>; preloadedRoute?: readonly string[];
} = {}): Promise<LabUa & { port: number }> {
  const port = lab.allocatePeerPort();
  const transport = await createUdpTransport({ host: '127.0.0.1', port });
  const endpoint = new SipEndpoint({
    transport, outboundProxy: { protocol: 'UDP', host: '127.0.0.1', port: lab.proxy.ports.udp }, timers: LAB_TIMERS,
    ...(options.preloadedRoute ? { preloadedRoute: options.preloadedRoute } : {}),
  });
  return { ...labUa(endpoint, options.user ?? `farend-${port}`, () => transport.close(), options.agent ?? {}), port };
}

/** `promise`, or a rejection naming `what` after `ms`. */
export function within<T>(promise: Promise<T>, what: string, ms = 10_000): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms).unref())]);
}

/** The call's next `name` event; a rejection if the call ends first. */
export function reached<E extends CallEventName>(call: Call, name: E, what: string): Promise<CallEventMap[E]> {
  return within(new Promise((resolve, reject) => {
    call.on(name, resolve);
    call.on('ended', (e) => reject(new Error(`the call ended before ${what}: ${e.cause} ${e.reason}`)));
  }), what);
}
