// The media findings on crafted captures: for each, one capture that shows it and
// a close one that must not (a healthy call has none).
import { describe, expect, it } from 'vitest';
import { request, response } from './crafted.js';
import { at, audioSdp, dtlsHandshake, MediaCapture, stun, type Addr } from './rtp-trace.js';

const CALLER = at('192.0.2.10', 5060);
const CALLEE = at('192.0.2.20', 5060);
const PROXY = at('192.0.2.1', 5060);
const CALLER_RTP = at('192.0.2.10', 40000);
const CALLEE_RTP = at('192.0.2.20', 50000);

interface CallOptions {
  readonly byeAt?: number;
  readonly offer?: string;
  readonly answer?: string;
  readonly early?: { readonly at: number; readonly sdp: string };
  readonly answerAt?: number;
}

/** Caller -> callee directly: INVITE, (183 with SDP), 200 at 1 s, ACK, BYE. */
function call(capture: MediaCapture, options: CallOptions = {}): MediaCapture {
  capture.sip(0, CALLER, CALLEE, request('INVITE', { body: options.offer ?? audioSdp(CALLER_RTP.address, CALLER_RTP.port), headers: ['Supported: 100rel'] }));
  if (options.early) {
    capture.sip(options.early.at, CALLEE, CALLER, response(183, 'INVITE', { toTag: 'b1', body: options.early.sdp, headers: ['Require: 100rel', 'RSeq: 1'] }))
      .sip(options.early.at + 10, CALLER, CALLEE, request('PRACK', { toTag: 'b1', cseq: 2, headers: ['RAck: 1 1 INVITE'] }))
      .sip(options.early.at + 20, CALLEE, CALLER, response(200, 'PRACK', { toTag: 'b1', cseq: 2 }));
  }
  const answerAt = options.answerAt ?? 1000;
  capture.sip(answerAt, CALLEE, CALLER, response(200, 'INVITE', { toTag: 'b1', body: options.answer ?? audioSdp(CALLEE_RTP.address, CALLEE_RTP.port) }))
    .sip(answerAt + 10, CALLER, CALLEE, request('ACK', { toTag: 'b1', via: ['192.0.2.10:5060;branch=z9hG4bK-ack-1'] }));
  const byeAt = options.byeAt ?? 6000;
  return capture.sip(byeAt, CALLER, CALLEE, request('BYE', { toTag: 'b1', cseq: 3 })).sip(byeAt + 10, CALLEE, CALLER, response(200, 'BYE', { toTag: 'b1', cseq: 3 }));
}

const both = (capture: MediaCapture, from = 1020, count = 245) => capture
  .rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: from, count, ssrc: 1 })
  .rtp({ from: CALLEE_RTP, to: CALLER_RTP, startMs: from, count, ssrc: 2 });

const codes = (capture: MediaCapture) => capture.call().findings.map((f) => f.code);
const finding = (capture: MediaCapture, code: string) => {
  const f = capture.call().findings.find((x) => x.code === code);
  if (!f) throw new Error(`no ${code} among ${codes(capture).join(', ') || 'no findings'}`);
  return f;
};

