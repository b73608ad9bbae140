import { describe, expect, it } from 'vitest';
import { createMemoryTransportPair } from '../../../src/transport/memory-transport.js';
import type { InboundMessage, TransportStateChange } from '../../../src/transport/transport.js';
import { TransportError } from '../../../src/transport/transport.js';
import { FakeClock } from '../../../src/util/fake-clock.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('memory transport pair', () => {
  it('delivers UDP datagrams asynchronously with exact addresses and no flow', async () => {
    const [a, b] = createMemoryTransportPair({ protocol: 'UDP' });
    const got: InboundMessage[] = [];
    b.on('message', (m) => got.push(m));
    const sent = a.send(bytes('OPTIONS sip:x SIP/2.0\r\n\r\n'), { protocol: 'UDP', host: '127.0.0.1', port: 5070 });
    expect(got).toHaveLength(0); // never inside send()
    await sent;
    await Promise.resolve();
    expect(got).toHaveLength(1);
    expect(text(got[0]!.data)).toBe('OPTIONS sip:x SIP/2.0\r\n\r\n');
    expect(got[0]!.source).toEqual({ protocol: 'UDP', host: '127.0.0.1', port: 5060 });
    expect(got[0]!.local).toEqual({ protocol: 'UDP', host: '127.0.0.1', port: 5070 });
    expect(got[0]!.flowId).toBeUndefined();
    expect(a.reliable).toBe(false);
    expect(a.sentBy).toEqual({ host: '127.0.0.1', port: 5060 });
  });

  it('reliable pairs share one flow id, usable in send options', async () => {
    const [a, b] = createMemoryTransportPair({ protocol: 'TCP' });
    const got: InboundMessage[] = [];
    a.on('message', (m) => got.push(m));
    expect(b.reliable).toBe(true);
    await b.send(bytes('x'), { protocol: 'TCP', host: '127.0.0.1', port: 5060 }, { flowId: a.flowId! });
    await Promise.resolve();
    expect(got[0]!.flowId).toBe(a.flowId);
    await expect(b.send(bytes('x'), { protocol: 'TCP', host: '127.0.0.1', port: 5060 }, { flowId: 'other' })).rejects.toBeInstanceOf(TransportError);
  });

  it('rejects destinations other than the peer, and sends after close', async () => {
    const [a] = createMemoryTransportPair({ protocol: 'UDP' });
    await expect(a.send(bytes('x'), { protocol: 'UDP', host: '127.0.0.1', port: 9999 })).rejects.toThrow(/can only reach udp:127.0.0.1:5070/);
    await a.close();
    await expect(a.send(bytes('x'), { protocol: 'UDP', host: '127.0.0.1', port: 5070 })).rejects.toThrow(/closed/);
  });

  it('drops or delays messages through the interceptor, on the injected clock', async () => {
    const clock = new FakeClock();
    const [a, b] = createMemoryTransportPair({ protocol: 'UDP', clock, latencyMs: 10 });
    const got: string[] = [];
    b.on('message', (m) => got.push(text(m.data)));
    a.intercept((p) => (p.index === 0 ? 'drop' : p.index === 1 ? { delayMs: 100 } : 'deliver'));
    const to = { protocol: 'UDP', host: '127.0.0.1', port: 5070 } as const;
    await a.send(bytes('one'), to);
    await a.send(bytes('two'), to);
    await a.send(bytes('three'), to);
    expect(a.sent.map((p) => text(p.data))).toEqual(['one', 'two', 'three']);
    clock.advance(10);
    expect(got).toEqual(['three']);
    clock.advance(90);
    expect(got).toEqual(['three', 'two']);
  });

  it('a failed flow is reported on both ends and later sends reject', async () => {
    const [a, b] = createMemoryTransportPair({ protocol: 'WSS' });
    const states: TransportStateChange[] = [];
    a.on('state', (s) => states.push(s));
    b.on('state', (s) => states.push(s));
    a.failFlow('connection reset');
    expect(states.map((s) => [s.state, s.target, s.reason])).toEqual([
      ['failed', 'wss:127.0.0.1:5070', 'connection reset'],
      ['failed', 'wss:127.0.0.1:5060', 'connection reset'],
    ]);
    await expect(b.send(bytes('x'), { protocol: 'WSS', host: '127.0.0.1', port: 5060 })).rejects.toThrow(/failed: connection reset/);
  });

  it('inject() hands up arbitrary bytes as received from the peer', async () => {
    const [a] = createMemoryTransportPair({ protocol: 'UDP' });
    const got: InboundMessage[] = [];
    a.on('message', (m) => got.push(m));
    a.inject(bytes('garbage'));
    expect(text(got[0]!.data)).toBe('garbage');
    expect(got[0]!.source.port).toBe(5070);
  });
});
