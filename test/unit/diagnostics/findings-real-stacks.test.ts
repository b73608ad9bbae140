// Findings on captures of real stacks (test/fixtures/real-stacks/, made by
// test/lab/make-real-stack-fixtures.ts): Callscope's CLI, a WebRTC-style
// WebSocket client, SIPp, baresip and linphonec through the lab's Kamailio
// (WS <-> UDP, double Record-Route, Contact aliasing), both legs in each
// capture. Each names exactly the findings it shows; the clean ones none.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importTrace } from '../../../src/diagnostics/import/trace-import.js';
import { buildTraceModel } from '../../../src/diagnostics/model-builder.js';
import type { CallModel, TraceModel } from '../../../src/diagnostics/model-types.js';

function load(name: string): TraceModel {
  const imported = importTrace(new Uint8Array(readFileSync(new URL(`../../fixtures/real-stacks/${name}.pcap`, import.meta.url))));
  if (!imported.ok) throw new Error(imported.reason);
  return imported.model;
}

/** The call with an INVITE (the listener's REGISTER is a call of its own). */
function inviteCall(model: TraceModel): CallModel {
  const calls = model.calls.filter((c) => c.transactions.some((t) => t.method === 'INVITE'));
  expect(calls).toHaveLength(1);
  return calls[0]!;
}

const codes = (model: TraceModel) => model.calls.flatMap((c) => c.findings.map((f) => f.code));
const text = (model: TraceModel, index: number) => new TextDecoder().decode(model.messages[index]!.raw);

describe('real captures that must report no finding', () => {
  it.each([
    ['webrtc-ws-baresip', 'a WebRTC-style client (.invalid Via and Contact with ob, ICE/DTLS SDP) over WS to baresip over UDP'],
    ['baresip-udp-ws-callee-hold', 'baresip over UDP to a Callscope callee over WS (aliased Contact), holding, resuming and hanging up'],
    ['linphone-udp-ws-callee-100rel', 'linphonec over UDP to a Callscope callee over WS: reliable 180 and PRACK through both Record-Routes'],
    ['sipp-baresip-early-no-100rel', 'SIPp without 100rel to baresip answering early with an unreliable 183 + SDP (the only choice it has)'],
  ])('%s: %s', (name) => {
    const model = load(name);
    expect(model.messages.filter((m) => m.parseError)).toEqual([]);
    const call = inviteCall(model);
    expect(codes(model)).toEqual([]);
    // Both legs: the proxy's two Record-Routes (WS and UDP side, or UDP only) in every dialog.
    expect(call.dialogs).toHaveLength(1);
    expect(call.transactions.filter((t) => t.method === 'INVITE' && t.cseq === call.transactions[0]!.cseq)).toHaveLength(2);
  });

  it('the WebRTC-style call really went WS -> UDP with a double Record-Route and an aliased Contact', () => {
    const model = load('webrtc-ws-baresip');
    const call = inviteCall(model);
    expect(new Set(call.transactions.map((t) => t.transport))).toEqual(new Set(['WS', 'UDP']));
    expect(call.dialogs[0]!.recordRoute).toEqual([expect.stringMatching(/^<sip:127\.0\.0\.1:\d+;r2=on;lr;/), expect.stringMatching(/;transport=ws;r2=on;lr;/)]);
    const relayed = call.messages.map((i) => text(model, i)).find((t) => t.startsWith('INVITE') && /^Via: SIP\/2\.0\/UDP/m.test(t))!;
    expect(relayed).toMatch(/^Contact: <sip:alice@[0-9a-f]+\.invalid;alias=127\.0\.0\.1~\d+~5;transport=ws;ob>/m);
    expect(relayed).toMatch(/^Via: SIP\/2\.0\/WS [0-9a-f]+\.invalid;.*received=127\.0\.0\.1/m);
  });

  it('unreliable-early-media stays quiet for a caller that did not offer 100rel (the INVITE has neither Supported nor Require)', () => {
    const model = load('sipp-baresip-early-no-100rel');
    const early = inviteCall(model).messages.map((i) => text(model, i)).filter((t) => t.startsWith('SIP/2.0 183'));
    expect(early).toHaveLength(2);
    expect(early.every((t) => /application\/sdp/.test(t) && !/^(Require|RSeq):/m.test(t))).toBe(true);
    expect(text(model, inviteCall(model).messages[0]!)).not.toMatch(/100rel/);
  });
});