describe('one-way-audio', () => {
  it('the caller sends, nothing comes back for the 5 s until the BYE: says which way and who is silent', () => {
    const capture = call(new MediaCapture()).rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: 1020, count: 245, ssrc: 1 });
    const f = finding(capture, 'one-way-audio');
    expect(codes(capture)).toEqual(['one-way-audio']);
    expect(f.severity).toBe('error');
    expect(f.explanation).toMatch(/Audio towards the callee flowed after the answer \(192\.0\.2\.10:40000 → 192\.0\.2\.20:50000, 245 packet\(s\)\), but towards the caller: no RTP at all .* the callee sent nothing/);
    expect(f.messages).toEqual([1, 3]);
  });

  it('also after a digest challenge (the answered INVITE is the retry, CSeq 2)', () => {
    const offer = audioSdp(CALLER_RTP.address, CALLER_RTP.port);
    const capture = new MediaCapture()
      .sip(0, CALLER, CALLEE, request('INVITE', { body: offer }))
      .sip(5, CALLEE, CALLER, response(407, 'INVITE', { toTag: 'x1', headers: ['Proxy-Authenticate: Digest realm="r", nonce="n"'] }))
      .sip(6, CALLER, CALLEE, request('ACK', { toTag: 'x1' }))
      .sip(10, CALLER, CALLEE, request('INVITE', { cseq: 2, body: offer, headers: ['Proxy-Authorization: Digest username="a"'] }))
      .sip(1000, CALLEE, CALLER, response(200, 'INVITE', { cseq: 2, toTag: 'b1', body: audioSdp(CALLEE_RTP.address, CALLEE_RTP.port) }))
      .sip(6000, CALLER, CALLEE, request('BYE', { toTag: 'b1', cseq: 3 }))
      .rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: 1020, count: 245, ssrc: 1 });
    expect(codes(capture)).toEqual(['one-way-audio']);
  });

  it('audio that starts late, or stops mid-call', () => {
    const late = call(new MediaCapture(), { byeAt: 9000 }).rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: 1020, count: 395, ssrc: 1 })
      .rtp({ from: CALLEE_RTP, to: CALLER_RTP, startMs: 5500, count: 170, ssrc: 2 });
    expect(finding(late, 'one-way-audio').explanation).toMatch(/towards the caller: the first packet came only 4\.5 s after the answer/);
    const stops = call(new MediaCapture(), { byeAt: 9000 }).rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: 1020, count: 395, ssrc: 1 })
      .rtp({ from: CALLEE_RTP, to: CALLER_RTP, startMs: 1020, count: 100, ssrc: 2 });
    expect(finding(stops, 'one-way-audio').explanation).toMatch(/towards the caller: it stopped 2 s after the answer, 6 s before the BYE/);
  });

  it('not for pauses when packets may pause while nobody speaks: comfort noise negotiated, or DTX asked for', () => {
    const pauses = (extra: readonly string[], answerExtra: readonly string[] = extra) => call(new MediaCapture(), {
      byeAt: 9000, offer: audioSdp(CALLER_RTP.address, CALLER_RTP.port, extra), answer: audioSdp(CALLEE_RTP.address, CALLEE_RTP.port, answerExtra),
    }).rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: 1020, count: 395, ssrc: 1 }).rtp({ from: CALLEE_RTP, to: CALLER_RTP, startMs: 1020, count: 100, ssrc: 2 });
    expect(codes(pauses(['a=rtpmap:13 CN/8000']))).toEqual([]);
    expect(codes(pauses(['a=fmtp:0 usedtx=1'], []))).toEqual([]);
    // Comfort noise offered by one side only is not negotiated: the stop is still a stop.
    expect(codes(pauses(['a=rtpmap:13 CN/8000'], []))).toEqual(['one-way-audio']);
  });

  it('not for a healthy call, a short call, no media captured at all, or a way the SDP does not want (hold)', () => {
    expect(codes(both(call(new MediaCapture())))).toEqual([]);
    expect(codes(call(new MediaCapture(), { byeAt: 3500 }).rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: 1020, count: 120, ssrc: 1 }))).toEqual([]);
    expect(codes(call(new MediaCapture()))).toEqual([]);
    const held = call(new MediaCapture(), { offer: audioSdp(CALLER_RTP.address, CALLER_RTP.port, ['a=sendonly']), answer: audioSdp(CALLEE_RTP.address, CALLEE_RTP.port, ['a=recvonly']) })
      .rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: 1020, count: 245, ssrc: 1 });
    expect(codes(held)).toEqual([]);
  });

  it('through a media relay: the far end\'s audio reaches the relay, which does not forward it to the caller', () => {
    const RELAY_NEAR = at('192.0.2.1', 30000);
    const RELAY_FAR = at('192.0.2.1', 30002);
    const via2 = ['192.0.2.1:5060;branch=z9hG4bK-p1', '192.0.2.10:5060;branch=z9hG4bK-invite-1'];
    const rr = ['Record-Route: <sip:192.0.2.1;lr>'];
    const capture = new MediaCapture()
      .sip(0, CALLER, PROXY, request('INVITE', { body: audioSdp(CALLER_RTP.address, CALLER_RTP.port) }))
      .sip(5, PROXY, CALLEE, request('INVITE', { body: audioSdp(RELAY_FAR.address, RELAY_FAR.port), via: via2, headers: rr }))
      .sip(1000, CALLEE, PROXY, response(200, 'INVITE', { toTag: 'b1', via: via2, headers: rr, body: audioSdp(CALLEE_RTP.address, CALLEE_RTP.port) }))
      .sip(1005, PROXY, CALLER, response(200, 'INVITE', { toTag: 'b1', headers: rr, body: audioSdp(RELAY_NEAR.address, RELAY_NEAR.port) }))
      .sip(6000, CALLER, PROXY, request('BYE', { toTag: 'b1', cseq: 2, headers: ['Route: <sip:192.0.2.1;lr>'] }))
      .rtp({ from: CALLER_RTP, to: RELAY_NEAR, startMs: 1020, count: 245, ssrc: 1 })
      .rtp({ from: RELAY_FAR, to: CALLEE_RTP, startMs: 1021, count: 245, ssrc: 1 })
      .rtp({ from: CALLEE_RTP, to: RELAY_FAR, startMs: 1020, count: 245, ssrc: 2 });
    const f = finding(capture, 'one-way-audio');
    expect(f.explanation).toMatch(/towards the caller: it reached 192\.0\.2\.1:30002 \(192\.0\.2\.20:50000 → 192\.0\.2\.1:30002, 245 packet\(s\)\) but nothing arrived at 192\.0\.2\.10:40000/);
    // Healthy through the relay: nothing to say.
    expect(codes(capture.rtp({ from: RELAY_NEAR, to: CALLER_RTP, startMs: 1021, count: 245, ssrc: 2 }))).toEqual([]);
  });
});

