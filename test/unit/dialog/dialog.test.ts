import { describe, expect, it } from 'vitest';
import { buildResponseTo, formatUri, parseMessage } from '../../../src/message/index.js';
import type { SipRequest, SipResponse } from '../../../src/message/index.js';
import { Dialog, dialogKeyOfRequest } from '../../../src/dialog/dialog.js';

function parse<T extends SipRequest | SipResponse>(text: string): T {
  const r = parseMessage(text.replace(/\r?\n/g, '\r\n'));
  if (!r.ok) throw new Error(r.error.message);
  return r.value as T;
}

const invite = parse<SipRequest>(`INVITE sip:bob@biloxi.example.com SIP/2.0
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8
Max-Forwards: 70
To: Bob <sip:bob@biloxi.example.com>
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
Call-ID: a84b4c76e66710
CSeq: 314159 INVITE
Contact: <sip:alice@pc33.atlanta.example.com>
Record-Route: <sip:p2.biloxi.example.com;lr>, <sip:p1.atlanta.example.com;lr>
Content-Length: 0

`);

function answer(status: number, recordRoute = '<sip:p2.biloxi.example.com;lr>, <sip:p1.atlanta.example.com;lr>'): SipResponse {
  const built = buildResponseTo(invite, {
    status, toTag: 'a6c85cf',
    headers: [{ name: 'Record-Route', value: recordRoute }],
    contact: [{ uri: 'sip:bob@192.0.2.4' }],
  });
  if (!built.ok) throw new Error(built.error.message);
  return built.value;
}

const via = { transport: 'UDP', host: 'pc33.atlanta.example.com', branch: 'z9hG4bKnew1' };

