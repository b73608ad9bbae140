#!/usr/bin/env node
// `npm test`: every check Callscope has, in order, on a fresh machine.
//   1. the lab's Debian packages (installed with apt-get when root and missing)
//   2. build   3. typecheck   4. lint
//   5. Vitest: unit tests and the SIP lab tests (real Kamailio, rtpengine, SIPp)
//   6. Playwright: the renderer in Debian's Chromium against the browser-mode host
// It ends with one line, "tests: N passed, N failed, N skipped", and exits
// non-zero when any step failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });

const failedSteps = [];
const totals = { passed: 0, failed: 0, skipped: 0 };

function step(name, command, args, env = {}) {
  console.log(`\n=== ${name}: ${[command, ...args].join(' ')}`);
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = run.status === 0;
  if (!ok) failedSteps.push(`${name} (exit ${run.status ?? run.signal})`);
  return ok;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

step('lab packages', 'bash', ['test/lab/install']);
if (!step('build', 'npm', ['run', '--silent', 'build'])) {
  console.error('\nbuild failed; the tests need it. Stopping here.');
  console.log(`tests: 0 passed, 1 failed`);
  process.exit(1);
}
step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
step('lint', 'npm', ['run', '--silent', 'lint']);

const vitestJson = join(results, 'vitest.json');
rmSync(vitestJson, { force: true });
const vitestOk = step('unit and lab tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
const vitest = readJson(vitestJson);
if (vitest) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests;
  totals.skipped += vitest.numPendingTests + vitest.numTodoTests;
}
// A run that failed outside any test (a broken config, a crash), or ran none,
// counts as one failure so the summary never reads as green.
if (!vitest || vitest.numTotalTests === 0 || (!vitestOk && vitest.numFailedTests === 0)) totals.failed += 1;

const playwrightConfig = 'test/e2e/playwright.config.ts';
if (existsSync(join(root, playwrightConfig))) {
  const playwrightJson = join(results, 'playwright.json');
  rmSync(playwrightJson, { force: true });
  const playwrightOk = step('end-to-end tests', 'npx', ['playwright', 'test', '-c', playwrightConfig, '--reporter=list,json'],
    { PLAYWRIGHT_JSON_OUTPUT_FILE: playwrightJson });
  const playwright = readJson(playwrightJson);
  if (playwright?.stats) {
    totals.passed += playwright.stats.expected + playwright.stats.flaky;
    totals.failed += playwright.stats.unexpected;
    totals.skipped += playwright.stats.skipped;
  }
  if (!playwright?.stats || (!playwrightOk && playwright.stats.unexpected === 0)) totals.failed += 1;
}

console.log('');
if (failedSteps.length > 0) console.log(`failed steps: ${failedSteps.join(', ')}`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSteps.length > 0 || totals.failed > 0 ? 1 : 0);
