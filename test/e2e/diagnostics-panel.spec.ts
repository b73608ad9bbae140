// The diagnostics panel in Chromium against a fresh browser-mode host, whose built-in test
// line starts by itself (no account saved): a live echo call's ladder fills in while the
// call is set up (INVITE, 183, PRACK, 200, ACK, then BYE) with no findings, rows reachable
// by the keyboard; a trying-tag call shows its finding and the finding's link selects the
// cited 100 Trying; a trace file is dropped on the panel (a non-trace file opened is refused with the reason),
// its calls listed with their findings, and the exports (text, JSON, ladder SVG, support
// bundle without the digest secrets) are saved. A screenshot of each state is kept in
// test-results/diagnostics-panel/.
import type { Download, Locator, Page, TestInfo } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectPageProblems, expect, projectRoot, test, type RunningHost } from './host-fixture.js';

test.use({ testLine: true });
test.describe.configure({ timeout: 90_000 });

const SHOTS = join(projectRoot, 'test-results', 'diagnostics-panel');

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

async function openPhone(page: Page, host: RunningHost): Promise<void> {
  await page.goto(host.url);
  await expect(page.getByRole('status', { name: 'Host connection' })).toHaveText(/Connected to host/);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: /^Phone/ }).click();
}

/** Dials a test line number from the phone's dial field, as a person does on a fresh install. */
async function dial(page: Page, target: string): Promise<void> {
  await expect(page.getByRole('region', { name: 'Registration' })).toContainText('Registered', { timeout: 15_000 });
  const field = page.getByRole('textbox', { name: 'Number or SIP address' });
  await field.fill(target);
  await field.press('Enter');
}

function callCard(page: Page): Locator {
  return page.getByRole('region', { name: 'Calls' }).getByRole('article').last();
}

function panel(page: Page): Locator {
  return page.getByRole('region', { name: /^Diagnostics/ });
}

function ladder(page: Page): Locator {
  return panel(page).getByRole('listbox', { name: /SIP messages/ });
}

/** The start lines of the ladder's rendered rows, in order. */
async function rowLines(page: Page): Promise<string[]> {
  const names = await ladder(page).getByRole('option').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
  return names.map((n) => /^#\d+ at [^:]+: (.*?) from /.exec(n)?.[1] ?? n);
}

async function saved(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]) as [Download, void];
  const bytes = readFileSync(await download.path());
  return { name: download.suggestedFilename(), text: bytes.toString('utf8'), bytes };
}

