// Audio capture works from the app's origin (a secure context on 127.0.0.1), with
// Chromium's fake microphone.
import { collectPageProblems, expect, test } from './host-fixture.js';

interface MediaProbe {
  tracks: number;
  kind: string | undefined;
  state: string | undefined;
}

// The test tsconfig has no DOM library; these are the few page globals used in evaluate().
interface PageTrack {
  readonly kind: string;
  readonly readyState: string;
  stop(): void;
}
interface PageGlobals {
  readonly isSecureContext: boolean;
  readonly navigator: {
    readonly mediaDevices: {
      getUserMedia(constraints: { audio: boolean }): Promise<{ getAudioTracks(): PageTrack[]; getTracks(): PageTrack[] }>;
    };
  };
}

test('getUserMedia({ audio: true }) succeeds from the page', async ({ page, host }) => {
  await page.goto(host.url);
  await expect(page.getByRole('status', { name: 'Host connection' })).toHaveText(/Connected to host/);
  expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).isSecureContext)).toBe(true);
  const probe = await page.evaluate(async (): Promise<MediaProbe> => {
    const stream = await (globalThis as unknown as PageGlobals).navigator.mediaDevices.getUserMedia({ audio: true });
    const [track] = stream.getAudioTracks();
    const result = { tracks: stream.getAudioTracks().length, kind: track?.kind, state: track?.readyState };
    for (const t of stream.getTracks()) t.stop();
    return result;
  });
  expect(probe).toEqual({ tracks: 1, kind: 'audio', state: 'live' });
});

test('the microphone check in the UI opens and releases the microphone', async ({ page, host }) => {
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Test microphone' }).click();
  await expect(page.getByRole('status', { name: 'Microphone check' })).toHaveText(/^Microphone works: /);
  // The level meter moves with Chromium's fake microphone (a beep), then the test is stopped.
  await expect.poll(async () => Number(await page.getByRole('meter', { name: 'Microphone level' }).getAttribute('aria-valuenow') ?? await page.getByRole('meter', { name: 'Microphone level' }).evaluate((m) => (m as unknown as { value: number }).value)), { timeout: 10_000 }).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Stop microphone test' }).click();
  await expect(page.getByRole('button', { name: 'Test microphone' })).toHaveAttribute('aria-pressed', 'false');
});

test('a saved microphone that is gone falls back to the system default with a note, never an error', async ({ page, host }) => {
  await page.addInitScript(`localStorage.setItem('callscope.devices.v1', JSON.stringify({ microphone: 'a-headset-that-was-unplugged' }))`);
  const problems = collectPageProblems(page);
  await page.goto(host.url);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByText('The microphone you chose is not connected: using the system default until it is back.')).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Microphone' })).toHaveValue('');
  await page.getByRole('button', { name: 'Test microphone' }).click();
  await expect(page.getByRole('status', { name: 'Microphone check' })).toHaveText(/^Microphone works: /);
  expect(problems).toEqual([]);
});
