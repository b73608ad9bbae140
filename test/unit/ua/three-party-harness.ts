// Three user agents on one in-memory UDP network, on a fake clock: Alice
// (127.0.0.1:5060), Bob (5070) and Carol (5080). Each endpoint's outbound
// proxy is a relay (5000) that passes a request on to the host and port of
// its Request-URI, untouched (a stateless hop that adds no Via, so responses
// go straight back by Via); everything else goes where it is sent. Each side
// keeps what it put on the wire, parsed, with the time it left.
import type { SipRequest, SipResponse } from '../../../src/message/index.js';
import { formatAddress } from '../../../src/transport/address.js';
import { TransportEmitter } from '../../../src/transport/emitter.js';
import { TransportError, type InboundMessage, type Transport, type TransportAddress, type TransportEvents } from '../../../src/transport/transport.js';
import { CallAgent, type CallAgentOptions } from '../../../src/ua/call/call-agent.js';
import { SipEndpoint } from '../../../src/ua/core/endpoint.js';
import { StaticSdpHandler } from '../../../src/ua/sdp/static-sdp.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { parse, type WireEntry } from './call-harness.js';

const RELAY: TransportAddress = { protocol: 'UDP', host: '127.0.0.1', port: 5000 };
const LATENCY_MS = 1;

class NetworkTransport implements Transport {
  readonly protocol = 'UDP' as const;
  readonly reliable = false;
  readonly sentBy: { readonly host: string; readonly port: number };
  private readonly emitter = new TransportEmitter();

  constructor(readonly address: TransportAddress, private readonly network: MemoryNetwork) {
    this.sentBy = { host: address.host, port: address.port };
  }

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): () => void {
    return this.emitter.on(event, listener);
  }

  send(data: Uint8Array, destination: TransportAddress): Promise<void> {
    return this.network.deliver(this.address, data.slice(), destination);
  }

  receive(message: InboundMessage): void {
    this.emitter.emit('message', message);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

class MemoryNetwork {
  readonly ends = new Map<string, NetworkTransport>();
  /** Messages whose start line matches are lost on the way. */
  lose: RegExp | undefined;

  constructor(private readonly clock: FakeClock) {}

  add(port: number): NetworkTransport {
    const transport = new NetworkTransport({ protocol: 'UDP', host: '127.0.0.1', port }, this);
    this.ends.set(formatAddress(transport.address), transport);
    return transport;
  }

  deliver(from: TransportAddress, data: Uint8Array, to: TransportAddress): Promise<void> {
    let destination = to;
    if (to.port === RELAY.port) {
      const message = parse(data);
      if (message.kind !== 'request' || !('host' in message.requestUri)) return Promise.reject(new TransportError('the relay takes SIP requests only', to));
      destination = { protocol: 'UDP', host: message.requestUri.host, port: message.requestUri.port ?? 5060 };
    }
    const receiver = this.ends.get(formatAddress(destination));
    if (!receiver) return Promise.reject(new TransportError(`nobody at ${formatAddress(destination)}`, destination));
    if (this.lose?.test(Buffer.from(data).toString('latin1').split('\r\n', 1)[0]!)) return Promise.resolve();
    this.clock.setTimer(LATENCY_MS, () => receiver.receive({ data, source: from, local: receiver.address }));
    return Promise.resolve();
  }
}

export interface Party {
  readonly name: string;
  readonly port: number;
  readonly uri: string;
  readonly endpoint: SipEndpoint;
  readonly wire: WireEntry[];
  /** The party's one call agent (made with `options` on the first call). */
  agent(options?: Partial<Omit<CallAgentOptions, 'endpoint'>>): CallAgent;
  /** Sends a hand-written request to `to` as it is (Content-Length and all). */
  sendRaw(to: Party, text: string): void;
  requests(method: string): SipRequest[];
  responses(status: number, method?: string): SipResponse[];
}

export function threeParties() {
  const clock = new FakeClock();
  const network = new MemoryNetwork(clock);
  const timers = { t1: 500, t2: 4000, t4: 5000 };
  const party = (name: string, port: number): Party => {
    const transport = network.add(port);
    const endpoint = new SipEndpoint({ transport, outboundProxy: RELAY, clock, timers });
    const wire: WireEntry[] = [];
    let agent: CallAgent | undefined;
    endpoint.diagnostics.subscribe((event) => {
      if (event.type === 'message-sent') wire.push({ at: event.at, message: parse(event.raw) });
    });
    return {
      name, port, uri: `sip:${name}@127.0.0.1:${port}`, endpoint, wire,
      agent: (extra = {}) => (agent ??= new CallAgent({
        endpoint, identity: { uri: `sip:${name}@callscope.test` }, contactUser: name,
        createSdpHandler: () => new StaticSdpHandler({ port: port * 10 }), ...extra,
      })),
      sendRaw: (to, text) => void transport.send(new TextEncoder().encode(text), { protocol: 'UDP', host: '127.0.0.1', port: to.port }),
      requests: (method) => wire.map((w) => w.message).filter((m): m is SipRequest => m.kind === 'request' && m.method === method),
      responses: (status, method) => wire.map((w) => w.message)
        .filter((m): m is SipResponse => m.kind === 'response' && m.status === status && (method === undefined || m.cseq.method === method)),
    };
  };
  const alice = party('alice', 5060);
  const bob = party('bob', 5070);
  const carol = party('carol', 5080);
  /** Moves the fake clock in small steps, letting promises settle between them. */
  const advance = async (ms: number, step = 1): Promise<void> => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  /** Loses every message whose start line matches `pattern` (undefined: none). */
  const lose = (pattern: RegExp | undefined): void => { network.lose = pattern; };
  return { clock, alice, bob, carol, advance, timers, lose };
}
