// After the build, `import('callscope/sip')` from plain Node resolves through the package
// "exports" map and parses a message. The test runs the part of `npm run build` that emits
// dist/src (tsc -p tsconfig.node.json); tsc emits even when another layer's work in
// progress has type errors, so only a missing output fails the test.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('package export callscope/sip', () => {
  beforeAll(() => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    spawnSync(process.execPath, [tsc, '-p', 'tsconfig.node.json'], { cwd: root, stdio: 'ignore', timeout: 240_000 });
  }, 250_000);

  it('is built', () => {
    expect(existsSync(`${root}dist/src/index.js`)).toBe(true);
  });

  it('resolves from Node and parses a message', () => {
    const script = `
      const { parseMessage, serializeMessage, buildRequest } = await import('callscope/sip');
      const text = 'OPTIONS sip:bob@example.com SIP/2.0\\r\\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\\r\\nTo: <sip:bob@example.com>\\r\\nFrom: <sip:a@example.com>;tag=1\\r\\nCall-ID: x\\r\\nCSeq: 1 OPTIONS\\r\\nContent-Length: 0\\r\\n\\r\\n';
      const r = parseMessage(text);
      const b = buildRequest({ method: 'OPTIONS', uri: 'sip:bob@example.com', via: [{ transport: 'UDP', host: 'h.example.com', branch: 'z9hG4bK2' }], from: { uri: 'sip:a@example.com', tag: '1' }, to: { uri: 'sip:bob@example.com' }, callId: 'y', cseq: 1 });
      console.log(JSON.stringify({ ok: r.ok, method: r.value.method, branch: r.value.topVia.branch, bytes: serializeMessage(r.value).length, built: b.ok }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ ok: true, method: 'OPTIONS', branch: 'z9hG4bK1', bytes: 195, built: true });
  });
});
