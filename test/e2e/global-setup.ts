// The tests run the built app (dist/). `npm run test:e2e` builds first; when Playwright is
// started directly and dist/ is missing, build here rather than fail obscurely.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_PATH } from './playwright.config.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default function globalSetup(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not at ${CHROMIUM_PATH}; install Debian's chromium package (apt-get install chromium) or set CALLSCOPE_CHROMIUM`);
  }
  const needed = ['dist/main/browser-host.js', 'dist/renderer/index.html'];
  if (needed.every((file) => existsSync(`${root}/${file}`))) return;
  console.log('e2e: dist/ is incomplete; running `npm run build` first');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('`npm run build` failed; the end-to-end tests need the built app');
}
