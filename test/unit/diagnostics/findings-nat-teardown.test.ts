// Two judgements the lab's fault options exercise: a private Contact behind a
// proxy that record-routes but did not fix it for the NAT (unroutable-contact
// all the same), and a callee with a short T1 that tears the call down for a
// missing ACK, read with the default T1 (missing-ack, not bye-before-ack).
import { describe, expect, it } from 'vitest';
import { buildTraceModel, type MessageInput } from '../../../src/diagnostics/model-builder.js';
import { PROXY, request, response, sdp, Trace, UAC, UAS } from './crafted.js';

const RR = 'Record-Route: <sip:192.0.2.1;lr>';
const callerVia = '192.0.2.10:5060;branch=z9hG4bK-invite-1;rport=5060;received=192.0.2.10';
const proxyVia = '192.0.2.1:5060;branch=z9hG4bK-p1';

/** Caller -> proxy (record-routes) -> callee, the caller's Contact on `contactHost`, sent from `from`. */
function viaProxy(contactHost: string, from = UAC): Trace {
  const contact = `sip:alice@${contactHost}:5060`;
  const invite = request('INVITE', { body: sdp, contact });
  const relayed = request('INVITE', { body: sdp, contact, via: [proxyVia, callerVia.replace(/192\.0\.2\.10$/, from.address)], headers: [RR] });
  const okFar = response(200, 'INVITE', { toTag: 'b1', body: sdp, via: [proxyVia, callerVia], headers: [RR] });
  const okNear = response(200, 'INVITE', { toTag: 'b1', body: sdp, via: [callerVia], headers: [RR] });
  const ack = request('ACK', { toTag: 'b1', via: ['192.0.2.10:5060;branch=z9hG4bK-ack'], uri: 'sip:bob@192.0.2.20:5060', headers: ['Route: <sip:192.0.2.1;lr>'] });
  return new Trace().add(0, from, PROXY, invite).add(2, PROXY, UAS, relayed).add(100, UAS, PROXY, okFar).add(102, PROXY, from, okNear)
    .add(110, from, PROXY, ack);
}

