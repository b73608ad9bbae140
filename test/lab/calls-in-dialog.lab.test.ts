// In-dialog requests through the lab's Kamailio, with rtpengine bridging
// WebRTC (WSS) and plain RTP (UDP) on every offer/answer: hold and resume
// by re-INVITE from Callscope and from a SIPp caller, a blind transfer
// between two Callscope UAs to a SIPp far end, and a session timer a SIPp
// caller asks Callscope to refresh.
import { afterEach, describe, expect, it } from 'vitest';
import { formatUri } from '../../src/message/index.js';
import type { Call } from '../../src/ua/call/types.js';

import type { IncomingCall } from '../../src/ua/call/incoming-call.js';
import { Registration, newInstanceId } from '../../src/ua/registration/registration.js';
import { StaticSdpHandler } from '../../src/ua/sdp/static-sdp.js';
import { type LabUa, reached, udpUa, within, withinTolerance, wssUa } from './calls-lab-helpers.js';
import { parseSippTrace } from './sipp-trace.js';
import { useLab } from './vitest-lab.js';
import type { CallEventMap, CallEventName } from '../../src/ua/call/types.js';

const lab = useLab({ name: 'calls-in-dialog' });
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function collect<E extends CallEventName>(call: Call, name: E): CallEventMap[E][] {
  const seen: CallEventMap[E][] = [];
  call.on(name, (e) => seen.push(e));
  return seen;
}

/** Messages SIPp received, by start line prefix, as text. */
function received(trace: string, prefix: string): string[] {
  return parseSippTrace(trace).filter((e) => e.direction === 'received' && e.startLine.startsWith(prefix)).map((e) => e.text);
}

function bodyOf(text: string): string {
  return text.slice(text.indexOf('\r\n\r\n') + 4);
}

const AVP = /^m=audio \d+ RTP\/AVP /m;
const SAVPF = /^m=audio \d+ UDP\/TLS\/RTP\/SAVPF /m;
const WEBRTC = /^a=(fingerprint|ice-ufrag):/m;

async function caller(): Promise<LabUa> {
  const ua = await wssUa(lab());
  closers.push(() => ua.close());
  return ua;
}

/** A Callscope UA registered over WSS as `user`, handing each incoming call to `onCall`. */
async function registered(user: string, onCall: (call: IncomingCall) => void): Promise<LabUa & { calls: IncomingCall[] }> {
  const account = lab().account(user);
  const ua = await wssUa(lab(), { user, password: account.password });
  const registration = new Registration({
    endpoint: ua.endpoint, aor: `sip:${user}@callscope.lab`, credentials: { username: user, password: account.password },
    instanceId: newInstanceId(),
  });
  closers.push(async () => {
    await registration.stop({ timeoutMs: 2000 });
    await ua.close();
  });
  expect((await within(registration.start(), 'registration')).name).toBe('registered');
  const calls: IncomingCall[] = [];
  ua.agent.onIncomingCall((call) => {
    calls.push(call);
    onCall(call);
  });
  return { ...ua, calls };
}

