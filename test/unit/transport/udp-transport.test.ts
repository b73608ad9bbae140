import { afterEach, describe, expect, it } from 'vitest';
import { createUdpTransport } from '../../../src/transport/udp-transport.js';
import type { UdpTransport } from '../../../src/transport/udp-transport.js';
import { TransportError } from '../../../src/transport/transport.js';
import { bytes, record, text } from './helpers.js';

const open: UdpTransport[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});
async function bind(host: string): Promise<UdpTransport> {
  const t = await createUdpTransport({ host, port: 0 });
  open.push(t);
  return t;
}

describe('UDP transport', () => {
  it.each(['127.0.0.1', '::1'])('sends and receives one message per datagram on %s with exact addresses', async (host) => {
    const a = await bind(host);
    const b = await bind(host);
    const rb = record(b);
    expect(a.reliable).toBe(false);
    expect(a.sentBy).toEqual({ host, port: a.localAddress.port });
    await a.send(bytes('OPTIONS sip:b SIP/2.0\r\n\r\n'), b.localAddress);
    await a.send(bytes('second'), b.localAddress);
    const [first, second] = await rb.waitForMessages(2);
    expect(text(first!.data)).toBe('OPTIONS sip:b SIP/2.0\r\n\r\n');
    expect(text(second!.data)).toBe('second');
    expect(first!.source).toEqual({ protocol: 'UDP', host, port: a.localAddress.port });
    expect(first!.local).toEqual({ protocol: 'UDP', host, port: b.localAddress.port });
    expect(first!.flowId).toBeUndefined();
    // the reply leaves from the port the request arrived on (RFC 3581 §4)
    const ra = record(a);
    await b.send(bytes('reply'), first!.source);
    const [reply] = await ra.waitForMessages(1);
    expect(reply!.source.port).toBe(b.localAddress.port);
  });

  it('sends a 1500-byte message as one datagram (the §18.1.1 decision is made above the transport)', async () => {
    const a = await bind('127.0.0.1');
    const b = await bind('127.0.0.1');
    const rb = record(b);
    await a.send(new Uint8Array(1500).fill(65), b.localAddress);
    const [m] = await rb.waitForMessages(1);
    expect(m!.data.length).toBe(1500);
  });

  it('rejects a message larger than any UDP datagram, naming the alternative', async () => {
    const a = await bind('127.0.0.1');
    const error = await a.send(new Uint8Array(70_000), { protocol: 'UDP', host: '127.0.0.1', port: 9 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toMatch(/70000 bytes is larger than the largest UDP datagram \(65507 bytes\); send it over TCP or TLS/);
  });

  it('rejects other protocols and sends after close; bind errors name the address', async () => {
    const a = await bind('127.0.0.1');
    await expect(a.send(bytes('x'), { protocol: 'TCP', host: '127.0.0.1', port: 5060 })).rejects.toThrow(/cannot send to tcp:127.0.0.1:5060/);
    await expect(createUdpTransport({ host: '127.0.0.1', port: a.localAddress.port })).rejects.toThrow(
      new RegExp(`cannot bind UDP udp:127\\.0\\.0\\.1:${a.localAddress.port}: address already in use`));
    await expect(createUdpTransport({ host: 'localhost' })).rejects.toThrow(/must be an IP address/);
    await a.close();
    await expect(a.send(bytes('x'), { protocol: 'UDP', host: '127.0.0.1', port: 9 })).rejects.toThrow(/closed/);
  });
});
