// The first screen in browser mode: loads under the strict CSP without errors, and shows
// facts that could only have come from the host over the token-protected bridge.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectPageProblems, expect, projectRoot, test } from './host-fixture.js';

const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

test('loads under the strict CSP with no console errors', async ({ page, host }) => {
  const problems = collectPageProblems(page);
  const response = await page.goto(host.url);
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).not.toMatch(/unsafe-(eval|inline)/);

  await expect(page.getByRole('heading', { level: 1, name: 'Callscope' })).toBeVisible();
  await expect(page.getByRole('status', { name: 'Host connection' })).toHaveText(/Connected to host/);
  await expect(page.getByRole('definition').filter({ hasText: `Callscope ${version}` })).toBeVisible();
  // The token is taken out of the address bar once read.
  expect(page.url()).toBe(`${host.origin}/`);
  expect(problems).toEqual([]);
});

test('shows host info fetched over the bridge', async ({ page, host }) => {
  await page.goto(host.url);
  const facts = page.getByRole('region', { name: 'Host' }).getByRole('definition');
  await expect(facts.nth(0)).toHaveText(`Callscope ${version}`);
  await expect(facts.nth(1)).toHaveText('Browser mode (local host on 127.0.0.1)');
  await expect(facts.nth(2)).toContainText(`, Node ${process.versions.node}`);
  await expect(facts.nth(3)).toHaveText(host.dataDir);
  await expect(facts.nth(4)).toContainText('Encrypted at rest: AES-256-GCM, with the key in a file only you can read');
});

test('keeps working after a reload (token kept for the tab, not in the URL)', async ({ page, host }) => {
  await page.goto(host.url);
  await expect(page.getByRole('status', { name: 'Host connection' })).toHaveText(/Connected to host/);
  await page.reload();
  await expect(page.getByRole('status', { name: 'Host connection' })).toHaveText(/Connected to host/);
  await expect(page.getByRole('region', { name: 'Host' }).getByRole('definition').first()).toHaveText(`Callscope ${version}`);
});

test('with no account yet, the phone opens on the account form and says how to start', async ({ page, host }) => {
  await page.goto(host.url);
  await expect(page.getByRole('form', { name: 'New account' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Phone' }).click();
  const call = page.getByRole('region', { name: 'Call' });
  await expect(call).toContainText('Add your SIP account to start calling.');
  await call.getByRole('button', { name: 'Add an account' }).click();
  await expect(page.getByRole('form', { name: 'New account' })).toBeVisible();
});

test('first screen screenshot', async ({ page, host }, testInfo) => {
  await page.goto(host.url);
  const form = page.getByRole('form', { name: 'New account' });
  await form.getByLabel('Server URL').fill('wss://sip.example.com:8443/ws');
  await form.getByLabel('SIP user').fill('alice');
  await form.getByLabel('SIP domain').fill('example.com');
  await form.getByLabel('Display name').fill('Alice Example');
  await form.getByLabel('Password', { exact: true }).fill('screenshot-secret');
  await form.getByRole('button', { name: 'Save account' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved alice@example.com.' })).toBeVisible();
  await page.getByRole('button', { name: 'Test microphone' }).click();
  await expect(page.getByRole('status', { name: 'Microphone check' })).toHaveText(/Microphone works/);
  const path = testInfo.outputPath('callscope-first-screen.png');
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach('first screen', { path, contentType: 'image/png' });
  // The system's dark theme is followed.
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = testInfo.outputPath('callscope-first-screen-dark.png');
  await page.screenshot({ path: dark, fullPage: true });
  await testInfo.attach('first screen, dark', { path: dark, contentType: 'image/png' });
  expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).not.toBe('rgb(244, 246, 249)');
});

test('every control of the phone and settings screens has an accessible name and is reachable by keyboard', async ({ page, host }) => {
  await page.goto(host.url);
  await expect(page.getByRole('form', { name: 'New account' })).toBeVisible();
  for (const view of ['Settings', 'Phone']) {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: view }).click();
    const unnamed = await page.evaluate(`[...document.querySelectorAll('button, input, select, textarea, summary, meter')]
      .filter((el) => el.offsetParent !== null)
      .filter((el) => { const id = el.id; const label = id ? document.querySelector('label[for="' + id + '"]') : null;
        return !(el.getAttribute('aria-label') || el.closest('label') || label || (el.textContent || '').trim()); })
      .map((el) => el.outerHTML.slice(0, 80))`);
    expect(unnamed).toEqual([]);
  }
  // Tab reaches the dial field and its button; the focus is visible (an outline).
  await page.keyboard.press('Tab');
  let reached = false;
  for (let i = 0; i < 15 && !reached; i += 1) {
    reached = await page.evaluate(`document.activeElement?.textContent === 'Add an account'`) as boolean;
    if (!reached) await page.keyboard.press('Tab');
  }
  expect(reached).toBe(true);
  expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
});
