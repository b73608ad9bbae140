// The committed WebAssembly scanners (src/message/scanner-wasm.ts) must be exactly what
// scripts/build-wasm.js compiles from their source (src/message/wasm/scanner.ts): a change
// to the source that was not rebuilt fails here, not silently in production.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain JavaScript build script, without types
import { compileScanner } from '../../../scripts/build-wasm.js';

describe('WebAssembly scanners', () => {
  it('the committed module is the compiled source (run `npm run build:wasm` after editing wasm/scanner.ts)', () => {
    const committed = readFileSync(fileURLToPath(new URL('../../../src/message/scanner-wasm.ts', import.meta.url)), 'utf8');
    expect((compileScanner as () => string)()).toBe(committed);
  }, 60_000);
});
