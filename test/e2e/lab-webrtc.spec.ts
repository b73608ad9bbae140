// The lab from Playwright: Chromium's own WebRTC stack (ICE, DTLS-SRTP, Opus/PCMU) calls a
// plain-RTP SIPp far end over WebSocket through Kamailio, and rtpengine bridges the media both
// ways. The SIP side is the lab's bare WebSocket client, not Callscope's stack: this
// proves the lab a WebRTC softphone is tested against. It fails if rtpengine does not
// complete ICE and DTLS with a real browser or does not relay the far end's audio. The lab's
// capture (media too) is then read by Callscope: a healthy relayed WebRTC call, both legs,
// with ICE, DTLS and SRTP on one side and RTP on the other, has no finding. The signalling
// goes over plain WS (not WSS) so that the capture shows that leg's SDPs too.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { expect } from '@playwright/test';
import { importTrace } from '../../src/diagnostics/import/trace-import.js';
import { labTest } from '../lab/playwright-lab.js';
import {
  RawWsSipClient, bodyOf, cseqOf, headerValues, randomToken, sipMessage, statusOf,
} from '../lab/ws-sip-client.js';

const test = labTest({ name: 'e2e-webrtc', auth: false, captureMedia: true });

// Runs in the page: one RTCPeerConnection with Chromium's fake microphone.
const PAGE_PHONE = `
window.labPhone = {
  async offer() {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const pc = new RTCPeerConnection();
    this.pc = pc;
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    await pc.setLocalDescription(await pc.createOffer());
    if (pc.iceGatheringState !== 'complete') {
      await new Promise((resolve) => pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') resolve();
      }));
    }
    return pc.localDescription.sdp;
  },
  async answer(sdp) {
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
    // Play the far end's audio, so that Chromium decodes it (and measures its energy).
    const audio = document.createElement('audio');
    audio.srcObject = new MediaStream(this.pc.getReceivers().map((r) => r.track));
    document.body.append(audio);
    this.played = audio.play().then(() => 'playing', (e) => String(e));
  },
  async media() {
    const out = { connection: this.pc.connectionState, dtls: '', received: 0, energy: 0, sent: 0, codec: '' };
    const report = await this.pc.getStats();
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        out.received = s.packetsReceived;
        out.energy = s.totalAudioEnergy ?? 0;
        out.codec = report.get(s.codecId)?.mimeType ?? '';
      }
      if (s.type === 'outbound-rtp' && s.kind === 'audio') out.sent = s.packetsSent;
      if (s.type === 'transport') out.dtls = s.dtlsState + ' as ' + s.dtlsRole;
    });
    return out;
  },
  close() { this.pc.close(); },
};
`;

interface PageMedia {
  connection: string;
  dtls: string;
  received: number;
  energy: number;
  sent: number;
  codec: string;
}

let server: Server;
let pageUrl = '';

