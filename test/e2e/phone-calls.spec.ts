// The phone end to end in Chromium (fake audio) against the lab: register over WSS with
// digest through Kamailio, dial a SIPp far end that answers with a reliable 183 + SDP and
// plays audio through rtpengine (PRACK on the wire, audio heard before the answer, no local
// ringback at the same time), talk, hang up; take a SIPp caller's call; change the
// microphone during a call without renegotiating. A screenshot of each state is kept.
import { expect } from '@playwright/test';
import {
  callCard, callState, dial, expectTwoWayAudio, keepScreenshot, openPhone, phoneLabTest, receivedMethods, SIPP_LIFETIME, shownStats, tonePlaying,
} from './phone-lab.js';

const test = phoneLabTest('e2e-phone-calls');
test.describe.configure({ timeout: 90_000 });

test('dials a reliable-183 far end: early media heard before the answer, then two-way audio, then hang up', async ({ page, host, lab }, testInfo) => {
  await openPhone(page, host, lab, 'alice');
  await keepScreenshot(page, testInfo, 'phone-registered');
  const farEnd = await lab.startUas('uas-reliable-183-long-early-media', { ...SIPP_LIFETIME, pauseMs: 8000 });
  await dial(page, lab.farEndUri(farEnd.port));

  // Early media: the 183's answer applied as pranswer and played; the local ringback silent.
  await expect(callState(page)).toContainText('Early media', { timeout: 15_000 });
  let early = await shownStats(page);
  await expect.poll(async () => {
    early = await shownStats(page);
    return early.packetsIn > 0 && early.levelIn > 0;
  }, { timeout: 7_000, message: 'inbound audio while the UI shows early media' }).toBe(true);
  await expect(callState(page)).toContainText('Early media');
  expect(await tonePlaying(page, 'ringback')).toBe(false);
  await testInfo.attach('early media', { body: JSON.stringify(early), contentType: 'application/json' });
  await keepScreenshot(page, testInfo, 'phone-early-media');

  // Answered: the timer runs, audio flows both ways.
  await expect(callState(page)).toContainText('Connected', { timeout: 15_000 });
  await expectTwoWayAudio(page, await shownStats(page), 'two-way audio after the answer');
  await expect(page.getByRole('region', { name: 'Call quality' })).toContainText('PCMU/8000');
  await keepScreenshot(page, testInfo, 'phone-connected');
  await page.emulateMedia({ colorScheme: 'dark' });
  await keepScreenshot(page, testInfo, 'phone-connected-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  await callCard(page).getByRole('button', { name: 'Hang up' }).click();
  await expect(callState(page)).toContainText('You hung up');
  await keepScreenshot(page, testInfo, 'phone-ended');

  expect((await farEnd.result).explanation).toBe('');
  expect(receivedMethods(farEnd.messageLog())).toEqual(['INVITE', 'PRACK', 'ACK', 'BYE']);
  await expect(page.getByRole('list', { name: 'Calls' }).getByRole('listitem').first()).toContainText('You hung up');
  testInfo.annotations.push({ type: 'early media', description: `packets in ${early.packetsIn}, audio level in ${early.levelIn} before the answer` });
});

test('an incoming call from a SIPp caller: rings, is answered, audio both ways, and the caller\'s hangup is shown', async ({ page, host, lab }, testInfo) => {
  await openPhone(page, host, lab, 'alice');
  const caller = await lab.startUac('uac-basic', 'alice', { ...SIPP_LIFETIME, pauseMs: 9000 });
  await expect(callState(page)).toContainText('Incoming call', { timeout: 15_000 });
  await expect(callCard(page)).toContainText('SIPp caller');
  await expect.poll(() => tonePlaying(page, 'ringtone')).toBe(true);
  await keepScreenshot(page, testInfo, 'phone-incoming');

  await callCard(page).getByRole('button', { name: 'Answer' }).click();
  await expect(callState(page)).toContainText('Connected');
  expect(await tonePlaying(page, 'ringtone')).toBe(false);
  await expect.poll(async () => {
    const s = await shownStats(page);
    return s.packetsIn > 25 && s.packetsOut > 25 && s.levelIn > 0;
  }, { timeout: 10_000, message: 'two-way audio on the incoming call' }).toBe(true);
  await keepScreenshot(page, testInfo, 'phone-incoming-connected');

  await expect(callState(page)).toContainText('The other side hung up', { timeout: 20_000 });
  await keepScreenshot(page, testInfo, 'phone-remote-hangup');
  expect((await caller.result).explanation).toBe('');
});

test('a microphone change during a call keeps the call and its audio: replaceTrack, no re-INVITE', async ({ page, host, lab }, testInfo) => {
  await openPhone(page, host, lab, 'alice');
  const farEnd = await lab.startUas('uas-ringing-answer', SIPP_LIFETIME);
  await dial(page, lab.farEndUri(farEnd.port));
  await expect(callState(page)).toContainText('Connected', { timeout: 15_000 });
  await expect.poll(async () => (await shownStats(page)).packetsOut, { timeout: 10_000 }).toBeGreaterThan(25);
  const before = await shownStats(page);

  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  const microphone = page.getByRole('combobox', { name: 'Microphone' });
  const other = await microphone.locator('option').filter({ hasText: /Fake Audio Input 1|Input 1/ }).first().getAttribute('value');
  expect(other).toBeTruthy();
  await microphone.selectOption(other!);
  await expect(callState(page)).toContainText('Connected');
  await keepScreenshot(page, testInfo, 'phone-device-change');
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Phone' }).click();

  await expect.poll(async () => (await shownStats(page)).microphone, { timeout: 10_000 }).not.toBe(before.microphone);
  const switched = await shownStats(page);
  await expect.poll(async () => {
    const now = await shownStats(page);
    return now.packetsOut > switched.packetsOut + 25 && now.packetsIn > switched.packetsIn + 25;
  }, { timeout: 10_000, message: 'audio keeps flowing both ways after the switch' }).toBe(true);
  await expect(callState(page)).toContainText('Connected');

  await callCard(page).getByRole('button', { name: 'Hang up' }).click();
  await expect(callState(page)).toContainText('You hung up');
  expect((await farEnd.result).explanation).toBe('');
  // One INVITE only: the device change went through replaceTrack, not a renegotiation.
  expect(receivedMethods(farEnd.messageLog())).toEqual(['INVITE', 'ACK', 'BYE']);
  testInfo.annotations.push({ type: 'microphones', description: `${before.microphone} -> ${switched.microphone}` });
});
