#!/usr/bin/env node
// Thin launcher for the compiled CLI (src/cli), built by `npm run build` (run by `prepare`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/process.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('callscope: the CLI is not built yet; run `npm run build` in the callscope folder.');
  process.exit(2);
}
const { runCliProcess } = await import(entry.href);
await runCliProcess(process.argv.slice(2));
