// What the phone says when a call or a registration fails, in Chromium against the lab:
// busy, a call cancelled while it rings (the local ringback plays on a 180 without SDP),
// a wrong password, a server that cannot be reached. Each in words a person understands,
// with the SIP status where there is one.
import { expect } from '@playwright/test';
import { allocatePortBlock } from '../lab/ports.js';
import {
  addAccount, callCard, callState, dial, keepScreenshot, openPhone, phoneLabTest, receivedMethods, SIPP_LIFETIME, registration, tonePlaying,
} from './phone-lab.js';

const test = phoneLabTest('e2e-phone-failures');
test.describe.configure({ timeout: 90_000 });

test('busy: "Busy (486 Busy Here)"', async ({ page, host, lab }, testInfo) => {
  await openPhone(page, host, lab, 'alice');
  const farEnd = await lab.startUas('uas-busy', SIPP_LIFETIME);
  await dial(page, lab.farEndUri(farEnd.port));
  await expect(callState(page)).toContainText('Busy (486 Busy Here)', { timeout: 15_000 });
  await keepScreenshot(page, testInfo, 'phone-busy');
  await expect(page.getByRole('list', { name: 'Calls' }).getByRole('listitem').first()).toContainText('Busy (486 Busy Here)');
});

test('ringing with the local ringback (180 without SDP), then cancelled by us: "Cancelled"', async ({ page, host, lab }, testInfo) => {
  await openPhone(page, host, lab, 'alice');
  const farEnd = await lab.startUas('uas-ringing-forever', SIPP_LIFETIME);
  await dial(page, lab.farEndUri(farEnd.port));
  await expect(callState(page)).toContainText('Ringing', { timeout: 15_000 });
  await expect(callState(page)).toContainText('you hear the ringback tone');
  await expect.poll(() => tonePlaying(page, 'ringback')).toBe(true);
  await keepScreenshot(page, testInfo, 'phone-ringing');
  await callCard(page).getByRole('button', { name: 'Cancel call' }).click();
  await expect(callState(page)).toContainText('Cancelled');
  await expect.poll(() => tonePlaying(page, 'ringback')).toBe(false);
  expect((await farEnd.result).explanation).toBe('');
  expect(receivedMethods(farEnd.messageLog())).toEqual(['INVITE', 'CANCEL', 'ACK']);
});

test('a wrong password: registration failed, with the status and what to check, and a retry button', async ({ page, host, lab }, testInfo) => {
  await page.goto(host.url);
  await addAccount(page, lab, { user: 'bob', password: 'not-the-password' });
  const status = registration(page, 'bob', lab.proxy.realm);
  await expect(status).toContainText('Failed', { timeout: 15_000 });
  await expect(status).toContainText(/Registering failed: .*password/);
  await expect(page.getByRole('button', { name: `Retry now bob@${lab.proxy.realm}` })).toBeVisible();
  await keepScreenshot(page, testInfo, 'phone-wrong-password');
});

test('an unreachable server: "Retrying in N s" with the reason, and Test connection names the failed step', async ({ page, host, lab }, testInfo) => {
  const [closedPort] = await allocatePortBlock(1);
  await page.goto(host.url);
  await addAccount(page, lab, { user: 'carol', serverUrl: `wss://127.0.0.1:${closedPort}` });
  const status = registration(page, 'carol', lab.proxy.realm);
  await expect(status).toContainText(/Retrying in \d+ s/, { timeout: 15_000 });
  await expect(status).toContainText(/Connecting to the server failed: .*refused/i);
  await keepScreenshot(page, testInfo, 'phone-unreachable');

  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('status', { name: 'Connection test' })).toContainText(/Connecting to the server failed: .*refused/i, { timeout: 15_000 });
  await keepScreenshot(page, testInfo, 'settings-test-connection-failed');
});
