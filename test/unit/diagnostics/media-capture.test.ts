// The RTP stream analysis of imported captures: each stream's counters (packets,
// loss from sequence numbers, RFC 3550 A.8 jitter, gaps, silence), matched to
// the call whose SDP announced its addresses, compared with tshark's own RTP
// stream analysis; STUN/DTLS counted per flow; JSON export carries it all.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportPcap } from '../../../src/diagnostics/export/pcap-export.js';
import { JSON_EXPORT_VERSION, modelToJson } from '../../../src/diagnostics/export/json-export.js';
import { importTrace } from '../../../src/diagnostics/import/trace-import.js';
import { request, response } from './crafted.js';
import { at, audioSdp, dtlsHandshake, MediaCapture, rtcpReceiverReport, stun } from './rtp-trace.js';

const hasTshark = existsSync('/usr/bin/tshark');
const dir = mkdtempSync(join(tmpdir(), 'callscope-media-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CALLER = at('192.0.2.10', 5060);
const CALLEE = at('192.0.2.20', 5060);
const CALLER_RTP = at('192.0.2.10', 40000);
const CALLEE_RTP = at('192.0.2.20', 50000);

/** INVITE (offer), 180, 200 (answer) at 1 s, ACK; BYE at `byeAt`. */
function signalling(capture: MediaCapture, options: { callId?: string; byeAt?: number; offset?: number; calleeRtp?: number } = {}): MediaCapture {
  const o = options.offset ?? 0;
  const callId = options.callId ?? 'call-1';
  const offer = audioSdp(CALLER_RTP.address, CALLER_RTP.port);
  const answer = audioSdp(CALLEE_RTP.address, options.calleeRtp ?? CALLEE_RTP.port);
  capture.sip(o, CALLER, CALLEE, request('INVITE', { callId, body: offer }))
    .sip(o + 10, CALLEE, CALLER, response(180, 'INVITE', { callId, toTag: 'b1' }))
    .sip(o + 1000, CALLEE, CALLER, response(200, 'INVITE', { callId, toTag: 'b1', body: answer }))
    .sip(o + 1010, CALLER, CALLEE, request('ACK', { callId, toTag: 'b1', via: ['192.0.2.10:5060;branch=z9hG4bK-ack-1'] }));
  const byeAt = options.byeAt ?? 6000;
  capture.sip(o + byeAt, CALLER, CALLEE, request('BYE', { callId, toTag: 'b1', cseq: 2 }))
    .sip(o + byeAt + 10, CALLEE, CALLER, response(200, 'BYE', { callId, toTag: 'b1', cseq: 2 }));
  return capture;
}

describe('RTP streams of a capture', () => {
  it('counts each stream of a clean call, both ways, and matches them to the call by its SDPs', () => {
    const capture = signalling(new MediaCapture())
      .rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: 1020, count: 249, ssrc: 0x1111 })
      .rtp({ from: CALLEE_RTP, to: CALLER_RTP, startMs: 1005, count: 249, ssrc: 0x2222 })
      .datagram(3000, at('192.0.2.10', 40001), at('192.0.2.20', 50001), rtcpReceiverReport(0x1111));
    const call = capture.call();
    expect(call.findings).toEqual([]);
    expect(call.media?.source).toBe('capture');
    const streams = call.media!.streams;
    expect(streams.map((s) => [s.way, s.ssrc, s.packets, s.lost, s.codec])).toEqual([
      ['to-caller', 0x2222, 249, 0, 'PCMU/8000'],
      ['to-callee', 0x1111, 249, 0, 'PCMU/8000'],
    ]);
    const toCallee = streams.find((s) => s.way === 'to-callee')!;
    expect(toCallee).toMatchObject({
      src: CALLER_RTP, dst: CALLEE_RTP, payloadType: 0, bytes: 249 * 160, expected: 249, jitterMs: 0, maxGapMs: 20,
      levelPackets: 249, silentPackets: 0, rtcpPackets: 1, outOfOrder: 0,
    });
    expect(toCallee.lastAt! - toCallee.firstAt!).toBeCloseTo(248 * 20, 3);
  });

  it('loss from sequence numbers (RFC 3550 A.3), reordering, and jitter by RFC 3550 A.8', () => {
    // Packets 5 and 6 lost; packet 10 arrives 10 ms late (D = +80 then -80 timestamp units at 8 kHz).
    const capture = signalling(new MediaCapture())
      .rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: 1020, count: 50, ssrc: 7, drop: [5, 6], delay: { 10: 10 } })
      .rtp({ from: CALLEE_RTP, to: CALLER_RTP, startMs: 1020, count: 50, ssrc: 8, firstSeq: 65530 });
    const streams = capture.call().media!.streams;
    const lossy = streams.find((s) => s.ssrc === 7)!;
    expect(lossy).toMatchObject({ packets: 48, expected: 50, lost: 2, outOfOrder: 0 });
    // J = 80/16 = 5, then 5 + (80 - 5)/16 = 9.6875 units (1.211 ms), then decaying by 15/16 per packet.
    expect(lossy.maxJitterMs).toBeCloseTo(9.6875 / 8, 3);
    expect(lossy.jitterMs).toBeCloseTo((9.6875 * (15 / 16) ** 38) / 8, 3);
    expect(lossy.maxGapMs).toBeCloseTo(60, 3);
    // Sequence numbers wrap at 65535 without counting as loss.
    expect(streams.find((s) => s.ssrc === 8)).toMatchObject({ packets: 50, expected: 50, lost: 0 });
  });

  it.skipIf(!hasTshark)('agrees with tshark\'s RTP stream analysis (packets, lost, max delta, max jitter)', () => {
    const capture = signalling(new MediaCapture())
      .rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: 1020, count: 100, ssrc: 0xabc, drop: [20, 21, 22], delay: { 40: 7, 60: 3 } })
      .rtp({ from: CALLEE_RTP, to: CALLER_RTP, startMs: 1010, count: 100, ssrc: 0xdef, delay: { 50: 12 } });
    const file = join(dir, 'streams.pcap');
    writeFileSync(file, capture.pcap());
    const out = execFileSync('tshark', ['-r', file, '-q', '-z', 'rtp,streams'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const rows = out.split('\n').filter((l) => /0x[0-9A-F]{8}/i.test(l)).map((l) => l.trim().split(/\s+/));
    const streams = capture.call().media!.streams;
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      // Start End SrcIP SrcPort DstIP DstPort SSRC Payload Pkts Lost (pct) MinDelta MeanDelta MaxDelta MinJitter MeanJitter MaxJitter
      const ours = streams.find((s) => s.ssrc === Number(row[6]))!;
      expect(ours.packets).toBe(Number(row[8]));
      expect(ours.lost).toBe(Number(row[9]));
      expect(ours.maxGapMs).toBeCloseTo(Number(row[13]), 2);
      expect(ours.maxJitterMs).toBeCloseTo(Number(row[16]), 2);
    }
  });

  it('gives each call its own streams when a far end reuses its media port from call to call', () => {
    const capture = signalling(signalling(new MediaCapture(), { callId: 'first' }), { callId: 'second', offset: 10_000 })
      .rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: 1020, count: 200, ssrc: 1 })
      .rtp({ from: CALLEE_RTP, to: CALLER_RTP, startMs: 1020, count: 200, ssrc: 2 })
      .rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: 11_020, count: 100, ssrc: 3 })
      .rtp({ from: CALLEE_RTP, to: CALLER_RTP, startMs: 11_020, count: 100, ssrc: 4 });
    const calls = capture.model().calls;
    expect(calls.map((c) => [c.callId, c.media?.streams.map((s) => s.ssrc)])).toEqual([['first', [1, 2]], ['second', [3, 4]]]);
    expect(calls.flatMap((c) => c.findings)).toEqual([]);
  });

  it('keeps a relay\'s last packets of an ended call in that call when the next call reuses the receiving port', () => {
    // Call one: the callee's side is a relay at 192.0.2.1:30000; call two: another relay port, same caller port.
    const relayOne = at('192.0.2.1', 30000);
    const relayTwo = at('192.0.2.1', 30010);
    const capture = new MediaCapture();
    for (const [callId, offset, relay] of [['one', 0, relayOne], ['two', 6100, relayTwo]] as const) {
      capture.sip(offset, CALLER, CALLEE, request('INVITE', { callId, body: audioSdp(CALLER_RTP.address, CALLER_RTP.port) }))
        .sip(offset + 1000, CALLEE, CALLER, response(200, 'INVITE', { callId, toTag: 'b1', body: audioSdp(relay.address, relay.port) }))
        .sip(offset + 6000, CALLER, CALLEE, request('BYE', { callId, toTag: 'b1', cseq: 2 }));
    }
    capture.rtp({ from: relayOne, to: CALLER_RTP, startMs: 1020, count: 260, ssrc: 1 }) // its last 10 packets come after call two's INVITE
      .rtp({ from: CALLER_RTP, to: relayOne, startMs: 1020, count: 245, ssrc: 2 })
      .rtp({ from: relayTwo, to: CALLER_RTP, startMs: 7120, count: 245, ssrc: 3 })
      .rtp({ from: CALLER_RTP, to: relayTwo, startMs: 7120, count: 245, ssrc: 4 });
    const calls = capture.model().calls;
    expect(calls.map((c) => c.media?.streams.map((s) => `${s.ssrc}:${s.packets}`))).toEqual([['1:260', '2:245'], ['3:245', '4:245']]);
  });

  it('ignores UDP that no SDP announced, and a capture without media gives no media at all', () => {
    const noise = signalling(new MediaCapture())
      .rtp({ from: at('192.0.2.99', 7000), to: at('192.0.2.98', 7002), startMs: 1000, count: 100, ssrc: 9 });
    expect(noise.call().media).toBeUndefined();
    expect(signalling(new MediaCapture()).call().media).toBeUndefined();
  });

  it('counts STUN and DTLS between the call\'s media addresses (RFC 7983), apart from RTP', () => {
    const capture = signalling(new MediaCapture())
      .datagram(1001, CALLER_RTP, CALLEE_RTP, stun('request')).datagram(1002, CALLEE_RTP, CALLER_RTP, stun('response'))
      .datagram(1003, CALLER_RTP, CALLEE_RTP, dtlsHandshake()).datagram(1004, CALLEE_RTP, CALLER_RTP, dtlsHandshake())
      .rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: 1020, count: 200, ssrc: 1 })
      .rtp({ from: CALLEE_RTP, to: CALLER_RTP, startMs: 1020, count: 200, ssrc: 2 });
    const media = capture.call().media!;
    expect(media.flows).toEqual([
      expect.objectContaining({ src: CALLER_RTP, dst: CALLEE_RTP, stunRequests: 1, stunResponses: 0, dtlsPackets: 1 }),
      expect.objectContaining({ src: CALLEE_RTP, dst: CALLER_RTP, stunRequests: 0, stunResponses: 1, dtlsPackets: 1 }),
    ]);
    expect(media.streams.map((s) => s.packets)).toEqual([200, 200]);
  });

  it('JSON export (version 3, JSON Lines) carries the streams in the call\'s record; pcap export still writes the SIP messages only', () => {
    const capture = signalling(new MediaCapture())
      .rtp({ from: CALLER_RTP, to: CALLEE_RTP, startMs: 1020, count: 200, ssrc: 1 })
      .rtp({ from: CALLEE_RTP, to: CALLER_RTP, startMs: 1020, count: 200, ssrc: 2 });
    const model = capture.model();
    const records = JSON.parse(JSON.stringify(modelToJson(model))) as Array<{ type: string; version?: number; media?: { streams: unknown[] } }>;
    expect(JSON_EXPORT_VERSION).toBe(3);
    expect(records[0]).toMatchObject({ type: 'trace', version: 3 });
    expect(records.filter((r) => r.type === 'call')[0]!.media!.streams).toHaveLength(2);
    const again = importTrace(exportPcap(model));
    if (!again.ok) throw new Error(again.reason);
    expect(again.model.messages.map((m) => m.startLine)).toEqual(model.messages.map((m) => m.startLine));
    expect(again.model.calls[0]!.media).toBeUndefined();
  });
});
