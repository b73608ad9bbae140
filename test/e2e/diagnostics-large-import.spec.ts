// A large capture opened in the diagnostics panel: 10,000 calls (70,000 SIP messages, about
// 27 MB). Stopped once halfway, nothing of it is kept; opened again, it goes to the host in
// parts read from the file as they are sent, the host reads them as they come, the page
// shows how far it got, and every call is listed without the page holding a button per call
// (the list is virtualised). A call from the middle opens with its ladder, and the arrow
// keys walk the list. Screenshots in test-results/diagnostics-panel/.
import type { Page, TestInfo } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticCapture } from '../support/synthetic-capture.js';
import { collectPageProblems, expect, projectRoot, test } from './host-fixture.js';

test.describe.configure({ timeout: 120_000 });

const SHOTS = join(projectRoot, 'test-results', 'diagnostics-panel');

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test('a capture of 10,000 calls: stopped and nothing kept, then progress while it is read, every call listed, one from the middle opened', async ({ page, host }, testInfo) => {
  const problems = collectPageProblems(page);
  const dir = mkdtempSync(join(tmpdir(), 'callscope-large-import-'));
  try {
    const file = join(dir, 'ten-thousand-calls.pcap');
    const capture = writeSyntheticCapture(file, { calls: 10_000, callsPerSecond: 100 });
    expect(capture.messages).toBe(70_000);

    // What the page asks the host over the bridge (to see that a stop reaches the host).
    const asked: string[] = [];
    page.on('websocket', (socket) => socket.on('framesent', (frame) => {
      if (typeof frame.payload === 'string' && frame.payload.includes('cancelTraceImport')) asked.push(frame.payload);
    }));
    await page.goto(host.url);
    await expect(page.getByRole('status', { name: 'Host connection' })).toHaveText(/Connected to host/);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Diagnostics' }).click();
    const panel = page.getByRole('region', { name: /^Diagnostics/ });
    const input = panel.getByLabel('Open a trace file');

    // Started, then stopped halfway: nothing of it is kept, and the file can be opened again.
    await input.setInputFiles(file);
    await expect(input).toBeDisabled();
    await panel.getByRole('button', { name: 'Stop importing' }).click();
    await expect(panel.getByRole('status').filter({ hasText: 'The import of ten-thousand-calls.pcap was stopped; nothing of it was kept.' })).toBeVisible();
    await expect(panel.getByRole('list', { name: 'Imported calls' })).toHaveCount(0);
    await expect(input).toBeEnabled();
    await shot(page, testInfo, 'diagnostics-import-stopped');
    expect(asked).toEqual([expect.stringMatching(/"uploadId":"[A-Za-z0-9-]+"/)]);

    await input.setInputFiles(file);

    // While it is read: how much, as words and as a progress bar.
    const progress = panel.getByRole('progressbar', { name: 'Import of ten-thousand-calls.pcap' });
    await expect(progress).toBeVisible();
    const size = (capture.bytes / 1e6).toFixed(1);
    await expect(panel.getByRole('status').filter({ hasText: new RegExp(`Importing ten-thousand-calls\\.pcap: [\\d.]+ of ${size} MB read \\(\\d+ %\\)`) })).toBeVisible();
    await shot(page, testInfo, 'diagnostics-large-import-progress');

    await expect(panel.getByRole('status').filter({ hasText: 'Imported 10,000 calls from ten-thousand-calls.pcap' })).toBeVisible({ timeout: 90_000 });
    const list = panel.getByRole('list', { name: 'Imported calls' });
    await expect(panel.getByRole('heading', { name: 'Imported · 10,000 calls' })).toBeVisible();
    // Virtualised: a screenful of buttons, not ten thousand.
    const rendered = await list.getByRole('button').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(200);
    await shot(page, testInfo, 'diagnostics-large-import-done');

    // Scrolled to the middle, a call there opens with its seven messages.
    await list.evaluate((element) => {
      const scroller = element.closest('.diag-call-scroller');
      if (scroller) scroller.scrollTop = scroller.scrollHeight / 2;
    });
    const middle = list.getByRole('button', { name: /^synthetic-5\d{3}@/ }).first();
    await expect(middle).toBeVisible();
    const number = Number(/^synthetic-(\d+)@/.exec((await middle.textContent()) ?? '')?.[1]);
    await middle.click();
    await expect(panel.getByRole('listbox', { name: /SIP messages/ }).getByRole('option')).toHaveCount(7);
    // Clean calls between private addresses of one network: no finding.
    await expect(panel.locator('.findings-none')).toBeVisible();
    await shot(page, testInfo, 'diagnostics-large-import-call');

    // The arrow keys walk the list, bringing calls not rendered yet into view.
    await middle.focus();
    for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowDown');
    const below = list.getByRole('button', { name: new RegExp(`^synthetic-${number + 12}@`) });
    await expect(below).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(panel.getByRole('heading', { name: `synthetic-${number + 12}@10.1.0.1` })).toBeVisible();
    expect(problems).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
