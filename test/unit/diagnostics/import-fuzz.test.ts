// Garbage in: the importers never throw, never report an internal error, and
// either read what they can (saying what they skipped) or give a reason.
// Bounded and seeded: the same inputs every run.
import { describe, expect, it } from 'vitest';
import { importTrace } from '../../../src/diagnostics/import/trace-import.js';
import { exportPcap } from '../../../src/diagnostics/export/pcap-export.js';
import { exportText } from '../../../src/diagnostics/export/text-export.js';
import { encodeWebSocketFrame } from '../../../src/diagnostics/import/websocket-frames.js';
import { concat, enc, ip, LINK, linkFrame, pcapngFile, tcp } from './pcap-fixtures.js';
import { request, response, sdp, Trace, UAC, UAS } from './crafted.js';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(input: Uint8Array, random: () => number): Uint8Array {
  const out = Array.from(input);
  const edits = 1 + Math.floor(random() * 8);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * Math.max(1, out.length));
    switch (Math.floor(random() * 5)) {
      case 0: out[at] = Math.floor(random() * 256); break; // flip a byte
      case 1: out.splice(at, Math.floor(random() * 64)); break; // delete a run
      case 2: out.splice(at, 0, ...Array.from({ length: Math.floor(random() * 32) }, () => Math.floor(random() * 256))); break;
      case 3: out.length = at; break; // truncate
      default: out.splice(at, 0, ...out.slice(Math.floor(random() * out.length), Math.floor(random() * out.length))); // duplicate a run
    }
  }
  return Uint8Array.from(out);
}

const trace = new Trace()
  .add(1_700_000_000_000, UAC, UAS, request('INVITE', { body: sdp }))
  .add(1_700_000_000_010, UAS, UAC, response(180, 'INVITE', { toTag: 'b1' }))
  .add(1_700_000_000_900, UAS, UAC, response(200, 'INVITE', { toTag: 'b1', body: sdp }))
  .add(1_700_000_000_910, UAC, UAS, request('ACK', { toTag: 'b1', via: ['192.0.2.10:5060;branch=z9hG4bK-ack'] }))
  .model();
const tcpTrace = (() => {
  const invite = enc(request('INVITE', { body: sdp }));
  const ws = concat(enc('GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n'), encodeWebSocketFrame(invite, { mask: Uint8Array.of(9, 8, 7, 6) }));
  return pcapngFile(LINK.SLL, [
    { atMs: 1, data: linkFrame(LINK.SLL, ip('10.0.0.1', '10.0.0.2', tcp(1111, 5060, 1, invite.subarray(0, 300)))) },
    { atMs: 2, data: linkFrame(LINK.SLL, ip('10.0.0.1', '10.0.0.2', tcp(1111, 5060, 301, invite.subarray(300)))) },
    { atMs: 3, data: linkFrame(LINK.SLL, ip('2001:db8::1', '2001:db8::2', tcp(2222, 80, 1, ws))) },
  ]);
})();

const seeds: Array<[string, Uint8Array]> = [
  ['pcap', exportPcap(trace)],
  ['pcapng with TCP and WebSocket', tcpTrace],
  ['sngrep text', enc(exportText(trace))],
];

describe('importers on garbage', () => {
  for (const [name, seed] of seeds) {
    it(`${name}: 400 seeded mutations never crash and always answer`, () => {
      const random = prng(name.length * 7919);
      let read = 0;
      for (let i = 0; i < 400; i++) {
        const input = mutate(seed, random);
        const result = importTrace(input);
        if (result.ok) {
          read++;
          expect(Array.isArray(result.model.calls)).toBe(true);
        } else {
          expect(result.reason).not.toMatch(/internal error/);
          expect(result.reason.length).toBeGreaterThan(0);
        }
      }
      expect(read).toBeGreaterThan(0);
    });
  }

  it('random bytes are refused with a reason', () => {
    const random = prng(42);
    for (let i = 0; i < 200; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(random() * 512) }, () => Math.floor(random() * 256));
      const result = importTrace(bytes);
      if (!result.ok) expect(result.reason).not.toMatch(/internal error/);
    }
  });
});
