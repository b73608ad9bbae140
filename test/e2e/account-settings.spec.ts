// Account settings through the real bridge: saved, read back, validated by the host, and the
// password never travels host -> page nor sits in clear on disk.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './host-fixture.js';

const PASSWORD = 'e2e-Secret-p4ss!';

function recordFrames(page: Page): { sent: string[]; received: string[] } {
  const frames = { sent: [] as string[], received: [] as string[] };
  page.on('websocket', (socket) => {
    socket.on('framesent', (frame) => frames.sent.push(String(frame.payload)));
    socket.on('framereceived', (frame) => frames.received.push(String(frame.payload)));
  });
  return frames;
}

async function fillAccount(page: Page, formName: string, values: Record<string, string>): Promise<void> {
  const form = page.getByRole('form', { name: formName });
  for (const [label, value] of Object.entries(values)) await form.getByLabel(label, { exact: true }).fill(value);
  await form.getByRole('button', { name: 'Save account' }).click();
}

test('saving account settings round-trips and the password never comes back', async ({ page, host }) => {
  const frames = recordFrames(page);
  await page.goto(host.url);
  await fillAccount(page, 'New account', {
    'Server URL': 'wss://sip.example.com:8443/ws',
    'SIP user': 'alice',
    'SIP domain': 'example.com',
    'Display name': 'Alice Example',
    Password: PASSWORD,
  });
  await expect(page.getByRole('status').filter({ hasText: 'Saved alice@example.com.' })).toBeVisible();
  const saved = page.getByRole('list', { name: 'Saved accounts' }).getByRole('listitem');
  await expect(saved).toHaveCount(1);
  await expect(saved).toContainText('password saved');

  await page.reload();
  // With an account saved the app opens on the phone; the account is one click away.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  const form = page.getByRole('form', { name: 'Edit alice@example.com' });
  await expect(form.getByLabel('Server URL')).toHaveValue('wss://sip.example.com:8443/ws');
  await expect(form.getByLabel('SIP user')).toHaveValue('alice');
  await expect(form.getByLabel('SIP domain')).toHaveValue('example.com');
  await expect(form.getByLabel('Display name')).toHaveValue('Alice Example');
  await expect(form.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(form).toContainText('A password is saved for this account');

  // The password went to the host exactly once, and never came back.
  expect(frames.sent.filter((frame) => frame.includes(PASSWORD))).toHaveLength(1);
  expect(frames.received.length).toBeGreaterThan(0);
  expect(frames.received.filter((frame) => frame.includes(PASSWORD))).toEqual([]);
  expect(await page.content()).not.toContain(PASSWORD);

  // At rest: encrypted, next to a 0600 key file.
  const settings = await readFile(join(host.dataDir, 'settings.json'), 'utf8');
  expect(settings).toContain('"user": "alice"');
  expect(settings).not.toContain(PASSWORD);
  if (process.platform !== 'win32') expect((await stat(join(host.dataDir, 'secret.key'))).mode & 0o777).toBe(0o600);
  expect(host.output()).not.toContain(PASSWORD);
});

test('invalid settings are named as you type, with the rules the host applies, and nothing is saved', async ({ page, host }) => {
  await page.goto(host.url);
  const form = page.getByRole('form', { name: 'New account' });
  await form.getByLabel('Server URL', { exact: true }).fill('http://sip.example.com');
  await expect(form.getByText('Server URL must be a wss:// URL (plain ws:// is accepted only for 127.0.0.1 or localhost)')).toBeVisible();
  await expect(form.getByLabel('Server URL', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await form.getByLabel('Server URL', { exact: true }).fill('wss://sip.example.com');
  await expect(form.getByText(/^Server URL must/)).toHaveCount(0);
  await form.getByLabel('SIP user', { exact: true }).fill('alice smith');
  await expect(form.getByText("SIP user may contain only SIP user characters (no spaces, no '@')")).toBeVisible();
  await form.getByRole('button', { name: 'Save account' }).click();
  await expect(page.getByRole('alert')).toHaveText('Please fix the fields marked above.');
  await expect(page.getByRole('list', { name: 'Saved accounts' })).toHaveCount(0);
});

test('a password can be forgotten and an account removed', async ({ page, host }) => {
  await page.goto(host.url);
  await fillAccount(page, 'New account', { 'Server URL': 'ws://127.0.0.1:5066', 'SIP user': 'bob', Password: PASSWORD });
  await expect(page.getByRole('status').filter({ hasText: 'Saved bob@127.0.0.1.' })).toBeVisible();

  const form = page.getByRole('form', { name: 'Edit bob@127.0.0.1' });
  await form.getByRole('checkbox', { name: 'Forget the saved password' }).check();
  await form.getByRole('button', { name: 'Save account' }).click();
  const item = page.getByRole('list', { name: 'Saved accounts' }).getByRole('listitem');
  await expect(item).toContainText('no password');

  await item.getByRole('button', { name: 'Remove bob@127.0.0.1' }).click();
  await item.getByRole('button', { name: 'Confirm removal bob@127.0.0.1' }).click();
  await expect(page.getByRole('list', { name: 'Saved accounts' })).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Removed bob@127.0.0.1.' })).toBeVisible();
});

test('host events keep every open page up to date', async ({ browser, host }) => {
  const [first, second] = [await browser.newPage(), await browser.newPage()];
  await first.goto(host.url);
  await second.goto(host.url);
  await expect(second.getByRole('status', { name: 'Host connection' })).toHaveText(/Connected to host/);
  await fillAccount(first, 'New account', { 'Server URL': 'wss://pbx.example.org', 'SIP user': 'carol' });
  await expect(second.getByRole('list', { name: 'Saved accounts' })).toContainText('carol@pbx.example.org');
  await first.close();
  await second.close();
});
