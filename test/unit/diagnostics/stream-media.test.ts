// The streaming analysis (`callscope analyze`) reads a capture's media as it goes:
// each call gets the same RTP streams, STUN/DTLS flows and media findings as
// importTrace gives it (every MediaCapture model in media-capture and
// media-findings is checked both ways, see rtp-trace.ts; here the real stacks'
// captures), `callscope analyze` prints them, media keeps a call open while it
// flows, and what the matcher holds follows the calls open at once, not the file.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { scanHeaders } from '../../../src/diagnostics/call-id-scan.js';
import { importTrace } from '../../../src/diagnostics/import/trace-import.js';
import { TraceAnalysis, type AssembledCall } from '../../../src/diagnostics/stream/trace-analysis.js';
import { captureIo } from '../../support/cli-run.js';
import { request, response } from './crafted.js';
import { at, audioSdp, MediaCapture, mediaAndFindings } from './rtp-trace.js';

const dir = mkdtempSync(join(tmpdir(), 'callscope-stream-media-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CALLER = at('192.0.2.10', 5060);
const CALLEE = at('192.0.2.20', 5060);
const CALLER_RTP = at('192.0.2.10', 40000);
const CALLEE_RTP = at('192.0.2.20', 50000);

/** One call: INVITE at `t`, 200 at t+1 s, BYE at t+`byeAfter`, RTP both ways between (or only towards the callee). */
function addCall(capture: MediaCapture, t: number, id: string, options: { byeAfter?: number; oneWay?: boolean; callerPort?: number; intervalMs?: number; ssrc?: number } = {}): MediaCapture {
  const callerRtp = at(CALLER_RTP.address, options.callerPort ?? CALLER_RTP.port);
  const calleeRtp = at(CALLEE_RTP.address, (options.callerPort ?? CALLER_RTP.port) + 10000);
  const byeAfter = options.byeAfter ?? 6000;
  const interval = options.intervalMs ?? 20;
  const count = Math.floor((byeAfter - 1020) / interval);
  const ssrc = options.ssrc ?? 1;
  const via = [`192.0.2.10:5060;branch=z9hG4bK-${id}-1`];
  capture.sip(t, CALLER, CALLEE, request('INVITE', { callId: id, via, body: audioSdp(callerRtp.address, callerRtp.port) }))
    .sip(t + 1000, CALLEE, CALLER, response(200, 'INVITE', { callId: id, via, toTag: 'b1', body: audioSdp(calleeRtp.address, calleeRtp.port) }))
    .sip(t + 1010, CALLER, CALLEE, request('ACK', { callId: id, toTag: 'b1', via: [`192.0.2.10:5060;branch=z9hG4bK-${id}-ack`] }))
    .sip(t + byeAfter, CALLER, CALLEE, request('BYE', { callId: id, toTag: 'b1', cseq: 2, via: [`192.0.2.10:5060;branch=z9hG4bK-${id}-2`] }))
    .sip(t + byeAfter + 10, CALLEE, CALLER, response(200, 'BYE', { callId: id, toTag: 'b1', cseq: 2, via: [`192.0.2.10:5060;branch=z9hG4bK-${id}-2`] }))
    .rtp({ from: callerRtp, to: calleeRtp, startMs: t + 1020, count, ssrc, intervalMs: interval });
  if (!options.oneWay) capture.rtp({ from: calleeRtp, to: callerRtp, startMs: t + 1020, count, ssrc: ssrc + 1, intervalMs: interval });
  return capture;
}

function streamedCalls(bytes: Uint8Array, chunk = 64 * 1024): { calls: AssembledCall[]; analysis: TraceAnalysis } {
  const calls: AssembledCall[] = [];
  const analysis = new TraceAnalysis({ onCall: (c) => calls.push(c) });
  for (let p = 0; p < bytes.length; p += chunk) analysis.push(bytes.subarray(p, p + chunk));
  analysis.end();
  return { calls, analysis };
}

describe('streaming analysis reads the capture\'s media', () => {
  it('finds Content-Type by its full name and its compact form c (a full name that begins with the compact letter)', () => {
    const raw = (h: string) => new TextEncoder().encode(`SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n${h}\r\nCall-ID: x\r\n\r\n`);
    const wanted = [['content-type', 'c'], ['cseq', undefined]] as const;
    expect(scanHeaders(raw('Content-Type: application/sdp'), wanted)).toEqual(['application/sdp', '1 INVITE']);
    expect(scanHeaders(raw('c : application/sdp'), wanted)).toEqual(['application/sdp', '1 INVITE']);
  });

  const fixtures = join(import.meta.dirname, '../../fixtures/real-stacks');
  const pcaps = readdirSync(fixtures).filter((f) => f.endsWith('.pcap'));

  it('the real stacks\' captures (signalling only): the same findings as importTrace, and no media either way', () => {
    expect(pcaps.length).toBeGreaterThan(3);
    for (const name of pcaps) {
      const bytes = new Uint8Array(readFileSync(join(fixtures, name)));
      const imported = importTrace(bytes);
      if (!imported.ok) throw new Error(`${name}: ${imported.reason}`);
      const { calls } = streamedCalls(bytes, 4096);
      expect(mediaAndFindings(calls.map((c) => c.call)), name).toEqual(mediaAndFindings(imported.model.calls));
    }
  });

  it('callscope analyze prints each call\'s media streams and the media finding, and --json carries them', async () => {
    const file = join(dir, 'one-way.pcap');
    writeFileSync(file, addCall(new MediaCapture(), 0, 'one-way', { oneWay: true }).pcap());
    const { io, out } = captureIo();
    expect(await main(['analyze', file], io)).toBe(0);
    expect(out.stdout).toMatch(/ Media \(capture\):\n {2}to-callee 192\.0\.2\.10:40000 -> 192\.0\.2\.20:50000 PCMU\/8000 ssrc 0x00000001: 249 packet\(s\)/);
    expect(out.stdout).toMatch(/\[error\] one-way-audio/);
    const json = captureIo();
    expect(await main(['analyze', file, '--json', '-'], json.io)).toBe(0);
    const call = json.out.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; media?: { streams: Array<{ packets: number }> }; findings?: Array<{ code: string }> })
      .find((r) => r.type === 'call')!;
    expect(call.media?.streams.map((s) => s.packets)).toEqual([249]);
    expect(call.findings?.map((f) => f.code)).toEqual(['one-way-audio']);
  });

  it('media keeps a call open while it flows: early media through a minute of ringing is one call, not two', () => {
    const via = ['192.0.2.10:5060;branch=z9hG4bK-ring-1'];
    const capture = new MediaCapture()
      .sip(0, CALLER, CALLEE, request('INVITE', { callId: 'ring', via, body: audioSdp(CALLER_RTP.address, CALLER_RTP.port) }))
      .sip(100, CALLEE, CALLER, response(183, 'INVITE', { callId: 'ring', via, toTag: 'b1', body: audioSdp(CALLEE_RTP.address, CALLEE_RTP.port) }))
      .rtp({ from: CALLEE_RTP, to: CALLER_RTP, startMs: 120, count: 3000, ssrc: 7 })
      .sip(60_200, CALLEE, CALLER, response(200, 'INVITE', { callId: 'ring', via, toTag: 'b1', body: audioSdp(CALLEE_RTP.address, CALLEE_RTP.port) }))
      .rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: 60_220, count: 200, ssrc: 8 })
      .rtp({ from: CALLEE_RTP, to: CALLER_RTP, startMs: 60_220, count: 200, ssrc: 9 })
      .sip(64_300, CALLER, CALLEE, request('BYE', { callId: 'ring', toTag: 'b1', cseq: 2 }));
    const { calls, analysis } = capture.streamed();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.call.media?.streams.map((s) => `${s.ssrc}:${s.packets}`)).toEqual(['7:3000', '8:200', '9:200']);
    expect(analysis.notes().filter((n) => /media/.test(n))).toEqual([]);
    capture.model(); // and the same as importTrace
  });

  it('media that comes after its call was finished and reported is counted in a note, and UDP of no call is counted', () => {
    const capture = addCall(new MediaCapture(), 0, 'gone', { byeAfter: 3000 })
      // A SIP message 50 s on hands the call on (quiet for 37 s); 60 s after the BYE its caller sends again.
      .sip(50_000, CALLER, CALLEE, request('OPTIONS', { callId: 'between' }))
      .rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: 63_000, count: 5, ssrc: 1, firstSeq: 2000 })
      .rtp({ from: at('192.0.2.99', 7000), to: at('192.0.2.98', 7002), startMs: 63_000, count: 3, ssrc: 9 })
      .sip(70_000, CALLER, CALLEE, request('OPTIONS', { callId: 'later' }));
    const { calls, analysis } = capture.streamed();
    expect(calls.find((c) => c.call.callId === 'gone')!.call.media?.streams.map((s) => s.packets)).toEqual([99, 99]);
    expect(analysis.notes()).toContain('5 media datagram(s) came after their call was finished and reported, and are not in its media: gone (5)');
    expect(analysis.notes()).toContain('3 UDP datagram(s) that are not SIP went to no call\'s media address (198 did)');
  });

  it('what the matcher holds follows the calls open at once: 600 calls with RTP, one every 2 s', () => {
    const capture = new MediaCapture();
    const total = 600;
    for (let n = 0; n < total; n++) {
      // Far ends reuse ports: 50 port pairs for 600 calls.
      addCall(capture, n * 2000, `bulk-${n}`, { byeAfter: 8000, intervalMs: 100, callerPort: 40000 + 2 * (n % 50), ssrc: 10 * n + 1 });
      // and a little noise no SDP announced
      capture.rtp({ from: at('198.51.100.7', 9000), to: at('198.51.100.8', 9002), startMs: n * 2000 + 500, count: 2, ssrc: 5, intervalMs: 500 });
    }
    const bytes = capture.pcap();
    const calls: AssembledCall[] = [];
    const analysis = new TraceAnalysis({ onCall: (c) => calls.push(c) });
    const peak = { calls: 0, streams: 0, claims: 0, waiting: 0, remembered: 0 };
    const chunk = 16 * 1024;
    for (let p = 0; p < bytes.length; p += chunk) {
      analysis.push(bytes.subarray(p, p + chunk));
      const held = analysis.heldMedia;
      peak.calls = Math.max(peak.calls, analysis.held.calls);
      peak.streams = Math.max(peak.streams, held.streams);
      peak.claims = Math.max(peak.claims, held.claims);
      peak.waiting = Math.max(peak.waiting, held.waiting);
      peak.remembered = Math.max(peak.remembered, held.remembered);
    }
    analysis.end();
    expect(calls).toHaveLength(total);
    // Every call got its two streams, all packets in them.
    expect(calls.every((c) => c.call.media?.streams.length === 2 && c.call.media.streams.every((s) => s.packets === 69 && s.lost === 0))).toBe(true);
    expect(calls.every((c) => c.call.findings.length === 0)).toBe(true);
    // Calls open at once: the 8 s call and the 37 s of quiet after it, one call every 2 s.
    expect(peak.calls).toBeLessThanOrEqual(30);
    expect(peak.streams).toBeLessThanOrEqual(2 * peak.calls);
    expect(peak.claims).toBeLessThanOrEqual(4 * peak.calls);
    // Only the noise waits for a claim (a second of it at most); finished calls' addresses are remembered for 2 min (4 per call: RTP and RTCP, both ends).
    expect(peak.waiting).toBeLessThanOrEqual(4);
    expect(peak.remembered).toBeLessThanOrEqual(4 * (120 / 2));
    expect(analysis.heldMedia).toEqual({ calls: 0, claims: 0, streams: 0, flows: 0, waiting: 0, remembered: expect.any(Number) });
    expect(analysis.notes()).toContain(`${2 * total} UDP datagram(s) that are not SIP went to no call's media address (${total * 2 * 69} did)`);
    console.log(`stream-media bounds: ${JSON.stringify(peak)} for ${total} calls, ${bytes.length} bytes`);
  });
});
