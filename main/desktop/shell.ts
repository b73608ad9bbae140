// The desktop around the host: the one window (shown, hidden to the tray, recreated), the
// tray following the accounts, notifications for incoming calls, the missed-call badge,
// and the options. Everything Electron does for it is behind DesktopPlatform
// (main/desktop/electron-platform.ts), so the whole shell runs in Node tests with fakes.
import type { AccountStatus } from '../contract/accounts.js';
import type { ApiResult, AppEvent, AppEventListener } from '../contract/app-api.js';
import type { DesktopSettings, DesktopSettingsFile } from './desktop-settings.js';
import type { LinkDispatcher } from './links.js';
import { IncomingCallNotifier } from './notifications.js';
import type { NotificationFacade } from './notifications.js';
import { TrayController } from './tray.js';
import type { TrayFacade } from './tray.js';
import { anyRegistered } from './tray-state.js';
import type { TrayAction } from './tray-state.js';
import { closeAction, startHidden } from './window.js';

/** The app window, as the shell handles it. */
export interface AppWindow {
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  isVisible(): boolean;
  isMinimized(): boolean;
  isFocused(): boolean;
  /** The close button (or the OS) asks to close; `prevent` keeps the window. */
  onCloseRequested(listener: (prevent: () => void) => void): void;
  onClosed(listener: () => void): void;
  /** The page has painted: the moment to show a window without a blank flash. */
  onReadyToShow(listener: () => void): void;
}

export interface DesktopPlatform {
  /** process.platform. */
  readonly platform: string;
  /** A new hidden window loading the app. */
  createWindow(): AppWindow;
  /** The tray icon, or undefined where the desktop has no tray (some Linux desktops). */
  createTray(): TrayFacade | undefined;
  readonly notifications: NotificationFacade;
  /** The dock / launcher badge; returns false where unsupported (Windows). */
  setBadgeCount(count: number): boolean;
  quit(): void;
}

/** The part of the host the shell uses. */
export interface ShellHost {
  invoke(operation: unknown, payload: unknown): Promise<ApiResult<unknown>>;
  onEvent(listener: AppEventListener): () => void;
}

export interface DesktopShellOptions {
  readonly platform: DesktopPlatform;
  readonly host: ShellHost;
  readonly settings: DesktopSettingsFile;
  readonly links: LinkDispatcher;
  readonly log: (message: string) => void;
}

export class DesktopShell {
  readonly #statuses = new Map<string, AccountStatus>();
  readonly #labels = new Map<string, string>();
  #missed = 0;
  #window: AppWindow | undefined;
  #tray: TrayController | undefined;
  #quitting = false;
  #offEvents: (() => void) | undefined;
  readonly #notifier: IncomingCallNotifier;

