// Bounded, deterministic fuzzing: mutated real messages must never crash or hang the
// parser or the framers; every result is a message or a typed error (never 'internal').
import { describe, expect, it } from 'vitest';
import { rng } from '../../support/rng.js';
import { StreamFramer, parseMessage, parseWebSocketMessage, serializeMessage } from '../../../src/message/index.js';
import type { SipParseErrorCode } from '../../../src/message/index.js';
import { CORPUS } from '../../../bench/corpus.js';
import * as V from './rfc4475-messages.js';
import * as B from './rfc4475-invalid.js';

const SEEDS: Uint8Array[] = [
  ...CORPUS.map((c) => new TextEncoder().encode(c.text)),
  V.wsinv, V.intmeth, V.esc01, V.esc02, V.longreq, V.semiuri, V.mpart01(), V.unreason, V.dblreq,
  B.badinv01, B.quotbal, B.scalar02, B.multi01, B.inv2543, B.regescrt,
];
const INTERESTING = [0x0d, 0x0a, 0x00, 0x20, 0x09, 0x3a, 0x3b, 0x2c, 0x22, 0x5c, 0x3c, 0x3e, 0x40, 0x25, 0x5b, 0x5d, 0x3d, 0x2f, 0xff, 0xc3, 0x80, 0x30, 0x39];
const CODES: ReadonlySet<SipParseErrorCode> = new Set<SipParseErrorCode>([
  'empty', 'too-large', 'too-many-headers', 'line-too-long', 'bad-line-ending', 'bad-start-line', 'bad-request-uri', 'unsupported-version',
  'bad-status-code', 'bad-header-name', 'bad-header-value', 'missing-header', 'duplicate-header', 'bad-content-length', 'incomplete-body',
  'extra-bytes', 'unterminated-headers', 'cseq-method-mismatch',
]);

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const b = [...src];
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n && b.length > 0; k++) {
    const at = Math.floor(r() * b.length);
    switch (Math.floor(r() * 8)) {
      case 0: b[at] = Math.floor(r() * 256); break;
      case 1: b.splice(at, 0, INTERESTING[Math.floor(r() * INTERESTING.length)]!); break;
      case 2: b.splice(at, 1 + Math.floor(r() * 20)); break;
      case 3: b.splice(at, 0, ...b.slice(at, at + 1 + Math.floor(r() * 40))); break;
      case 4: b.length = at; break;
      case 5: b.splice(at, 0, ...new Array<number>(1 + Math.floor(r() * 2000)).fill(INTERESTING[Math.floor(r() * INTERESTING.length)]!)); break;
      case 6: {
        const other = SEEDS[Math.floor(r() * SEEDS.length)]!;
        const from = Math.floor(r() * other.length);
        b.splice(at, 0, ...other.subarray(from, from + 1 + Math.floor(r() * 80)));
        break;
      }
      default: b[at] = INTERESTING[Math.floor(r() * INTERESTING.length)]!;
    }
  }
  return Uint8Array.from(b);
}

describe('fuzz (mutated real messages, fixed seed)', () => {
  it('never throws or hangs; every result is a message or a typed error', () => {
    const r = rng(0x5eed);
    const deadline = Date.now() + 8000;
    let cases = 0;
    let accepted = 0;
    let slowest = 0;
    for (; cases < 4000 && Date.now() < deadline; cases++) {
      const input = mutate(SEEDS[cases % SEEDS.length]!, r);
      const t0 = performance.now();
      const res = parseMessage(input);
      slowest = Math.max(slowest, performance.now() - t0);
      if (res.ok) {
        accepted++;
        expect(['request', 'response']).toContain(res.value.kind);
        const out = serializeMessage(res.value);
        expect(Buffer.from(input).subarray(0, out.length).equals(Buffer.from(out))).toBe(true);
        expect(typeof res.value.topVia.host).toBe('string');
      } else {
        if (!CODES.has(res.error.code)) throw new Error(`unexpected error code ${res.error.code}: ${res.error.message}`);
        expect(res.error.message.length).toBeGreaterThan(0);
        expect(res.error.message).not.toMatch(/[\r\n]/);
        if (res.error.reason !== undefined) expect(res.error.reason).not.toMatch(/[\r\n]/);
      }
      const ws = parseWebSocketMessage(input);
      expect(['message', 'error', 'keep-alive']).toContain(ws.type);
      if (ws.type === 'error' && ws.error.code === 'internal') throw new Error(ws.error.message);
      if (cases % 8 === 0) {
        const framer = new StreamFramer({ limits: { maxMessageBytes: 16 * 1024 } });
        for (let i = 0; i < input.length; i += 97) {
          for (const e of framer.push(input.subarray(i, i + 97))) {
            if (e.type === 'error' && e.error.code === 'internal') throw new Error(e.error.message);
          }
        }
      }
    }
    expect(cases).toBeGreaterThan(500);
    expect(accepted).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(250);
  }, 30_000);

  it('pathological inputs stay linear (no catastrophic backtracking)', () => {
    const head = 'INVITE sip:a@b.example.com SIP/2.0\r\n';
    const evil = [
      `${head}Via: SIP/2.0/UDP ${'a.'.repeat(5000)}\r\n\r\n`,
      `${head}To: ${'"'.repeat(1)}${'\\"'.repeat(5000)}\r\n\r\n`,
      `${head}Date: ${' '.repeat(10000)}x\r\n\r\n`,
      `${head}Contact: ${'<'.repeat(8000)}\r\n\r\n`,
      `${head}X: ${'\r\n '.repeat(4000)}\r\n\r\n`,
      `${head}Content-Length: ${'0'.repeat(10000)}1\r\n\r\n`,
      `${head}${'X: y\r\n'.repeat(200)}\r\n`,
      `${head}Route: ${'<sip:a@b.example.com>,'.repeat(600)}\r\n\r\n`,
    ];
    for (const text of evil) {
      const t0 = performance.now();
      const res = parseMessage(text);
      expect(performance.now() - t0).toBeLessThan(200);
      expect(res.ok).toBe(false);
      const framer = new StreamFramer();
      const t1 = performance.now();
      framer.push(text);
      expect(performance.now() - t1).toBeLessThan(200);
    }
  });
});
