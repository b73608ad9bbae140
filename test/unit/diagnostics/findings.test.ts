// Every finding code on crafted traces: one that shows it, and a close one that must not.
import { describe, expect, it } from 'vitest';
import { FINDING_CODES } from '../../../src/trace/finding-codes.js';
import { CATALOGUE } from '../../../src/diagnostics/findings/catalogue.js';
import { PROXY, request, response, sdp, Trace, UAC, UAS } from './crafted.js';

const invite = request('INVITE', { body: sdp });
const trying = response(100, 'INVITE');
const ringing = response(180, 'INVITE', { toTag: 'b1' });
const ok = response(200, 'INVITE', { toTag: 'b1', body: sdp });
const ack = request('ACK', { toTag: 'b1', via: ['192.0.2.10:5060;branch=z9hG4bK-ack-1'] });
const bye = request('BYE', { toTag: 'b1', cseq: 2 });
const byeOk = response(200, 'BYE', { toTag: 'b1', cseq: 2 });

function cleanCall(): Trace {
  return new Trace()
    .add(0, UAC, UAS, invite).add(10, UAS, UAC, trying).add(20, UAS, UAC, ringing)
    .add(1000, UAS, UAC, ok).add(1010, UAC, UAS, ack).add(5000, UAC, UAS, bye).add(5010, UAS, UAC, byeOk);
}

describe('findings catalogue', () => {
  it('has an entry (title, RFC, next steps) for every code', () => {
    for (const code of FINDING_CODES) {
      expect(CATALOGUE[code].rfc).toMatch(/^RFC \d+/);
      expect(CATALOGUE[code].nextSteps.length).toBeGreaterThan(0);
    }
  });

  it('a clean call has no findings, and its model has its transactions and confirmed-then-terminated dialog', () => {
    const model = cleanCall().model();
    expect(model.calls).toHaveLength(1);
    const call = model.calls[0]!;
    expect(call.findings).toEqual([]);
    expect(call.transactions.map((t) => `${t.method} ${t.finalStatus}`)).toEqual(['INVITE 200', 'BYE 200']);
    expect(call.dialogs).toMatchObject([{ state: 'terminated', callerTag: 'a1', calleeTag: 'b1', createdBy: 2, confirmedBy: 3, terminatedBy: 5 }]);
    expect(call.unmatched).toEqual([4]); // the ACK for the 2xx is no transaction's
  });
});

describe('missing-ack', () => {
  it('2xx retransmitted T1, 2T1, 4T1, ... with no ACK, then the callee hangs up', () => {
    const t = new Trace().add(0, UAC, UAS, invite).add(10, UAS, UAC, ringing).add(1000, UAS, UAC, ok)
      .repeat([1500, 2500, 4500, 8500, 12500], UAS, UAC, ok)
      .add(33000, UAS, UAC, request('BYE', { fromTag: 'b1', toTag: 'a1', cseq: 1, via: ['192.0.2.20:5060;branch=z9hG4bK-cbye'] }));
    const f = t.model().calls[0]!.findings.find((x) => x.code === 'missing-ack')!;
    expect(f.severity).toBe('error');
    expect(f.messages).toEqual([0, 2, 3, 4, 5, 6, 7, 8]);
    expect(f.explanation).toMatch(/retransmitted 5 time/);
    expect(f.explanation).toMatch(/BYE 32 s after/);
    expect(t.codes()).not.toContain('bye-before-ack');
  });

  it('not when the ACK arrives (even late), nor when a 2xx is seen once', () => {
    const late = new Trace().add(0, UAC, UAS, invite).add(1000, UAS, UAC, ok).repeat([1500], UAS, UAC, ok).add(1600, UAC, UAS, ack);
    expect(late.codes()).toEqual([]);
    const once = new Trace().add(0, UAC, UAS, invite).add(1000, UAS, UAC, ok);
    expect(once.codes()).toEqual([]);
  });

  it('through a proxy: the ACK that reached the proxy but not the callee still counts as missing, once for both legs', () => {
    const inv2 = request('INVITE', { body: sdp, via: ['192.0.2.1:5060;branch=z9hG4bK-p1', '192.0.2.10:5060;branch=z9hG4bK-invite-1'], headers: ['Record-Route: <sip:192.0.2.1;lr>'] });
    const ok2 = response(200, 'INVITE', { toTag: 'b1', body: sdp, via: ['192.0.2.1:5060;branch=z9hG4bK-p1', '192.0.2.10:5060;branch=z9hG4bK-invite-1'], headers: ['Record-Route: <sip:192.0.2.1;lr>'] });
    const ok1 = response(200, 'INVITE', { toTag: 'b1', body: sdp, headers: ['Record-Route: <sip:192.0.2.1;lr>'] });
    const t = new Trace().add(0, UAC, PROXY, invite).add(5, PROXY, UAS, inv2).add(100, UAS, PROXY, ok2).add(105, PROXY, UAC, ok1)
      .repeat([600, 1600], UAS, PROXY, ok2).repeat([605, 1605], PROXY, UAC, ok1);
    const findings = t.model().calls[0]!.findings.filter((f) => f.code === 'missing-ack');
    expect(findings).toHaveLength(1);
    expect(findings[0]!.messages).toEqual(expect.arrayContaining([2, 3, 4, 5, 6, 7]));
  });
});

