// The shell's DesktopPlatform made of Electron: the window (main/desktop/window.ts's
// options, loading the app), the tray with its icons from assets/tray/, notifications and
// the badge. Only thin adapters live here; every decision is in the modules they serve.
import { BrowserWindow, Menu, Notification, Tray, app, nativeImage } from 'electron';
import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import { fileURLToPath } from 'node:url';
import type { NotificationFacade } from './notifications.js';
import type { AppWindow, DesktopPlatform } from './shell.js';
import type { TrayFacade } from './tray.js';
import type { TrayAction, TrayIcon, TrayMenuItem } from './tray-state.js';
import { START_URL, createMainWindow } from './window.js';

/** From dist/main/desktop/ (or the same place in app.asar) to assets/tray/. */
const TRAY_ICON_DIR = new URL('../../../assets/tray/', import.meta.url);

export interface ElectronPlatformOptions {
  /** The built preload, dist/main/preload.cjs. */
  readonly preload: string;
  /** The window's page has loaded (scripts/start.js waits for a line saying so). */
  readonly onPageLoaded: () => void;
  readonly log: (message: string) => void;
}

function trayImage(icon: TrayIcon): NativeImage {
  // createFromPath picks tray-<icon>@2x.png on HiDPI screens by itself.
  return nativeImage.createFromPath(fileURLToPath(new URL(`tray-${icon}.png`, TRAY_ICON_DIR)));
}

function menuItem(item: TrayMenuItem, onAction: (action: TrayAction) => void): MenuItemConstructorOptions {
  switch (item.kind) {
    case 'action':
      return { label: item.label, click: () => onAction(item.action) };
    case 'checkbox':
      return { label: item.label, type: 'checkbox', checked: item.checked, click: () => onAction(item.action) };
    case 'info':
      return { label: item.label, enabled: false };
    case 'separator':
      return { type: 'separator' };
  }
}

function appWindow(window: BrowserWindow): AppWindow {
  return {
    show: () => window.show(),
    hide: () => window.hide(),
    focus: () => window.focus(),
    restore: () => window.restore(),
    isVisible: () => !window.isDestroyed() && window.isVisible(),
    isMinimized: () => !window.isDestroyed() && window.isMinimized(),
    isFocused: () => !window.isDestroyed() && window.isFocused(),
    onCloseRequested: (listener) => window.on('close', (event) => listener(() => event.preventDefault())),
    onClosed: (listener) => window.once('closed', listener),
    onReadyToShow: (listener) => window.once('ready-to-show', listener),
  };
}

function electronTray(log: (message: string) => void): TrayFacade | undefined {
  let tray: Tray;
  try {
    tray = new Tray(trayImage('offline'));
  } catch (error) {
    log(`callscope: no tray icon on this desktop: ${String(error)}`);
    return undefined;
  }
  return {
    setIcon: (icon) => tray.setImage(trayImage(icon)),
    setToolTip: (text) => tray.setToolTip(text),
    setMenu: (items, onAction) => tray.setContextMenu(Menu.buildFromTemplate(items.map((item) => menuItem(item, onAction)))),
    onClick: (listener) => void tray.on('click', listener),
    destroy: () => tray.destroy(),
  };
}

const notifications: NotificationFacade = {
  supported: () => Notification.isSupported(),
  show(spec, handlers) {
    const notification = new Notification({
      title: spec.title,
      body: spec.body,
      actions: spec.actions.map((text) => ({ type: 'button', text })),
      urgency: 'critical',
      timeoutType: 'never',
    });
    notification.on('action', (details, index) => handlers.onAction(details.actionIndex ?? index));
    notification.on('click', () => handlers.onClick());
    notification.show();
    return { close: () => notification.close() };
  },
};

export function electronPlatform(options: ElectronPlatformOptions): DesktopPlatform {
  return {
    platform: process.platform,
    createWindow() {
      const window = createMainWindow(BrowserWindow, { preload: options.preload });
      window.webContents.once('did-finish-load', options.onPageLoaded);
      void window.loadURL(START_URL);
      return appWindow(window);
    },
    createTray: () => electronTray(options.log),
    notifications,
    setBadgeCount: (count) => app.setBadgeCount(count),
    quit: () => app.quit(),
  };
}
