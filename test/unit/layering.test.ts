// The layering of ARCHITECTURE.md is enforced by ESLint (eslint.config.js).
// These tests prove the rules bite: a forbidden import in the wrong folder is
// an error, the same import where it belongs is not.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function layeringErrors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals')
    .map((m) => m.message);
}

describe('layering rules', () => {
  it.each([
    ["import { app } from 'electron';\nexport const a = app;", 'electron'],
    ["import { host } from '../../main/host.js';\nexport const h = host;", 'main/'],
    ["import { App } from '../../renderer/app.js';\nexport const r = App;", 'renderer/'],
    ["import { useState } from 'react';\nexport const s = useState;", 'React'],
    ['export const title = () => document.title;', 'DOM'],
    ['export const w = () => window.location;', 'DOM'],
  ])('src/ refuses %j', async (code, what) => {
    const errors = await layeringErrors(code, 'src/message/example.ts');
    expect(errors.join('\n')).toContain(what);
  });

  it.each([
    ["import { readFileSync } from 'node:fs';\nexport const r = readFileSync;"],
    ["import * as net from 'net';\nexport const n = net;"],
    ["import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;"],
    ["import { parseMessage } from '../src/message/parse.js';\nexport const p = parseMessage;"],
  ])('renderer/ refuses %j', async (code) => {
    expect(await layeringErrors(code, 'renderer/example.ts')).not.toEqual([]);
  });

  it('allows what each layer may use', async () => {
    expect(await layeringErrors("import { createSocket } from 'node:dgram';\nexport const c = createSocket;", 'src/transport/example.ts')).toEqual([]);
    expect(await layeringErrors("import { app } from 'electron';\nexport const a = app;", 'main/example.ts')).toEqual([]);
    expect(await layeringErrors("import type { SipMessage } from '../src/message/types.js';\nexport type M = SipMessage;", 'renderer/example.ts')).toEqual([]);
    expect(await layeringErrors("import { useState } from 'react';\nexport const s = useState;", 'renderer/example.tsx')).toEqual([]);
  });
});