describe('missing-ack seen from the caller (its own trace: the ACK left, did it arrive?)', () => {
  const calleeBye = request('BYE', { fromTag: 'b1', toTag: 'a1', cseq: 1, uri: 'sip:x@192.0.2.10:5060', via: ['192.0.2.20:5060;branch=z9hG4bK-cbye'] });
  it('the 2xx keeps coming after our ACK (each re-ACKed), then the callee hangs up: missing-ack, not bye-before-ack', () => {
    const t = new Trace().sent(0, UAS, invite).received(10, UAS, ringing).received(1000, UAS, ok).sent(1001, UAS, ack);
    for (const at of [1500, 2500, 4500, 8500]) t.received(at, UAS, ok).sent(at + 1, UAS, ack);
    t.received(33000, UAS, calleeBye);
    const model = t.model();
    expect(model.calls[0]!.findings.map((f) => f.code)).toEqual(['missing-ack']);
    const f = model.calls[0]!.findings[0]!;
    expect(f.explanation).toMatch(/was ACKed here 0\.001 s after it arrived, yet it was retransmitted 4 more time\(s\) \(\+0\.5 s, \+1\.5 s, \+3\.5 s, \+7\.5 s\)/);
    expect(f.explanation).toMatch(/BYE 32 s after/);
  });

  it('not for the one retransmission that crossed our ACK, nor when our ACK ended them', () => {
    const crossed = new Trace().sent(0, UAS, invite).received(1000, UAS, ok).sent(1001, UAS, ack).received(1500, UAS, ok).sent(1501, UAS, ack);
    expect(crossed.codes()).toEqual([]);
    const clean = new Trace().sent(0, UAS, invite).received(1000, UAS, ok).sent(1001, UAS, ack);
    expect(clean.codes()).toEqual([]);
  });

  it('the callee\'s own trace with the ACK received is no finding, however many 2xx went before it', () => {
    const t = new Trace().received(0, UAC, invite).sent(1000, UAC, ok);
    for (const at of [1500, 2500, 4500]) t.sent(at, UAC, ok);
    t.received(4600, UAC, ack);
    expect(t.codes()).toEqual([]);
  });
});

describe('missing-ack-non2xx', () => {
  const busy = response(486, 'INVITE', { toTag: 'b1' });
  it('486 retransmitted with no ACK', () => {
    const t = new Trace().add(0, UAC, UAS, invite).add(10, UAS, UAC, busy).repeat([510, 1510, 3510], UAS, UAC, busy);
    expect(t.codes()).toEqual(['missing-ack-non2xx']);
  });
  it('not when the hop-by-hop ACK (same branch) comes back', () => {
    const ack486 = request('ACK', { toTag: 'b1' });
    const t = new Trace().add(0, UAC, UAS, invite).add(10, UAS, UAC, busy).repeat([510], UAS, UAC, busy).add(520, UAC, UAS, ack486);
    expect(t.codes()).toEqual([]);
    expect(t.model().calls[0]!.transactions[0]!.states.map((s) => s.to)).toEqual(['Completed', 'Confirmed']);
  });
});

