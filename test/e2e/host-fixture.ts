// A fresh browser-mode host per test: `node dist/main/browser-host.js --port 0` with its own
// data folder, exactly as `npm start -- --browser` runs it. The URL (with the run's token)
// is read from what the host prints. A fresh install starts the built-in test line; tests
// ask for it with `test.use({ testLine: true })`, the others run without (`--no-test-line`)
// so that the accounts they add are the only ones.
import { test as base, expect } from '@playwright/test';
import type { ConsoleMessage, Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningHost {
  /** As printed: http://127.0.0.1:PORT/#token=... */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly dataDir: string;
  /** Everything the host printed so far. */
  output(): string;
}

const URL_PATTERN = /http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]+)/;

export async function startHost(options: { readonly testLine?: boolean } = {}): Promise<{ host: RunningHost; stop: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'callscope-e2e-'));
  const args = ['dist/main/browser-host.js', '--port', '0', '--data-dir', dataDir, ...(options.testLine === true ? [] : ['--no-test-line'])];
  const child = spawn(process.execPath, args, {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.once('exit', (code, signal) => { output += `\n[host exited: code ${code} signal ${signal}]\n`; });
  const stop = async (): Promise<void> => {
    await killChild(child);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const match = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the host printed no URL within 15 s:\n${output}`)), 15_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const found = URL_PATTERN.exec(output);
        if (found !== null) {
          clearTimeout(timer);
          resolve(found);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the host exited with code ${code}:\n${output}`));
      });
    });
    const port = Number(match[1]);
    const host: RunningHost = { url: match[0], origin: `http://127.0.0.1:${port}`, port, token: match[2] ?? '', dataDir, output: () => output };
    return { host, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Console errors, uncaught exceptions and CSP violations seen by a page. */
export function collectPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  return problems;
}

/** The `host` fixture, to extend other tests with (the lab's, see phone-lab.ts). */
export async function hostFixture({ testLine }: { testLine: boolean }, use: (host: RunningHost) => Promise<void>): Promise<void> {
  const { host, stop } = await startHost({ testLine });
  await use(host);
  await stop();
}

export interface HostFixtures {
  /** Start the built-in test line as a fresh install does (off unless a test asks). */
  testLine: boolean;
  host: RunningHost;
}

export const test = base.extend<HostFixtures>({ testLine: [false, { option: true }], host: hostFixture });

export { expect };
