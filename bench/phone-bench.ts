// `npm run bench:phone`: the phone in Chromium (browser mode, fake audio), measured, not
// asserted. Dial -> INVITE on the wire (Enter in the dial field to the INVITE at a SIP
// peer on loopback) with no ICE servers and with a STUN server that never answers; the
// same wait for SIP.js' default session description handler in the same browser; app start
// to interactive; the renderer's JS heap at idle and during a call through the lab.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Page } from '@playwright/test';
import { startLab } from '../test/lab/lab.js';
import { startFakeRegistrar } from './phone-fake-registrar.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = Number(process.env['BENCH_PHONE_ROUNDS'] ?? 8);
const log = (line: string) => console.log(line);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const stats = (xs: number[]) => `median ${median(xs).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)} (n=${xs.length})`;

async function startHost(dataDir: string): Promise<{ url: string; startedMs: number; stop: () => void }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['dist/main/browser-host.js', '--port', '0', '--data-dir', dataDir, '--no-test-line'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+/.exec(output);
      if (match) resolve(match[0]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`host exited ${code}: ${output}`)));
  });
  return { url, startedMs: performance.now() - t0, stop: () => child.kill('SIGTERM') };
}

async function addAccount(page: Page, serverUrl: string, iceServer?: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  const accounts = page.getByRole('region', { name: 'SIP accounts' });
  if (await accounts.getByRole('form', { name: 'New account' }).count() === 0) await accounts.getByRole('button', { name: 'New account' }).click();
  const form = accounts.getByRole('form', { name: 'New account' });
  await form.getByLabel('Server URL', { exact: true }).fill(serverUrl);
  await form.getByLabel('SIP user', { exact: true }).fill('alice');
  await form.getByLabel('SIP domain', { exact: true }).fill('callscope.lab');
  await form.getByLabel('Password', { exact: true }).fill('alice-lab-secret');
  if (iceServer !== undefined) {
    await form.getByText('Advanced: name, authentication user, certificate, ICE servers').click();
    await form.getByLabel('ICE servers (STUN/TURN), one URL per line').fill(iceServer);
  }
  await form.getByRole('button', { name: 'Save account' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved alice@callscope.lab.' }).waitFor();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Phone' }).click();
  await page.getByRole('status', { name: 'Registration of alice@callscope.lab' }).filter({ hasText: 'Registered' }).waitFor({ timeout: 15_000 });
}

/** Enter in the dial field -> INVITE at the peer, `ROUNDS` times. */
async function dialToInvite(page: Page, nextInvite: () => Promise<number>, target: string): Promise<number[]> {
  const field = page.getByRole('textbox', { name: 'Number or SIP address' });
  await page.evaluate(`window.addEventListener('keydown', (e) => { if (e.key === 'Enter') window.benchPressedAt = Date.now(); }, true)`);
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    await field.fill(target);
    const invite = nextInvite();
    await field.press('Enter');
    const at = await invite;
    times.push(at - (await page.evaluate('window.benchPressedAt') as number));
    await page.getByRole('region', { name: 'Calls' }).getByRole('article').last().getByText('Busy (486 Busy Here)').waitFor();
    await page.getByRole('button', { name: 'Dismiss' }).first().click();
  }
  return times;
}

async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize / 1024 / 1024;
}

/** SIP.js 0.21's own web SessionDescriptionHandler with its default configuration: the time to its offer. */
async function sipJsOfferMs(page: Page, iceServers: string[]): Promise<number[]> {
  const bundle = await build({
    stdin: { contents: "export { SessionDescriptionHandler, defaultMediaStreamFactory } from 'sip.js/lib/platform/web/index.js';", resolveDir: root, loader: 'js' },
    bundle: true, format: 'iife', globalName: 'SIPWeb', write: false, logLevel: 'silent',
  });
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  const times: number[] = [];
  for (let i = 0; i < Math.min(ROUNDS, 4); i += 1) {
    times.push(await page.evaluate(`(async () => {
      const noop = () => undefined;
      const logger = { error: noop, warn: noop, log: noop, debug: noop };
      // The factory's default: iceGatheringTimeout 5000 ms (session-description-handler-factory-default.js).
      const sdh = new SIPWeb.SessionDescriptionHandler(logger, SIPWeb.defaultMediaStreamFactory(), {
        iceGatheringTimeout: 5000, peerConnectionConfiguration: { iceServers: ${JSON.stringify(iceServers.map((urls) => ({ urls })))} },
      });
      const t0 = performance.now();
      await sdh.getDescription({ constraints: { audio: true, video: false } });
      const ms = performance.now() - t0;
      sdh.close();
      return ms;
    })()`) as number);
  }
  return times;
}