describe('missing-prack and rseq-violation', () => {
  const rel = (rseq: number, status = 183) => response(status, 'INVITE', { toTag: 'b1', body: sdp, headers: ['Require: 100rel', `RSeq: ${rseq}`] });
  const prack = (rseq: number) => request('PRACK', { toTag: 'b1', cseq: 2, headers: [`RAck: ${rseq} 1 INVITE`] });
  it('reliable 183 retransmitted and never PRACKed (and the INVITE did not offer 100rel)', () => {
    const t = new Trace().add(0, UAC, UAS, invite).add(10, UAS, UAC, rel(1)).repeat([510, 1510], UAS, UAC, rel(1));
    const f = t.model().calls[0]!.findings;
    expect(f.map((x) => x.code)).toEqual(['missing-prack']);
    expect(f[0]!.explanation).toMatch(/did not offer 100rel/);
  });
  it('no finding when the PRACK comes', () => {
    const t = new Trace().add(0, UAC, UAS, invite).add(10, UAS, UAC, rel(1)).repeat([510], UAS, UAC, rel(1))
      .add(520, UAC, UAS, prack(1)).add(530, UAS, UAC, response(200, 'PRACK', { toTag: 'b1', cseq: 2 }));
    expect(t.codes()).toEqual([]);
  });
  it('seen from the caller: the reliable 183 still retransmitted after our PRACK (answered 200) is missing-prack', () => {
    const prackOk = response(200, 'PRACK', { toTag: 'b1', cseq: 2 });
    const t = new Trace().sent(0, UAS, invite).received(10, UAS, rel(1)).sent(11, UAS, prack(1)).received(20, UAS, prackOk)
      .received(510, UAS, rel(1)).received(1510, UAS, rel(1)).received(3510, UAS, rel(1));
    const f = t.model().calls[0]!.findings;
    expect(f.map((x) => x.code)).toEqual(['missing-prack']);
    expect(f[0]!.explanation).toMatch(/was PRACKed here 0\.001 s after it arrived, yet it was retransmitted 3 more time\(s\)/);
    const crossed = new Trace().sent(0, UAS, invite).received(10, UAS, rel(1)).sent(11, UAS, prack(1)).received(510, UAS, rel(1)).received(520, UAS, prackOk);
    expect(crossed.codes()).toEqual([]);
  });
  it('RSeq jumping by two', () => {
    const t = new Trace().add(0, UAC, UAS, invite).add(10, UAS, UAC, rel(1, 180)).add(20, UAC, UAS, prack(1))
      .add(30, UAS, UAC, rel(3)).add(40, UAC, UAS, prack(3));
    expect(t.codes()).toEqual(['rseq-violation']);
  });
  it('PRACK whose RAck matches nothing', () => {
    const t = new Trace().add(0, UAC, UAS, invite).add(10, UAS, UAC, rel(5)).add(20, UAC, UAS, prack(4));
    expect(t.codes()).toEqual(['rseq-violation']);
  });
  it('RSeq 1 then 2 is fine', () => {
    const t = new Trace().add(0, UAC, UAS, invite).add(10, UAS, UAC, rel(1, 180)).add(20, UAC, UAS, prack(1))
      .add(30, UAS, UAC, rel(2)).add(40, UAC, UAS, prack(2));
    expect(t.codes()).toEqual([]);
  });
});

describe('unreliable-early-media', () => {
  const offering = request('INVITE', { body: sdp, headers: ['Supported: 100rel'] });
  it('183 with SDP and no 100rel, to a caller that offered 100rel', () => {
    const t = new Trace().add(0, UAC, UAS, offering).add(10, UAS, UAC, response(183, 'INVITE', { toTag: 'b1', body: sdp }));
    expect(t.codes()).toEqual(['unreliable-early-media']);
  });
  it('not to a caller that did not offer 100rel: an unreliable 183 is the only RFC-correct choice then (RFC 3262 §3)', () => {
    const t = new Trace().add(0, UAC, UAS, invite).add(10, UAS, UAC, response(183, 'INVITE', { toTag: 'b1', body: sdp }));
    expect(t.codes()).toEqual([]);
  });
  it('not for a 180 without a body, nor for a reliable 183', () => {
    const t = new Trace().add(0, UAC, UAS, offering).add(10, UAS, UAC, ringing)
      .add(20, UAS, UAC, response(183, 'INVITE', { toTag: 'b1', body: sdp, headers: ['Require: 100rel', 'RSeq: 1'] }))
      .add(30, UAC, UAS, request('PRACK', { toTag: 'b1', cseq: 2, headers: ['RAck: 1 1 INVITE'] }));
    expect(t.codes()).toEqual([]);
  });
});

