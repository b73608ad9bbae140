// A fresh install, as a new user meets it: no account saved, so the host starts the built-in
// test line and registers its account by itself; the phone opens on the Phone view (not on
// an empty account form), offers the line's numbers, and a click on `echo` then Enter makes a
// real call: early media before the answer, then our own audio back. The line can be turned
// off in Settings, and then the phone asks for an account.
import { expect, test } from './host-fixture.js';
import { callCard, callState, expectTwoWayAudio, keepScreenshot, shownStats } from './phone-lab.js';

test.use({ testLine: true });
test.describe.configure({ timeout: 90_000 });

test('first launch: the test line is registered with no input, and echo gives early media then our own audio', async ({ page, host }, testInfo) => {
  await page.goto(host.url);
  await expect(page.getByRole('status', { name: 'Host connection' })).toHaveText(/Connected to host/);
  const strip = page.getByRole('region', { name: 'Registration' });
  await expect(strip).toContainText('Test line', { timeout: 15_000 });
  await expect(strip).toContainText('Registered', { timeout: 15_000 });
  // The built-in account has nothing to edit.
  await expect(strip.getByRole('button', { name: /^Settings of/ })).toHaveCount(0);

  const call = page.getByRole('region', { name: 'Call' });
  await expect(call.getByRole('heading', { name: 'Try the test line' })).toBeVisible();
  await keepScreenshot(page, testInfo, 'phone-first-launch');
  await call.getByRole('button', { name: 'echo' }).click();
  const field = page.getByRole('textbox', { name: 'Number or SIP address' });
  await expect(field).toHaveValue('echo');
  await expect(field).toBeFocused();
  await field.press('Enter');

  await expect(callState(page)).toContainText('Early media', { timeout: 15_000 });
  await expect(callState(page)).toContainText('Connected', { timeout: 20_000 });
  await expectTwoWayAudio(page, await shownStats(page), 'the echo sends our audio back');
  await keepScreenshot(page, testInfo, 'phone-test-line-echo');
  await callCard(page).getByRole('button', { name: 'Hang up' }).click();
  await expect(callState(page)).toContainText('You hung up');
});

test('the test line can be turned off in Settings; the phone then asks for an account', async ({ page, host }) => {
  await page.goto(host.url);
  await expect(page.getByRole('region', { name: 'Registration' })).toContainText('Registered', { timeout: 15_000 });
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  const panel = page.getByRole('region', { name: 'Built-in test line' });
  await expect(panel.getByRole('status', { name: 'Test line state' })).toHaveText('Running on this computer');
  await panel.getByRole('button', { name: 'Turn the test line off' }).click();
  await expect(panel.getByRole('status', { name: 'Test line state' })).toHaveText('Off');
  await expect(page.getByRole('region', { name: 'Registration' })).toHaveCount(0);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Phone' }).click();
  const call = page.getByRole('region', { name: 'Call' });
  await expect(call).toContainText('Add your SIP account to start calling.');
  await expect(call).toContainText('turn the built-in test line back on');
  await page.screenshot({ path: test.info().outputPath('test-line-off.png') });
  // The Call card offers the line back without a trip to Settings.
  await call.getByRole('button', { name: 'Turn the test line on' }).click();
  await expect(page.getByRole('region', { name: 'Registration' })).toContainText('Registered', { timeout: 15_000 });
  await expect(call.getByRole('textbox', { name: 'Number or SIP address' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  await expect(panel.getByRole('status', { name: 'Test line state' })).toHaveText('Running on this computer');
});

test('callback: the line answers, hangs up, and calls the phone back; the phone rings and answers', async ({ page, host }) => {
  await page.goto(host.url);
  await expect(page.getByRole('region', { name: 'Registration' })).toContainText('Registered', { timeout: 15_000 });
  const field = page.getByRole('textbox', { name: 'Number or SIP address' });
  await field.fill('callback');
  await field.press('Enter');
  await expect(callState(page)).toContainText('Connected', { timeout: 15_000 });
  // The line hangs up by itself after its chime, then calls back 3 s later.
  await expect(page.getByRole('region', { name: 'Calls' }).getByRole('article').first()).toContainText(/hung up/i, { timeout: 20_000 });
  await expect(callState(page)).toContainText('Incoming call', { timeout: 15_000 });
  await callCard(page).getByRole('button', { name: 'Answer' }).click();
  await expect(callState(page)).toContainText('Connected', { timeout: 10_000 });
  await callCard(page).getByRole('button', { name: 'Hang up' }).click();
  await expect(callState(page)).toContainText('You hung up');
});
