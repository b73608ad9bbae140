// RFC 5626 §4.4-4.5 in Registration: when the flow it registered over fails,
// the registration follows the transport's reconnect and registers again over
// the new flow, replacing the old Contact. The transport here is scripted: a
// wrapper around memory pairs that fails a flow, reports `reconnecting`, and
// comes back on a new pair (a new flow id, optionally a new local port).
import { describe, expect, it } from 'vitest';
import { TransportEmitter } from '../../../src/transport/emitter.js';
import { createMemoryTransportPair, type MemoryTransport } from '../../../src/transport/memory-transport.js';
import type { SendOptions, Transport, TransportAddress, TransportEvents } from '../../../src/transport/transport.js';
import { SipEndpoint } from '../../../src/ua/core/endpoint.js';
import { Registration, type RegistrationState } from '../../../src/ua/registration/registration.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { PASSWORD, ScriptedRegistrar } from './registration-registrar.js';

const REGISTRAR = { host: '127.0.0.1', port: 5060 };
const INSTANCE = '<urn:uuid:0b7d5a5e-8f6c-4d1a-9e3b-2a4c6e8f0a12>';

/** A client flow over memory pairs: `drop()` fails it and announces a reconnect, `reconnect()` brings a new one. */
class ScriptedFlowTransport implements Transport {
  readonly protocol = 'TCP' as const;
  readonly reliable = true;
  private readonly emitter = new TransportEmitter();
  private near!: MemoryTransport;
  far!: MemoryTransport;
  private offs: Array<() => void> = [];
  private connected = false;

  constructor(private readonly clock: FakeClock, private localPort = 5070) {
    this.pair();
  }

  get sentBy() {
    return this.near.sentBy;
  }

  get flowId(): string | undefined {
    return this.connected ? this.near.flowId : undefined;
  }

  private pair(): void {
    const [far, near] = createMemoryTransportPair({ protocol: 'TCP', clock: this.clock, latencyMs: 1, addresses: [REGISTRAR, { host: '127.0.0.1', port: this.localPort }] });
    this.far = far;
    this.near = near;
    this.connected = true;
    this.offs = [near.on('message', (m) => this.emitter.emit('message', m))];
  }

  drop(reason: string, retryInMs: number): void {
    const flowId = this.near.flowId!;
    this.connected = false;
    this.offs.forEach((off) => off());
    this.near.failFlow(reason);
    this.emitter.emit('state', { state: 'failed', target: 'tcp:127.0.0.1:5060', reason, flowId });
    this.emitter.emit('state', { state: 'reconnecting', target: 'tcp:127.0.0.1:5060', reason, retryInMs });
  }

  reconnect(options: { newPort?: number } = {}): MemoryTransport {
    if (options.newPort !== undefined) this.localPort = options.newPort;
    this.emitter.emit('state', { state: 'connecting', target: 'tcp:127.0.0.1:5060' });
    this.pair();
    this.emitter.emit('state', { state: 'connected', target: 'tcp:127.0.0.1:5060', flowId: this.near.flowId! });
    return this.far;
  }

  send(data: Uint8Array, destination: TransportAddress, options?: SendOptions): Promise<void> {
    void options;
    return this.near.send(data, destination);
  }

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): () => void {
    return this.emitter.on(event, listener);
  }

  close(): Promise<void> {
    this.emitter.emit('state', { state: 'closed', target: 'tcp:127.0.0.1:5060', reason: 'closed by the user' });
    return Promise.resolve();
  }
}

function setup() {
  const clock = new FakeClock();
  const transport = new ScriptedFlowTransport(clock);
  const registrar = new ScriptedRegistrar(clock, transport.far, { outbound: true });
  const endpoint = new SipEndpoint({ transport, outboundProxy: { protocol: 'TCP', ...REGISTRAR }, clock });
  const registration = new Registration({
    endpoint, aor: 'sip:alice@callscope.test', credentials: { username: 'alice', password: PASSWORD },
    instanceId: INSTANCE, random: () => 0.5, currentFlowId: () => transport.flowId,
  });
  const states: RegistrationState[] = [];
  registration.on('state', (s) => states.push(s));
  const elapse = async (ms: number) => {
    const end = clock.now() + ms;
    while (clock.now() < end) {
      clock.advance(Math.min(100, end - clock.now()));
      await new Promise((r) => setImmediate(r));
    }
  };
  return { clock, transport, registrar, registration, states, elapse, names: () => states.map((s) => s.name) };
}