describe('require-ignored', () => {
  const requiring = request('INVITE', { body: sdp, headers: ['Require: 100rel', 'Supported: 100rel'] });
  it('an unreliable 180 and a 200 to an INVITE that required 100rel, instead of 420 (RFC 3261 §8.2.2.3)', () => {
    const t = new Trace().add(0, UAC, UAS, requiring).add(10, UAS, UAC, ringing).add(1000, UAS, UAC, ok).add(1010, UAC, UAS, ack);
    const f = t.model().calls[0]!.findings.find((x) => x.code === 'require-ignored')!;
    expect(t.codes()).toEqual(['require-ignored']);
    expect(f.severity).toBe('error');
    expect(f.messages).toEqual([0, 1, 2]);
    expect(f.explanation).toMatch(/Require: 100rel.*unreliable 180.*420 Bad Extension; it then answered 200/);
  });
  it('not when the UAS refuses with 420, nor when its provisionals are reliable, nor when 100rel was only supported', () => {
    const refused = new Trace().add(0, UAC, UAS, requiring).add(10, UAS, UAC, response(420, 'INVITE', { toTag: 'b1', headers: ['Unsupported: 100rel'] }))
      .add(20, UAC, UAS, request('ACK', { toTag: 'b1' }));
    expect(refused.codes()).toEqual([]);
    const reliable = new Trace().add(0, UAC, UAS, requiring)
      .add(10, UAS, UAC, response(180, 'INVITE', { toTag: 'b1', headers: ['Require: 100rel', 'RSeq: 1'] }))
      .add(20, UAC, UAS, request('PRACK', { toTag: 'b1', cseq: 2, headers: ['RAck: 1 1 INVITE'] }))
      .add(30, UAS, UAC, response(200, 'PRACK', { toTag: 'b1', cseq: 2 }));
    expect(reliable.codes()).toEqual([]);
    const supportedOnly = new Trace().add(0, UAC, UAS, request('INVITE', { body: sdp, headers: ['Supported: 100rel'] })).add(10, UAS, UAC, ringing);
    expect(supportedOnly.codes()).toEqual([]);
  });
});

describe('prack-failed', () => {
  const reliable183 = response(183, 'INVITE', { toTag: 'b1', body: sdp, headers: ['Require: 100rel', 'RSeq: 1'] });
  const prack = request('PRACK', { toTag: 'b1', cseq: 2, headers: ['RAck: 1 1 INVITE'] });
  it('a 501 to a PRACK (the UAS sent reliable provisionals without implementing PRACK)', () => {
    const t = new Trace().add(0, UAC, UAS, invite).add(10, UAS, UAC, reliable183).add(20, UAC, UAS, prack)
      .add(30, UAS, UAC, response(501, 'PRACK', { toTag: 'b1', cseq: 2 })).add(1000, UAS, UAC, ok).add(1010, UAC, UAS, ack);
    const f = t.model().calls[0]!.findings.find((x) => x.code === 'prack-failed')!;
    expect(f).toMatchObject({ severity: 'error', messages: [2, 3] });
    expect(f.explanation).toMatch(/PRACK \(RAck 1 1 INVITE\) got 501 .*does not implement PRACK/);
  });
  it('a 481 says the PRACK matched nothing; a 200 is no finding', () => {
    const t481 = new Trace().add(0, UAC, UAS, invite).add(10, UAS, UAC, reliable183).add(20, UAC, UAS, prack)
      .add(30, UAS, UAC, response(481, 'PRACK', { toTag: 'b1', cseq: 2 }));
    expect(t481.model().calls[0]!.findings.find((x) => x.code === 'prack-failed')?.explanation).toMatch(/matched it to no reliable provisional/);
    const t200 = new Trace().add(0, UAC, UAS, invite).add(10, UAS, UAC, reliable183).add(20, UAC, UAS, prack)
      .add(30, UAS, UAC, response(200, 'PRACK', { toTag: 'b1', cseq: 2 }));
    expect(t200.codes()).toEqual([]);
  });
});

describe('trying-with-to-tag', () => {
  it('100 with a To tag', () => {
    expect(new Trace().add(0, UAC, UAS, invite).add(10, UAS, UAC, response(100, 'INVITE', { toTag: 'x' })).add(20, UAS, UAC, ringing).codes())
      .toEqual(['trying-with-to-tag']);
  });
  it('not for a plain 100', () => {
    expect(new Trace().add(0, UAC, UAS, invite).add(10, UAS, UAC, trying).codes()).toEqual([]);
  });
});

