// Electronegativity (Doyensec's scanner for Electron misconfigurations) on main/: no HIGH
// finding, and no finding beyond the reviewed ones below. It runs through its API on a
// copy of main/ in which the preload is named .ts (it does not read .cts files), offline:
// its translation download and its check of Electron's release list (which fetches that
// list; `npm outdated` and the lockfile are where Electron's version is watched) are left out.
//
// Reviewed MEDIUM findings (each stays until the code changes in a way that answers it):
// - CSP_GLOBAL_CHECK: "no CSP found". There is one: main/web-security.ts builds it and
//   electron-main.ts sends it with every app:// response; the scanner only recognises a
//   literal header assignment.
// - PRELOAD_JS_CHECK (desktop/window.ts): "review the preload". main/preload.cts exposes one
//   ipcRenderer.invoke per app API operation and an event subscription, nothing else;
//   test/unit/main/preload.test.ts proves it, and the host validates every payload.
// - PROTOCOL_HANDLER_JS_CHECK (electron-main.ts): "review the protocol handler". Links are
//   parsed by main/desktop/link-target.ts (our four schemes only, bounded, no control or
//   formatting characters) and only ever become text in the dial field.
import { cp, mkdtemp, rename, rm } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Issue {
  readonly id: string;
  readonly file: string;
  readonly location: { readonly line: number; readonly column: number };
  readonly severity: { readonly name: string };
  readonly confidence: { readonly name: string };
  readonly manualReview: boolean;
}

interface Report {
  readonly globalChecks: number;
  readonly atomicChecks: number;
  readonly errors: readonly { file: string; message: string; tolerable: boolean }[];
  readonly issues: readonly Issue[];
}

const REVIEWED = [
  'MEDIUM CSP_GLOBAL_CHECK N/A',
  'MEDIUM PRELOAD_JS_CHECK desktop/window.ts',
  'MEDIUM PROTOCOL_HANDLER_JS_CHECK electron-main.ts',
];

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../../../', import.meta.url));
let copy: string;
let report: Report;

/** Electronegativity's `got` (HTTP client) replaced by one that fails at once: no network. */
function offline(runnerPath: string): void {
  const gotPath = createRequire(runnerPath).resolve('got');
  const noNetwork = Object.assign(async () => {
    throw new Error('offline');
  }, { head: async () => {
    throw new Error('offline');
  } });
  const stub = new Module(gotPath);
  stub.filename = gotPath;
  stub.loaded = true;
  stub.exports = noNetwork;
  require.cache[gotPath] = stub;
}

function describeIssue(issue: Issue): string {
  return `${issue.severity.name} ${issue.id} ${issue.file}`;
}

beforeAll(async () => {
  copy = await mkdtemp(join(tmpdir(), 'callscope-electronegativity-'));
  await cp(join(root, 'main'), join(copy, 'main'), { recursive: true });
  await rename(join(copy, 'main', 'preload.cts'), join(copy, 'main', 'preload.ts'));
  const runnerPath = require.resolve('@doyensec/electronegativity/dist/runner.js');
  offline(runnerPath);
  const run = require(runnerPath) as (options: object) => Promise<Report>;
  const electronVersion = (require('electron/package.json') as { version: string }).version;
  const log = console.log;
  console.log = () => undefined; // its "could not retrieve translations" line
  try {
    report = await run({
      input: join(copy, 'main'),
      isRelative: true,
      electronVersionOverride: electronVersion,
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    });
  } finally {
    console.log = log;
  }
}, 120_000);

afterAll(async () => {
  await rm(copy, { recursive: true, force: true });
});

describe('Electronegativity on main/', () => {
  it('reads every file and runs its checks', () => {
    expect(report.errors).toEqual([]);
    expect(report.atomicChecks).toBeGreaterThan(30);
    expect(report.globalChecks).toBeGreaterThan(3);
  });

  it('finds nothing of HIGH severity', () => {
    const high = report.issues.filter((issue) => issue.severity.name === 'HIGH');
    expect(high.map((issue) => `${describeIssue(issue)}:${issue.location.line}`)).toEqual([]);
  });

  it('finds nothing beyond the reviewed findings (listed at the top of this file)', () => {
    const findings = report.issues.map(describeIssue).sort();
    console.log(`electronegativity: ${findings.length} findings: ${findings.join('; ')}`);
    expect([...new Set(findings)]).toEqual(REVIEWED);
  });
});