describe('real captures of faulty calls', () => {
  it('unreliable-early-media: Callscope offered 100rel, baresip (which has none) sent its early media in an unreliable 183', () => {
    const model = load('cli-ws-baresip-early-100rel');
    const [f] = inviteCall(model).findings;
    expect(codes(model)).toEqual(['unreliable-early-media']);
    expect(f!.messages).toHaveLength(2);
    expect(f!.explanation).toMatch(/though the caller offered it: .* The far end does not support 100rel \(not in its Supported, no PRACK in its Allow: INVITE, ACK, BYE,/);
  });

  it('require-ignored: linphonec with 100rel off answers an INVITE that requires it with an unreliable 180 and a 200, not 420', () => {
    const model = load('cli-ws-linphone-require-ignored');
    const [f] = inviteCall(model).findings;
    expect(codes(model)).toEqual(['require-ignored']);
    expect(f!.severity).toBe('error');
    expect(f!.explanation).toMatch(/^The INVITE said Require: 100rel, but 127\.0\.0\.1:\d+ answered with an unreliable 180 Ringing .*; it then answered 200/);
  });

  it('prack-failed: a far end answers the PRACK of its own reliable 183 with 481, then the call (both legs, one finding)', () => {
    const model = load('cli-ws-sipp-prack-error');
    const [f] = inviteCall(model).findings;
    expect(codes(model)).toEqual(['prack-failed']);
    const kind = (i: number) => model.messages[i]!.startLine.replace(/^SIP\/2\.0 (\d+).*$/, '$1').split(' ')[0];
    expect(f!.messages.map(kind)).toEqual(['PRACK', 'PRACK', '481', '481']);
    expect(f!.explanation).toMatch(/^The PRACK \(RAck 1 1 INVITE\) got 481 Call\/Transaction Does Not Exist/);
  });

  it('missing-prack: linphonec\'s reliable 180 has no Contact (no early dialog to PRACK in) and is never retransmitted', () => {
    const model = load('cli-ws-linphone-reliable-180-no-contact');
    const [f] = inviteCall(model).findings;
    expect(codes(model)).toEqual(['missing-prack']);
    expect(f!.severity).toBe('warning');
    expect(f!.explanation).toMatch(/was never retransmitted .* It carries no Contact: a response that creates a dialog must have one \(RFC 3261 §12\.1\.1\)/);
  });

  it('unroutable-contact: the same WebRTC call behind a proxy that neither record-routes nor aliases the .invalid Contact', () => {
    const model = load('webrtc-ws-baresip');
    const unaliased = model.messages.map((m) => ({
      at: m.at, direction: m.direction, transport: m.transport, ...(m.src ? { src: m.src } : {}), ...(m.dst ? { dst: m.dst } : {}),
      raw: new TextEncoder().encode(new TextDecoder().decode(m.raw).split('\r\n')
        .filter((line) => !/^(Record-Route|Route):/i.test(line)).join('\r\n').replace(/;alias=[^;>]+/g, '')),
    }));
    const rebuilt = buildTraceModel({ source: 'import', messages: unaliased });
    const [f] = inviteCall(rebuilt).findings;
    expect(codes(rebuilt)).toEqual(['unroutable-contact']);
    expect(f!.explanation).toMatch(/^The caller's Contact sip:alice@[0-9a-f]+\.invalid;transport=ws;ob in the INVITE .* is a \.invalid domain .* and the dialog has no Record-Route/);
  });
});