describe('no-provisional', () => {
  it('INVITE retransmitted with no response at all (error)', () => {
    const f = new Trace().repeat([0, 500, 1500, 3500, 7500, 15500, 31500], UAC, UAS, invite).model().calls[0]!.findings;
    expect(f.map((x) => `${x.code}:${x.severity}`)).toEqual(['no-provisional:error']);
    expect(f[0]!.explanation).toMatch(/retransmitted 6 time/);
  });
  it('a final after retransmissions with no provisional (warning)', () => {
    const f = new Trace().repeat([0, 500], UAC, UAS, invite).add(900, UAS, UAC, response(486, 'INVITE', { toTag: 'b1' }))
      .add(910, UAC, UAS, request('ACK', { toTag: 'b1' })).model().calls[0]!.findings;
    expect(f.map((x) => `${x.code}:${x.severity}`)).toEqual(['no-provisional:warning']);
  });
  it('not when a 100 came (even after one retransmission)', () => {
    expect(new Trace().repeat([0, 500], UAC, UAS, invite).add(600, UAS, UAC, trying).codes()).toEqual([]);
  });
  it('on the silent leg only: the proxy answered 100 to the caller, the far end never answered the proxy', () => {
    const inv2 = request('INVITE', { body: sdp, via: ['192.0.2.1:5060;branch=z9hG4bK-p1', '192.0.2.10:5060;branch=z9hG4bK-invite-1'] });
    const model = new Trace().add(0, UAC, PROXY, invite).add(1, PROXY, UAC, trying).repeat([2, 502, 1502], PROXY, UAS, inv2).model();
    const f = model.calls[0]!.findings;
    expect(f.map((x) => x.code)).toEqual(['no-provisional']);
    expect(f[0]!.explanation).toMatch(/192\.0\.2\.1:5060 → 192\.0\.2\.20:5060/);
  });
});

describe('request-timeout', () => {
  const options = request('OPTIONS');
  it('non-INVITE retransmitted with no final response', () => {
    expect(new Trace().repeat([0, 500, 1500, 3500], UAC, UAS, options).codes()).toEqual(['request-timeout']);
  });
  it('not when answered', () => {
    expect(new Trace().repeat([0, 500], UAC, UAS, options).add(600, UAS, UAC, response(200, 'OPTIONS')).codes()).toEqual([]);
  });
});

