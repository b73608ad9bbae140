// RTP and RTCP as RFC 3550 writes them: packets, the receiver's sequence
// and loss accounting (A.1, A.3), jitter (A.8), SR/RR/SDES/BYE, round trip
// (§6.4.1); RFC 4733 events; the SDP of a plain RTP session.
import { describe, expect, it } from 'vitest';
import { ReceiveStats } from '../../../src/media/rtp/receive-stats.js';
import { looksLikeRtcp, parseRtp, serializeRtp } from '../../../src/media/rtp/rtp-packet.js';
import { buildCompound, ntpMiddle, ntpNow, parseCompound, roundTripMs } from '../../../src/media/rtp/rtcp.js';
import { readRemoteRtp, writeLocalRtp } from '../../../src/media/rtp/rtp-sdp.js';
import { DtmfReceiver, DtmfSender, parseTelephoneEvent } from '../../../src/media/rtp/telephone-event.js';

describe('RTP packets', () => {
  it('round-trip through serialize and parse; CSRCs, an extension and padding are skipped', () => {
    const packet = { marker: true, payloadType: 0, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, payload: Uint8Array.of(1, 2, 3) };
    expect(parseRtp(serializeRtp(packet))).toEqual(packet);
    // V=2 P=1 X=1 CC=1, PT 8; one CSRC; extension of one word; two padding octets.
    const raw = Uint8Array.of(0xb1, 8, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 9, 9, 9, 9, 0xbe, 0xde, 0, 1, 7, 7, 7, 7, 0xaa, 0xbb, 0, 2);
    expect(parseRtp(raw)).toMatchObject({ payloadType: 8, sequenceNumber: 1, timestamp: 2, ssrc: 3, payload: Uint8Array.of(0xaa, 0xbb) });
    expect(parseRtp(Uint8Array.of(0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))).toBeUndefined();
  });

  it('tells RTCP from RTP on a shared port (RFC 5761 §4)', () => {
    expect(looksLikeRtcp(Uint8Array.of(0x80, 200))).toBe(true);
    expect(looksLikeRtcp(Uint8Array.of(0x80, 0x80 | 0))).toBe(false);
    expect(looksLikeRtcp(Uint8Array.of(0x80, 101))).toBe(false);
  });
});

describe('RFC 3550 receiver statistics', () => {
  function feed(stats: ReceiveStats, seqs: number[]): void {
    for (const s of seqs) stats.updateSequence(s & 0xffff);
  }

  it('counts a source after MIN_SEQUENTIAL packets, then expected, lost and the fraction since the last report (A.1, A.3)', () => {
    const stats = new ReceiveStats(8000, 100);
    feed(stats, [100, 101]);
    expect(stats.expected).toBe(1);
    feed(stats, [102, 103, 105, 106, 110]);
    // 101..110 expected (10), 6 received: 4 lost.
    expect(stats.expected).toBe(10);
    expect(stats.lost).toBe(4);
    const report = stats.report();
    expect(report).toMatchObject({ cumulativeLost: 4, extendedHighestSequence: 110, fractionLost: Math.floor((4 * 256) / 10) });
    feed(stats, [111, 112]);
    expect(stats.report().fractionLost).toBe(0);
  });

  it('follows a wrap of the sequence number (a new 64K cycle) and counts duplicates as the RFC does', () => {
    const stats = new ReceiveStats(8000, 65533);
    feed(stats, [65533, 65534, 65535, 0, 1, 2, 2]);
    expect(stats.extendedMax).toBe(65536 + 2);
    expect(stats.expected).toBe(5);
    // A duplicate is "received" too, so the loss goes negative (A.3: "lost may be negative if there are duplicates").
    expect(stats.lost).toBe(-1);
  });

  it('a large jump is a restart only once two packets confirm it (A.1 bad_seq)', () => {
    const stats = new ReceiveStats(8000, 10);
    feed(stats, [10, 11, 12, 20000]);
    expect(stats.extendedMax).toBe(12);
    feed(stats, [20001, 20002]);
    expect(stats.extendedMax).toBe(20002);
    expect(stats.lost).toBe(0);
  });

  it('jitter is zero for a steady stream and follows J += (|D| - J)/16 when packets arrive irregularly (A.8)', () => {
    const steady = new ReceiveStats(8000, 1);
    for (let i = 0; i < 50; i++) steady.updateJitter(i * 160, i * 20);
    expect(steady.jitterMs).toBe(0);
    const uneven = new ReceiveStats(8000, 1);
    uneven.updateJitter(0, 0);
    uneven.updateJitter(160, 30); // 10 ms late: D = 80 units
    expect(uneven.jitterMs).toBeCloseTo(((80 / 16) / 8000) * 1000, 6);
    // Timestamps wrap at 2^32 without a jump in jitter.
    const wrap = new ReceiveStats(8000, 1);
    wrap.updateJitter(2 ** 32 - 160, 0);
    wrap.updateJitter(0, 20);
    expect(wrap.jitterMs).toBeCloseTo(0, 6);
  });
});

