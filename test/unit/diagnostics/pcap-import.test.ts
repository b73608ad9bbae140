// The capture importer on hand-built files: every link type, IPv4 and IPv6,
// pcap (µs/ns, both byte orders) and pcapng, TCP reassembly, WebSocket frames,
// and what it says about what it skipped.
import { describe, expect, it } from 'vitest';
import { importTrace } from '../../../src/diagnostics/import/trace-import.js';
import { encodeWebSocketFrame } from '../../../src/diagnostics/import/websocket-frames.js';
import { concat, enc, ip, LINK, linkFrame, pcapFile, pcapngFile, tcp, udp } from './pcap-fixtures.js';
import { request, response } from './crafted.js';

const INVITE = request('INVITE', { callId: 'cap-1' });
const TRYING = response(100, 'INVITE', { callId: 'cap-1' });
const T0 = 1_714_564_800_000;

function read(bytes: Uint8Array) {
  const r = importTrace(bytes);
  if (!r.ok) throw new Error(r.reason);
  return r;
}

describe('pcap and pcapng link types', () => {
  for (const [name, link] of Object.entries(LINK)) {
    for (const [family, a, b] of [['IPv4', '10.0.0.1', '10.0.0.2'], ['IPv6', '2001:db8::1', '2001:db8::2']] as const) {
      it(`${name} (${link}), ${family}, UDP, pcap and pcapng`, () => {
        const frames = [
          { atMs: T0 + 0.25, data: linkFrame(link, ip(a, b, udp(5060, 5080, enc(INVITE)))) },
          { atMs: T0 + 12.5, data: linkFrame(link, ip(b, a, udp(5080, 5060, enc(TRYING)))) },
        ];
        for (const file of [pcapFile(link, frames), pcapngFile(link, frames)]) {
          const r = read(file);
          expect(r.model.messages.map((m) => m.startLine)).toEqual(['INVITE sip:bob@192.0.2.20:5060 SIP/2.0', 'SIP/2.0 100 Trying']);
          expect(r.model.messages[0]!.src).toEqual({ transport: 'UDP', address: a, port: 5060 });
          expect(r.model.messages[1]!.dst).toEqual({ transport: 'UDP', address: a, port: 5060 });
          expect(r.model.messages[0]!.at).toBeCloseTo(T0 + 0.25, 3);
          expect(r.model.messages[1]!.at - r.model.messages[0]!.at).toBeCloseTo(12.25, 3);
          expect(r.model.calls[0]!.transactions[0]!.states.map((s) => s.cause)).toEqual([]);
          expect(r.model.notes).toEqual([]);
        }
      });
    }
  }

  it('pcap with nanosecond timestamps, big-endian; pcapng with if_tsresol 9', () => {
    const frames = [{ atMs: T0 + 1.000001, data: linkFrame(LINK.ETHERNET, ip('10.0.0.1', '10.0.0.2', udp(5060, 5060, enc(INVITE)))) }];
    expect(read(pcapFile(LINK.ETHERNET, frames, { nano: true, bigEndian: true })).model.messages[0]!.at).toBeCloseTo(T0 + 1.000001, 5);
    expect(read(pcapngFile(LINK.ETHERNET, frames, { tsresol: 9 })).model.messages[0]!.at).toBeCloseTo(T0 + 1.000001, 5);
  });

  it('skips what is not SIP and says so: ARP, ICMP, RTP, CRLF keep-alives, IP fragments', () => {
    const arp = concat(Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x06), new Uint8Array(28));
    const icmp = linkFrame(LINK.ETHERNET, ip('10.0.0.1', '10.0.0.2', { proto: 1, bytes: new Uint8Array(8) }));
    const rtp = linkFrame(LINK.ETHERNET, ip('10.0.0.1', '10.0.0.2', udp(4000, 4002, Uint8Array.of(0x80, 0, 0, 1, ...new Uint8Array(160)))));
    const keepAlive = linkFrame(LINK.ETHERNET, ip('10.0.0.1', '10.0.0.2', udp(5060, 5060, enc('\r\n\r\n'))));
    const fragment = linkFrame(LINK.ETHERNET, ip('10.0.0.1', '10.0.0.2', udp(5060, 5060, enc(INVITE))));
    fragment[14 + 6] = 0x20; // more fragments
    const sip = linkFrame(LINK.ETHERNET, ip('10.0.0.1', '10.0.0.2', udp(5060, 5060, enc(INVITE))));
    const r = read(pcapFile(LINK.ETHERNET, [arp, icmp, rtp, keepAlive, fragment, sip].map((data, i) => ({ atMs: T0 + i, data }))));
    expect(r.model.messages).toHaveLength(1);
    const notes = r.model.notes.join('\n');
    expect(notes).toMatch(/1 frame\(s\) skipped: not IP \(EtherType 0x0806\)/);
    expect(notes).toMatch(/IP protocol 1/);
    expect(notes).toMatch(/not SIP \(RTP/);
    expect(notes).toMatch(/keep-alive/);
    expect(notes).toMatch(/IPv4 fragment/);
  });

  it('a truncated pcap gives the frames before the cut and says where it was cut', () => {
    const frames = [INVITE, TRYING].map((m, i) => ({ atMs: T0 + i, data: linkFrame(LINK.ETHERNET, ip('10.0.0.1', '10.0.0.2', udp(5060, 5060, enc(m)))) }));
    const whole = pcapFile(LINK.ETHERNET, frames);
    const r = read(whole.subarray(0, whole.length - 40));
    expect(r.model.messages).toHaveLength(1);
    expect(r.model.notes.join()).toMatch(/truncated pcap: frame 2/);
    const ng = pcapngFile(LINK.ETHERNET, frames);
    const rn = read(ng.subarray(0, ng.length - 40));
    expect(rn.model.messages).toHaveLength(1);
    expect(rn.model.notes.join()).toMatch(/truncated pcapng/);
  });

  it('a SIP datagram cut by the snap length is kept as a malformed message, and said', () => {
    const data = linkFrame(LINK.ETHERNET, ip('10.0.0.1', '10.0.0.2', udp(5060, 5060, enc(request('INVITE', { body: 'v=0\r\n'.repeat(20) })))));
    const cut = data.subarray(0, data.length - 30);
    const r = read(pcapFile(LINK.ETHERNET, [{ atMs: T0, data: cut, origLen: data.length }]));
    expect(r.model.messages).toHaveLength(1);
    expect(r.model.messages[0]!.parseError).toBeDefined();
    expect(r.model.notes.join()).toMatch(/snap length/);
  });

  it('refuses what is no capture and no text dump, with a reason', () => {
    const r = importTrace(enc('hello, this is not a trace'));
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/unknown file format/) });
    expect(importTrace(Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1, 1))).toEqual({ ok: false, reason: expect.stringMatching(/too short/) });
    expect(importTrace(Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 9, 9, 9, 9))).toEqual({ ok: false, reason: expect.stringMatching(/byte-order magic/) });
  });
});