describe('unroutable-contact', () => {
  const natOk = response(200, 'INVITE', { toTag: 'b1', body: sdp, contact: 'sip:bob@192.168.1.20:5060' });
  const PUBLIC_UAS = { ...UAS, address: '203.0.113.20' };
  it('2xx Contact is a private address, the 2xx came from a public one, and nobody record-routed', () => {
    const t = new Trace().add(0, UAC, PUBLIC_UAS, invite).add(100, PUBLIC_UAS, UAC, natOk);
    const f = t.model().calls[0]!.findings;
    expect(f.map((x) => x.code)).toEqual(['unroutable-contact']);
    expect(f[0]!.explanation).toMatch(/private address/);
  });
  it('not when the dialog is record-routed, nor when the Contact is the address it came from', () => {
    const rr = response(200, 'INVITE', { toTag: 'b1', body: sdp, contact: 'sip:bob@192.168.1.20:5060', headers: ['Record-Route: <sip:203.0.113.1;lr>'] });
    expect(new Trace().add(0, UAC, PUBLIC_UAS, invite).add(100, PUBLIC_UAS, UAC, rr).codes()).toEqual([]);
    const same = { ...UAS, address: '192.168.1.20' };
    expect(new Trace().add(0, UAC, same, invite).add(100, same, UAC, natOk).codes()).toEqual([]);
  });
  // A WebRTC client over WebSocket through an edge proxy to a UDP far end, both legs captured:
  // the proxy record-routes twice (WS and UDP side) and aliases the client's Contact.
  function proxiedWebSocketCall(farContact: string): Trace {
    const WS_CLIENT = { transport: 'WS', address: '192.0.2.10', port: 40000 };
    const rr = ['Record-Route: <sip:192.0.2.1:5060;r2=on;lr>', 'Record-Route: <sip:192.0.2.1:8080;transport=ws;r2=on;lr>'];
    const clientVia = 'df7jal23ls0d.invalid;branch=z9hG4bK-ws-1;rport=40000;received=192.0.2.10';
    const near = request('INVITE', { body: sdp, contact: 'sip:alice@df7jal23ls0d.invalid;transport=ws', via: ['df7jal23ls0d.invalid;branch=z9hG4bK-ws-1'] });
    const far = request('INVITE', { body: sdp, contact: farContact, via: ['192.0.2.1:5060;branch=z9hG4bK-p-1', clientVia], headers: rr });
    const farOk = response(200, 'INVITE', { toTag: 'b1', body: sdp, via: ['192.0.2.1:5060;branch=z9hG4bK-p-1', clientVia], headers: rr });
    const nearOk = response(200, 'INVITE', { toTag: 'b1', body: sdp, via: [clientVia], headers: rr });
    return new Trace().add(0, WS_CLIENT, PROXY, near).add(5, PROXY, UAS, far).add(100, UAS, PROXY, farOk).add(105, PROXY, WS_CLIENT, nearOk);
  }
  it('not for a WebSocket client\'s .invalid Contact that the record-routing edge proxy aliased (add_contact_alias)', () => {
    expect(proxiedWebSocketCall('sip:alice@df7jal23ls0d.invalid;transport=ws;alias=192.0.2.10~40000~5').codes()).toEqual([]);
  });
  it('not for one with RFC 5626 ob (the proxy keeps the flow)', () => {
    expect(proxiedWebSocketCall('sip:alice@df7jal23ls0d.invalid;transport=ws;ob').codes()).toEqual([]);
  });
  it('but when the proxy record-routes without aliasing, nobody can reach the .invalid Contact', () => {
    expect(proxiedWebSocketCall('sip:alice@df7jal23ls0d.invalid;transport=ws').codes()).toEqual(['unroutable-contact']);
  });
  it('a WebSocket caller\'s .invalid Contact without Record-Route', () => {
    const wsInvite = request('INVITE', { body: sdp, contact: 'sip:alice@df7jal23ls0d.invalid;transport=ws' });
    expect(new Trace().add(0, UAC, UAS, wsInvite).add(100, UAS, UAC, ok).codes()).toEqual(['unroutable-contact']);
  });
  // RFC 7118 §5: whoever holds a WebSocket client's connection reaches it over that connection.
  const WS_CLIENT = { transport: 'WS', address: '127.0.0.1', port: 41000 };
  const WS_SERVER_UA = { transport: 'WS', address: '127.0.0.1', port: 5066 };
  it('not when the WebSocket client is connected straight to the other user agent (a test line, a WebSocket server UA)', () => {
    const wsInvite = request('INVITE', { body: sdp, contact: 'sip:alice@df7jal23ls0d.invalid;transport=ws;ob', via: ['df7jal23ls0d.invalid;branch=z9hG4bK-ws-2'] });
    const serverOk = response(200, 'INVITE', { toTag: 'b1', body: sdp, contact: 'sip:echo@127.0.0.1:5066;transport=ws', via: ['df7jal23ls0d.invalid;branch=z9hG4bK-ws-2'] });
    expect(new Trace().add(0, WS_CLIENT, WS_SERVER_UA, wsInvite).add(100, WS_SERVER_UA, WS_CLIENT, serverOk).codes()).toEqual([]);
    // The server UA calls the client back over its connection: the client's 2xx Contact is .invalid, and the caller holds the flow.
    const back = request('INVITE', { body: sdp, contact: 'sip:callback@127.0.0.1:5066;transport=ws', via: ['127.0.0.1:5066;branch=z9hG4bK-cb-1'] });
    const clientOk = response(200, 'INVITE', { toTag: 'b1', body: sdp, contact: 'sip:alice@df7jal23ls0d.invalid;transport=ws;ob', via: ['127.0.0.1:5066;branch=z9hG4bK-cb-1'] });
    expect(new Trace().add(0, WS_SERVER_UA, WS_CLIENT, back).add(100, WS_CLIENT, WS_SERVER_UA, clientOk).codes()).toEqual([]);
  });
  it('but when the other user agent is elsewhere (its Contact is not the connection\'s far end), the .invalid Contact stays unreachable', () => {
    const wsInvite = request('INVITE', { body: sdp, contact: 'sip:alice@df7jal23ls0d.invalid;transport=ws', via: ['df7jal23ls0d.invalid;branch=z9hG4bK-ws-3'] });
    const farOk = response(200, 'INVITE', { toTag: 'b1', body: sdp, contact: 'sip:bob@127.0.0.1:5070', via: ['df7jal23ls0d.invalid;branch=z9hG4bK-ws-3'] });
    expect(new Trace().add(0, WS_CLIENT, WS_SERVER_UA, wsInvite).add(100, WS_SERVER_UA, WS_CLIENT, farOk).codes()).toEqual(['unroutable-contact']);
  });
});

