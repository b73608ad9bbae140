// The tray from the accounts' status: icon, tooltip and menu.
import { describe, expect, it } from 'vitest';
import type { AccountStatus } from '../../../../main/contract/accounts.js';
import { DEFAULT_DESKTOP_SETTINGS } from '../../../../main/desktop/desktop-settings.js';
import { accountStateWords, anyRegistered, trayIconFor, trayView } from '../../../../main/desktop/tray-state.js';
import type { TrayInput } from '../../../../main/desktop/tray-state.js';

function status(accountId: string, state: AccountStatus['state'], extra: Partial<AccountStatus> = {}): AccountStatus {
  return { accountId, state, aor: `sip:${accountId}@example.com`, insecureTls: false, ...extra };
}

const registered = (id: string) => status(id, 'registered', { registeredUntil: 1 });
const failed = (id: string, code?: number) =>
  status(id, 'failed', { failure: { step: 'register', kind: code === undefined ? 'timeout' : 'sip-status', ...(code === undefined ? {} : { status: code }), reason: 'no' } });

function input(statuses: AccountStatus[], extra: Partial<TrayInput> = {}): TrayInput {
  return { statuses, labels: new Map(), missed: 0, settings: DEFAULT_DESKTOP_SETTINGS, ...extra };
}

describe('tray icon', () => {
  it.each([
    ['every account registered', [registered('a'), registered('b')], 'registered'],
    ['switched-off accounts do not count', [registered('a'), status('b', 'disabled')], 'registered'],
    ['one failed', [registered('a'), failed('b', 403)], 'partial'],
    ['one still connecting', [registered('a'), status('b', 'connecting')], 'partial'],
    ['one retrying', [registered('a'), status('b', 'retrying')], 'partial'],
    ['none registered', [failed('a'), status('b', 'registering')], 'offline'],
    ['all switched off', [status('a', 'disabled')], 'offline'],
    ['no accounts', [], 'offline'],
  ] as const)('%s: %s', (_name, statuses, icon) => {
    expect(trayIconFor(statuses)).toBe(icon);
  });

  it('knows when calls can come in', () => {
    expect(anyRegistered([failed('a'), registered('b')])).toBe(true);
    expect(anyRegistered([failed('a'), status('b', 'connecting')])).toBe(false);
  });
});

describe('tray tooltip', () => {
  it.each([
    [[registered('a')], 0, 'Callscope — registered'],
    [[failed('a')], 0, 'Callscope — not registered'],
    [[registered('a'), registered('b')], 0, 'Callscope — all 2 accounts registered'],
    [[registered('a'), failed('b'), status('c', 'disabled')], 1, 'Callscope — 1 of 2 accounts registered — 1 missed call'],
    [[], 3, 'Callscope — no accounts — 3 missed calls'],
    [[status('a', 'disabled')], 0, 'Callscope — all accounts switched off'],
  ] as const)('%#: %s', (statuses, missed, tooltip) => {
    expect(trayView(input([...statuses], { missed })).tooltip).toBe(tooltip);
  });
});

describe('tray menu', () => {
  it('shows the window, each account\'s state, the options and quit', () => {
    const view = trayView(input([registered('a'), failed('b', 403), status('c', 'disabled')], {
      labels: new Map([['a', 'Work'], ['b', 'Home']]),
      missed: 2,
      settings: { startInTray: true, closeToTray: false, dialLinksAtOnce: false },
    }));
    expect(view.menu).toEqual([
      { kind: 'action', label: 'Show Callscope', action: 'show-window' },
      { kind: 'info', label: '2 missed calls' },
      { kind: 'separator' },
      { kind: 'info', label: 'Work: registered' },
      { kind: 'info', label: 'Home: failed (403)' },
      { kind: 'info', label: 'sip:c@example.com: switched off' },
      { kind: 'separator' },
      { kind: 'checkbox', label: 'Start in the tray', checked: true, action: { toggle: 'startInTray' } },
      { kind: 'checkbox', label: 'Keep running in the tray when the window is closed', checked: false, action: { toggle: 'closeToTray' } },
      { kind: 'checkbox', label: 'Dial opened sip:/tel: links at once', checked: false, action: { toggle: 'dialLinksAtOnce' } },
      { kind: 'separator' },
      { kind: 'action', label: 'Quit Callscope', action: 'quit' },
    ]);
  });

  it('says when there are no accounts', () => {
    expect(trayView(input([])).menu).toContainEqual({ kind: 'info', label: 'No accounts yet' });
  });

  it('keeps account lines on one short line, whatever the label holds', () => {
    const view = trayView(input([registered('a')], { labels: new Map([['a', `Evil\nlabel\u202E${'x'.repeat(200)}`]]) }));
    const line = view.menu.find((item) => item.kind === 'info' && item.label.startsWith('Evil'));
    expect(line).toBeDefined();
    if (line?.kind === 'info') {
      expect(line.label).not.toMatch(/[\p{Cc}\p{Cf}]/u);
      expect(line.label.length).toBeLessThanOrEqual(80);
    }
  });

  it.each([
    [status('a', 'connecting'), 'connecting…'],
    [status('a', 'registering'), 'registering…'],
    [status('a', 'retrying', { failure: { step: 'connect', kind: 'tls-certificate', reason: 'x' } }), 'failed (tls certificate), retrying'],
    [status('a', 'retrying'), 'retrying'],
    [status('a', 'failed'), 'failed'],
  ])('words for %#', (account, words) => {
    expect(accountStateWords(account)).toBe(words);
  });
});