describe('SIP over TCP', () => {
  const A = '192.0.2.1';
  const B = '192.0.2.2';
  const seg = (atMs: number, from: 'a' | 'b', seq: number, payload: string, flags = 0x18) =>
    ({ atMs, data: linkFrame(LINK.ETHERNET, ip(from === 'a' ? A : B, from === 'a' ? B : A, tcp(from === 'a' ? 40000 : 5060, from === 'a' ? 5060 : 40000, seq, enc(payload), flags))) });

  it('reassembles a message split over segments that arrive out of order and retransmitted, and two messages in one segment', () => {
    const invite = request('INVITE', { callId: 'tcp-1', body: 'v=0\r\n' });
    const [p1, p2, p3] = [invite.slice(0, 100), invite.slice(100, 200), invite.slice(200)];
    const both = TRYING.replace('call-1', 'tcp-1') + response(180, 'INVITE', { callId: 'tcp-1', toTag: 'x' });
    const frames = [
      seg(T0, 'a', 999, '', 0x02), // SYN
      seg(T0 + 1, 'b', 4999, '', 0x12), // SYN-ACK
      seg(T0 + 2, 'a', 1000, p1),
      seg(T0 + 3, 'a', 1000 + 200, p3), // out of order
      seg(T0 + 4, 'a', 1000, p1), // retransmitted
      seg(T0 + 5, 'a', 1000 + 100, p2), // fills the gap
      seg(T0 + 6, 'b', 5000, both),
    ];
    const r = read(pcapFile(LINK.ETHERNET, frames));
    expect(r.model.messages.map((m) => m.startLine)).toEqual([
      'INVITE sip:bob@192.0.2.20:5060 SIP/2.0', 'SIP/2.0 100 Trying', 'SIP/2.0 180 Ringing']);
    expect(r.model.messages[0]!.at).toBe(T0 + 5); // completed by the segment that filled the gap
    expect(r.model.messages[0]!.transport).toBe('TCP');
    expect(r.model.messages[0]!.raw.length).toBe(enc(invite).length);
    expect(r.model.notes).toEqual([]);
  });

  it('a segment that was never captured: the message it belonged to is skipped and said, reading resumes at the next', () => {
    const second = request('OPTIONS', { callId: 'tcp-2' });
    const frames = [seg(T0, 'a', 1000, INVITE.slice(0, 50)), seg(T0 + 2, 'a', 1000 + INVITE.length, second)];
    const r = read(pcapFile(LINK.ETHERNET, frames));
    expect(r.model.messages.map((m) => m.callId)).toEqual(['tcp-2']);
    expect(r.model.notes.join('\n')).toMatch(/were not captured/);
  });

  it('half a message at the end of the capture is said', () => {
    const r = read(pcapFile(LINK.ETHERNET, [seg(T0, 'a', 1000, INVITE.slice(0, 120))]));
    expect(r.model.messages).toEqual([]);
    expect(r.model.notes.join()).toMatch(/half a message/);
  });
});

