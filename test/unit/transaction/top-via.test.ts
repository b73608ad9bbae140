import { describe, expect, it } from 'vitest';
import { buildResponseTo } from '../../../src/message/index.js';
import type { SipRequest } from '../../../src/message/index.js';
import { withReceivedParams, withTopViaTransport } from '../../../src/transaction/top-via.js';
import type { Transport } from '../../../src/transport/transport.js';
import { parse } from './harness.js';

function requestWithVia(via: string): SipRequest {
  const m = parse(`OPTIONS sip:bob@127.0.0.1 SIP/2.0
Via: ${via}
Max-Forwards: 70
From: <sip:alice@example.com>;tag=1
To: <sip:bob@127.0.0.1>
Call-ID: via-test
CSeq: 1 OPTIONS
Content-Length: 0

`);
  if (m.kind !== 'request') throw new Error('not a request');
  return m;
}

const source = { protocol: 'UDP' as const, host: '192.0.2.7', port: 40123 };

describe('received and rport on the top Via (RFC 3261 §18.2.1, RFC 3581 §4)', () => {
  it('fills in rport and received when the client asked for rport', () => {
    const r = withReceivedParams(requestWithVia('SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKa;rport, SIP/2.0/UDP proxy;branch=z9hG4bKb'), source);
    expect(r.topVia.received).toBe('192.0.2.7');
    expect(r.topVia.rport).toBe(40123);
    expect(r.via[1]!.host).toBe('proxy');
    const response = buildResponseTo(r, { status: 200 });
    expect(response.ok && response.value.topVia.rport).toBe(40123);
  });

  it('adds received when the sent-by host is not the packet source, and nothing when it is', () => {
    expect(withReceivedParams(requestWithVia('SIP/2.0/UDP host.example.com;branch=z9hG4bKa'), source).topVia.received).toBe('192.0.2.7');
    const same = requestWithVia('SIP/2.0/UDP 192.0.2.7:40123;branch=z9hG4bKa');
    expect(withReceivedParams(same, source)).toBe(same);
  });

  it('replaces a received parameter that lies', () => {
    const r = withReceivedParams(requestWithVia('SIP/2.0/UDP 10.0.0.5;received=203.0.113.1;branch=z9hG4bKa'), source);
    expect(r.topVia.received).toBe('192.0.2.7');
    expect(r.topVia.branch).toBe('z9hG4bKa');
  });
});

describe('the top Via names the transport a request really goes over (RFC 3261 §18.1.1)', () => {
  it('changes sent-protocol and sent-by, keeping branch and rport, and leaves lower Vias alone', () => {
    const request = requestWithVia('SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKa;rport, SIP/2.0/UDP proxy;branch=z9hG4bKb');
    const tcp = { protocol: 'TCP', sentBy: { host: '127.0.0.1', port: 5062 } } as unknown as Transport;
    const moved = withTopViaTransport(request, tcp);
    expect(moved.topVia).toMatchObject({ transport: 'TCP', host: '127.0.0.1', port: 5062, branch: 'z9hG4bKa', rport: true });
    expect(moved.via[1]).toMatchObject({ transport: 'UDP', host: 'proxy' });
  });
});