describe('hold and resume by re-INVITE through Kamailio and rtpengine', () => {
  it('Callscope over WSS holds and resumes a SIPp far end: it gets RTP/AVP sendonly then sendrecv, Callscope gets SAVPF recvonly then sendrecv', async () => {
    const farEnd = await lab().startUas('uas-hold-resume');
    const ua = await caller();
    const call = ua.agent.call(lab().farEndUri(farEnd.port), { sdp: new StaticSdpHandler() });
    const held = collect(call, 'held');
    const resumed = collect(call, 'resumed');
    await reached(call, 'answered', 'the answer');
    expect(await within(call.hold(), 'the hold')).toMatchObject({ ok: true, status: 200 });
    expect(call.onHold).toEqual({ local: true, remote: false });
    expect(await within(call.resume(), 'the resume')).toMatchObject({ ok: true, status: 200 });
    call.hangup();
    expect(await within(call.ended, 'the end of the call')).toMatchObject({ cause: 'hangup-local', byeStatus: 200 });
    expect((await farEnd.result).explanation).toBe('');
    expect(held.map((e) => [e.by, e.direction])).toEqual([['local', 'sendonly']]);
    expect(resumed.map((e) => [e.by, e.direction])).toEqual([['local', 'sendrecv']]);

    // What the far end got, after rtpengine: plain RTP/AVP, no ICE or DTLS, our direction.
    const invites = received(farEnd.messageLog(), 'INVITE ').map(bodyOf);
    expect(invites).toHaveLength(3);
    for (const sdp of invites) {
      expect(sdp).toMatch(AVP);
      expect(sdp).not.toMatch(WEBRTC);
    }
    expect(invites.map((sdp) => /^a=(sendrecv|sendonly|recvonly|inactive)/m.exec(sdp)?.[1])).toEqual(['sendrecv', 'sendonly', 'sendrecv']);
    // What Callscope got back: the far end's answers turned into WebRTC by rtpengine.
    const answers = ua.responses(200).filter((r) => r.cseq.method === 'INVITE');
    expect(answers).toHaveLength(3);
    for (const answer of answers) {
      expect(answer.bodyText).toMatch(SAVPF);
      expect(answer.bodyText).toMatch(WEBRTC);
    }
    expect(answers.map((a) => /^a=(sendrecv|sendonly|recvonly|inactive)/m.exec(a.bodyText)?.[1])).toEqual(['sendrecv', 'recvonly', 'sendrecv']);
    // The re-INVITEs follow the dialog: Request-URI the 2xx Contact, Route the Record-Route reversed; each 2xx ACKed.
    const [invite, hold, resume] = ua.requests('INVITE');
    expect(hold!.requestUriText).toBe(formatUri(answers[0]!.contacts[0]!.uri));
    expect(hold!.routes.map((r) => formatUri(r.uri))).toEqual([...answers[0]!.recordRoutes].reverse().map((r) => formatUri(r.uri)));
    expect([hold!.cseq.seq, resume!.cseq.seq]).toEqual([invite!.cseq.seq + 1, invite!.cseq.seq + 2]);
    expect(ua.requests('ACK').map((a) => a.cseq.seq)).toEqual([invite!.cseq.seq, hold!.cseq.seq, resume!.cseq.seq]);
    expect(received(farEnd.messageLog(), 'ACK ')).toHaveLength(3);
  });

  it('a SIPp caller holds and resumes Callscope (registered over WSS): Callscope answers recvonly then sendrecv, through rtpengine both ways', async () => {
    const callee = await registered('bob', (call) => void call.answer());
    const farEnd = await lab().startUac('uac-reinvite-hold', 'bob', { pauseMs: 300 });
    const call = await within((async () => {
      while (callee.calls.length === 0) await new Promise((r) => setTimeout(r, 10));
      return callee.calls[0]!;
    })(), 'the incoming call');
    const held = collect(call, 'held');
    const resumed = collect(call, 'resumed');
    expect(await within(call.ended, 'the end of the call')).toMatchObject({ cause: 'hangup-remote' });
    expect((await farEnd.result).explanation).toBe('');
    expect(held.map((e) => [e.by, e.direction])).toEqual([['remote', 'recvonly']]);
    expect(resumed.map((e) => [e.by, e.direction])).toEqual([['remote', 'sendrecv']]);
    // Callscope got the caller's offers as WebRTC; the caller got Callscope's answers as RTP/AVP.
    const offers = callee.requests('INVITE', 'received').map((r) => r.bodyText);
    expect(offers).toHaveLength(3);
    for (const sdp of offers) expect(sdp).toMatch(SAVPF);
    expect(offers.map((sdp) => /^a=(sendrecv|sendonly|recvonly|inactive)/m.exec(sdp)?.[1])).toEqual(['sendrecv', 'sendonly', 'sendrecv']);
    const answers = parseSippTrace(farEnd.messageLog())
      .filter((e) => e.direction === 'received' && e.startLine.startsWith('SIP/2.0 200') && /^CSeq: \d+ INVITE/m.test(e.text)).map((e) => bodyOf(e.text));
    expect(answers).toHaveLength(3);
    for (const sdp of answers) {
      expect(sdp).toMatch(AVP);
      expect(sdp).not.toMatch(WEBRTC);
    }
    expect(answers.map((sdp) => /^a=(sendrecv|sendonly|recvonly|inactive)/m.exec(sdp)?.[1])).toEqual(['sendrecv', 'recvonly', 'sendrecv']);
    // Each 2xx to a re-INVITE carries a Contact (§12.2.2, target refresh) and was ACKed.
    const oks = callee.responses(200, 'sent').filter((r) => r.cseq.method === 'INVITE');
    expect(oks.every((r) => r.contacts.length === 1)).toBe(true);
    expect(callee.requests('ACK', 'received')).toHaveLength(3);
  });
});