describe('route-set-mismatch', () => {
  const rr = ['Record-Route: <sip:p2.example.com;lr>', 'Record-Route: <sip:p1.example.com;lr>'];
  const okRr = response(200, 'INVITE', { toTag: 'b1', body: sdp, headers: rr });
  it('ACK whose Route is the Record-Route in the wrong order', () => {
    const badAck = request('ACK', { toTag: 'b1', via: ['192.0.2.10:5060;branch=z9hG4bK-ack'], headers: ['Route: <sip:p2.example.com;lr>', 'Route: <sip:p1.example.com;lr>'] });
    const f = new Trace().add(0, UAC, PROXY, invite).add(100, PROXY, UAC, okRr).add(110, UAC, PROXY, badAck).model().calls[0]!.findings;
    expect(f.map((x) => x.code)).toEqual(['route-set-mismatch']);
    expect(f[0]!.explanation).toMatch(/reversed/);
  });
  it('BYE to the wrong Request-URI', () => {
    const goodRoute = ['Route: <sip:p1.example.com;lr>', 'Route: <sip:p2.example.com;lr>'];
    const badBye = request('BYE', { toTag: 'b1', cseq: 2, uri: 'sip:bob@example.com', headers: goodRoute });
    expect(new Trace().add(0, UAC, PROXY, invite).add(100, PROXY, UAC, okRr).add(200, UAC, PROXY, badBye).codes()).toEqual(['route-set-mismatch']);
  });
  it('not for an ACK with the reversed route set to the Contact, nor for a callee BYE with the route set as received', () => {
    const goodAck = request('ACK', { toTag: 'b1', via: ['192.0.2.10:5060;branch=z9hG4bK-ack'], headers: ['Route: <sip:p1.example.com;lr>', 'Route: <sip:p2.example.com;lr>'] });
    const calleeBye = request('BYE', { fromTag: 'b1', toTag: 'a1', cseq: 7, uri: 'sip:x@192.0.2.10:5060', via: ['192.0.2.20:5060;branch=z9hG4bK-cb'], headers: ['Route: <sip:p2.example.com;lr>', 'Route: <sip:p1.example.com;lr>'] });
    expect(new Trace().add(0, UAC, PROXY, invite).add(100, PROXY, UAC, okRr).add(110, UAC, PROXY, goodAck).add(5000, UAS, PROXY, calleeBye).codes()).toEqual([]);
  });
});

describe('ack-cseq-mismatch', () => {
  it('ACK with a different CSeq number', () => {
    const wrong = request('ACK', { toTag: 'b1', cseq: 2, via: ['192.0.2.10:5060;branch=z9hG4bK-ack'] });
    expect(new Trace().add(0, UAC, UAS, invite).add(100, UAS, UAC, ok).add(110, UAC, UAS, wrong).codes()).toEqual(['ack-cseq-mismatch']);
  });
  it('ACK whose CSeq method is INVITE (refused by the parser, still read)', () => {
    const wrong = request('ACK', { toTag: 'b1', cseqMethod: 'INVITE', via: ['192.0.2.10:5060;branch=z9hG4bK-ack'] });
    const model = new Trace().add(0, UAC, UAS, invite).add(100, UAS, UAC, ok).add(110, UAC, UAS, wrong).model();
    expect(model.messages[2]!.parseError).toMatch(/CSeq method/);
    expect(model.calls[0]!.findings.map((f) => f.code)).toEqual(['ack-cseq-mismatch']);
  });
});

describe('CANCEL timing', () => {
  const cancel = request('CANCEL', { via: ['192.0.2.10:5060;branch=z9hG4bK-invite-1'] });
  it('cancel-before-provisional', () => {
    const t = new Trace().add(0, UAC, UAS, invite).add(50, UAC, UAS, cancel).add(60, UAS, UAC, response(200, 'CANCEL', { via: ['192.0.2.10:5060;branch=z9hG4bK-invite-1'] }));
    expect(t.codes()).toEqual(['cancel-before-provisional']);
  });
  it('cancel-after-final (a real one, not a race)', () => {
    const t = new Trace().add(0, UAC, UAS, invite).add(10, UAS, UAC, ringing).add(100, UAS, UAC, response(486, 'INVITE', { toTag: 'b1' }))
      .add(110, UAC, UAS, request('ACK', { toTag: 'b1' })).add(3000, UAC, UAS, cancel);
    const f = t.model().calls[0]!.findings;
    expect(f.map((x) => x.code)).toEqual(['cancel-after-final']);
    expect(f[0]!.explanation).toMatch(/should have sent BYE/);
  });
  it('no finding for a CANCEL after a provisional', () => {
    const t = new Trace().add(0, UAC, UAS, invite).add(10, UAS, UAC, ringing).add(500, UAC, UAS, cancel)
      .add(510, UAS, UAC, response(200, 'CANCEL', { via: ['192.0.2.10:5060;branch=z9hG4bK-invite-1'] })).add(520, UAS, UAC, response(487, 'INVITE', { toTag: 'b1' }))
      .add(530, UAC, UAS, request('ACK', { toTag: 'b1' }));
    expect(t.codes()).toEqual([]);
  });
});