describe('silent-audio', () => {
  it('G.711 packets towards the caller that carry only silence', () => {
    const capture = call(new MediaCapture()).rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: 1020, count: 245, ssrc: 1 })
      .rtp({ from: CALLEE_RTP, to: CALLER_RTP, startMs: 1020, count: 245, ssrc: 2, silent: true });
    expect(codes(capture)).toEqual(['silent-audio']);
    expect(finding(capture, 'silent-audio').explanation).toMatch(/Audio towards the caller arrives .* but is silence: 245 of the 245 G\.711 payloads carry no audible sample/);
  });

  it('not for a tone, nor for a short silence', () => {
    expect(codes(both(call(new MediaCapture())))).toEqual([]);
    const short = call(new MediaCapture(), { byeAt: 3000 }).rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: 1020, count: 95, ssrc: 1 })
      .rtp({ from: CALLEE_RTP, to: CALLER_RTP, startMs: 1020, count: 95, ssrc: 2, silent: true });
    expect(codes(short)).toEqual([]);
  });
});

describe('early-media-without-rtp', () => {
  const earlySdp = audioSdp(CALLEE_RTP.address, CALLEE_RTP.port);
  it('a reliable 183 with SDP, then 4.9 s without RTP towards the caller until the 200', () => {
    const capture = both(call(new MediaCapture(), { early: { at: 100, sdp: earlySdp }, answerAt: 5000, byeAt: 9000 }), 5020, 195);
    const f = finding(capture, 'early-media-without-rtp');
    expect(codes(capture)).toEqual(['early-media-without-rtp']);
    expect(f.explanation).toMatch(/The reliable 183 from 192\.0\.2\.20:5060 carried SDP .* no RTP came towards the caller in the 4\.9 s until the 200: the caller heard silence/);
  });

  it('not when the early media plays, nor when the answer comes soon after the 183', () => {
    const playing = both(call(new MediaCapture(), { early: { at: 100, sdp: earlySdp }, answerAt: 5000, byeAt: 9000 }), 5020, 195)
      .rtp({ from: CALLEE_RTP, to: CALLER_RTP, startMs: 150, count: 240, ssrc: 9 });
    expect(codes(playing)).toEqual([]);
    expect(codes(both(call(new MediaCapture(), { early: { at: 100, sdp: earlySdp } }), 1020))).toEqual([]);
  });
});

