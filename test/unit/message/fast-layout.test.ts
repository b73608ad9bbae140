// The fast path's two sides, the WebAssembly scanners and the TypeScript around them, share
// their numbers (memory layout, a field's head, header kinds, record codes) through
// src/message/fast/layout.ts. These tests fail when the two sides drift apart anyway:
// - the committed module was compiled with values other than the ones the TypeScript side
//   now has (layout.ts edited without `npm run build:wasm`): the module exports every
//   constant of layout.ts as a global, and those must be exactly layout.ts's;
// - a source file declares its own copy of a shared constant (hand-copied numbers are how
//   the two sides could drift before there was layout.ts);
// - a table of names by code (PARAM_NAMES, TRANSPORTS, K) does not match the codes.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as layout from '../../../src/message/fast/layout.js';
import { SCANNER_WASM } from '../../../src/message/fast/scanner-wasm.js';
import { PARAM_NAMES } from '../../../src/message/fast/param-names.js';
import { TRANSPORTS } from '../../../src/message/fast/build.js';
import { K } from '../../../src/message/header-names.js';
import { transportOf } from '../../../src/message/via.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

// the part of the WebAssembly API used here (the libs the tests compile against have no types for it)
interface WebAssemblyApi {
  Module: { new (bytes: Uint8Array): object; exports(module: object): { name: string; kind: string }[] };
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}
const Wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
const shared: Record<string, number> = { ...layout };

/** The constants with a prefix (P_, K_, TRANSPORT_), without it. */
function withPrefix(prefix: string): Record<string, number> {
  return Object.fromEntries(Object.entries(shared).filter(([name]) => name.startsWith(prefix)).map(([name, v]) => [name.slice(prefix.length), v]));
}

describe('fast path layout', () => {
  it('the committed module has the values the TypeScript side has (run `npm run build:wasm` after editing fast/layout.ts)', () => {
    const module = new Wasm.Module(Buffer.from(SCANNER_WASM, 'base64'));
    const exports = new Wasm.Instance(module, {}).exports;
    const globals = Object.fromEntries(Wasm.Module.exports(module).filter((e) => e.kind === 'global')
      .map((e) => [e.name, (exports[e.name] as { value: number }).value]));
    expect(globals).toEqual(shared);
    expect((exports.memory as { buffer: ArrayBuffer }).buffer.byteLength).toBeGreaterThanOrEqual(layout.MEMORY_END);
  });

  it('no source file keeps its own copy of a shared constant', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts')) files.push(path);
      }
    };
    walk(join(root, 'src'));
    const copies: string[] = [];
    for (const file of files) {
      const name = relative(root, file);
      if (name === join('src', 'message', 'fast', 'layout.ts')) continue;
      // `const NAME =` or `const NAME: i32 =` (destructured local copies, `const { NAME } = layout`, are fine)
      for (const m of readFileSync(file, 'utf8').matchAll(/\b(?:const|let|var)\s+([A-Z][A-Z0-9_]*)\s*(?::[^=;]*)?=/g)) {
        if (Object.hasOwn(shared, m[1]!)) copies.push(`${name}: ${m[1]}`);
      }
    }
    expect(copies).toEqual([]);
  });

  it('parameter names match their codes', () => {
    const codes = Object.values(withPrefix('P_')).sort((a, b) => a - b);
    expect(codes).toEqual([...Array(layout.PARAM_CODES).keys()]);
    expect(PARAM_NAMES.length).toBe(layout.PARAM_CODES);
    expect(PARAM_NAMES[layout.P_OTHER]).toBe('');
    for (const [name, code] of Object.entries(withPrefix('P_'))) {
      if (code === layout.P_OTHER) continue;
      // P_REG_ID is reg-id, P_INSTANCE is +sip.instance
      expect(PARAM_NAMES[code]!.replace(/^\+sip\./, '').replace(/-/g, '_').toUpperCase(), name).toBe(name);
    }
  });

  it('transport names match their codes', () => {
    const codes = withPrefix('TRANSPORT_');
    expect(TRANSPORTS.length).toBe(layout.TRANSPORT_CODES);
    for (const [name, code] of Object.entries(codes)) {
      if (name === 'OTHER' || name === 'CODES') continue;
      expect(TRANSPORTS[code]).toBe(name);
      expect(transportOf(name.toLowerCase(), 0, name.length)).toBe(name);
    }
    expect(codes.OTHER).toBeLessThan(0);
  });

  it('K is made of the header kinds', () => {
    expect(Object.fromEntries(Object.entries(K))).toEqual(withPrefix('K_'));
    expect(Math.max(...Object.values(K))).toBeLessThan(1 << layout.KIND_BITS);
  });
});
