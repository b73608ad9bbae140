#!/usr/bin/env node
// Builds the Electron preload (main/preload.cts) into dist/main/preload.cjs. Sandboxed
// preloads must be one self-contained CommonJS file that requires only `electron`, and its
// imports are types only (erased here); `npm run typecheck` checks it against the contract
// with main/tsconfig.preload.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = readFileSync(join(root, 'main/preload.cts'), 'utf8');
const { outputText, diagnostics } = ts.transpileModule(source, {
  fileName: 'preload.cts',
  reportDiagnostics: true,
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false, sourceMap: false },
});
if (diagnostics?.length) {
  for (const d of diagnostics) console.error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  process.exit(1);
}
const out = join(root, 'dist/main/preload.cjs');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, outputText);