describe('dialogs (RFC 3261 §12)', () => {
  it('UAC: route set is the Record-Route reversed, remote target the 2xx Contact, local CSeq the INVITE\'s', () => {
    const dialog = Dialog.asUac(invite, answer(200))!;
    expect(dialog.state).toBe('confirmed');
    expect(dialog.routeSet.map((r) => formatUri(r.uri))).toEqual(['sip:p1.atlanta.example.com;lr', 'sip:p2.biloxi.example.com;lr']);
    expect(formatUri(dialog.remoteTarget)).toBe('sip:bob@192.0.2.4');
    expect(dialog.localSeq).toBe(314159);
    expect(dialog.id).toEqual({ callId: 'a84b4c76e66710', localTag: '1928301774', remoteTag: 'a6c85cf' });
  });

  it('UAC: an 18x with a To tag makes an early dialog; no To tag, no dialog', () => {
    expect(Dialog.asUac(invite, answer(183))!.state).toBe('early');
    const noTag = parse<SipResponse>('SIP/2.0 180 Ringing\nVia: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\nTo: <sip:bob@biloxi.example.com>\nFrom: <sip:alice@atlanta.example.com>;tag=1928301774\nCall-ID: a84b4c76e66710\nCSeq: 314159 INVITE\nContent-Length: 0\n\n');
    expect(Dialog.asUac(invite, noTag)).toBeUndefined();
  });

  it('builds in-dialog requests with loose routing: Request-URI = remote target, Route = route set; CSeq increments', () => {
    const dialog = Dialog.asUac(invite, answer(200))!;
    const bye = dialog.createRequest('BYE', { via });
    expect(bye.ok).toBe(true);
    if (!bye.ok) return;
    expect(bye.value.requestUriText).toBe('sip:bob@192.0.2.4');
    expect(bye.value.routes.map((r) => formatUri(r.uri))).toEqual(['sip:p1.atlanta.example.com;lr', 'sip:p2.biloxi.example.com;lr']);
    expect(bye.value.cseq).toEqual({ seq: 314160, method: 'BYE' });
    expect(bye.value.from.tag).toBe('1928301774');
    expect(bye.value.to.tag).toBe('a6c85cf');
    expect(bye.value.from.displayName).toBe('Alice');
  });

  it('the ACK for a 2xx carries the INVITE\'s CSeq number with method ACK (§13.2.2.4)', () => {
    const dialog = Dialog.asUac(invite, answer(200))!;
    const ack = dialog.createRequest('ACK', { via, cseq: invite.cseq.seq });
    expect(ack.ok && ack.value.cseq).toEqual({ seq: 314159, method: 'ACK' });
    expect(dialog.localSeq).toBe(314159);
  });

  it('an early dialog confirmed by the 2xx takes the 2xx\'s route set and Contact, and keeps the CSeq its PRACK used (§13.2.2.4)', () => {
    const dialog = Dialog.asUac(invite, answer(183))!;
    expect(dialog.state).toBe('early');
    const prack = dialog.createRequest('PRACK', { via });
    expect(prack.ok && prack.value.cseq.seq).toBe(314160);
    const ok = buildResponseTo(invite, {
      status: 200, toTag: 'a6c85cf', headers: [{ name: 'Record-Route', value: '<sip:p3.biloxi.example.com;lr>' }],
      contact: [{ uri: 'sip:bob@192.0.2.99' }],
    });
    if (!ok.ok) throw new Error(ok.error.message);
    dialog.confirm(ok.value);
    expect(dialog.state).toBe('confirmed');
    expect(dialog.routeSet.map((r) => formatUri(r.uri))).toEqual(['sip:p3.biloxi.example.com;lr']);
    expect(formatUri(dialog.remoteTarget)).toBe('sip:bob@192.0.2.99');
    const bye = dialog.createRequest('BYE', { via });
    expect(bye.ok && bye.value.cseq.seq).toBe(314161);
  });

  it('strict routing: the first route (no lr) becomes the Request-URI and the remote target the last Route', () => {
    const dialog = Dialog.asUac(invite, answer(200, '<sip:strict.example.com;method=INVITE>'))!;
    const bye = dialog.createRequest('BYE', { via });
    if (!bye.ok) throw new Error(bye.error.message);
    expect(bye.value.requestUriText).toBe('sip:strict.example.com');
    expect(bye.value.routes.map((r) => formatUri(r.uri))).toEqual(['sip:bob@192.0.2.4']);
  });

  it('UAS: route set as received, remote CSeq from the request, out-of-order requests get 500 (§12.2.2)', () => {
    const dialog = Dialog.asUas(invite, 'uas-tag', { overTls: false })!;
    expect(dialog.routeSet.map((r) => formatUri(r.uri))).toEqual(['sip:p2.biloxi.example.com;lr', 'sip:p1.atlanta.example.com;lr']);
    expect(formatUri(dialog.remoteTarget)).toBe('sip:alice@pc33.atlanta.example.com');
    const old = parse<SipRequest>(invite.toString().replace('CSeq: 314159 INVITE', 'CSeq: 314158 INVITE'));
    expect(dialog.receiveRequest(old)).toMatchObject({ status: 500 });
    const newer = parse<SipRequest>(invite.toString().replace('CSeq: 314159 INVITE', 'CSeq: 314160 INVITE'));
    expect(dialog.receiveRequest(newer)).toBeUndefined();
    expect(dialog.remoteSeq).toBe(314160);
  });

  it('identifies an incoming in-dialog request by Call-ID, To tag (ours) and From tag (theirs)', () => {
    const dialog = Dialog.asUas(invite, 'uas-tag', { overTls: false })!;
    const bye = parse<SipRequest>(`BYE sip:bob@192.0.2.4 SIP/2.0
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKbye
Max-Forwards: 70
To: <sip:bob@biloxi.example.com>;tag=uas-tag
From: <sip:alice@atlanta.example.com>;tag=1928301774
Call-ID: a84b4c76e66710
CSeq: 314160 BYE
Content-Length: 0

`);
    expect(dialogKeyOfRequest(bye)).toBe(dialog.key);
  });
});
