// The app API over Electron IPC: one handler per operation, and one host session per
// window's page, opened by the page's first call and closed when the page reloads,
// navigates or goes. Only the app's own pages are answered. The page's first call is
// also the moment "the page is up" for opened links (main/desktop/links.ts).
import { IPC_EVENT_CHANNEL, fail, ipcChannelFor, operationNames } from '../contract/app-api.js';
import type { ApiResult, AppEvent } from '../contract/app-api.js';
import type { HostSession } from '../host/host.js';

/** The part of Electron's WebContents used here. */
export interface ApiContents {
  readonly id: number;
  isDestroyed(): boolean;
  send(channel: string, event: AppEvent): void;
  once(event: 'destroyed', listener: () => void): unknown;
  on(event: 'did-start-navigation', listener: (details: { isMainFrame: boolean; isSameDocument: boolean }) => void): unknown;
}

export interface ApiInvokeEvent {
  readonly sender: ApiContents;
  /** The frame that called; null once it is gone. */
  readonly senderFrame: { readonly url: string } | null;
}

/** The part of Electron's ipcMain used here. */
export interface ApiIpcMain {
  handle(channel: string, listener: (event: ApiInvokeEvent, payload: unknown) => Promise<ApiResult<unknown>> | ApiResult<unknown>): void;
}

export interface AppApiHooks {
  /** Whether a frame URL is one of the app's own pages (main/desktop/window.ts isAppPage). */
  readonly isAppPage: (url: string) => boolean;
  /** A page opened its session: it runs and listens. */
  readonly pageUp: () => void;
  /** No page has a session any more. */
  readonly pageGone: () => void;
}

export function exposeAppApi(ipcMain: ApiIpcMain, host: { openSession(send: (event: AppEvent) => void): HostSession }, hooks: AppApiHooks): void {
  const sessions = new Map<number, HostSession>();

  const sessionFor = (contents: ApiContents): HostSession => {
    const existing = sessions.get(contents.id);
    if (existing !== undefined) return existing;
    const opened = host.openSession((event) => {
      if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, event);
    });
    sessions.set(contents.id, opened);
    const end = () => {
      if (sessions.get(contents.id) !== opened) return;
      sessions.delete(contents.id);
      opened.close();
      if (sessions.size === 0) hooks.pageGone();
    };
    contents.once('destroyed', end);
    contents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) end();
    });
    hooks.pageUp();
    return opened;
  };

  for (const operation of operationNames) {
    ipcMain.handle(ipcChannelFor(operation), (event, payload) => {
      const url = event.senderFrame?.url;
      if (url === undefined || !hooks.isAppPage(url)) return fail('unavailable', 'the app API is only available to Callscope\'s own window');
      return sessionFor(event.sender).invoke(operation, payload);
    });
  }
}
