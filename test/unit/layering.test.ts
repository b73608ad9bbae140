// The layering of docs/architecture.md is enforced by ESLint (eslint.config.js,
// eslint-layers.js). These tests prove the rules bite: a forbidden import in the
// wrong folder is an error, the same import where it belongs is not.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { SRC_LAYERS } from '../../eslint-layers.js';

const cwd = new URL('../..', import.meta.url).pathname;
// The import rules need no types: lint snippets under made-up file names, without the type-aware parser.
const eslint = new ESLint({
  cwd,
  overrideConfig: {
    languageOptions: { parserOptions: { project: null } },
    rules: { '@typescript-eslint/switch-exhaustiveness-check': 'off' },
  },
});

async function layeringErrors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  const fatal = result?.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`lint could not parse the snippet: ${fatal.message}`);
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals' || m.ruleId === 'callscope/layers')
    .map((m) => m.message);
}

const layers = Object.keys(SRC_LAYERS);

describe('layering rules', () => {
  it.each([
    ["import { app } from 'electron';\nexport const a = app;", 'electron'],
    ["import { host } from '../../main/host/host.js';\nexport const h = host;", 'main/'],
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

describe('the app API contract (main/contract/)', () => {
  it('is the one part of main/ the renderer may import code from', async () => {
    expect(await layeringErrors("import { BRIDGE_PATH } from '../../main/contract/bridge-protocol.js';\nexport const p = BRIDGE_PATH;", 'renderer/api/example.ts')).toEqual([]);
    expect(await layeringErrors("import { createHost } from '../../main/host/host.js';\nexport const h = createHost;", 'renderer/api/example.ts')).not.toEqual([]);
    expect(await layeringErrors("import type { Host } from '../../main/host/host.js';\nexport type H = Host;", 'renderer/api/example.ts')).toEqual([]);
  });

  it('imports no Node module, no electron, nothing else of main/, and only types from src/', async () => {
    for (const code of [
      "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;",
      "import { ipcMain } from 'electron';\nexport const i = ipcMain;",
      "import { createHost } from '../host.js';\nexport const h = createHost;",
      "import { parseMessage } from '../../src/message/index.js';\nexport const p = parseMessage;",
    ]) expect(await layeringErrors(code, 'main/contract/example.ts'), code).not.toEqual([]);
    expect(await layeringErrors("import type { TraceModel } from '../../src/diagnostics/model-types.js';\nexport type T = TraceModel;", 'main/contract/example.ts')).toEqual([]);
    expect(await layeringErrors("import { z } from 'zod';\nimport { ok } from './app-api.js';\nexport const a = [z, ok];", 'main/contract/example.ts')).toEqual([]);
  });
});

describe('the layers inside src/', () => {
  // Every pair of folders: an import (value or type, from the folder or a sub-folder of it) is
  // allowed exactly when SRC_LAYERS lists the target for the importer.
  const pairs = layers.flatMap((from) => layers.filter((to) => to !== from).map((to) => [from, to] as const));

  it.each(pairs)('src/%s importing src/%s', async (from, to) => {
    const allowed = SRC_LAYERS[from]!.includes(to);
    const direct = await layeringErrors(`import { x } from '../${to}/example.js';\nexport const y = x;`, `src/${from}/example.ts`);
    const typeOnly = await layeringErrors(`import type { X } from '../../${to}/deep/example.js';\nexport type Y = X;`, `src/${from}/sub/example.ts`);
    if (allowed) {
      expect(direct).toEqual([]);
      expect(typeOnly).toEqual([]);
    } else {
      expect(direct.join('\n')).toContain(`src/${from}/ may not import src/${to}/`);
      expect(typeOnly.join('\n')).toContain(`src/${from}/ may not import src/${to}/`);
    }
  });

  it('resolves relative paths, so a sub-folder named like a layer is not that layer', async () => {
    // ua/call/ and ua/sdp/ are ua's own; diagnostics/import/ is the diagnostics' own.
    expect(await layeringErrors("import { x } from '../sdp/sdp-handler.js';\nexport const y = x;", 'src/ua/call/example.ts')).toEqual([]);
    expect(await layeringErrors("import { x } from './import/trace-import.js';\nexport const y = x;", 'src/diagnostics/example.ts')).toEqual([]);
    // The same text from src/transaction/ reaches src/diagnostics/import/, which is above it.
    expect((await layeringErrors("import { x } from '../diagnostics/import/trace-import.js';\nexport const y = x;", 'src/transaction/example.ts')).join('\n'))
      .toContain('src/transaction/ may not import src/diagnostics/');
  });

  it('checks re-exports and dynamic imports too', async () => {
    expect(await layeringErrors("export * from '../ua/index.js';", 'src/transport/example.ts')).not.toEqual([]);
    expect(await layeringErrors("export { x } from '../cli/main.js';", 'src/ua/example.ts')).not.toEqual([]);
    expect(await layeringErrors("export const load = () => import('../diagnostics/index.js');", 'src/ua/example.ts')).not.toEqual([]);
  });

  it('refuses a folder of src/ that has no place in the layers', async () => {
    expect((await layeringErrors("import { x } from '../util/clock.js';\nexport const y = x;", 'src/newfolder/example.ts')).join('\n'))
      .toContain('src/newfolder/ is not a known layer');
  });
});

describe('exhaustive switches (type-aware)', () => {
  it('a switch over a union without a default must name every member', async () => {
    const typed = new ESLint({ cwd });
    // lintText parses this text as the contents of an existing file of the project. With CI=true
    // typescript-eslint infers a single CLI run and types the file as it is on disk, ignoring the
    // text (the rule then sees no switch at all): ask for the watch programs, which read the text.
    const singleRun = process.env.TSESTREE_SINGLE_RUN;
    process.env.TSESTREE_SINGLE_RUN = 'false';
    const code = "export type Colour = 'red' | 'green' | 'blue';\n"
      + "export function name(c: Colour): string {\n  switch (c) {\n    case 'red': return 'R';\n    case 'green': return 'G';\n  }\n  return '?';\n}\n";
    const [result] = await typed.lintText(code, { filePath: 'src/trace/timer-names.ts' }).finally(() => {
      if (singleRun === undefined) delete process.env.TSESTREE_SINGLE_RUN;
      else process.env.TSESTREE_SINGLE_RUN = singleRun;
    });
    const all = result?.messages ?? [];
    const messages = all.filter((m) => m.ruleId === '@typescript-eslint/switch-exhaustiveness-check');
    // On failure, say what ESLint did report (a parsing error means the type-aware program was not built for the file).
    expect(messages.map((m) => m.message).join('\n'), `ESLint reported: ${JSON.stringify(all.map((m) => [m.ruleId, m.message]))}`).toContain('"blue"');
    // Type-aware lint builds the whole project's program first: seconds on a busy machine.
  }, 60_000);
});
