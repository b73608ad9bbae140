import { describe, expect, it } from 'vitest';
import { buildRequest, buildResponseTo, randomToken } from '../../../src/message/index.js';
import type { SipRequest, SipResponse } from '../../../src/message/index.js';
import type { DiagnosticsEvent } from '../../../src/trace/events.js';
import { TransactionLayer, type ServerTransaction } from '../../../src/transaction/transaction-layer.js';
import { createMemoryTransportPair, type MemoryTransport } from '../../../src/transport/memory-transport.js';
import type { TransportProtocol } from '../../../src/transport/transport.js';
import { FakeClock } from '../../../src/util/fake-clock.js';

interface Side {
  layer: TransactionLayer;
  transport: MemoryTransport;
  requests: Array<{ request: SipRequest; tx: ServerTransaction }>;
  acks: SipRequest[];
  strays: SipResponse[];
  events: DiagnosticsEvent[];
}

function pair(protocol: TransportProtocol = 'UDP') {
  const clock = new FakeClock();
  const [ta, tb] = createMemoryTransportPair({ protocol, clock, latencyMs: 5 });
  const side = (transport: MemoryTransport, answer?: (req: SipRequest, tx: ServerTransaction) => void): Side => {
    const s: Side = { transport, requests: [], acks: [], strays: [], events: [], layer: undefined as unknown as TransactionLayer };
    s.layer = new TransactionLayer({
      clock,
      user: {
        onRequest: (request, tx) => { s.requests.push({ request, tx }); answer?.(request, tx); },
        onAck: (ack) => s.acks.push(ack),
        onStrayResponse: (r) => s.strays.push(r),
      },
    });
    s.layer.diagnostics.subscribe((e) => s.events.push(e));
    s.layer.attach(transport);
    return s;
  };
  return { clock, side, ta, tb };
}

function makeRequest(method: string, from: MemoryTransport, options: { branch?: string; cseq?: number } = {}): SipRequest {
  const built = buildRequest({
    method, uri: 'sip:bob@127.0.0.1:5070', cseq: options.cseq ?? 1,
    via: [{ transport: from.protocol, host: from.sentBy.host, port: from.sentBy.port, branch: options.branch ?? `z9hG4bK${randomToken()}`, rport: true }],
    from: { uri: 'sip:alice@127.0.0.1', tag: 'alice-tag' },
    to: { uri: 'sip:bob@127.0.0.1' },
    callId: `call-${randomToken()}`,
  });
  if (!built.ok) throw new Error(built.error.message);
  return built.value;
}

function reply(request: SipRequest, status: number): SipResponse {
  const built = buildResponseTo(request, { status, toTag: 'bob-tag' });
  if (!built.ok) throw new Error(built.error.message);
  return built.value;
}

const collectingUser = () => {
  const got: string[] = [];
  return {
    got,
    user: {
      onResponse: (r: SipResponse) => got.push(String(r.status)),
      onTimeout: () => got.push('timeout'),
      onTransportError: (e: Error) => got.push(`transport: ${e.message}`),
    },
  };
};

