#!/usr/bin/env node
// `npm start`: run Callscope as the Electron desktop app when Electron can start here,
// otherwise (binary not downloaded and not downloadable, no display, Electron exits with an
// error) say why in one line and run browser mode instead, printing the URL to open.
//
//   npm start                      Electron, or browser mode as a fallback
//   npm start -- --browser         browser mode straight away
//   npm start -- --browser --port 0 --data-dir /tmp/cs   (--port: browser mode only)
//
// Builds first when dist/ is missing or older than the sources.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const READY_LINE = 'callscope: electron window ready';
const DOWNLOAD_TIMEOUT_MS = Number(process.env.CALLSCOPE_ELECTRON_DOWNLOAD_TIMEOUT_MS ?? 180_000);
const say = (message) => console.error(`callscope: ${message}`);

const args = process.argv.slice(2);
const browserOnly = args.includes('--browser');
const hostArgs = args.filter((arg) => arg !== '--browser');

ensureBuilt();
if (!browserOnly) {
  const outcome = await runElectron();
  if (outcome.ran) process.exit(outcome.code);
  say(`Electron is not available: ${outcome.reason}. Starting browser mode instead.`);
}
const { runBrowserHostCli } = await import(pathToFileURL(join(root, 'dist/main/browser-host.js')).href);
const code = await runBrowserHostCli(hostArgs);
if (code !== undefined) process.exit(code);

// ---------------------------------------------------------------------------------------

function ensureBuilt() {
  const outputs = ['dist/main/browser-host.js', 'dist/main/electron-main.js', 'dist/main/preload.cjs', 'dist/renderer/index.html'].map((file) => join(root, file));
  const missing = outputs.some((file) => !existsSync(file));
  const stale = !missing && newestSource() > Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  if (!missing && !stale) return;
  say(missing ? 'building first (dist/ is incomplete)…' : 'rebuilding (sources changed since the last build)…');
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status === 0) return;
  if (missing) {
    say('the build failed; fix the errors above and run `npm start` again.');
    process.exit(1);
  }
  say('the rebuild failed (errors above); starting the previous build.');
}

function newestSource() {
  let newest = 0;
  const visit = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/\.(ts|tsx|cts|css|html|svg)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of ['src', 'main', 'renderer']) visit(join(root, dir));
  return newest;
}

/** Where the electron package keeps its binary, without require('electron') (which would download it). */
function electronBinary() {
  const require = createRequire(import.meta.url);
  let packageDir;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { packageDir: undefined, path: undefined };
  }
  const pathFile = join(packageDir, 'path.txt');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : 'electron';
    return { packageDir, path: join(process.env.ELECTRON_OVERRIDE_DIST_PATH, name) };
  }
  if (!existsSync(pathFile)) return { packageDir, path: undefined };
  const path = join(packageDir, 'dist', readFileSync(pathFile, 'utf8'));
  return { packageDir, path: existsSync(path) ? path : undefined };
}

function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/** @returns {Promise<{ ran: true, code: number } | { ran: false, reason: string }>} */
async function runElectron() {
  const { packageDir, path: found } = electronBinary();
  let path = found;
  if (packageDir === undefined) return { ran: false, reason: 'the electron package is not installed' };
  if (!hasDisplay()) {
    return { ran: false, reason: path === undefined ? 'its binary is not downloaded, and there is no display (DISPLAY/WAYLAND_DISPLAY unset)' : 'no display (DISPLAY/WAYLAND_DISPLAY unset)' };
  }
  if (path === undefined) {
    const failure = await downloadElectron(packageDir);
    if (failure !== undefined) return { ran: false, reason: `its binary is not downloaded and the download failed: ${failure}` };
    path = electronBinary().path;
    if (path === undefined) return { ran: false, reason: 'its binary is still missing after the download' };
  }
  return launchElectron(path);
}

function downloadElectron(packageDir) {
  say(`the Electron binary is not downloaded yet; fetching it once (up to ${Math.round(DOWNLOAD_TIMEOUT_MS / 1000)} s, or use \`npm start -- --browser\`)…`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(packageDir, 'install.js')], { cwd: packageDir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      resolve(`no answer within ${Math.round(DOWNLOAD_TIMEOUT_MS / 1000)} s`);
    }, DOWNLOAD_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve(error.message);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? undefined : firstMeaningfulLine(stderr) ?? `installer exited with code ${code}`);
    });
  });
}

function launchElectron(binary) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const dataDir = optionValue('--data-dir');
  if (dataDir !== undefined) env.CALLSCOPE_DATA_DIR = dataDir;
  return new Promise((resolve) => {
    const child = spawn(binary, [root], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let ready = false;
    let stderr = '';
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      if (!ready && chunk.toString().includes(READY_LINE)) ready = true;
    });
    child.stderr.on('data', (chunk) => {
      process.stderr.write(chunk);
      if (!ready) stderr = (stderr + chunk).slice(-4000);
    });
    child.on('error', (error) => resolve({ ran: false, reason: `it could not be launched: ${error.message}` }));
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      if (ready || code === 0) resolve({ ran: true, code: code ?? (signal ? 1 : 0) });
      else resolve({ ran: false, reason: `it exited ${signal ? `on ${signal}` : `with code ${code}`} before opening a window${stderrSummary(stderr)}` });
    });
  });
}

/** `--name value` or `--name=value` from the command line. */
function optionValue(name) {
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === name) return args[i + 1];
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return undefined;
}

function stderrSummary(stderr) {
  const line = lastMeaningfulLine(stderr);
  return line === undefined ? '' : `: ${line}`;
}

function meaningfulLines(text) {
  return text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('at '));
}

function firstMeaningfulLine(text) {
  return meaningfulLines(text)[0];
}

function lastMeaningfulLine(text) {
  return meaningfulLines(text).at(-1);
}
