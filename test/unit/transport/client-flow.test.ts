// The client flow with a scripted connector and a fake clock: failover order,
// backoff sequence, keep-alive failure, and sends while down.
import { describe, expect, it } from 'vitest';
import { ClientFlow } from '../../../src/transport/client-flow.js';
import type { FlowLink, FlowLinkHandlers } from '../../../src/transport/client-flow.js';
import { TransportError } from '../../../src/transport/transport.js';
import type { TransportStateChange } from '../../../src/transport/transport.js';
import { FakeClock } from '../../../src/util/fake-clock.js';

interface FakeServer { readonly name: string; up: boolean }

class FakeLink implements FlowLink {
  readonly local = { protocol: 'TCP' as const, host: '127.0.0.1', port: 40000 };
  readonly remote: { protocol: 'TCP'; host: string; port: number };
  readonly sent: Uint8Array[] = [];
  pings = 0;
  closedWith: string | undefined;
  constructor(readonly flowId: string, readonly server: FakeServer, readonly handlers: FlowLinkHandlers) {
    this.remote = { protocol: 'TCP', host: server.name, port: 5060 };
  }
  send(data: Uint8Array) { this.sent.push(data); return Promise.resolve(); }
  ping() { this.pings++; }
  close(reason: string) { this.closedWith = reason; }
}

const flush = () => new Promise<void>((r) => setImmediate(r));

function setup(names: string[], options: { random?: () => number; keepAlive?: { intervalMs?: number; pongTimeoutMs?: number } } = {}) {
  const clock = new FakeClock();
  const servers: FakeServer[] = names.map((name) => ({ name, up: true }));
  const states: TransportStateChange[] = [];
  const links: FakeLink[] = [];
  const attempts: string[] = [];
  let n = 0;
  const flow = new ClientFlow<FakeServer>({
    servers,
    describe: (s) => `tcp:${s.name}:5060`,
    connect: (server, handlers) => {
      attempts.push(server.name);
      if (!server.up) return Promise.reject(new Error(`could not connect to tcp:${server.name}:5060: connection refused`));
      const link = new FakeLink(`f${++n}`, server, handlers);
      links.push(link);
      return Promise.resolve(link);
    },
    clock,
    random: options.random ?? (() => 0.5),
    emitState: (s) => states.push(s),
    onMessage: () => undefined,
    onMalformed: () => undefined,
  }, { keepAlive: options.keepAlive ?? { intervalMs: 0 }, reconnect: { baseMs: 1000, maxMs: 8000 } });
  const brief = () => states.map((s) => `${s.state} ${s.target}${s.retryInMs !== undefined ? ` ${s.retryInMs}` : ''}`);
  return { clock, servers, states, links, attempts, flow, brief };
}

describe('client flow: failover and backoff', () => {
  it('connects to the first server and reports connecting -> connected with the flow id', async () => {
    const { flow, states } = setup(['a']);
    flow.start();
    await flush();
    expect(states).toEqual([
      { state: 'connecting', target: 'tcp:a:5060' },
      { state: 'connected', target: 'tcp:a:5060', flowId: 'f1' },
    ]);
  });

  it('fails over in list order, at once, when a server cannot be reached', async () => {
    const { flow, servers, brief, attempts } = setup(['a', 'b', 'c']);
    servers[0]!.up = false;
    servers[1]!.up = false;
    flow.start();
    await flush();
    expect(attempts).toEqual(['a', 'b', 'c']);
    expect(brief()).toEqual([
      'connecting tcp:a:5060', 'failed tcp:a:5060', 'connecting tcp:b:5060', 'failed tcp:b:5060',
      'connecting tcp:c:5060', 'connected tcp:c:5060',
    ]);
  });

  it('when every server failed, waits with growing backoff, capped, then retries from the first', async () => {
    // random() = 0.5: each wait is 75% of min(max, base * 2^n)
    const { flow, servers, states, clock, attempts } = setup(['a', 'b']);
    for (const s of servers) s.up = false;
    flow.start();
    await flush();
    const waits: number[] = [];
    for (let round = 0; round < 5; round++) {
      const last = states.at(-1)!;
      expect(last.state).toBe('reconnecting');
      expect(last.target).toBe('tcp:a:5060');
      expect(last.reason).toMatch(/could not connect to tcp:b:5060: connection refused/);
      waits.push(last.retryInMs!);
      clock.advance(last.retryInMs! - 1);
      expect(states.at(-1)).toBe(last); // nothing before the wait is over
      clock.advance(1);
      await flush();
    }
    expect(waits).toEqual([1500, 3000, 6000, 6000, 6000]); // 2000, 4000, 8000, then capped at 8000 (x 0.75)
    expect(attempts).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
    servers[1]!.up = true;
    clock.advance(states.at(-1)!.retryInMs!);
    await flush();
    expect(states.at(-1)).toMatchObject({ state: 'connected', target: 'tcp:b:5060' });
  });

  it('a dropped flow reports failed with the reason and flow id, then reconnects from the first server', async () => {
    const { flow, states, links, clock, servers } = setup(['a', 'b']);
    flow.start();
    await flush();
    servers[0]!.up = false;
    links[0]!.handlers.onClose('connection closed by tcp:a:5060');
    expect(states.slice(-2)).toEqual([
      { state: 'failed', target: 'tcp:a:5060', reason: 'connection closed by tcp:a:5060', flowId: 'f1' },
      { state: 'reconnecting', target: 'tcp:a:5060', retryInMs: 1500, reason: 'connection closed by tcp:a:5060' },
    ]);
    clock.advance(1500);
    await flush();
    expect(states.at(-1)).toMatchObject({ state: 'connected', target: 'tcp:b:5060', flowId: 'f2' });
  });

  it('the failure count restarts only after a flow stayed up (stableFlowMs, default 30 s)', async () => {
    const { flow, states, links, clock } = setup(['a']);
    flow.start();
    await flush();
    links[0]!.handlers.onClose('drop 1');
    expect(states.at(-1)!.retryInMs).toBe(1500);
    clock.advance(1500);
    await flush();
    links[1]!.handlers.onClose('drop 2'); // dropped at once: counts on
    expect(states.at(-1)!.retryInMs).toBe(3000);
    clock.advance(3000);
    await flush();
    clock.advance(30_000);
    links[2]!.handlers.onClose('drop 3'); // stayed up 30 s: back to the first step
    expect(states.at(-1)!.retryInMs).toBe(1500);
  });
});

