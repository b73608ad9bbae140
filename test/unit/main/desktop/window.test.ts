// The window's policy: created locked down, its pages kept to app://callscope, closing
// hides it to the tray only when that keeps calls coming in.
import { describe, expect, it } from 'vitest';
import type { BrowserWindowConstructorOptions } from 'electron';
import {
  APP_ORIGIN, START_URL, closeAction, createMainWindow, isAppPage, lockDownContents, startHidden,
} from '../../../../main/desktop/window.js';
import type { LockableContents } from '../../../../main/desktop/window.js';

class FakeWindow {
  static created: BrowserWindowConstructorOptions[] = [];
  constructor(readonly options: BrowserWindowConstructorOptions) {
    FakeWindow.created.push(options);
  }
}

function fakeContents() {
  const listeners = new Map<string, (event: { preventDefault(): void; url: string }) => void>();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = {
    on(event: string, listener: (event: { preventDefault(): void; url: string }) => void) {
      listeners.set(event, listener);
      return contents;
    },
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      openHandler = handler;
    },
  };
  const fire = (name: string, url = '') => {
    let prevented = false;
    listeners.get(name)?.({ url, preventDefault: () => void (prevented = true) });
    return prevented;
  };
  return { contents: contents as unknown as LockableContents, fire, open: (url: string) => openHandler?.({ url }) };
}

describe('the app window', () => {
  it('is created sandboxed, context-isolated, without Node, with only the preload as bridge', () => {
    const window = createMainWindow(FakeWindow, { preload: '/app/dist/main/preload.cjs' });
    expect(window).toBeInstanceOf(FakeWindow);
    const preferences = window.options.webPreferences ?? {};
    expect(preferences).toMatchObject({
      preload: '/app/dist/main/preload.cjs',
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
      disableBlinkFeatures: 'Auxclick',
      backgroundThrottling: false,
    });
    expect(preferences).not.toHaveProperty('enableBlinkFeatures');
    expect(preferences).not.toHaveProperty('additionalArguments');
    // Shown by the shell once ready (or kept in the tray), never before.
    expect(window.options.show).toBe(false);
  });

  it('knows its own pages', () => {
    expect(START_URL).toBe(`${APP_ORIGIN}/index.html`);
    expect(isAppPage(START_URL)).toBe(true);
    expect(isAppPage('app://callscope/assets/app.js')).toBe(true);
    for (const url of ['app://callscope.evil/', 'app://evil/', 'app://callscope@evil/', 'app://user:pw@callscope/', 'https://callscope/',
      'file:///index.html', 'javascript:alert(1)', '', 'not a url']) {
      expect(isAppPage(url), url).toBe(false);
    }
  });
});

describe('lockDownContents', () => {
  it('lets the page move within the app and nowhere else', () => {
    const { contents, fire } = fakeContents();
    lockDownContents(contents);
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      expect(fire(event, 'app://callscope/index.html#calls'), event).toBe(false);
      expect(fire(event, 'https://evil.example/'), event).toBe(true);
      expect(fire(event, 'file:///etc/passwd'), event).toBe(true);
      expect(fire(event, 'app://callscope.evil/'), event).toBe(true);
    }
  });

  it('refuses <webview> and every new window', () => {
    const { contents, fire, open } = fakeContents();
    lockDownContents(contents);
    expect(fire('will-attach-webview')).toBe(true);
    expect(open('https://example.com/')).toEqual({ action: 'deny' });
    expect(open('app://callscope/index.html')).toEqual({ action: 'deny' });
  });
});

describe('closing and starting', () => {
  const registered = { quitting: false, closeToTray: true, trayShown: true, registered: true };

  it('hides to the tray while registered, when the user asked for it', () => {
    expect(closeAction(registered)).toBe('hide-to-tray');
  });

  it.each([
    ['quitting', { ...registered, quitting: true }],
    ['the option is off', { ...registered, closeToTray: false }],
    ['there is no tray to come back from', { ...registered, trayShown: false }],
    ['no account is registered', { ...registered, registered: false }],
  ])('closes when %s', (_why, state) => {
    expect(closeAction(state)).toBe('close');
  });

  it('starts hidden only with the option, a tray, and no link to show', () => {
    expect(startHidden({ startInTray: true, trayShown: true, openedByLink: false })).toBe(true);
    expect(startHidden({ startInTray: false, trayShown: true, openedByLink: false })).toBe(false);
    expect(startHidden({ startInTray: true, trayShown: false, openedByLink: false })).toBe(false);
    expect(startHidden({ startInTray: true, trayShown: true, openedByLink: true })).toBe(false);
  });
});
