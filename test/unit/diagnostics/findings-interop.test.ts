// Judgements sharpened on captures of real stacks (baresip, linphonec through
// Kamailio), each written here as a small crafted trace: what the real
// capture showed, and the close case that must stay as it was.
import { describe, expect, it } from 'vitest';
import { buildTraceModel, type MessageInput } from '../../../src/diagnostics/model-builder.js';
import { PROXY, request, response, sdp, Trace, UAC, UAS } from './crafted.js';

const invite = (headers: string[] = []) => request('INVITE', { body: sdp, headers });
const ok = response(200, 'INVITE', { toTag: 'b1', body: sdp });

describe('missing-prack: a reliable provisional without a Contact', () => {
  // linphonec 5.1 (100rel on, Require: 100rel from the caller): Require: 100rel, RSeq: 1, no Contact, no retransmission.
  const reliable180 = (contact: string | null) => response(180, 'INVITE', { toTag: 'b1', contact, headers: ['Require: 100rel', 'RSeq: 1'] });

  it('is never PRACKed (the caller has no remote target) nor retransmitted: a warning that says why', () => {
    const t = new Trace().add(0, UAC, UAS, invite(['Require: 100rel'])).add(10, UAS, UAC, reliable180(null)).add(2000, UAS, UAC, ok);
    const [f] = t.model().calls[0]!.findings;
    expect(t.codes()).toEqual(['missing-prack']);
    expect(f).toMatchObject({ severity: 'warning', title: 'Reliable provisional never PRACKed' });
    expect(f!.explanation).toMatch(/was never retransmitted \(RFC 3262 §3 wants it retransmitted until its PRACK\) .* It carries no Contact/);
  });

  it('not for one with a Contact that was not retransmitted (the 2xx may simply have come first)', () => {
    expect(new Trace().add(0, UAC, UAS, invite(['Supported: 100rel'])).add(10, UAS, UAC, reliable180('sip:bob@192.0.2.20:5060'))
      .add(100, UAS, UAC, ok).codes()).toEqual([]);
  });
});

describe('unreliable-early-media to a caller that offered 100rel, from a far end without it', () => {
  it('says the far end does not support 100rel (no PRACK in its Allow), the fix to ask for', () => {
    const early = response(183, 'INVITE', { toTag: 'b1', body: sdp, headers: ['Allow: INVITE,ACK,BYE,CANCEL,OPTIONS,NOTIFY,SUBSCRIBE,INFO,MESSAGE,REFER'] });
    const t = new Trace().add(0, UAC, UAS, invite(['Supported: 100rel'])).add(10, UAS, UAC, early);
    expect(t.model().calls[0]!.findings[0]!.explanation).toMatch(/The far end does not support 100rel \(not in its Supported, no PRACK in its Allow: INVITE, ACK, BYE/);
  });
});

describe('unroutable-contact: a flow (ob) or alias helps only through a proxy that record-routes', () => {
  const WS_CLIENT = { transport: 'WS', address: '192.0.2.10', port: 40000 };
  const near = request('INVITE', { body: sdp, contact: 'sip:alice@x1.invalid;transport=ws;ob', via: ['x1.invalid;branch=z9hG4bK-ws-1'] });
  const clientVia = 'x1.invalid;branch=z9hG4bK-ws-1;rport=40000;received=192.0.2.10';
  const far = (contact: string) => request('INVITE', { body: sdp, contact, via: ['192.0.2.1:5060;branch=z9hG4bK-p-1', clientVia] });
  const farOk = response(200, 'INVITE', { toTag: 'b1', body: sdp, via: ['192.0.2.1:5060;branch=z9hG4bK-p-1', clientVia] });
  const nearOk = response(200, 'INVITE', { toTag: 'b1', body: sdp, via: [clientVia] });
  const call = (contact: string) => new Trace().add(0, WS_CLIENT, PROXY, near).add(5, PROXY, UAS, far(contact)).add(100, UAS, PROXY, farOk).add(105, PROXY, WS_CLIENT, nearOk);

  it('a .invalid Contact with ob, or even aliased, behind a proxy that does not record-route', () => {
    expect(call('sip:alice@x1.invalid;transport=ws;ob').codes()).toEqual(['unroutable-contact']);
    expect(call('sip:alice@x1.invalid;alias=192.0.2.10~40000~5;transport=ws').codes()).toEqual(['unroutable-contact']);
  });
});

describe('who answered, in a user agent\'s own view', () => {
  it('require-ignored and prack-failed name the far end through the proxy, not the proxy as the one that answered', () => {
    const raw = (text: string) => new TextEncoder().encode(text);
    const inputs: MessageInput[] = [
      { at: 0, direction: 'sent', dst: PROXY, transport: 'UDP', raw: raw(invite(['Require: 100rel'])) },
      { at: 10, direction: 'received', src: PROXY, transport: 'UDP', raw: raw(response(180, 'INVITE', { toTag: 'b1' })) },
      { at: 20, direction: 'received', src: PROXY, transport: 'UDP', raw: raw(ok) },
    ];
    const [f] = buildTraceModel({ source: 'live', messages: inputs }).calls[0]!.findings;
    expect(f!.explanation).toMatch(/^The INVITE said Require: 100rel, but the far end \(through 192\.0\.2\.1:5060\) answered/);
  });

  it('prack-failed points at the PRACK copy that reached the one who refused it (one per hop in a capture)', () => {
    const via2 = ['192.0.2.1:5060;branch=z9hG4bK-p2', '192.0.2.10:5060;branch=z9hG4bK-prack-2'];
    const prackNear = request('PRACK', { toTag: 'b1', cseq: 2, headers: ['RAck: 1 1 INVITE'] });
    const prackFar = request('PRACK', { toTag: 'b1', cseq: 2, via: via2, headers: ['RAck: 1 1 INVITE'] });
    const inviteVias = ['192.0.2.1:5060;branch=z9hG4bK-p1', '192.0.2.10:5060;branch=z9hG4bK-invite-1'];
    const reliable = (via?: string[]) => response(183, 'INVITE', { toTag: 'b1', body: sdp, headers: ['Require: 100rel', 'RSeq: 1'], ...(via ? { via } : {}) });
    const t = new Trace().add(0, UAC, PROXY, invite()).add(1, PROXY, UAS, request('INVITE', { body: sdp, via: inviteVias }))
      .add(10, UAS, PROXY, reliable(inviteVias)).add(11, PROXY, UAC, reliable())
      .add(30, UAC, PROXY, prackNear).add(31, PROXY, UAS, prackFar)
      .add(40, UAS, PROXY, response(481, 'PRACK', { toTag: 'b1', cseq: 2, via: via2 })).add(41, PROXY, UAC, response(481, 'PRACK', { toTag: 'b1', cseq: 2 }));
    const [f] = t.model().calls[0]!.findings;
    expect(t.codes()).toEqual(['prack-failed']);
    expect(f!.messages).toEqual([4, 5, 6, 7]);
  });
});
