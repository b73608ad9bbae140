#!/usr/bin/env node
// Thin launcher for the compiled CLI (src/cli), built by `npm run build` (run by `prepare`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('callscope: the CLI is not built yet; run `npm run build` in the callscope folder.');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