describe('bye-before-ack', () => {
  const calleeBye = request('BYE', { fromTag: 'b1', toTag: 'a1', cseq: 1, uri: 'sip:x@192.0.2.10:5060', via: ['192.0.2.20:5060;branch=z9hG4bK-cb'] });
  it('callee BYE 2 s after its 2xx, with no ACK', () => {
    expect(new Trace().add(0, UAC, UAS, invite).add(100, UAS, UAC, ok).add(2100, UAS, UAC, calleeBye).codes()).toEqual(['bye-before-ack']);
  });
  it('not after the ACK', () => {
    expect(new Trace().add(0, UAC, UAS, invite).add(100, UAS, UAC, ok).add(110, UAC, UAS, ack).add(2100, UAS, UAC, calleeBye).codes()).toEqual([]);
  });
});

describe('auth-loop', () => {
  const challenge = (cseq: number) => response(407, 'INVITE', { toTag: `t${cseq}`, cseq, headers: ['Proxy-Authenticate: Digest realm="x", nonce="n"'] });
  const inv = (cseq: number) => request('INVITE', { cseq, body: sdp });
  const ackN = (cseq: number) => request('ACK', { cseq, toTag: `t${cseq}` });
  it('three challenges in a row', () => {
    const t = new Trace();
    for (const n of [1, 2, 3]) t.add(n * 100, UAC, PROXY, inv(n)).add(n * 100 + 5, PROXY, UAC, challenge(n)).add(n * 100 + 6, UAC, PROXY, ackN(n));
    expect(t.codes()).toEqual(['auth-loop']);
  });
  it('one challenge then success is normal', () => {
    const t = new Trace().add(0, UAC, PROXY, inv(1)).add(5, PROXY, UAC, challenge(1)).add(6, UAC, PROXY, ackN(1))
      .add(10, UAC, PROXY, inv(2)).add(20, PROXY, UAC, response(200, 'INVITE', { cseq: 2, toTag: 'b1', body: sdp }));
    expect(t.codes()).not.toContain('auth-loop');
  });
});

describe('glare', () => {
  const reinvite = (cseq: number, at: number, t: Trace) => t.add(at, UAC, UAS, request('INVITE', { cseq, toTag: 'b1', body: sdp }));
  const pending = response(491, 'INVITE', { cseq: 2, toTag: 'b1' });
  const base = () => cleanCall().inputs.slice(0, 5);
  it('491 and the caller (Call-ID owner) retries after 3 s: back-off respected (info)', () => {
    const t = new Trace();
    t.inputs.push(...base());
    reinvite(2, 2000, t).add(2010, UAS, UAC, pending).add(2020, UAC, UAS, request('ACK', { cseq: 2, toTag: 'b1' }));
    reinvite(3, 5010, t);
    const f = t.model().calls[0]!.findings;
    expect(f.map((x) => `${x.code}:${x.severity}`)).toEqual(['glare:info']);
    expect(f[0]!.explanation).toMatch(/respects/);
  });
  it('491 and the caller retries after 0.5 s: back-off not respected (warning)', () => {
    const t = new Trace();
    t.inputs.push(...base());
    reinvite(2, 2000, t).add(2010, UAS, UAC, pending).add(2020, UAC, UAS, request('ACK', { cseq: 2, toTag: 'b1' }));
    reinvite(3, 2510, t);
    expect(t.model().calls[0]!.findings.map((x) => `${x.code}:${x.severity}`)).toEqual(['glare:warning']);
  });
});

describe('post-dial-delay', () => {
  it('above the 5 s default threshold', () => {
    const t = new Trace().add(0, UAC, UAS, invite).add(10, UAS, UAC, trying).add(6500, UAS, UAC, ringing);
    expect(t.codes()).toEqual(['post-dial-delay']);
  });
  it('below it, and with a custom threshold', () => {
    const t = new Trace().add(0, UAC, UAS, invite).add(10, UAS, UAC, trying).add(3000, UAS, UAC, ringing);
    expect(t.codes()).toEqual([]);
    expect(t.codes({ postDialDelayMs: 2000 })).toEqual(['post-dial-delay']);
  });
});