  constructor(private readonly options: DesktopShellOptions) {
    this.#notifier = new IncomingCallNotifier({
      facade: options.platform.notifications,
      platform: options.platform.platform,
      windowInFront: () => this.windowInFront(),
      showWindow: () => this.showWindow(),
      answer: (callId) => void this.#call('answer', { callId }),
      decline: (callId, status) => void this.#call('reject', { callId, status }),
      accountLabel: (accountId) => this.#labels.get(accountId),
    });
  }

  /** After app ready: follow the host, put up the tray, open the window (hidden when starting in the tray). */
  async start(): Promise<void> {
    this.#offEvents = this.options.host.onEvent((event) => this.#hostEvent(event));
    const tray = this.options.platform.createTray();
    if (tray !== undefined) this.#tray = new TrayController(tray, (action) => this.#trayAction(action));
    const hidden = startHidden({
      startInTray: this.options.settings.current.startInTray,
      trayShown: this.#tray !== undefined,
      openedByLink: this.options.links.pending !== undefined,
    });
    this.#openWindow(!hidden);
    await this.#loadState();
  }

  /** Show the window (creating it again if it was closed), restored and in front. */
  showWindow(): void {
    const window = this.#window;
    if (window === undefined) {
      this.#openWindow(true);
      return;
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  }

  /** The window shows the app to the user right now. */
  windowInFront(): boolean {
    const window = this.#window;
    return window !== undefined && window.isVisible() && !window.isMinimized() && window.isFocused();
  }

  /** `before-quit`: from now on a close request really closes. */
  quitting(): void {
    this.#quitting = true;
  }

  get hasWindow(): boolean {
    return this.#window !== undefined;
  }

  close(): void {
    this.#offEvents?.();
    this.#notifier.closeAll();
    this.#tray?.destroy();
    this.#tray = undefined;
  }

  #openWindow(show: boolean): void {
    const window = this.options.platform.createWindow();
    this.#window = window;
    if (show) window.onReadyToShow(() => window.show());
    window.onCloseRequested((prevent) => {
      const action = closeAction({
        quitting: this.#quitting,
        closeToTray: this.options.settings.current.closeToTray,
        trayShown: this.#tray !== undefined,
        registered: anyRegistered([...this.#statuses.values()]),
      });
      if (action === 'hide-to-tray') {
        prevent();
        window.hide();
      }
    });
    window.onClosed(() => {
      if (this.#window === window) this.#window = undefined;
    });
  }

  async #loadState(): Promise<void> {
    const [status, settings, history] = await Promise.all([
      this.#call('getStatus', undefined), this.#call('getSettings', undefined), this.#call('getHistory', { limit: 1 }),
    ]);
    // Events that came while these were on their way are newer: they win.
    if (status?.ok) {
      for (const account of (status.value as { accounts: AccountStatus[] }).accounts) {
        if (!this.#statuses.has(account.accountId)) this.#statuses.set(account.accountId, account);
      }
    }
    if (settings?.ok && this.#labels.size === 0) this.#setLabels((settings.value as { accounts: { id: string; label: string }[] }).accounts);
    if (history?.ok) this.#setMissed((history.value as { missed: number }).missed);
    this.#refresh();
  }

  #hostEvent(event: AppEvent): void {
    switch (event.type) {
      case 'account-status':
        this.#statuses.set(event.status.accountId, event.status);
        this.#refresh();
        return;
      case 'settings-changed':
        this.#setLabels(event.settings.accounts);
        this.#refresh();
        return;
      case 'history-changed':
        this.#setMissed(event.missed);
        this.#refresh();
        return;
      case 'call-updated':
        this.#notifier.callUpdated(event.call);
        return;
      default:
        // The rest (media, diagnostics, notices, dial requests) is the page's business.
        return;
    }
  }

  #setLabels(accounts: readonly { id: string; label: string }[]): void {
    this.#labels.clear();
    for (const account of accounts) this.#labels.set(account.id, account.label);
    // A deleted account's last status goes with it.
    for (const id of [...this.#statuses.keys()]) if (!this.#labels.has(id)) this.#statuses.delete(id);
  }

  #setMissed(missed: number): void {
    this.#missed = missed;
    this.options.platform.setBadgeCount(missed);
  }

  #refresh(): void {
    this.#tray?.update({ statuses: [...this.#statuses.values()], labels: this.#labels, missed: this.#missed, settings: this.options.settings.current });
  }

  #trayAction(action: TrayAction): void {
    if (action === 'show-window') {
      this.showWindow();
    } else if (action === 'quit') {
      this.#quitting = true;
      this.options.platform.quit();
    } else {
      const change: Partial<DesktopSettings> = { [action.toggle]: !this.options.settings.current[action.toggle] };
      this.options.settings.update(change);
      this.#refresh();
    }
  }

  async #call(operation: string, payload: unknown): Promise<ApiResult<unknown> | undefined> {
    try {
      const result = await this.options.host.invoke(operation, payload);
      if (!result.ok) this.options.log(`callscope: ${operation} from the desktop shell: ${result.error.message}`);
      return result;
    } catch (error) {
      this.options.log(`callscope: ${operation} from the desktop shell failed: ${String(error)}`);
      return undefined;
    }
  }
}