describe('SIP over WebSocket (RFC 7118) in TCP', () => {
  it('skips the HTTP upgrade, unmasks client frames, joins fragments, drops control frames', () => {
    const A = '192.0.2.1';
    const B = '192.0.2.2';
    const upgrade = 'GET / HTTP/1.1\r\nHost: proxy\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Protocol: sip\r\nSec-WebSocket-Version: 13\r\n\r\n';
    const accept = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: y\r\nSec-WebSocket-Protocol: sip\r\n\r\n';
    const mask = Uint8Array.of(1, 2, 3, 4);
    const invite = enc(request('INVITE', { callId: 'ws-1' }));
    const half = Math.floor(invite.length / 2);
    const clientBytes = concat(enc(upgrade),
      encodeWebSocketFrame(invite.subarray(0, half), { opcode: 1, fin: false, mask }),
      encodeWebSocketFrame(enc('ping'), { opcode: 9, mask }),
      encodeWebSocketFrame(invite.subarray(half), { opcode: 0, mask }));
    const serverBytes = concat(enc(accept), encodeWebSocketFrame(enc(response(100, 'INVITE', { callId: 'ws-1' })), { opcode: 1 }));
    let seqA = 1000;
    const frames = [];
    // The client's bytes in 3 segments, cut mid-frame.
    for (const part of [clientBytes.subarray(0, 70), clientBytes.subarray(70, 300), clientBytes.subarray(300)]) {
      frames.push({ atMs: T0 + frames.length, data: linkFrame(LINK.SLL2, ip(A, B, tcp(40000, 8080, seqA, part))) });
      seqA += part.length;
    }
    frames.push({ atMs: T0 + 9, data: linkFrame(LINK.SLL2, ip(B, A, tcp(8080, 40000, 7000, serverBytes))) });
    const r = read(pcapngFile(LINK.SLL2, frames));
    expect(r.model.messages.map((m) => `${m.transport} ${m.startLine}`)).toEqual(['WS INVITE sip:bob@192.0.2.20:5060 SIP/2.0', 'WS SIP/2.0 100 Trying']);
    expect(r.model.messages[0]!.raw).toEqual(invite);
    expect(r.model.notes).toEqual([]);
  });
});