describe('RTCP', () => {
  it('builds SR + SDES CNAME (+ BYE) and reads them back', () => {
    const ntp = ntpNow(1_700_000_000_000);
    const block = { ssrc: 7, fractionLost: 25, cumulativeLost: -2, extendedHighestSequence: 70000, jitter: 33, lastSr: 0x12345678, delaySinceLastSr: 65536 };
    const packet = buildCompound({ ssrc: 5, cname: 'me@host', sender: { ntp, rtpTimestamp: 1, packetCount: 2, octetCount: 320 }, reports: [block], bye: true });
    expect(packet.length % 4).toBe(0);
    const parsed = parseCompound(packet)!;
    expect(parsed.map((p) => p.type)).toEqual(['sr', 'other', 'bye']);
    expect(parsed[0]).toEqual({ type: 'sr', ssrc: 5, sender: { ntp, rtpTimestamp: 1, packetCount: 2, octetCount: 320 }, reports: [block] });
    expect(parsed[1]).toEqual({ type: 'other', packetType: 202 });
    expect(parsed[2]).toEqual({ type: 'bye', ssrcs: [5] });
    const rr = parseCompound(buildCompound({ ssrc: 9, cname: 'x', reports: [] }))!;
    expect(rr[0]).toEqual({ type: 'rr', ssrc: 9, reports: [] });
    expect(parseCompound(Uint8Array.of(0x40, 200, 0, 0))).toBeUndefined();
  });

  it('round trip = A - LSR - DLSR (§6.4.1)', () => {
    const sentAt = ntpNow(1_700_000_000_000);
    const arrival = ntpNow(1_700_000_000_250);
    // The peer held our SR for 200 ms before reporting: 50 ms of network round trip remain.
    const block = { ssrc: 1, fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 0, jitter: 0, lastSr: ntpMiddle(sentAt), delaySinceLastSr: Math.round(0.2 * 65536) };
    expect(roundTripMs(block, arrival)).toBeCloseTo(50, 0);
    expect(roundTripMs({ ...block, lastSr: 0 }, arrival)).toBeUndefined();
  });
});

describe('RFC 4733 telephone events', () => {
  it('sends each digit as events with one timestamp, the end three times, then a pause', async () => {
    const sender = new DtmfSender(160, 800);
    const done = sender.send('5#');
    const packets = [];
    for (let i = 0; i < 30; i++) packets.push(sender.next());
    const events = packets.map((p) => (p ? parseTelephoneEvent(p.payload) : undefined));
    // 800 samples = 5 packets of 160; the 5th ends, and is sent twice more.
    expect(events.slice(0, 7).map((e) => e && `${e.event}:${e.duration}:${e.end}`)).toEqual(
      ['5:160:false', '5:320:false', '5:480:false', '5:640:false', '5:800:true', '5:800:true', '5:800:true']);
    expect(packets[0]!.marker && packets[0]!.start).toBe(true);
    expect(packets[1]!.marker).toBe(false);
    // 800 samples of pause (5 packet times of audio), then '#' (event 11).
    expect(events.slice(7, 12)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(events[12]).toMatchObject({ event: 11, end: false });
    await done;
    expect(sender.busy).toBe(false);
    await expect(sender.send('5X')).rejects.toThrow(/0-9, \*, # and A-D/);
  });

  it('reports each received digit once, whatever the repeats', () => {
    const digits: string[] = [];
    const receiver = new DtmfReceiver((d) => digits.push(d));
    const sender = new DtmfSender(160, 480);
    void sender.send('1A');
    let timestamp = 0;
    let eventTimestamp = 0;
    for (let i = 0; i < 20; i++) {
      const packet = sender.next();
      if (packet?.start) eventTimestamp = timestamp;
      // Every packet of an event carries its start; the end packets come three times.
      if (packet) receiver.receive(eventTimestamp, packet.payload);
      timestamp += 160;
    }
    expect(receiver.received).toBe('1A');
    expect(digits).toEqual(['1', 'A']);
  });
});

describe('the SDP of a plain RTP session', () => {
  it('offers PCMU, PCMA and telephone-event at 20 ms, and reads a peer\'s stream', () => {
    const offer = writeLocalRtp({
      sessionId: 42, version: 3, address: '127.0.0.1', port: 40000, codecs: [{ name: 'PCMU', payloadType: 0 }, { name: 'PCMA', payloadType: 8 }],
      dtmfPayloadType: 101, ptimeMs: 20, direction: 'sendrecv', rtcpMux: false,
    });
    expect(offer).toMatch(/^o=callscope 42 3 IN IP4 127\.0\.0\.1\r$/m);
    expect(offer).toMatch(/^m=audio 40000 RTP\/AVP 0 8 101\r$/m);
    expect(offer).toMatch(/^a=rtpmap:101 telephone-event\/8000\r$/m);
    expect(offer).toMatch(/^a=fmtp:101 0-15\r$/m);
    expect(readRemoteRtp(offer)).toEqual({
      protocol: 'RTP/AVP', address: '127.0.0.1', port: 40000, rtcpPort: 40001, rtcpMux: false, direction: 'sendrecv', ptimeMs: 20,
      codecs: [{ name: 'PCMU', payloadType: 0 }, { name: 'PCMA', payloadType: 8 }], dtmfPayloadType: 101,
    });
  });

  it('knows static payload types without rtpmap, a=rtcp, rtcp-mux, and holds by c=0.0.0.0', () => {
    const sdp = 'v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 5004 RTP/AVP 18 8 96\r\n'
      + 'a=rtpmap:96 telephone-event/8000\r\na=rtcp:6000\r\na=rtcp-mux\r\na=ptime:30\r\n';
    expect(readRemoteRtp(sdp)).toMatchObject({
      codecs: [{ name: 'PCMA', payloadType: 8 }], dtmfPayloadType: 96, rtcpPort: 6000, rtcpMux: true, ptimeMs: 30, direction: 'sendonly',
    });
    expect(readRemoteRtp('v=0\r\ns=-\r\n')).toBe('the session description has no audio stream (m=audio)');
  });
});
