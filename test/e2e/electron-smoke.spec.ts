// The Electron shell, where Electron can run: the window opens the same renderer, the
// preload's API reaches the host over IPC, and the page has no Node access. Elsewhere (no
// downloaded binary, no display) the test is skipped and says why.
import { _electron as electron } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
    await expect(window.getByRole('heading', { level: 1, name: 'Callscope' })).toBeVisible();
    await expect(window.getByRole('status', { name: 'Host connection' })).toHaveText(/Connected to host/);
    await expect(window.getByRole('region', { name: 'Host' }).getByRole('definition').nth(1)).toHaveText('Desktop app (Electron)');
    expect(window.url()).toBe('app://callscope/index.html');
    const exposure = await window.evaluate(() => {
      const page = globalThis as unknown as { callscope?: object; require?: unknown; process?: unknown };
      return { api: Object.keys(page.callscope ?? {}).sort(), require: typeof page.require, process: typeof page.process };
    });
    expect(exposure).toEqual({ api: ['deleteAccount', 'getAppInfo', 'getSettings', 'onEvent', 'saveAccount'], require: 'undefined', process: 'undefined' });
  } finally {
    await app.close();
    await rm(userData, { recursive: true, force: true });
  }
});