describe('transaction layer over an in-memory UDP pair', () => {
  it('carries an OPTIONS and its 200 between two user agents, and forgets both transactions afterwards', () => {
    const { clock, side, ta, tb } = pair();
    const a = side(ta);
    const b = side(tb, (req, tx) => tx.respond(reply(req, 200)));
    const { got, user } = collectingUser();
    a.layer.sendRequest(makeRequest('OPTIONS', ta), { transport: ta, destination: tb.address }, user);
    clock.advance(20);
    expect(got).toEqual(['200']);
    expect(b.requests.map((r) => r.request.method)).toEqual(['OPTIONS']);
    expect(a.layer.size + b.layer.size).toBe(2);
    clock.advance(64 * 500);
    expect(a.layer.size + b.layer.size).toBe(0);
    const kinds = a.events.map((e) => e.type);
    expect(kinds).toContain('message-sent');
    expect(kinds).toContain('message-received');
  });

  it('a lost request is retransmitted by Timer E and reaches the far end once as a new request', () => {
    const { clock, side, ta, tb } = pair();
    const a = side(ta);
    const b = side(tb, (req, tx) => tx.respond(reply(req, 200)));
    ta.intercept((packet) => (packet.index === 0 ? 'drop' : 'deliver'));
    const { got, user } = collectingUser();
    a.layer.sendRequest(makeRequest('OPTIONS', ta), { transport: ta, destination: tb.address }, user);
    clock.advance(600);
    expect(got).toEqual(['200']);
    expect(b.requests).toHaveLength(1);
    expect(a.events.filter((e) => e.type === 'retransmission-sent')).toHaveLength(1);
  });

  it('ACKs a 486 hop by hop: the far end\'s server transaction absorbs the ACK (Confirmed), its core never sees it', () => {
    const { clock, side, ta, tb } = pair();
    const a = side(ta);
    const b = side(tb, (req, tx) => tx.respond(reply(req, 486)));
    const { got, user } = collectingUser();
    a.layer.sendRequest(makeRequest('INVITE', ta), { transport: ta, destination: tb.address }, user);
    clock.advance(50);
    expect(got).toEqual(['486']);
    expect(b.requests[0]!.tx.state).toBe('Confirmed');
    expect(b.acks).toEqual([]);
  });

  it('hands the ACK for a 2xx to the core, and 2xx retransmissions after the transaction to the core as strays', () => {
    const { clock, side, ta, tb } = pair();
    const a = side(ta);
    const b = side(tb, (req, tx) => tx.respond(reply(req, 200)));
    const { got, user } = collectingUser();
    const invite = makeRequest('INVITE', ta);
    a.layer.sendRequest(invite, { transport: ta, destination: tb.address }, user);
    clock.advance(50);
    expect(got).toEqual(['200']);
    const ack = buildRequest({
      method: 'ACK', uri: 'sip:bob@127.0.0.1:5070', cseq: { seq: 1, method: 'ACK' },
      via: [{ transport: 'UDP', host: ta.sentBy.host, port: ta.sentBy.port, branch: `z9hG4bK${randomToken()}` }],
      from: invite.from, to: { uri: 'sip:bob@127.0.0.1', tag: 'bob-tag' }, callId: invite.callId,
    });
    if (!ack.ok) throw new Error(ack.error.message);
    void a.layer.sendAck(ack.value, { transport: ta, destination: tb.address });
    clock.advance(50);
    expect(b.acks.map((m) => m.method)).toEqual(['ACK']);
    // After Timer M the UAC's transaction is gone; a late 2xx goes to its core.
    clock.advance(40_000);
    void b.layer.sendStateless(reply(invite, 200), { transport: tb, destination: ta.address });
    clock.advance(50);
    expect(a.strays.map((r) => r.status)).toEqual([200]);
  });

  it('matches a CANCEL to its INVITE server transaction (§9.2)', () => {
    const { clock, side, ta, tb } = pair();
    const a = side(ta);
    const b = side(tb);
    const invite = makeRequest('INVITE', ta, { branch: 'z9hG4bKcancelme' });
    a.layer.sendRequest(invite, { transport: ta, destination: tb.address }, collectingUser().user);
    clock.advance(50);
    const cancel = makeRequest('CANCEL', ta, { branch: 'z9hG4bKcancelme' });
    a.layer.sendRequest(cancel, { transport: ta, destination: tb.address }, collectingUser().user);
    clock.advance(50);
    const received = b.requests.map((r) => r.request);
    expect(received.map((r) => r.method)).toEqual(['INVITE', 'CANCEL']);
    expect(b.layer.inviteForCancel(received[1]!)).toBe(b.requests[0]!.tx);
  });

  it('answers a malformed request with a 400 naming the problem, and keeps working', () => {
    const { clock, side, ta, tb } = pair();
    side(ta);
    const b = side(tb, (req, tx) => tx.respond(reply(req, 200)));
    const answers: string[] = [];
    ta.on('message', (m) => answers.push(Buffer.from(m.data).toString('latin1').split('\r\n')[0]!));
    const bad = [
      'OPTIONS sip:bob@127.0.0.1:5070 SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKbad1;rport',
      'From: <sip:alice@127.0.0.1>;tag=x', 'To: <sip:bob@127.0.0.1>', 'Call-ID: bad-1',
      'CSeq: 1 OPTIONS', 'Max-Forwards: seventy', 'Content-Length: 0', '', '',
    ].join('\r\n');
    void ta.send(Buffer.from(bad, 'latin1'), tb.address);
    clock.advance(20);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatch(/^SIP\/2\.0 400 .*Max-Forwards/);
    const malformed = b.events.find((e) => e.type === 'message-malformed');
    expect(malformed && malformed.type === 'message-malformed' && malformed.answeredWith).toBe(400);
    expect(b.requests).toHaveLength(0);
  });

  it('drops, and reports, a malformed request too broken to answer', () => {
    const { clock, side, ta, tb } = pair();
    side(ta);
    const b = side(tb);
    const answers: unknown[] = [];
    ta.on('message', (m) => answers.push(m));
    void ta.send(Buffer.from('INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: garbage\r\n\r\n', 'latin1'), tb.address);
    clock.advance(20);
    expect(answers).toEqual([]);
    expect(b.events.some((e) => e.type === 'message-malformed')).toBe(true);
  });

  it('discards a response whose top Via sent-by is not the request\'s (§18.1.2)', () => {
    const { clock, side, ta, tb } = pair();
    const a = side(ta);
    side(tb, (req, tx) => tx.respond(reply(req, 200)));
    const { got, user } = collectingUser();
    const request = makeRequest('OPTIONS', ta, { branch: 'z9hG4bKsentby' });
    a.layer.sendRequest(request, { transport: ta, destination: tb.address }, user);
    const forged = buildRequest({
      method: 'OPTIONS', uri: 'sip:x@127.0.0.1', cseq: 1, callId: request.callId,
      via: [{ transport: 'UDP', host: '192.0.2.1', port: 5060, branch: 'z9hG4bKsentby' }],
      from: request.from, to: { uri: 'sip:bob@127.0.0.1' },
    });
    if (!forged.ok) throw new Error(forged.error.message);
    a.layer.receive(ta, { data: reply(forged.value, 503).toBytes(), source: tb.address, local: ta.address });
    expect(got).toEqual([]);
    clock.advance(20);
    expect(got).toEqual(['200']);
  });

  it('fails the transactions riding on a connection the moment it drops (§18.4), on both sides', () => {
    const { clock, side, ta, tb } = pair('TCP');
    const a = side(ta);
    const b = side(tb);
    const { got, user } = collectingUser();
    const invite = a.layer.sendRequest(makeRequest('INVITE', ta), { transport: ta, destination: tb.address }, user);
    const done = a.layer.sendRequest(makeRequest('OPTIONS', ta), { transport: ta, destination: tb.address }, collectingUser().user);
    clock.advance(20);
    const serverFailures: string[] = [];
    b.requests[0]!.tx.onFailure((f) => serverFailures.push(f.kind));
    b.requests[1]!.tx.respond(reply(b.requests[1]!.request, 200));
    clock.advance(20);
    expect(done.state).toBe('Terminated');
    ta.failFlow('connection reset by peer');
    expect(got).toEqual(['transport: connection tcp:127.0.0.1:5070 failed: connection reset by peer']);
    expect(invite.state).toBe('Terminated');
    expect(serverFailures).toEqual(['transport']);
    expect(a.layer.size + b.layer.size).toBe(0);
  });

  it('sends a request over 1300 bytes by TCP instead of UDP when it can, fixing the top Via (§18.1.1)', () => {
    const { clock, side, ta, tb } = pair('UDP');
    const tcp = pair('TCP');
    const a = side(ta);
    const b = tcp.side(tcp.tb);
    a.layer.attach(tcp.ta);
    const big = buildRequest({
      method: 'MESSAGE', uri: 'sip:bob@127.0.0.1:5070', cseq: 1,
      via: [{ transport: 'UDP', host: ta.sentBy.host, port: ta.sentBy.port, branch: 'z9hG4bKbigone', rport: true }],
      from: { uri: 'sip:alice@127.0.0.1', tag: 'a' }, to: { uri: 'sip:bob@127.0.0.1' }, callId: 'big-1',
      body: 'x'.repeat(1400), contentType: 'text/plain',
    });
    if (!big.ok) throw new Error(big.error.message);
    const tx = a.layer.sendRequest(big.value, { transport: ta, destination: tb.address }, collectingUser().user,
      { congestionControlled: { transport: tcp.ta, destination: tcp.tb.address } });
    clock.advance(20);
    tcp.clock.advance(20);
    expect(ta.sent).toHaveLength(0);
    expect(b.requests).toHaveLength(1);
    expect(b.requests[0]!.request.topVia.transport).toBe('TCP');
    expect(b.requests[0]!.request.topVia.branch).toBe('z9hG4bKbigone');
    const choice = a.events.find((e) => e.type === 'transport-choice');
    expect(choice && choice.type === 'transport-choice' && choice.transport).toBe('TCP');
    expect(tx.state).toBe('Trying');
  });

  it('still sends a large request over UDP when no TCP route exists, and says so', () => {
    const { clock, side, ta, tb } = pair('UDP');
    const a = side(ta);
    const b = side(tb);
    const big = buildRequest({
      method: 'MESSAGE', uri: 'sip:bob@127.0.0.1:5070', cseq: 1,
      via: [{ transport: 'UDP', host: ta.sentBy.host, port: ta.sentBy.port, branch: 'z9hG4bKbigtwo' }],
      from: { uri: 'sip:alice@127.0.0.1', tag: 'a' }, to: { uri: 'sip:bob@127.0.0.1' }, callId: 'big-2',
      body: 'x'.repeat(1400), contentType: 'text/plain',
    });
    if (!big.ok) throw new Error(big.error.message);
    a.layer.sendRequest(big.value, { transport: ta, destination: tb.address }, collectingUser().user);
    clock.advance(20);
    expect(b.requests).toHaveLength(1);
    const choice = a.events.find((e) => e.type === 'transport-choice');
    expect(choice && choice.type === 'transport-choice' && choice.note).toMatch(/none is configured/);
  });

  it('leaves no transaction behind after many complete (count returns to 0)', () => {
    const { clock, side, ta, tb } = pair('TCP');
    const a = side(ta);
    const b = side(tb, (req, tx) => tx.respond(reply(req, 200)));
    for (let i = 0; i < 500; i++) {
      a.layer.sendRequest(makeRequest(i % 2 ? 'INVITE' : 'OPTIONS', ta), { transport: ta, destination: tb.address }, collectingUser().user);
    }
    clock.advance(20);
    expect(b.requests).toHaveLength(500);
    clock.advance(64 * 500 + 1);
    expect(a.layer.size).toBe(0);
    expect(b.layer.size).toBe(0);
  });
});
