// The committed WebAssembly scanners (src/message/fast/scanner-wasm.ts) must be exactly what
// scripts/build-wasm.js compiles from their source (src/message/fast/wasm/scanner.ts, which
// imports src/message/fast/layout.ts): a change to the source that was not rebuilt fails
// here, not silently in production.
import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain JavaScript build script, without types
import { compileScanner } from '../../../scripts/build-wasm.js';

describe('WebAssembly scanners', () => {
  it('the committed module is the compiled source (run `npm run build:wasm` after editing wasm/scanner.ts)', () => {
    const committed = readFileSync(fileURLToPath(new URL('../../../src/message/fast/scanner-wasm.ts', import.meta.url)), 'utf8');
    expect((compileScanner as () => string)()).toBe(committed);
  }, 60_000);
});

describe('without WebAssembly', () => {
  it('every field takes the reference path, with the same results', async () => {
    const { CORPUS } = await import('../../../bench/corpus.js');
    const withWasm = await import('../../../src/message/index.js');
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    try {
      const fastScan = await import('../../../src/message/fast/scan.js');
      const without = await import('../../../src/message/index.js');
      expect(fastScan.fastPathAvailable).toBe(false);
      for (const { text } of CORPUS) {
        const a = withWasm.parseMessage(text);
        const b = without.parseMessage(text);
        if (!a.ok || !b.ok) throw new Error('the corpus parses');
        expect(b.value.headers.map((h) => [h.name, h.value])).toEqual(a.value.headers.map((h) => [h.name, h.value]));
        // as JSON: the values' classes (ParamMap) come from two loads of the module
        const values = (m: typeof a.value) => JSON.stringify([m.via, m.from, m.to, m.callId, m.cseq, m.contacts, m.contentType, m.maxForwards]);
        expect(values(b.value)).toBe(values(a.value));
      }
      const bad = without.parseMessage('INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nMax-Forwards: 300\r\n\r\n');
      expect(bad.ok ? undefined : bad.error.header).toBe('Max-Forwards');
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});