describe('client flow: sending and keep-alive', () => {
  it('sends over the open connection; rejects with a TransportError saying why while down', async () => {
    const { flow, links, servers, clock } = setup(['a']);
    const data = new Uint8Array([1]);
    await expect(flow.send(data)).rejects.toThrow(/connect\(\) has not been called/);
    flow.start();
    await expect(flow.send(data)).rejects.toThrow(/still connecting to tcp:a:5060/);
    await flush();
    await flow.send(data);
    expect(links[0]!.sent).toEqual([data]);
    servers[0]!.up = false;
    links[0]!.handlers.onClose('connection reset');
    const error = await flow.send(data).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toBe('not connected to tcp:a:5060: reconnecting in 1.5 s (last failure: connection reset)');
    clock.advance(1500);
    await flush();
    await expect(flow.send(data)).rejects.toThrow(/last failure: could not connect to tcp:a:5060: connection refused/);
    flow.close();
    await expect(flow.send(data)).rejects.toThrow(/transport is closed/);
  });

  it('pings on the interval; a missing pong declares the flow failed and reconnects', async () => {
    const { flow, links, states, clock } = setup(['a'], { keepAlive: { intervalMs: 30_000, pongTimeoutMs: 10_000 }, random: () => 1 });
    flow.start();
    await flush();
    clock.advance(30_000);
    expect(links[0]!.pings).toBe(1);
    links[0]!.handlers.onPong();
    clock.advance(30_000);
    expect(links[0]!.pings).toBe(2);
    clock.advance(10_000); // no pong
    expect(states.slice(-2).map((s) => s.state)).toEqual(['failed', 'reconnecting']);
    expect(states.at(-2)!.reason).toBe('tcp:a:5060: no keep-alive pong within 10 s (RFC 5626 §4.4.1)');
    expect(links[0]!.closedWith).toMatch(/no keep-alive pong/);
    clock.advance(states.at(-1)!.retryInMs!);
    await flush();
    expect(states.at(-1)).toMatchObject({ state: 'connected', flowId: 'f2' });
  });

  it('a connection attempt that hangs is abandoned after the connect timeout', async () => {
    const clock = new FakeClock();
    const states: TransportStateChange[] = [];
    let aborted = false;
    const flow = new ClientFlow<string>({
      servers: ['a'], describe: (s) => s, clock, random: () => 0,
      connect: (_s, _h, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => { aborted = true; reject(new Error('aborted')); })),
      emitState: (s) => states.push(s), onMessage: () => undefined, onMalformed: () => undefined,
    }, { connectTimeoutMs: 5000 });
    flow.start();
    clock.advance(5000);
    await flush();
    expect(aborted).toBe(true);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'failed', 'reconnecting']);
    expect(states[1]!.reason).toBe('could not connect to a: no connection within 5 s');
  });

  it('close() stops timers and reports closed once', async () => {
    const { flow, states, clock, links } = setup(['a'], { keepAlive: { intervalMs: 30_000 } });
    flow.start();
    await flush();
    flow.close();
    flow.close();
    expect(states.at(-1)).toEqual({ state: 'closed', target: 'tcp:a:5060', reason: 'closed by the user' });
    expect(states.filter((s) => s.state === 'closed')).toHaveLength(1);
    expect(links[0]!.closedWith).toBe('closed by the user');
    expect(clock.pendingTimers).toBe(0);
  });
});