describe('unroutable-contact behind a record-routing proxy', () => {
  it('a private Contact sent from another (public) address: the Record-Route does not make it reachable', () => {
    const f = viaProxy('10.0.0.7').model().calls[0]!.findings;
    expect(f.map((x) => x.code)).toEqual(['unroutable-contact']);
    expect(f[0]!.explanation).toMatch(/caller's Contact sip:alice@10\.0\.0\.7:5060 .* is a private address \(RFC 1918\); its sender sent it from 192\.0\.2\.10, and the Record-Route does not help/);
  });

  it('not when the proxy got it straight from that (private) address: the record-routing proxy can reach it', () => {
    expect(viaProxy('10.0.0.7', { ...UAC, address: '10.0.0.7' }).codes()).toEqual([]);
  });

  it('not for a public Contact', () => {
    expect(viaProxy('192.0.2.10').codes()).toEqual([]);
  });

  it('the caller\'s own live view (no source address for what it sent): the proxy\'s received= on its Via tells', () => {
    const raw = (text: string) => new TextEncoder().encode(text);
    const contact = 'sip:alice@10.0.0.7:5060';
    const inputs: MessageInput[] = [
      { at: 0, direction: 'sent', dst: PROXY, transport: 'UDP', raw: raw(request('INVITE', { body: sdp, contact })) },
      { at: 100, direction: 'received', src: PROXY, transport: 'UDP', raw: raw(response(200, 'INVITE', { toTag: 'b1', body: sdp, via: [callerVia], headers: [RR] })) },
    ];
    const f = buildTraceModel({ source: 'live', messages: inputs }).calls[0]!.findings;
    expect(f.map((x) => x.code)).toEqual(['unroutable-contact']);
    expect(f[0]!.explanation).toMatch(/the first proxy saw it come from 192\.0\.2\.10 \(Via received=\)/);
  });
});

describe('a callee with a short T1 that gives up on the ACK', () => {
  const invite = request('INVITE', { body: sdp });
  const ok = response(200, 'INVITE', { toTag: 'b1', body: sdp });
  const calleeBye = request('BYE', { fromTag: 'b1', toTag: 'a1', cseq: 1, uri: 'sip:x@192.0.2.10:5060', via: ['192.0.2.20:5060;branch=z9hG4bK-cb'] });

  it('T1 = 50 ms: 2xx at 50, 100, 200, 400 ms intervals, BYE at 64·T1 = 3.2 s: missing-ack, not bye-before-ack (read with T1 = 500)', () => {
    const t = new Trace().add(0, UAC, UAS, invite).add(100, UAS, UAC, ok)
      .repeat([155, 260, 465, 870, 1275, 1680, 2085, 2490, 2895, 3300], UAS, UAC, ok).add(3305, UAS, UAC, calleeBye);
    expect(t.codes()).toEqual(['missing-ack']);
  });

  it('but a BYE 1 s after the 2xx with T1 = 500 ms (one retransmission) is still bye-before-ack', () => {
    const t = new Trace().add(0, UAC, UAS, invite).add(100, UAS, UAC, ok).repeat([600], UAS, UAC, ok).add(1100, UAS, UAC, calleeBye);
    expect(t.codes()).toEqual(['missing-ack', 'bye-before-ack']);
  });
});

describe('a re-INVITE through a record-routing proxy, refused with 491 (glare)', () => {
  // Caller -> proxy -> callee; the re-INVITE (CSeq 2) gets the proxy's 100 (with the dialog's To tag, as
  // §8.2.6.2 wants for a request that had one) and the callee's 491, which the proxy ACKs hop by hop, without
  // Route (the INVITE it relayed had none left).
  const RR2 = 'Record-Route: <sip:192.0.2.1;lr>';
  const invite = request('INVITE', { body: sdp });
  const okNear = response(200, 'INVITE', { toTag: 'b1', body: sdp, headers: [RR2] });
  const ack = request('ACK', { toTag: 'b1', via: ['192.0.2.10:5060;branch=z9hG4bK-ack'], headers: ['Route: <sip:192.0.2.1;lr>'] });
  const reinvite = request('INVITE', { toTag: 'b1', cseq: 2, body: sdp, headers: ['Route: <sip:192.0.2.1;lr>'] });
  const relayed = request('INVITE', { toTag: 'b1', cseq: 2, body: sdp, via: [proxyVia, '192.0.2.10:5060;branch=z9hG4bK-invite-2'] });
  const trying = response(100, 'INVITE', { toTag: 'b1', cseq: 2 });
  const pendingFar = response(491, 'INVITE', { toTag: 'b1', cseq: 2, via: [proxyVia, '192.0.2.10:5060;branch=z9hG4bK-invite-2'] });
  const proxyAck = request('ACK', { toTag: 'b1', cseq: 2, via: [proxyVia] });
  const pendingNear = response(491, 'INVITE', { toTag: 'b1', cseq: 2 });
  const hopAck = request('ACK', { toTag: 'b1', cseq: 2, via: ['192.0.2.10:5060;branch=z9hG4bK-invite-2'], headers: ['Route: <sip:192.0.2.1;lr>'] });

  it('is glare only: no trying-with-to-tag for the re-INVITE\'s 100, no route-set-mismatch for the proxy\'s own ACK of the 491', () => {
    const t = new Trace().add(0, UAC, PROXY, invite).add(100, PROXY, UAC, okNear).add(110, UAC, PROXY, ack)
      .add(1000, UAC, PROXY, reinvite).add(1001, PROXY, UAC, trying).add(1002, PROXY, UAS, relayed)
      .add(1010, UAS, PROXY, pendingFar).add(1011, PROXY, UAS, proxyAck).add(1012, PROXY, UAC, pendingNear).add(1013, UAC, PROXY, hopAck);
    expect(t.codes()).toEqual(['glare']);
  });

  it('a 100 Trying with a To tag to an initial INVITE is still named', () => {
    const tagged = response(100, 'INVITE', { toTag: 'x9' });
    expect(new Trace().add(0, UAC, UAS, invite).add(5, UAS, UAC, tagged).codes()).toEqual(['trying-with-to-tag']);
  });
});
