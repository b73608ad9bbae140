// The desktop options file: defaults when missing or damaged, updates saved in order.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_DESKTOP_SETTINGS, DESKTOP_SETTINGS_FILE, DesktopSettingsFile, parseDesktopSettings,
} from '../../../../main/desktop/desktop-settings.js';

let dir: string;
const logs: string[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callscope-desktop-'));
  logs.length = 0;
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('desktop settings', () => {
  it('defaults: windowed start, close to the tray, links fill the dial field', () => {
    expect(DEFAULT_DESKTOP_SETTINGS).toEqual({ startInTray: false, closeToTray: true, dialLinksAtOnce: false });
  });

  it.each([
    [undefined, DEFAULT_DESKTOP_SETTINGS],
    [null, DEFAULT_DESKTOP_SETTINGS],
    ['text', DEFAULT_DESKTOP_SETTINGS],
    [{ startInTray: true }, { ...DEFAULT_DESKTOP_SETTINGS, startInTray: true }],
    [{ startInTray: 'yes', closeToTray: false, extra: 1 }, { ...DEFAULT_DESKTOP_SETTINGS, closeToTray: false }],
  ])('reads %j', (value, expected) => {
    expect(parseDesktopSettings(value)).toEqual(expected);
  });

  it('gives the defaults without a file, and says nothing about it', async () => {
    const file = new DesktopSettingsFile(dir, (m) => logs.push(m));
    expect(await file.load()).toEqual(DEFAULT_DESKTOP_SETTINGS);
    expect(logs).toEqual([]);
  });

  it('gives the defaults for a damaged file, and says so', async () => {
    await writeFile(join(dir, DESKTOP_SETTINGS_FILE), '{ not json');
    const file = new DesktopSettingsFile(dir, (m) => logs.push(m));
    expect(await file.load()).toEqual(DEFAULT_DESKTOP_SETTINGS);
    expect(logs).toHaveLength(1);
  });

  it('saves updates, and reads them back', async () => {
    const file = new DesktopSettingsFile(join(dir, 'nested'), (m) => logs.push(m));
    await file.load();
    file.update({ startInTray: true });
    expect(file.update({ dialLinksAtOnce: true })).toEqual({ startInTray: true, closeToTray: true, dialLinksAtOnce: true });
    await file.flushed();
    expect(JSON.parse(await readFile(join(dir, 'nested', DESKTOP_SETTINGS_FILE), 'utf8'))).toEqual(file.current);
    const again = new DesktopSettingsFile(join(dir, 'nested'), (m) => logs.push(m));
    expect(await again.load()).toEqual({ startInTray: true, closeToTray: true, dialLinksAtOnce: true });
    expect(logs).toEqual([]);
  });
});
