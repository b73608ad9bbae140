// The desktop shell on a fake platform and a fake host: the window's life, the tray and
// badge following the host's events, notifications answering calls, the options.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountStatus } from '../../../../main/contract/accounts.js';
import type { ApiResult, AppEvent, AppEventListener } from '../../../../main/contract/app-api.js';
import type { CallView } from '../../../../main/contract/calls.js';
import { DesktopSettingsFile } from '../../../../main/desktop/desktop-settings.js';
import { LinkDispatcher } from '../../../../main/desktop/links.js';
import type { NotificationHandlers, NotificationSpec } from '../../../../main/desktop/notifications.js';
import { DesktopShell } from '../../../../main/desktop/shell.js';
import type { AppWindow, DesktopPlatform, ShellHost } from '../../../../main/desktop/shell.js';
import type { TrayAction, TrayIcon, TrayMenuItem } from '../../../../main/desktop/tray-state.js';

class FakeWindow implements AppWindow {
  visible = false;
  minimized = false;
  focused = false;
  readonly log: string[] = [];
  #close: ((prevent: () => void) => void)[] = [];
  #closed: (() => void)[] = [];
  #ready: (() => void)[] = [];
  show() { this.visible = true; this.focused = true; this.log.push('show'); }
  hide() { this.visible = false; this.focused = false; this.log.push('hide'); }
  focus() { this.focused = true; }
  restore() { this.minimized = false; this.log.push('restore'); }
  isVisible() { return this.visible; }
  isMinimized() { return this.minimized; }
  isFocused() { return this.focused; }
  onCloseRequested(listener: (prevent: () => void) => void) { this.#close.push(listener); }
  onClosed(listener: () => void) { this.#closed.push(listener); }
  onReadyToShow(listener: () => void) { this.#ready.push(listener); }
  ready() { for (const listener of this.#ready) listener(); }
  /** The user clicks close: returns whether the window really closed. */
  requestClose(): boolean {
    let prevented = false;
    for (const listener of this.#close) listener(() => void (prevented = true));
    if (!prevented) for (const listener of this.#closed) listener();
    return !prevented;
  }
}

function fakePlatform(options: { tray?: boolean } = {}) {
  const windows: FakeWindow[] = [];
  const tray = { icon: undefined as TrayIcon | undefined, tooltip: '', items: [] as readonly TrayMenuItem[], onAction: (_a: TrayAction) => undefined as void, click: () => undefined as void };
  const notes: { spec: NotificationSpec; handlers: NotificationHandlers }[] = [];
  const badges: number[] = [];
  let quits = 0;
  const platform: DesktopPlatform = {
    platform: 'darwin',
    createWindow: () => {
      const window = new FakeWindow();
      windows.push(window);
      return window;
    },
    createTray: () => options.tray === false ? undefined : {
      setIcon: (icon) => void (tray.icon = icon),
      setToolTip: (text) => void (tray.tooltip = text),
      setMenu: (items, onAction) => {
        tray.items = items;
        tray.onAction = onAction;
      },
      onClick: (listener) => void (tray.click = listener),
      destroy: () => undefined,
    },
    notifications: { supported: () => true, show: (spec, handlers) => (notes.push({ spec, handlers }), { close: () => undefined }) },
    setBadgeCount: (count) => (badges.push(count), true),
    quit: () => void (quits += 1),
  };
  return { platform, windows, tray, notes, badges, quits: () => quits };
}

function fakeHost(initial: { accounts?: AccountStatus[]; labels?: [string, string][]; missed?: number } = {}) {
  const listeners = new Set<AppEventListener>();
  const invoked: [string, unknown][] = [];
  const host: ShellHost = {
    invoke: async (operation, payload): Promise<ApiResult<unknown>> => {
      invoked.push([operation as string, payload]);
      switch (operation) {
        case 'getStatus': return { ok: true, value: { accounts: initial.accounts ?? [], calls: [], media: {} } };
        case 'getSettings': return { ok: true, value: { accounts: (initial.labels ?? []).map(([id, label]) => ({ id, label })) } };
        case 'getHistory': return { ok: true, value: { entries: [], missed: initial.missed ?? 0 } };
        default: return { ok: true, value: null };
      }
    },
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const emit = (event: AppEvent) => {
    for (const listener of listeners) listener(event);
  };
  return { host, emit, invoked, listeners };
}

const registered = (accountId: string): AccountStatus => ({ accountId, state: 'registered', aor: `sip:${accountId}@x`, insecureTls: false });
const failed = (accountId: string): AccountStatus => ({ accountId, state: 'failed', aor: `sip:${accountId}@x`, insecureTls: false });
const ringing: CallView = {
  id: 'c1', accountId: 'a', direction: 'incoming', peer: { display: 'Alice', uri: 'sip:alice@x' }, phase: 'ringing',
  hold: { local: false, remote: false }, earlyMedia: false, ringback: false, startedAt: 0, timings: {}, sipCallId: 's', dtmf: 'rfc4733',
};

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callscope-shell-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function shellWith(options: { start?: Partial<{ startInTray: boolean; closeToTray: boolean }>; tray?: boolean; host?: Parameters<typeof fakeHost>[0]; link?: string } = {}) {
  const platform = fakePlatform({ tray: options.tray ?? true });
  const host = fakeHost(options.host);
  const settings = new DesktopSettingsFile(dir, () => undefined);
  await settings.load();
  if (options.start) settings.update(options.start);
  await settings.flushed();
  const delivered: [string, boolean][] = [];
  const late: { shell?: DesktopShell } = {};
  const links = new LinkDispatcher({ deliver: (t, d) => delivered.push([t, d]), showWindow: () => late.shell?.showWindow(), dialAtOnce: () => settings.current.dialLinksAtOnce, log: () => undefined });
  if (options.link) links.open(options.link);
  const shell = new DesktopShell({ platform: platform.platform, host: host.host, settings, links, log: () => undefined });
  late.shell = shell;
  await shell.start();
  return { shell, platform, host, settings, links, delivered };
}

describe('DesktopShell: the window', () => {
  it('opens the window and shows it once ready', async () => {
    const { platform } = await shellWith();
    expect(platform.windows).toHaveLength(1);
    expect(platform.windows[0]?.visible).toBe(false);
    platform.windows[0]?.ready();
    expect(platform.windows[0]?.visible).toBe(true);
  });

  it('starts hidden in the tray when asked, with the page loading for calls', async () => {
    const { platform } = await shellWith({ start: { startInTray: true } });
    platform.windows[0]?.ready();
    expect(platform.windows[0]?.visible).toBe(false);
  });

  it('starts visible anyway without a tray, or when opened by a link', async () => {
    const noTray = await shellWith({ start: { startInTray: true }, tray: false });
    noTray.platform.windows[0]?.ready();
    expect(noTray.platform.windows[0]?.visible).toBe(true);
    const byLink = await shellWith({ start: { startInTray: true }, link: 'tel:123' });
    byLink.platform.windows[0]?.ready();
    expect(byLink.platform.windows[0]?.visible).toBe(true);
  });

  it('hides to the tray on close while registered, closes otherwise, and really closes when quitting', async () => {
    const { shell, platform, host } = await shellWith({ host: { accounts: [registered('a')], labels: [['a', 'Work']] } });
    const window = platform.windows[0]!;
    window.ready();
    expect(window.requestClose()).toBe(false);
    expect(window.visible).toBe(false);
    host.emit({ type: 'account-status', status: failed('a') });
    expect(window.requestClose()).toBe(true);
    expect(shell.hasWindow).toBe(false);
    shell.showWindow();
    expect(platform.windows).toHaveLength(2);
    host.emit({ type: 'account-status', status: registered('a') });
    shell.quitting();
    expect(platform.windows[1]?.requestClose()).toBe(true);
  });

  it('brings a minimised or hidden window back in front', async () => {
    const { shell, platform } = await shellWith();
    const window = platform.windows[0]!;
    window.minimized = true;
    shell.showWindow();
    expect(window.log).toEqual(['restore', 'show']);
    expect(shell.windowInFront()).toBe(true);
  });
});

describe('DesktopShell: tray, badge and options', () => {
  it('follows the accounts and the missed calls', async () => {
    const { platform, host } = await shellWith({ host: { accounts: [registered('a'), failed('b')], labels: [['a', 'Work'], ['b', 'Home']], missed: 2 } });
    expect(platform.tray.icon).toBe('partial');
    expect(platform.tray.tooltip).toBe('Callscope — 1 of 2 accounts registered — 2 missed calls');
    expect(platform.badges).toEqual([2]);
    host.emit({ type: 'account-status', status: registered('b') });
    expect(platform.tray.icon).toBe('registered');
    host.emit({ type: 'history-changed', missed: 0 });
    expect(platform.badges).toEqual([2, 0]);
    expect(platform.tray.tooltip).toBe('Callscope — all 2 accounts registered');
    host.emit({ type: 'settings-changed', settings: { accounts: [{ id: 'a', label: 'Work' } as never] } });
    expect(platform.tray.items).toContainEqual({ kind: 'info', label: 'Work: registered' });
    expect(platform.tray.items.some((item) => item.kind === 'info' && item.label.startsWith('Home'))).toBe(false);
  });

  it('shows the window, toggles the options and quits from the tray', async () => {
    const { platform, settings, shell } = await shellWith();
    platform.tray.onAction({ toggle: 'startInTray' });
    expect(settings.current.startInTray).toBe(true);
    expect(platform.tray.items).toContainEqual(expect.objectContaining({ kind: 'checkbox', label: 'Start in the tray', checked: true }));
    platform.tray.onAction('show-window');
    expect(shell.windowInFront()).toBe(true);
    platform.tray.onAction('quit');
    expect(platform.quits()).toBe(1);
    expect(platform.windows[0]?.requestClose()).toBe(true);
    await settings.flushed();
  });

  it('stops following the host when closed', async () => {
    const { shell, host } = await shellWith();
    expect(host.listeners.size).toBe(1);
    shell.close();
    expect(host.listeners.size).toBe(0);
  });
});

describe('DesktopShell: incoming calls', () => {
  it('notifies while the window is not in front, and answers from the notification', async () => {
    const { platform, host } = await shellWith({ host: { labels: [['a', 'Work']] } });
    host.emit({ type: 'call-updated', call: ringing });
    expect(platform.notes).toHaveLength(1);
    expect(platform.notes[0]?.spec.body).toContain('On Work');
    platform.notes[0]?.handlers.onAction(0);
    await Promise.resolve();
    expect(host.invoked).toContainEqual(['answer', { callId: 'c1' }]);
    expect(platform.windows[0]?.visible).toBe(true);
  });

  it('declines with 603', async () => {
    const { platform, host } = await shellWith();
    host.emit({ type: 'call-updated', call: ringing });
    platform.notes[0]?.handlers.onAction(1);
    await Promise.resolve();
    expect(host.invoked).toContainEqual(['reject', { callId: 'c1', status: 603 }]);
  });

  it('lets the window show the call when it is in front', async () => {
    const { platform, host } = await shellWith();
    platform.windows[0]?.ready();
    host.emit({ type: 'call-updated', call: ringing });
    expect(platform.notes).toHaveLength(0);
  });
});

describe('DesktopShell: links', () => {
  it('shows the window for a link and leaves delivery to the page being up', async () => {
    const { links, platform, delivered } = await shellWith({ start: { startInTray: true } });
    links.open('tel:555');
    expect(platform.windows[0]?.visible).toBe(true);
    expect(delivered).toEqual([]);
    links.pageUp();
    expect(delivered).toEqual([['555', false]]);
  });
});
