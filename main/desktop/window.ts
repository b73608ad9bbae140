// The app window and its policy: how it is created (sandboxed, context-isolated, no Node,
// the preload its only bridge), where its pages may go (nowhere but app://callscope), and
// what closing it does (hide to the tray while accounts are registered, if the user
// wants that). The BrowserWindow class is passed in, so tests create the window with a fake.
import type { BrowserWindowConstructorOptions } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'callscope';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const START_URL = `${APP_ORIGIN}/index.html`;

/** A page of the app itself (parsed, so app://callscope.evil/ and app://callscope@evil/ are not). */
export function isAppPage(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

interface PreventableEvent {
  preventDefault(): void;
}

/** The part of Electron's WebContents that lockDownContents uses. */
export interface LockableContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: (event: PreventableEvent & { url: string }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** No navigation or redirect away from the app, in any frame; no new windows; no <webview>. */
export function lockDownContents(contents: LockableContents): void {
  contents.on('will-navigate', (event) => {
    if (!isAppPage(event.url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isAppPage(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppPage(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export interface MainWindowOptions {
  /** The built preload (dist/main/preload.cjs). */
  readonly preload: string;
}

/**
 * The one app window, created hidden (the shell shows it once painted, or keeps it in the
 * tray). `BrowserWindow` is Electron's class (or a test's fake); the options are written out
 * here in full so that reviewers and Electronegativity read them in one place.
 */
export function createMainWindow<W>(BrowserWindow: new (options: BrowserWindowConstructorOptions) => W, options: MainWindowOptions): W {
  return new BrowserWindow({
    width: 1100,
    height: 780,
    minWidth: 720,
    minHeight: 520,
    title: 'Callscope',
    show: false,
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // Middle-click opens nothing (window.open is denied too).
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      // A page hidden in the tray still answers the host's media requests on time.
      backgroundThrottling: false,
    },
  });
}

export interface CloseState {
  /** The app is quitting (tray Quit, app menu, OS logout): windows really close. */
  readonly quitting: boolean;
  /** The desktop option "keep running in the tray when the window is closed". */
  readonly closeToTray: boolean;
  /** A tray icon is up to bring the window back with. */
  readonly trayShown: boolean;
  /** At least one account is registered (calls can come in). */
  readonly registered: boolean;
}

/** What the window's close button does. */
export function closeAction(state: CloseState): 'hide-to-tray' | 'close' {
  return !state.quitting && state.closeToTray && state.trayShown && state.registered ? 'hide-to-tray' : 'close';
}

export interface StartState {
  readonly startInTray: boolean;
  readonly trayShown: boolean;
  /** Launched to open a link: the user wants to see the number. */
  readonly openedByLink: boolean;
}

/** Whether the window starts hidden in the tray (never without a tray to bring it back with). */
export function startHidden(state: StartState): boolean {
  return state.startInTray && state.trayShown && !state.openedByLink;
}