test('a live echo call: the ladder fills in while the call is set up, no findings, rows selectable by keyboard', async ({ page, host }, testInfo) => {
  const problems = collectPageProblems(page);
  await openPhone(page, host);
  await dial(page, 'echo');
  await expect(callCard(page).getByRole('status', { name: 'Call state' })).toContainText(/Early media|Dialling|Ringing|Trying/i, { timeout: 20_000 });
  await callCard(page).getByRole('button', { name: 'Diagnostics' }).click();

  // Live: the panel is open before the answer and the rows arrive as they happen.
  await expect(ladder(page).getByRole('option', { name: /INVITE sip:echo/ })).toBeVisible({ timeout: 15_000 });
  await expect(panel(page).locator('.badge.source-live')).toHaveText('Live');
  await expect(ladder(page).getByRole('option', { name: /: ACK sip:/ })).toBeVisible({ timeout: 30_000 });
  const lines = await rowLines(page);
  const order = ['INVITE', 'SIP/2.0 183', 'PRACK', 'SIP/2.0 200', 'ACK'].map((start) => lines.findIndex((l) => l.startsWith(start)));
  expect(order.every((at) => at >= 0), lines.join(' | ')).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  await expect(panel(page).locator('.findings-none')).toContainText('No findings');
  await expect(panel(page).getByRole('table', { name: 'Transactions of this call' })).toContainText('PRACK');
  await shot(page, testInfo, 'diagnostics-live-echo');

  // Keyboard: the ladder takes focus, Home selects the first row, the arrows move.
  await ladder(page).focus();
  await page.keyboard.press('Home');
  await expect(ladder(page).getByRole('option', { selected: true })).toHaveAttribute('aria-label', /^#0 .*INVITE sip:echo/);
  const pane = panel(page).getByRole('region', { name: 'Message #0' });
  await expect(pane.getByRole('region', { name: 'Raw message text' })).toContainText('INVITE sip:echo');
  await expect(pane).toContainText('Parsed without problems');
  await page.keyboard.press('ArrowDown');
  await expect(ladder(page).getByRole('option', { selected: true })).toHaveAttribute('aria-label', /^#1 /);
  await page.keyboard.press('End');
  await expect(ladder(page).getByRole('option', { selected: true })).toHaveAttribute('aria-label', /ACK sip:|SIP\/2\.0/);

  // A transaction's history: the INVITE client transaction went through Calling and Proceeding.
  await panel(page).getByRole('button', { name: /^INVITE client transaction/ }).first().click();
  const details = panel(page).locator('.tx-details').first();
  await expect(details).toContainText('Calling');
  await expect(details).toContainText('Proceeding');
  await expect(details).toContainText('Timer');
  await shot(page, testInfo, 'diagnostics-live-echo-keyboard');

  // Hang up: the BYE and its 200 arrive in the open panel.
  await callCard(page).getByRole('button', { name: /Hang up/ }).click();
  await expect(ladder(page).getByRole('option', { name: /: BYE sip:/ })).toBeVisible({ timeout: 15_000 });
  await expect(panel(page).locator('.findings-none')).toContainText('No findings');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, testInfo, 'diagnostics-ended-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  const text = await saved(page, () => panel(page).getByRole('button', { name: 'Text' }).click());
  expect(text.text).toContain('INVITE sip:echo');
  expect(text.text).toContain('PRACK');
  const pcap = await saved(page, () => panel(page).getByRole('button', { name: /^pcap/ }).click());
  expect(pcap.name).toMatch(/\.pcap$/);
  expect([0xa1b2c3d4, 0xd4c3b2a1, 0x0a0d0d0a]).toContain(pcap.bytes.readUInt32LE(0));

  // From the history later: the saved call opens read-only with the same rows.
  await panel(page).getByRole('button', { name: 'Back to the phone' }).click();
  await page.getByRole('button', { name: /^Diagnostics of the call with/ }).first().click();
  await expect(panel(page).locator('.badge.source-recent')).toHaveText('Recent');
  await expect(ladder(page).getByRole('option', { name: /: BYE sip:/ })).toBeVisible();
  expect(problems).toEqual([]);
});

test('a trying-tag call: the finding is shown with its RFC, and its link selects the cited 100 Trying', async ({ page, host }, testInfo) => {
  const problems = collectPageProblems(page);
  await openPhone(page, host);
  await dial(page, 'trying-tag');
  await callCard(page).getByRole('button', { name: 'Diagnostics' }).click();
  const finding = panel(page).locator('[data-code="trying-with-to-tag"]');
  await expect(finding).toBeVisible({ timeout: 20_000 });
  await expect(finding).toContainText('RFC 3261');
  await expect(finding).toContainText('Warning');
  const cite = finding.getByRole('button', { name: /Show message #\d+ \(100 Trying\)/ });
  await cite.click();
  const selected = ladder(page).getByRole('option', { selected: true });
  await expect(selected).toHaveAttribute('aria-label', /SIP\/2\.0 100 Trying/);
  await expect(ladder(page)).toBeFocused();
  const pane = panel(page).getByRole('region', { name: /^Message #/ });
  await expect(pane).toContainText(/To.*\(tag /);
  await shot(page, testInfo, 'diagnostics-findings');
  await callCard(page).getByRole('button', { name: /Hang up/ }).click();
  expect(problems).toEqual([]);
});

test('imports a capture: a non-trace file is refused with the reason, the calls are listed with their findings, exports keep no secrets', async ({ page, host }, testInfo) => {
  const problems = collectPageProblems(page);
  await page.goto(host.url);
  await expect(page.getByRole('status', { name: 'Host connection' })).toHaveText(/Connected to host/);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Diagnostics' }).click();
  await expect(panel(page)).toContainText('Choose a call on the left, or open a trace file');
  await shot(page, testInfo, 'diagnostics-empty');

  const input = panel(page).getByLabel('Open a trace file');
  await input.setInputFiles(join(projectRoot, 'test/fixtures/not-a-trace.pcap'));
  await expect(panel(page).getByRole('alert')).toContainText('not-a-trace.pcap could not be imported');
  await shot(page, testInfo, 'diagnostics-import-refused');

  // Dropped on the import box (a string: the test tsconfig has no DOM library).
  const base64 = readFileSync(join(projectRoot, 'test/fixtures/two-calls.pcap')).toString('base64');
  const dataTransfer = await page.evaluateHandle(`(() => {
    const binary = atob('${base64}');
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], 'two-calls.pcap', { type: 'application/vnd.tcpdump.pcap' }));
    return transfer;
  })()`);
  await panel(page).locator('.drop-zone').dispatchEvent('drop', { dataTransfer });
  await expect(panel(page).getByRole('status').filter({ hasText: 'Imported 2 calls from two-calls.pcap' })).toBeVisible();
  const imported = panel(page).getByRole('list', { name: 'Imported calls' });
  await expect(imported.getByRole('button')).toHaveCount(2);
  await expect(imported.getByRole('button', { name: /healthy-1@192\.0\.2\.10/ })).toContainText('no findings');
  await expect(imported.getByRole('button', { name: /no-ack-2@192\.0\.2\.10/ })).toContainText('1 finding (worst: error)');

  // The failed call: its finding, its retransmissions marked and hidden on demand.
  await imported.getByRole('button', { name: /no-ack-2/ }).click();
  await expect(panel(page).locator('[data-code="missing-ack"]')).toBeVisible();
  await expect(panel(page).locator('.badge.source-import')).toHaveText('Imported, read-only');
  await expect(ladder(page).getByRole('option', { name: /retransmission of #/ }).first()).toBeVisible();
  await shot(page, testInfo, 'diagnostics-imported-no-ack');
  const total = await ladder(page).getAttribute('aria-label');
  await panel(page).getByRole('checkbox', { name: 'Retransmissions' }).uncheck();
  await expect(ladder(page)).not.toHaveAttribute('aria-label', total ?? '');
  await expect(ladder(page).getByRole('option', { name: /retransmission of #/ })).toHaveCount(0);
  await panel(page).getByRole('button', { name: 'Clear filters' }).click();

  // The healthy call carries digest credentials: the host's JSON has them, the support bundle does not.
  await imported.getByRole('button', { name: /healthy-1/ }).click();
  await expect(panel(page).locator('.findings-none')).toBeVisible();
  await shot(page, testInfo, 'diagnostics-imported-healthy');
  const json = await saved(page, () => panel(page).getByRole('button', { name: 'JSON' }).click());
  const secrets = [...json.text.matchAll(/(?:response|nonce|cnonce)=\\?"([0-9a-f]{8,})\\?"/g)].map((m) => m[1]!);
  expect(secrets.length).toBeGreaterThan(0);
  const bundle = await saved(page, () => panel(page).getByRole('button', { name: 'Support bundle' }).click());
  expect(bundle.name).toMatch(/^callscope-support-\d{8}-\d{6}-healthy-1_192\.0\.2\.10\.json$/);
  const parsed = JSON.parse(bundle.text) as { kind: string; app?: { version: string; dataDir: string }; findings: unknown[]; timings: { steps: unknown[] } };
  expect(parsed.kind).toBe('callscope-support-bundle');
  expect(parsed.app?.version).toMatch(/^\d+\.\d+\.\d+/);
  expect(parsed.timings.steps.length).toBeGreaterThan(0);
  for (const secret of secrets) expect(bundle.text).not.toContain(secret);
  expect(bundle.text).not.toContain(host.dataDir);
  expect(bundle.text).toContain('username=\\"alice\\"');
  expect(bundle.text).toContain('[removed]');

  const svg = await saved(page, () => panel(page).getByRole('button', { name: 'Ladder as SVG' }).click());
  expect(svg.text).toMatch(/^<svg /);
  expect(svg.text).toContain('407 Proxy Authentication');
  const png = await saved(page, () => panel(page).getByRole('button', { name: 'Ladder as PNG' }).click());
  expect(png.name).toMatch(/\.png$/);
  expect(problems).toEqual([]);
});
