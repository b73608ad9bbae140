// The lab proves itself, without any of Callscope's own SIP code: if Kamailio,
// rtpengine or SIPp is misconfigured, these tests fail.
import { describe, expect, it } from 'vitest';
import { parseSippTrace } from './sipp-trace.js';
import { useLab } from './vitest-lab.js';
import {
  RawWsSipClient, bodyOf, cseqOf, digestAuthorization, headerValues, randomToken, sipMessage, statusOf,
} from './ws-sip-client.js';

const DOMAIN = 'callscope.lab';

describe('SIP lab self-test', () => {
  const lab = useLab({ name: 'lab-self-test' });

  it('carries a reliable 183 call from a SIPp caller through Kamailio to a SIPp far end (PRACK, answer, BYE)', async () => {
    const callee = await lab().startUas('uas-reliable-183');
    const caller = await lab().startUac('uac-100rel', `farend-${callee.port}`, { pauseMs: 300 });
    const [callerResult, calleeResult] = await Promise.all([caller.result, callee.result]);
    expect(callerResult.explanation).toBe('');
    expect(calleeResult.explanation).toBe('');
    // The far end saw the call come through the proxy (Via and Record-Route
    // added by Kamailio) and got a PRACK for RSeq 1.
    const seen = callee.messageLog();
    expect(seen).toMatch(/^PRACK /m);
    expect(seen).toMatch(/^RAck: 1 1 INVITE/m);
    expect(seen).toMatch(new RegExp(`^Record-Route: <sip:127\\.0\\.0\\.1:${lab().proxy.ports.udp};`, 'm'));
    expect(seen).toMatch(/^BYE /m);
    // Every response the caller got through the proxy still has its Via (the
    // far end must echo all of the INVITE's Vias, not just the proxy's).
    const responses = parseSippTrace(caller.messageLog()).filter((e) => e.direction === 'received');
    expect(responses.map((e) => e.startLine)).toContain('SIP/2.0 200 OK');
    for (const response of responses) expect(response.text, response.startLine).toMatch(/^Via: SIP\/2\.0\/UDP 127\.0\.0\.1:/m);
  });

  it('registers a WebSocket client over WSS after a digest challenge (TLS verified against the lab CA)', async () => {
    const client = await RawWsSipClient.connect(lab().proxy.wssUrl, lab().proxy.caFile);
    try {
      expect(client.socket.protocol).toBe('sip');
      const alice = lab().account('alice');
      const host = `${randomToken()}.invalid`;
      const callId = `${randomToken()}@${host}`;
      const register = (cseq: number, extra: string[] = []) => sipMessage(`REGISTER sip:${DOMAIN} SIP/2.0`, [
        `Via: SIP/2.0/WSS ${host};branch=z9hG4bK${randomToken()}`,
        'Max-Forwards: 70',
        `From: <sip:alice@${DOMAIN}>;tag=${randomToken()}`,
        `To: <sip:alice@${DOMAIN}>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} REGISTER`,
        `Contact: <sip:alice@${host};transport=ws;ob>;+sip.instance="<urn:uuid:00000000-0000-4000-8000-${randomToken()}>";reg-id=1`,
        'Expires: 300',
        ...extra,
      ]);
      client.send(register(1));
      const challenge = await client.receive((m) => cseqOf(m) === '1 REGISTER');
      expect(statusOf(challenge)).toBe(401);
      const [wwwAuthenticate] = headerValues(challenge, 'WWW-Authenticate');
      expect(wwwAuthenticate).toMatch(/realm="callscope\.lab"/);

      const authorization = digestAuthorization(wwwAuthenticate!, {
        method: 'REGISTER', uri: `sip:${DOMAIN}`, user: alice.user, password: alice.password,
      });
      client.send(register(2, [`Authorization: ${authorization}`]));
      const ok = await client.receive((m) => cseqOf(m) === '2 REGISTER');
      expect(statusOf(ok)).toBe(200);
      expect(headerValues(ok, 'Contact').join(',')).toMatch(new RegExp(`${host.replace('.', '\\.')};transport=ws`));

      // A wrong password is refused (the challenge is not a formality).
      client.send(register(3, [`Authorization: ${digestAuthorization(wwwAuthenticate!, {
        method: 'REGISTER', uri: `sip:${DOMAIN}`, user: alice.user, password: 'wrong',
      })}`]));
      expect(statusOf(await client.receive((m) => cseqOf(m) === '3 REGISTER'))).toBe(401);
    } finally {
      client.close();
    }
  });

  it('bridges a WebRTC offer from WSS to a plain RTP far end through rtpengine, and back', async () => {
    const callee = await lab().startUas('uas-ringing-answer');
    const client = await RawWsSipClient.connect(lab().proxy.wssUrl, lab().proxy.caFile);
    try {
      const alice = lab().account('alice');
      const host = `${randomToken()}.invalid`;
      const target = `sip:farend-${callee.port}@${DOMAIN}`;
      const callId = `${randomToken()}@${host}`;
      const fromTag = randomToken();
      const offer = [
        'v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0',
        'm=audio 40000 UDP/TLS/RTP/SAVPF 111 0', 'c=IN IP4 127.0.0.1', 'a=mid:0', 'a=rtcp-mux',
        'a=rtpmap:111 opus/48000/2', 'a=rtpmap:0 PCMU/8000', 'a=sendrecv',
        'a=ice-ufrag:Ab12', 'a=ice-pwd:Cd34Ef56Gh78Ij90Kl12Mn34',
        'a=fingerprint:sha-256 ' + Array.from({ length: 32 }, (_, i) => (i * 7 % 256).toString(16).padStart(2, '0').toUpperCase()).join(':'),
        'a=setup:actpass', 'a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host', '',
      ].join('\r\n');
      const invite = (cseq: number, branch: string, extra: string[] = []) => sipMessage(`INVITE ${target} SIP/2.0`, [
        `Via: SIP/2.0/WSS ${host};branch=${branch}`,
        'Max-Forwards: 70',
        `From: "Alice" <sip:alice@${DOMAIN}>;tag=${fromTag}`,
        `To: <${target}>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} INVITE`,
        `Contact: <sip:alice@${host};transport=ws;ob>`,
        'Content-Type: application/sdp',
        ...extra,
      ], offer);

      // First attempt: the proxy demands credentials (407); ACK it hop by hop.
      const firstBranch = `z9hG4bK${randomToken()}`;
      client.send(invite(1, firstBranch));
      const challenge = await client.receive((m) => cseqOf(m) === '1 INVITE' && statusOf(m) >= 200);
      expect(statusOf(challenge)).toBe(407);
      client.send(sipMessage(`ACK ${target} SIP/2.0`, [
        `Via: SIP/2.0/WSS ${host};branch=${firstBranch}`, 'Max-Forwards: 70',
        `From: "Alice" <sip:alice@${DOMAIN}>;tag=${fromTag}`, `To: ${headerValues(challenge, 'To')[0]}`,
        `Call-ID: ${callId}`, 'CSeq: 1 ACK',
      ]));
      const proxyAuthorization = digestAuthorization(headerValues(challenge, 'Proxy-Authenticate')[0]!, {
        method: 'INVITE', uri: target, user: alice.user, password: alice.password,
      });
      client.send(invite(2, `z9hG4bK${randomToken()}`, [`Proxy-Authorization: ${proxyAuthorization}`]));
      const answer = await client.receive((m) => cseqOf(m) === '2 INVITE' && statusOf(m) >= 200);
      expect(statusOf(answer)).toBe(200);

      // rtpengine turned the far end's plain RTP answer into a WebRTC one ...
      const answerSdp = bodyOf(answer);
      expect(answerSdp).toMatch(/^m=audio \d+ UDP\/TLS\/RTP\/SAVPF /m);
      expect(answerSdp).toMatch(/^a=fingerprint:sha-256 /m);
      expect(answerSdp).toMatch(/^a=ice-ufrag:/m);
      expect(answerSdp).toMatch(/^a=candidate:.* 127\.0\.0\.1 /m);

      // ACK and BYE go end to end: Request-URI = the 2xx Contact, Route =
      // Record-Route reversed (two entries: Kamailio record-routes twice when
      // the call crosses from WSS to UDP).
      const recordRoute = headerValues(answer, 'Record-Route').flatMap((v) => v.split(/,\s*(?=<)/));
      expect(recordRoute).toHaveLength(2);
      const routes = [...recordRoute].reverse().map((r) => `Route: ${r}`);
      const remoteTarget = /<([^>]+)>/.exec(headerValues(answer, 'Contact')[0]!)![1]!;
      const inDialog = (method: string, cseq: number) => sipMessage(`${method} ${remoteTarget} SIP/2.0`, [
        `Via: SIP/2.0/WSS ${host};branch=z9hG4bK${randomToken()}`, 'Max-Forwards: 70',
        `From: "Alice" <sip:alice@${DOMAIN}>;tag=${fromTag}`, `To: ${headerValues(answer, 'To')[0]}`,
        `Call-ID: ${callId}`, `CSeq: ${cseq} ${method}`, ...routes,
      ]);
      client.send(inDialog('ACK', 2));
      client.send(inDialog('BYE', 3));
      expect(statusOf(await client.receive((m) => cseqOf(m) === '3 BYE'))).toBe(200);
      expect((await callee.result).explanation).toBe('');

      // ... and the far end received a plain RTP offer that points at
      // rtpengine (SIPp's trace is complete once it has exited).
      const receivedOffer = callee.messageLog();
      expect(receivedOffer).toMatch(/^m=audio (\d+) RTP\/AVP /m);
      expect(receivedOffer).not.toMatch(/^a=(fingerprint|ice-ufrag|candidate)/m);
      const relayPort = Number(/^m=audio (\d+) RTP\/AVP /m.exec(receivedOffer)![1]);
      const [low, high] = lab().rtpengine.rtpPorts;
      expect(relayPort).toBeGreaterThanOrEqual(low);
      expect(relayPort).toBeLessThanOrEqual(high);
    } finally {
      client.close();
    }
  });
});
