// What the phone's lab tests share: the SIP lab and a browser-mode host per test, an
// account added through the UI (WSS with the lab's CA, digest), and readers of what the UI
// shows (call state, live statistics, the local tones).
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page, TestInfo } from '@playwright/test';
import { expect } from '@playwright/test';
import { labTest } from '../lab/playwright-lab.js';
import type { Lab } from '../lab/lab.js';
import { parseSippTrace } from '../lab/sipp-trace.js';
import { hostFixture, projectRoot, type HostFixtures, type RunningHost } from './host-fixture.js';

/**
 * SIPp far ends and callers live as long as a test may (SIPp's own default is 30 s: on a
 * busy machine a call's steps can outlast it, and a BYE then finds nobody).
 */
export const SIPP_LIFETIME = { timeoutS: 85 } as const;

export function phoneLabTest(name: string) {
  return labTest({ name }).extend<HostFixtures>({ testLine: [false, { option: true }], host: hostFixture });
}

export interface AccountInput {
  readonly user: string;
  readonly password?: string;
  readonly serverUrl?: string;
}

/** Adds an account through the account form, as a person would. */
export async function addAccount(page: Page, lab: Lab, input: AccountInput): Promise<void> {
  const views = page.getByRole('navigation', { name: 'Views' });
  await views.getByRole('button', { name: 'Settings' }).click();
  const accounts = page.getByRole('region', { name: 'SIP accounts' });
  if (await accounts.getByRole('form', { name: 'New account' }).count() === 0) await accounts.getByRole('button', { name: 'New account' }).click();
  const form = accounts.getByRole('form', { name: 'New account' });
  await form.getByLabel('Server URL', { exact: true }).fill(input.serverUrl ?? lab.proxy.wssUrl);
  await form.getByLabel('SIP user', { exact: true }).fill(input.user);
  await form.getByLabel('SIP domain', { exact: true }).fill(lab.proxy.realm);
  await form.getByLabel('Password', { exact: true }).fill(input.password ?? lab.account(input.user).password);
  await form.getByText('Advanced: name, authentication user, certificate, ICE servers').click();
  await form.getByLabel('Trusted CA file (PEM, on this computer)').fill(lab.proxy.caFile);
  await form.getByRole('button', { name: 'Save account' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved ${input.user}@${lab.proxy.realm}.` })).toBeVisible();
  await views.getByRole('button', { name: 'Phone' }).click();
}

export function registration(page: Page, user: string, realm: string): Locator {
  return page.getByRole('status', { name: `Registration of ${user}@${realm}` });
}

export async function openPhone(page: Page, host: RunningHost, lab: Lab, user: string): Promise<void> {
  await page.goto(host.url);
  await expect(page.getByRole('status', { name: 'Host connection' })).toHaveText(/Connected to host/);
  await addAccount(page, lab, { user });
  await expect(registration(page, user, lab.proxy.realm)).toContainText('Registered', { timeout: 15_000 });
}

export async function dial(page: Page, target: string): Promise<void> {
  const field = page.getByRole('textbox', { name: 'Number or SIP address' });
  await field.fill(target);
  await field.press('Enter');
}

/** The card of the newest call. */
export function callCard(page: Page): Locator {
  return page.getByRole('region', { name: 'Calls' }).getByRole('article').last();
}

export function callState(page: Page): Locator {
  return callCard(page).getByRole('status', { name: 'Call state' });
}

export interface ShownStats {
  readonly packetsIn: number;
  readonly packetsOut: number;
  readonly levelIn: number;
  readonly microphone: string;
}

/** The live statistics as the quality panel shows them. */
export async function shownStats(page: Page): Promise<ShownStats> {
  const panel = page.getByRole('region', { name: 'Call quality' });
  const text = async (stat: string) => (await panel.locator(`[data-stat="${stat}"]`).count()) === 0 ? '' : await panel.locator(`[data-stat="${stat}"]`).innerText();
  const level = await panel.locator('[data-stat="level-in"]').count() === 0 ? '0' : await panel.locator('[data-stat="level-in"]').getAttribute('data-value');
  return { packetsIn: Number(await text('packets-in') || 0), packetsOut: Number(await text('packets-out') || 0), levelIn: Number(level ?? 0), microphone: await text('microphone') };
}

/** Waits until audio flows both ways after `since` (25 more packets each way, something heard). */
export async function expectTwoWayAudio(page: Page, since: ShownStats, message: string): Promise<void> {
  await expect.poll(async () => {
    const now = await shownStats(page);
    return now.packetsIn > since.packetsIn + 25 && now.packetsOut > since.packetsOut + 25 && now.levelIn > 0;
  }, { timeout: 10_000, message }).toBe(true);
}

/** Whether a local tone's player is playing right now. */
export function tonePlaying(page: Page, tone: 'ringback' | 'ringtone'): Promise<boolean> {
  // A string: the test tsconfig has no DOM library.
  return page.evaluate(`(() => { const p = document.querySelector('audio[data-tone="${tone}"]'); return p !== null && !p.paused; })()`) as Promise<boolean>;
}

/** Requests the far end (SIPp) received, by method. */
export function receivedMethods(messageLog: string): string[] {
  return parseSippTrace(messageLog).filter((e) => e.direction === 'received').map((e) => e.startLine.split(' ')[0] ?? '');
}

/** A screenshot kept with the test's results (and attached to its report). */
export async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
  if (process.env['CALLSCOPE_DOCS_SCREENSHOTS'] === '1') {
    const dir = join(projectRoot, 'docs', 'screenshots');
    mkdirSync(dir, { recursive: true });
    copyFileSync(path, join(dir, `${name}.png`));
  }
}