test.beforeAll(async () => {
  // Any page on 127.0.0.1 is a secure context, as getUserMedia requires.
  server = createServer((_req, res) => res.end('<!doctype html><title>lab phone</title>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  pageUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});

test.afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

test('Chromium talks WebRTC through Kamailio and rtpengine to a plain RTP far end, and hears its audio', async ({ page, lab }) => {
  const callee = await lab.startUas('uas-ringing-answer');
  await page.goto(pageUrl);
  await page.addScriptTag({ content: PAGE_PHONE });
  // The lab is loopback only: the far side learns no candidate on another interface.
  const offer = (await page.evaluate('labPhone.offer()') as string).split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') || / 127\.\d+\.\d+\.\d+ \d+ typ /.test(line)).join('\r\n');
  expect(offer).toMatch(/^a=candidate:.* 127\.0\.0\.1 \d+ typ host/m);
  expect(offer).toMatch(/^m=audio \d+ UDP\/TLS\/RTP\/SAVPF /m);

  const client = await RawWsSipClient.connect(lab.proxy.wsUrl);
  try {
    const host = `${randomToken()}.invalid`;
    const target = `sip:farend-${callee.port}@${lab.proxy.realm}`;
    const callId = `${randomToken()}@${host}`;
    const from = `<sip:alice@${lab.proxy.realm}>;tag=${randomToken()}`;
    client.send(sipMessage(`INVITE ${target} SIP/2.0`, [
      `Via: SIP/2.0/WS ${host};branch=z9hG4bK${randomToken()}`, 'Max-Forwards: 70',
      `From: ${from}`, `To: <${target}>`, `Call-ID: ${callId}`, 'CSeq: 1 INVITE',
      `Contact: <sip:alice@${host};transport=ws;ob>`, 'Content-Type: application/sdp',
    ], offer));
    const answer = await client.receive((m) => cseqOf(m) === '1 INVITE' && statusOf(m) >= 200);
    expect(statusOf(answer)).toBe(200);
    // rtpengine answers for the far end with ICE and DTLS-SRTP, which Chromium accepts.
    expect(bodyOf(answer)).toMatch(/^a=fingerprint:sha-256 /m);
    await page.evaluate(`labPhone.answer(${JSON.stringify(bodyOf(answer))})`);

    // ACK and BYE end to end: Request-URI = the 2xx Contact, Route = Record-Route reversed.
    const routes = headerValues(answer, 'Record-Route').flatMap((v) => v.split(/,\s*(?=<)/)).reverse().map((r) => `Route: ${r}`);
    const remoteTarget = /<([^>]+)>/.exec(headerValues(answer, 'Contact')[0]!)![1]!;
    const inDialog = (method: string, cseq: number) => sipMessage(`${method} ${remoteTarget} SIP/2.0`, [
      `Via: SIP/2.0/WS ${host};branch=z9hG4bK${randomToken()}`, 'Max-Forwards: 70',
      `From: ${from}`, `To: ${headerValues(answer, 'To')[0]}`, `Call-ID: ${callId}`, `CSeq: ${cseq} ${method}`, ...routes,
    ]);
    client.send(inDialog('ACK', 1));

    // The far end's PCMU tone arrives as SRTP, is decrypted and decoded (energy > 0); the
    // fake microphone's audio goes out. Fifty packets is one second of 20 ms frames.
    // rtpengine is the DTLS client (see the lab's kamailio.cfg), Chromium the server.
    await expect.poll(async () => {
      const media = await page.evaluate('labPhone.media()') as PageMedia;
      return `${media.connection}, DTLS ${media.dtls}`;
    }, { timeout: 15_000 }).toBe('connected, DTLS connected as server');
    await expect.poll(async () => {
      const media = await page.evaluate('labPhone.media()') as PageMedia;
      return media.received >= 50 && media.sent >= 50 && media.energy > 0 ? media.codec : `waiting: ${JSON.stringify(media)}`;
    }, { timeout: 15_000 }).toBe('audio/PCMU');

    client.send(inDialog('BYE', 2));
    expect(statusOf(await client.receive((m) => cseqOf(m) === '2 BYE'))).toBe(200);
    expect((await callee.result).explanation).toBe('');

    // Callscope's reading of the capture: the call through rtpengine, both legs, no finding.
    await new Promise((resolve) => setTimeout(resolve, 800));
    const imported = importTrace(new Uint8Array(readFileSync(lab.captureFile!)));
    if (!imported.ok) throw new Error(imported.reason);
    const call = imported.model.calls.find((c) => c.callId === callId)!;
    expect(call.findings.map((f) => `${f.code}: ${f.explanation}`)).toEqual([]);
    const streams = call.media!.streams;
    // Chromium <-> rtpengine (SRTP, on whichever candidate pairs ICE used) and rtpengine <-> SIPp (RTP), each way.
    const ways = (encrypted: boolean) => [...new Set(streams.filter((s) => (s.encrypted === true) === encrypted).map((s) => s.way))].sort();
    expect(ways(true)).toEqual(['to-callee', 'to-caller']);
    expect(ways(false)).toEqual(['to-callee', 'to-caller']);
    expect(call.media!.flows!.some((f) => f.stunResponses > 0)).toBe(true);
    expect(call.media!.flows!.some((f) => f.dtlsPackets > 0)).toBe(true);
  } finally {
    client.close();
    await page.evaluate('labPhone.close()').catch(() => undefined);
  }
});