describe('blind transfer through Kamailio', () => {
  it('Callscope A calls Callscope B; B REFERs A to a SIPp far end; A NOTIFYs 100/180/200, talks to the far end, and ends the call with B', async () => {
    const farEnd = await lab().startUas('uas-ringing-answer');
    const b = await udpUa(lab());
    closers.push(() => b.close());
    const bCalls: IncomingCall[] = [];
    b.agent.onIncomingCall((call) => {
      bCalls.push(call);
      void call.answer();
    });
    const a = await caller();
    const call = a.agent.call(lab().farEndUri(b.port));
    let transferred: Call | undefined;
    call.on('transfer-call', (e) => { transferred = e.call; });
    await reached(call, 'answered', 'the answer from B');
    const original = bCalls[0]!;
    if (original.state !== 'confirmed') await reached(original, 'confirmed', 'the ACK at B');
    const progress = collect(original, 'transfer-progress');
    const target = lab().farEndUri(farEnd.port);
    expect(await within(original.transfer(target), 'the transfer')).toEqual({ ok: true, status: 200, reason: 'OK' });
    expect(await within(call.ended, 'the end of A\'s first call')).toMatchObject({ cause: 'transferred', byeStatus: 200 });
    expect(await within(original.ended, 'the end of B\'s call')).toMatchObject({ cause: 'transferred' });

    // B saw the progress A reported, as message/sipfrag NOTIFYs of the REFER's implicit subscription.
    expect(progress.map((p) => [p.status, p.final])).toEqual([[100, false], [180, false], [200, true]]);
    const [refer] = b.requests('REFER');
    expect(refer!.getHeader('Refer-To')!.value).toBe(`<${target}>`);
    const notifies = b.requests('NOTIFY', 'received');
    expect(notifies.map((n) => n.bodyText.trim())).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 180 Ringing', 'SIP/2.0 200 OK']);
    expect(notifies.every((n) => n.getHeader('Event')!.value === `refer;id=${refer!.cseq.seq}`)).toBe(true);
    expect(a.responses(202, 'sent')).toHaveLength(1);

    // A's new call reached the far end with Referred-By, and is up.
    const atFarEnd = received(farEnd.messageLog(), 'INVITE ');
    expect(atFarEnd).toHaveLength(1);
    expect(atFarEnd[0]).toMatch(new RegExp(`^Referred-By: <sip:farend-${b.port}@127\\.0\\.0\\.1:${lab().proxy.ports.udp}>`, 'm'));
    expect(transferred?.state).toBe('answered');
    transferred!.hangup();
    expect(await within(transferred!.ended, 'the end of A\'s call to the far end')).toMatchObject({ cause: 'hangup-local', byeStatus: 200 });
    expect((await farEnd.result).explanation).toBe('');
    expect(received(farEnd.messageLog(), 'BYE ')).toHaveLength(1);
  });
});

describe('session timers through Kamailio', () => {
  it('a SIPp caller asks Session-Expires 90 with refresher=uas: Callscope answers it and refreshes with UPDATE after 45 s', async () => {
    const callee = await registered('carol', (call) => void call.answer());
    const farEnd = await lab().startUac('uac-session-timer', 'carol', { timeoutS: 90 });
    const call = await within((async () => {
      while (callee.calls.length === 0) await new Promise((r) => setTimeout(r, 10));
      return callee.calls[0]!;
    })(), 'the incoming call');
    expect(await within(call.ended, 'the end of the call', 70_000)).toMatchObject({ cause: 'hangup-remote' });
    expect((await farEnd.result).explanation).toBe('');
    const ok = callee.responses(200, 'sent').find((r) => r.cseq.method === 'INVITE')!;
    expect(ok.getHeader('Session-Expires')!.value).toBe('90;refresher=uas');
    expect(ok.require).not.toContain('timer');
    expect(ok.supported).toContain('timer');
    // Measured at the caller: the UPDATE came half the interval after the 200 OK.
    const trace = parseSippTrace(farEnd.messageLog()).filter((e) => e.direction === 'received');
    const answeredAt = trace.find((e) => e.startLine.startsWith('SIP/2.0 200') && /^CSeq: 1 INVITE/m.test(e.text))!.at;
    const update = trace.find((e) => e.startLine.startsWith('UPDATE '))!;
    expect(withinTolerance(update.at - answeredAt, 45_000), `UPDATE ${(update.at - answeredAt).toFixed(0)} ms after the 200 OK`).toBe(true);
    expect(update.text).toMatch(/^Session-Expires: 90;refresher=uac$/m);
    expect(update.text).toMatch(/^Supported: .*timer/m);
    expect(call.sessionTimer).toBeUndefined();
  }, 80_000);
});