describe('unreachable-media-address', () => {
  const NATED = at('203.0.113.10', 5060);
  function natCall(offer: string, from: Addr = NATED): MediaCapture {
    return new MediaCapture().sip(0, from, CALLEE, request('INVITE', { body: offer }))
      .sip(1000, CALLEE, from, response(200, 'INVITE', { toTag: 'b1', body: audioSdp(CALLEE_RTP.address, CALLEE_RTP.port) }));
  }
  it('a private c= with no ICE candidates, from a caller whose packets come from a public address', () => {
    const f = finding(natCall(audioSdp('192.168.1.10', 40000)), 'unreachable-media-address');
    expect(f.explanation).toMatch(/The caller's SDP in the INVITE sip:bob@192\.0\.2\.20:5060 announces media at 192\.168\.1\.10:40000, a private address \(RFC 1918\), with no ICE candidates, but the caller is at 203\.0\.113\.10/);
  });
  it('not with ICE candidates, nor when the caller is at that address (a LAN, the loopback lab)', () => {
    expect(codes(natCall(audioSdp('192.168.1.10', 40000, ['a=candidate:1 1 UDP 2130706431 192.168.1.10 40000 typ host'])))).toEqual([]);
    expect(codes(natCall(audioSdp('192.168.1.10', 40000), at('192.168.1.10', 5060)))).toEqual([]);
    expect(codes(natCall(audioSdp('127.0.0.1', 40000), at('127.0.0.1', 5060)))).toEqual([]);
  });
  it('behind a carrier-grade NAT too; not from another private address (a media server on the LAN, routed private networks)', () => {
    expect(finding(natCall(audioSdp('192.168.1.10', 40000), at('100.64.7.1', 5060)), 'unreachable-media-address').explanation)
      .toMatch(/but the caller is at 100\.64\.7\.1/);
    expect(codes(natCall(audioSdp('10.1.0.1', 40000), at('10.1.0.0', 5060)))).toEqual([]);
    expect(codes(natCall(audioSdp('192.168.1.10', 40000), at('10.20.0.5', 5060)))).toEqual([]);
  });
});

describe('ICE and DTLS in a capture', () => {
  const webrtcSdp = (address: string, port: number, setup: string) => [
    'v=0', `o=- 1 1 IN IP4 ${address}`, 's=-', `c=IN IP4 ${address}`, 't=0 0', `m=audio ${port} UDP/TLS/RTP/SAVPF 0`,
    'a=rtpmap:0 PCMU/8000', 'a=rtcp-mux', 'a=ice-ufrag:abcd', 'a=ice-pwd:0123456789abcdef012345',
    'a=fingerprint:sha-256 00:11:22:33', `a=setup:${setup}`, `a=candidate:1 1 udp 2130706431 ${address} ${port} typ host`, ''].join('\r\n');
  const offer = webrtcSdp(CALLER_RTP.address, CALLER_RTP.port, 'actpass');
  const answer = webrtcSdp(CALLEE_RTP.address, CALLEE_RTP.port, 'active');

  it('ice-failed: binding requests both ways, never answered, no media', () => {
    const capture = call(new MediaCapture(), { offer, answer, byeAt: 8000 });
    for (let t = 1010; t < 7000; t += 500) {
      capture.datagram(t, CALLER_RTP, CALLEE_RTP, stun('request')).datagram(t + 5, CALLEE_RTP, CALLER_RTP, stun('request'));
    }
    const f = finding(capture, 'ice-failed');
    expect(codes(capture)).toEqual(['ice-failed']);
    expect(f.explanation).toMatch(/192\.0\.2\.10:40000 → 192\.0\.2\.20:50000 \(12 binding request\(s\)\).* got no STUN answer at all/);
    expect(f.explanation).toMatch(/The caller offered host 192\.0\.2\.10:40000\/udp; the callee's side offered host 192\.0\.2\.20:50000\/udp/);
  });

  it('dtls-not-completed: STUN answered, DTLS records both ways, no SRTP; says who was active', () => {
    const capture = call(new MediaCapture(), { offer, answer, byeAt: 8000 })
      .datagram(1010, CALLER_RTP, CALLEE_RTP, stun('request')).datagram(1012, CALLEE_RTP, CALLER_RTP, stun('response'));
    for (let t = 1020; t < 7000; t += 1000) capture.datagram(t, CALLEE_RTP, CALLER_RTP, dtlsHandshake()).datagram(t + 3, CALLER_RTP, CALLEE_RTP, dtlsHandshake());
    const f = finding(capture, 'dtls-not-completed');
    expect(codes(capture)).toEqual(['dtls-not-completed']);
    expect(f.explanation).toMatch(/The caller's SDP said a=setup:actpass, the callee's side \(192\.0\.2\.20:50000\) a=setup:active: the callee's side is the DTLS client/);
    // Both active: a configuration that can never connect.
    const clash = call(new MediaCapture(), { offer: webrtcSdp(CALLER_RTP.address, CALLER_RTP.port, 'active'), answer, byeAt: 8000 })
      .datagram(1010, CALLER_RTP, CALLEE_RTP, stun('request')).datagram(1012, CALLEE_RTP, CALLER_RTP, stun('response'))
      .datagram(1020, CALLEE_RTP, CALLER_RTP, dtlsHandshake()).datagram(1023, CALLER_RTP, CALLEE_RTP, dtlsHandshake());
    expect(finding(clash, 'dtls-not-completed').explanation).toMatch(/both want to be the DTLS client, so the handshake can never start/);
  });

  it('neither when ICE and DTLS complete and SRTP flows', () => {
    const capture = both(call(new MediaCapture(), { offer, answer }))
      .datagram(1001, CALLER_RTP, CALLEE_RTP, stun('request')).datagram(1002, CALLEE_RTP, CALLER_RTP, stun('response'))
      .datagram(1005, CALLEE_RTP, CALLER_RTP, dtlsHandshake()).datagram(1008, CALLER_RTP, CALLEE_RTP, dtlsHandshake());
    expect(codes(capture)).toEqual([]);
    expect(capture.call().media!.streams.every((s) => s.encrypted === true && s.levelPackets === undefined)).toBe(true);
  });
});
