// In a call, against the lab: mute (M), hold (H: a re-INVITE offering sendonly, one
// m-line), resume (H) and hang up (E) from the keyboard; tones from the call keypad and the
// keyboard; the transfer form; the link to the call's diagnostics. Every control is found
// by its role and accessible name. Then the proxy goes away mid-call.
import { expect } from '@playwright/test';
import {
  callCard, callState, dial, keepScreenshot, openPhone, phoneLabTest, receivedMethods, SIPP_LIFETIME, shownStats,
} from './phone-lab.js';

const test = phoneLabTest('e2e-phone-in-call');
test.describe.configure({ timeout: 90_000 });

/** The SDP bodies of the INVITEs the far end received (from its SIPp message log). */
function inviteBodies(messageLog: string): string[] {
  return messageLog.split(/(?=^INVITE sip:)/m).filter((chunk) => chunk.startsWith('INVITE ')).map((chunk) => chunk.split(/\r?\n\r?\n/)[1] ?? '');
}

test('mute, hold, resume and hang up from the keyboard; hold is a re-INVITE with one m-line', async ({ page, host, lab }, testInfo) => {
  await openPhone(page, host, lab, 'alice');
  const farEnd = await lab.startUas('uas-hold-resume', SIPP_LIFETIME);
  await dial(page, lab.farEndUri(farEnd.port));
  await expect(callState(page)).toContainText('Connected', { timeout: 15_000 });
  await expect.poll(async () => (await shownStats(page)).packetsIn, { timeout: 10_000 }).toBeGreaterThan(25);

  const card = callCard(page);
  await page.getByRole('heading', { level: 1, name: 'Callscope' }).click();
  await page.keyboard.press('m');
  await expect(card.getByRole('button', { name: 'Unmute' })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('m');
  await expect(card.getByRole('button', { name: 'Mute' })).toHaveAttribute('aria-pressed', 'false');

  await page.keyboard.press('h');
  await expect(callState(page)).toContainText('On hold');
  await expect(card.getByRole('button', { name: 'Resume' })).toBeVisible();
  await keepScreenshot(page, testInfo, 'phone-on-hold');
  await page.keyboard.press('h');
  await expect(callState(page)).toContainText('Connected');

  await card.getByRole('button', { name: 'Transfer', exact: true }).click();
  await expect(card.getByRole('form', { name: 'Blind transfer' }).getByRole('textbox', { name: 'Transfer to' })).toBeVisible();
  await keepScreenshot(page, testInfo, 'phone-transfer');
  await card.getByRole('button', { name: 'Transfer', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);

  await page.getByRole('heading', { level: 1, name: 'Callscope' }).click();
  await page.keyboard.press('e');
  await expect(callState(page)).toContainText('You hung up');
  expect((await farEnd.result).explanation).toBe('');
  expect(receivedMethods(farEnd.messageLog())).toEqual(['INVITE', 'ACK', 'INVITE', 'ACK', 'INVITE', 'ACK', 'BYE']);
  const bodies = inviteBodies(farEnd.messageLog());
  expect(bodies.map((sdp) => (sdp.match(/^m=/gm) ?? []).length)).toEqual([1, 1, 1]);
  expect(bodies.map((sdp) => /^a=(sendrecv|sendonly|recvonly|inactive)/m.exec(sdp)?.[1])).toEqual(['sendrecv', 'sendonly', 'sendrecv']);

  // The call and the history link to the call's diagnostics (a placeholder until that panel lands).
  await card.getByRole('button', { name: 'Diagnostics' }).click();
  await expect(page.getByRole('heading', { name: /^Diagnostics: call with / })).toBeVisible();
  await keepScreenshot(page, testInfo, 'phone-diagnostics-link');
  await page.getByRole('button', { name: 'Back to the phone' }).click();
});

test('tones from the call keypad and the keyboard reach the far end, in order, by the method the call shows', async ({ page, host, lab }, testInfo) => {
  await openPhone(page, host, lab, 'alice');
  const farEnd = await lab.startUas('uas-answer-dtmf-info', SIPP_LIFETIME);
  await dial(page, lab.farEndUri(farEnd.port));
  await expect(callState(page)).toContainText('Connected', { timeout: 15_000 });
  const card = callCard(page);
  await card.getByRole('button', { name: 'Keypad' }).click();
  // Through rtpengine the answer that reaches the host names no telephone-event, so the
  // host's 'auto' sends DTMF as SIP INFO; the page's RTCDTMFSender path is the other branch.
  await expect(card.getByRole('status', { name: 'Tones sent' })).toHaveText('Tones go as SIP INFO.');
  const keypad = card.getByRole('group', { name: 'Call keypad' });
  await keypad.getByRole('button', { name: 'Digit 1' }).click();
  await expect(card.getByRole('status', { name: 'Tones sent' })).toHaveText('Sent: 1');
  await keypad.getByRole('button', { name: 'Pound' }).click();
  await expect(card.getByRole('status', { name: 'Tones sent' })).toHaveText('Sent: 1#');
  await keepScreenshot(page, testInfo, 'phone-keypad');
  await page.getByRole('heading', { level: 1, name: 'Callscope' }).click();
  await page.keyboard.press('5');
  await expect.poll(() => receivedMethods(farEnd.messageLog()).filter((m) => m === 'INFO').length).toBe(3);
  await page.keyboard.press('e');
  await expect(callState(page)).toContainText('You hung up');
  expect((await farEnd.result).explanation).toBe('');
  const signals = [...farEnd.messageLog().matchAll(/^Signal=(.)/gm)].map((m) => m[1]);
  expect(signals).toEqual(['1', '#', '5']);
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('the proxy goes away mid-call: the call and its audio go on, the account says it is retrying, and hanging up says what happened', async ({ page, host, lab }, testInfo) => {
  await openPhone(page, host, lab, 'alice');
  const farEnd = await lab.startUas('uas-ringing-answer', SIPP_LIFETIME);
  await dial(page, lab.farEndUri(farEnd.port));
  await expect(callState(page)).toContainText('Connected', { timeout: 15_000 });
  await lab.stopProxy();
  await expect(page.getByRole('status', { name: `Registration of alice@${lab.proxy.realm}` })).toContainText(/Retrying|Connecting/, { timeout: 20_000 });
  const before = await shownStats(page);
  await expect.poll(async () => (await shownStats(page)).packetsIn, { timeout: 10_000, message: 'media still flows through the relay' }).toBeGreaterThan(before.packetsIn + 25);
  await expect(callState(page)).toContainText('Connected');
  await callCard(page).getByRole('button', { name: 'Hang up' }).click();
  await expect(callState(page)).not.toContainText('Connected', { timeout: 40_000 });
  testInfo.annotations.push({ type: 'end words', description: await callState(page).innerText() });
  await keepScreenshot(page, testInfo, 'phone-network-error');
});
