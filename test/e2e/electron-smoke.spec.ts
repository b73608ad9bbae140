// The Electron shell, where Electron can run: the window opens the same renderer, the
// preload's API (every operation) reaches the host over IPC, the page has no Node access
// and opens no windows. It checks the shell, not the renderer's screens (browser mode's
// tests do). Elsewhere (no downloaded binary, no display) the test is skipped and says why.
import { _electron as electron } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { operationNames } from '../../main/contract/app-api.js';
import { expect, projectRoot, test } from './host-fixture.js';

/** The Electron binary if it is downloaded, without require('electron') (which would try to download it). */
function electronBinary(): string | undefined {
  const packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8'));
  return existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();
const display = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const skipReason =
  binary === undefined
    ? 'skipped: Electron binary not downloaded on this machine (node_modules/electron/dist is missing; Electron fetches it on first launch where its download host is reachable)'
    : !display
      ? 'skipped: no display for Electron (DISPLAY/WAYLAND_DISPLAY unset; try xvfb-run)'
      : undefined;
test('Electron shell opens the app window and talks to the host over IPC', async () => {
  if (skipReason !== undefined) console.log(`electron-smoke: ${skipReason}`);
  test.skip(skipReason !== undefined, skipReason);
  const userData = await mkdtemp(join(tmpdir(), 'callscope-electron-'));
  // Electron refuses to run as root with its sandbox on; the renderer sandbox flag stays set.
  const args = [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), projectRoot];
  const env = { ...process.env, CALLSCOPE_DATA_DIR: userData } as Record<string, string>;
  delete env.ELECTRON_RUN_AS_NODE;
  const app = await electron.launch({ executablePath: binary, args, cwd: projectRoot, env });
  try {
    const window = await app.firstWindow();
    await window.waitForLoadState('domcontentloaded');
    expect(window.url()).toBe('app://callscope/index.html');
    const exposure = await window.evaluate(() => {
      const page = globalThis as unknown as { callscope?: object; require?: unknown; process?: unknown };
      return { api: Object.keys(page.callscope ?? {}).sort(), require: typeof page.require, process: typeof page.process };
    });
    expect(exposure).toEqual({ api: [...operationNames, 'onEvent'].sort(), require: 'undefined', process: 'undefined' });
    const info = await window.evaluate(async () => {
      const api = (globalThis as unknown as { callscope: { getAppInfo(): Promise<{ ok: boolean; value?: { mode: string } }> } }).callscope;
      return api.getAppInfo();
    });
    expect(info).toMatchObject({ ok: true, value: { mode: 'electron' } });
    // The page cannot leave the app or open windows.
    const opened = await window.evaluate(() => (globalThis as unknown as { open(url: string): unknown }).open('https://example.com/') === null);
    expect(opened).toBe(true);
  } finally {
    await app.close();
    await rm(userData, { recursive: true, force: true });
  }
});
