import { describe, expect, it } from 'vitest';
import { responseDestination, viaReceivedParams } from '../../../src/transport/response-destination.js';
import type { ViaForRouting } from '../../../src/transport/response-destination.js';
import type { TransportAddress } from '../../../src/transport/transport.js';

const udpFrom = (host: string, port: number): TransportAddress => ({ protocol: 'UDP', host, port });
const via = (v: Partial<ViaForRouting> & { host: string }): ViaForRouting => v;

describe('responseDestination (RFC 3261 §18.2.2, RFC 3581)', () => {
  it('UDP, sent-by equals the source: back to sent-by (port 5060 when absent)', () => {
    expect(responseDestination(via({ host: '192.0.2.1', port: 5062 }), udpFrom('192.0.2.1', 5062)))
      .toEqual({ rule: 'sent-by', destination: udpFrom('192.0.2.1', 5062) });
    expect(responseDestination(via({ host: '192.0.2.1' }), udpFrom('192.0.2.1', 40000)))
      .toEqual({ rule: 'sent-by', destination: udpFrom('192.0.2.1', 5060) });
  });

  it('UDP, sent-by differs from the source: to the source address (received) at the sent-by port', () => {
    expect(responseDestination(via({ host: 'phone.example.com', port: 5070 }), udpFrom('198.51.100.7', 33000)))
      .toEqual({ rule: 'received', destination: udpFrom('198.51.100.7', 5070) });
    // received already added by the server: same answer
    expect(responseDestination(via({ host: '10.0.0.2', received: '198.51.100.7' }), udpFrom('198.51.100.7', 33000)))
      .toEqual({ rule: 'received', destination: udpFrom('198.51.100.7', 5060) });
  });

  it('UDP with rport: to received and the source port (NAT)', () => {
    expect(responseDestination(via({ host: '10.0.0.2', port: 5060, rport: true }), udpFrom('198.51.100.7', 33000)))
      .toEqual({ rule: 'rport', destination: udpFrom('198.51.100.7', 33000) });
    // rport filled in by the server already
    expect(responseDestination(via({ host: '10.0.0.2', received: '198.51.100.7', rport: 33001 }), udpFrom('198.51.100.7', 33000)))
      .toEqual({ rule: 'rport', destination: udpFrom('198.51.100.7', 33001) });
    // rport even when sent-by equals the source
    expect(responseDestination(via({ host: '192.0.2.1', port: 5060, rport: true }), udpFrom('192.0.2.1', 5099)))
      .toEqual({ rule: 'rport', destination: udpFrom('192.0.2.1', 5099) });
  });

  it('UDP with maddr: to maddr at the sent-by port (5060 default), TTL 1 for multicast by default', () => {
    expect(responseDestination(via({ host: '10.0.0.2', port: 5080, maddr: '192.0.2.99', rport: true }), udpFrom('198.51.100.7', 33000)))
      .toEqual({ rule: 'maddr', destination: udpFrom('192.0.2.99', 5080) });
    expect(responseDestination(via({ host: '10.0.0.2', maddr: '239.255.255.1' }), udpFrom('198.51.100.7', 33000)))
      .toEqual({ rule: 'maddr', destination: udpFrom('239.255.255.1', 5060), ttl: 1 });
    expect(responseDestination(via({ host: '10.0.0.2', maddr: '239.255.255.1', ttl: 16 }), udpFrom('198.51.100.7', 33000)).ttl).toBe(16);
  });

  it('IPv6: brackets in sent-by are not a difference; IPv4-mapped sources are unmapped', () => {
    expect(responseDestination(via({ host: '[2001:db8::1]', port: 5060 }), udpFrom('2001:db8::1', 5060)))
      .toEqual({ rule: 'sent-by', destination: udpFrom('2001:db8::1', 5060) });
    expect(viaReceivedParams(via({ host: '192.0.2.1' }), udpFrom('::ffff:192.0.2.1', 5060))).toEqual({});
  });

  it('reliable: the connection it came on, with received/sent-by port as the fallback for a new one', () => {
    const source: TransportAddress = { protocol: 'TCP', host: '198.51.100.7', port: 41000 };
    expect(responseDestination(via({ host: 'phone.example.com', port: 5062 }), source, 'tcp-7'))
      .toEqual({ rule: 'connection', flowId: 'tcp-7', destination: { protocol: 'TCP', host: '198.51.100.7', port: 5062 } });
    const tls: TransportAddress = { protocol: 'TLS', host: '198.51.100.7', port: 41000 };
    expect(responseDestination(via({ host: '198.51.100.7' }), tls))
      .toEqual({ rule: 'sent-by', destination: { protocol: 'TLS', host: '198.51.100.7', port: 5061 } });
  });
});

describe('viaReceivedParams (§18.2.1, RFC 3581 §4)', () => {
  it('adds received only when sent-by is a name or another address', () => {
    expect(viaReceivedParams(via({ host: '192.0.2.1' }), udpFrom('192.0.2.1', 5060))).toEqual({});
    expect(viaReceivedParams(via({ host: 'pc.example.com' }), udpFrom('192.0.2.1', 5060))).toEqual({ received: '192.0.2.1' });
  });
  it('with an empty rport, adds received (even if identical) and the source port', () => {
    expect(viaReceivedParams(via({ host: '192.0.2.1', rport: true }), udpFrom('192.0.2.1', 6000))).toEqual({ received: '192.0.2.1', rport: 6000 });
  });
});