describe('re-registration after the flow is replaced (RFC 5626 §4.4-4.5)', () => {
  it('registered -> failed (connection lost, retry when the transport reconnects) -> registering -> registered over the new flow', async () => {
    const t = setup();
    void t.registration.start();
    await t.elapse(100);
    expect(t.registration.state).toMatchObject({ name: 'registered', outbound: true });
    const before = t.registrar.registers.length;

    t.transport.drop('connection reset by the peer', 1500);
    expect(t.registration.state).toEqual({ name: 'failed', reason: 'connection to the server lost: connection reset by the peer', retryInMs: 1500 });
    await t.elapse(1500);
    // nothing is sent while there is no flow: the REGISTER waits for `connected`
    expect(t.registrar.registers.length).toBe(before);

    t.registrar.attach(t.transport.reconnect());
    await t.elapse(100);
    expect(t.registration.state).toMatchObject({ name: 'registered' });
    const names = t.names();
    expect(names.slice(0, 2)).toEqual(['registering', 'registered']);
    expect(names.slice(2).filter((n, i, all) => i === 0 || n !== all[i - 1])).toEqual(['failed', 'registering', 'registered']);

    // pre-emptive credentials still good: one REGISTER, same Call-ID, next CSeq, same instance and reg-id
    const again = t.registrar.registers.slice(before);
    expect(again).toHaveLength(1);
    expect(again[0]!.callId).toBe(t.registrar.registers[0]!.callId);
    expect(again[0]!.cseq.seq).toBe(t.registrar.registers[before - 1]!.cseq.seq + 1);
    expect(again[0]!.contacts[0]).toMatchObject({ instance: INSTANCE, regId: 1 });
  });

  it('a REGISTER in flight when the flow fails is abandoned and sent again on the new flow', async () => {
    const t = setup();
    t.registrar.script = () => 'drop';
    void t.registration.start();
    await t.elapse(100);
    expect(t.registration.state.name).toBe('registering');
    t.transport.drop('connection reset by the peer', 1000);
    await t.elapse(1000);
    t.registrar.script = () => undefined;
    t.registrar.attach(t.transport.reconnect());
    await t.elapse(100);
    expect(t.registration.state).toMatchObject({ name: 'registered' });
  });

  it('a new local port after the reconnect: the new Contact is bound and the old one removed (expires=0) in the same REGISTER', async () => {
    const t = setup();
    void t.registration.start();
    await t.elapse(100);
    expect([...t.registrar.bindings.keys()]).toEqual(['sip:alice@127.0.0.1:5070;transport=tcp']);
    t.transport.drop('connection reset by the peer', 1000);
    await t.elapse(1000);
    t.registrar.attach(t.transport.reconnect({ newPort: 5071 }));
    await t.elapse(100);
    const last = t.registrar.registers.at(-1)!;
    expect(last.contacts.map((c) => [c.uri, c.expires])).toEqual([
      [expect.objectContaining({ port: 5071 }), undefined],
      [expect.objectContaining({ port: 5070 }), 0],
    ]);
    expect([...t.registrar.bindings.keys()]).toEqual(['sip:alice@127.0.0.1:5071;transport=tcp']);
    expect(t.registration.state).toMatchObject({ name: 'registered', contact: 'sip:alice@127.0.0.1:5071;transport=tcp' });
  });

  it('a refused registration stays refused across reconnects (no retry of a wrong password)', async () => {
    const t = setup();
    t.registrar.script = () => ({ status: 403 });
    void t.registration.start();
    await t.elapse(100);
    t.transport.drop('connection reset by the peer', 1000);
    await t.elapse(1000);
    t.registrar.attach(t.transport.reconnect());
    await t.elapse(100);
    expect(t.registrar.registers).toHaveLength(1);
    expect(t.registration.state).toMatchObject({ name: 'failed', status: 403 });
  });

  it('waits for the connection before the first REGISTER; the transport closing ends in failed without retry', async () => {
    const t = setup();
    t.transport.drop('not yet', 500);
    void t.registration.start();
    expect(t.registration.state).toEqual({ name: 'registering' });
    await t.elapse(500);
    expect(t.registrar.registers).toHaveLength(0);
    t.registrar.attach(t.transport.reconnect());
    await t.elapse(100);
    expect(t.registration.state.name).toBe('registered');
    await t.transport.close();
    expect(t.registration.state).toEqual({ name: 'failed', reason: 'the connection to the server was closed (closed by the user)' });
  });
});