async function inCallHeap(page: Page, url: string): Promise<string> {
  const lab = await startLab({ name: 'bench-phone', capture: false }).catch((error: unknown) => error as Error);
  if (lab instanceof Error) return `skipped (${lab.message.split('\n')[0]})`;
  try {
    await page.goto(url);
    await addAccount(page, lab.proxy.wsUrl);
    const farEnd = await lab.startUas('uas-ringing-answer');
    const field = page.getByRole('textbox', { name: 'Number or SIP address' });
    await field.fill(lab.farEndUri(farEnd.port));
    await field.press('Enter');
    await page.getByRole('status', { name: 'Call state' }).filter({ hasText: 'Connected' }).waitFor({ timeout: 15_000 });
    await page.waitForTimeout(3000);
    const mb = await heapMb(page);
    const packets = await page.locator('[data-stat="packets-in"]').innerText();
    await page.getByRole('button', { name: 'Hang up' }).click();
    return `${mb.toFixed(1)} MB (connected through the lab, ${packets} packets in)`;
  } finally {
    await lab.stop();
  }
}

const registrar = await startFakeRegistrar();
const blackhole = createSocket('udp4');
await new Promise<void>((resolve) => blackhole.bind(0, '127.0.0.1', resolve));
const stunPort = blackhole.address().port;
const browser = await chromium.launch({
  executablePath: process.env['CALLSCOPE_CHROMIUM'] ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--allow-loopback-in-peer-connection'],
});
const dirs: string[] = [];
const hosts: Array<() => void> = [];
try {
  const fresh = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'callscope-bench-'));
    dirs.push(dir);
    const host = await startHost(dir);
    hosts.push(host.stop);
    return host;
  };
  log('Phone (Chromium, browser mode, fake audio); times are medians over the rounds');

  const host = await fresh();
  const page = await browser.newPage();
  const t0 = Date.now();
  await page.goto(host.url);
  await page.getByRole('status', { name: 'Host connection' }).filter({ hasText: 'Connected to host' }).waitFor();
  await page.getByRole('form', { name: 'New account' }).waitFor();
  const interactive = Date.now() - t0;
  const nav = await page.evaluate('JSON.stringify(performance.getEntriesByType("navigation")[0])') as string;
  const domReady = (JSON.parse(nav) as { domContentLoadedEventEnd: number }).domContentLoadedEventEnd;
  log(`app start: host process up and listening in ${host.startedMs.toFixed(0)} ms; page load to interactive (connected to the host, first screen shown) ${interactive} ms (DOMContentLoaded ${domReady.toFixed(0)} ms)`);
  log(`renderer JS heap at first start (no account): ${(await heapMb(page)).toFixed(1)} MB`);

  await addAccount(page, `ws://127.0.0.1:${registrar.port}`);
  log(`renderer JS heap at idle (registered): ${(await heapMb(page)).toFixed(1)} MB`);
  const direct = await dialToInvite(page, registrar.nextInvite, 'bob');
  log(`dial -> INVITE on the wire, no ICE servers: ${stats(direct)}`);

  const blocked = await fresh();
  const page2 = await browser.newPage();
  await page2.goto(blocked.url);
  await addAccount(page2, `ws://127.0.0.1:${registrar.port}`, `stun:127.0.0.1:${stunPort}`);
  const withStun = await dialToInvite(page2, registrar.nextInvite, 'bob');
  log(`dial -> INVITE on the wire, STUN server that never answers: ${stats(withStun)} (gathering bound 1000 ms)`);

  const blank = await browser.newPage();
  await blank.goto(`http://127.0.0.1:${registrar.port}/`);
  log(`SIP.js 0.21 default SessionDescriptionHandler, time to its offer, no ICE servers: ${stats(await sipJsOfferMs(blank, []))}`);
  log(`SIP.js 0.21 default SessionDescriptionHandler, time to its offer, STUN that never answers: ${stats(await sipJsOfferMs(blank, [`stun:127.0.0.1:${stunPort}`]))}`);

  const third = await fresh();
  log(`renderer JS heap during a call: ${await inCallHeap(await browser.newPage(), third.url)}`);
} finally {
  await browser.close();
  for (const stop of hosts) stop();
  blackhole.close();
  await registrar.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
}
