// The Electron shell, kept thin: one sandboxed window showing the same renderer as browser
// mode, served from app://callscope under the same CSP, talking to the same host over IPC.
import { BrowserWindow, app, ipcMain, protocol, safeStorage, session } from 'electron';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { fileURLToPath } from 'node:url';
import { IPC_EVENT_CHANNEL, fail, ipcChannelFor, operationNames } from './contract/app-api.js';
import type { AppEvent } from './contract/app-api.js';
import { createHost } from './host/host.js';
import { defaultStores } from './host/stores.js';
import type { Host, HostSession } from './host/host.js';
import { shouldAllowPermissionCheck, shouldGrantPermission } from './permissions.js';
import { createFileKeyVault, createSafeStorageVault } from './secret-vault.js';
import { defaultRendererDir, readStaticFile } from './static-files.js';
import { contentSecurityPolicy, securityHeaders } from './web-security.js';

const APP_SCHEME = 'app';
const APP_ORIGIN = `${APP_SCHEME}://callscope`;
const START_URL = `${APP_ORIGIN}/index.html`;
/** scripts/start.js waits for this line to know the window came up. */
export const ELECTRON_READY_LINE = 'callscope: electron window ready';

// Same override as browser mode's --data-dir (tests and `npm start -- --data-dir DIR` use it).
if (process.env.CALLSCOPE_DATA_DIR) app.setPath('userData', process.env.CALLSCOPE_DATA_DIR);

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window === undefined) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('web-contents-created', (_event, contents) => lockDown(contents));
  app.whenReady().then(start, (error: unknown) => {
    console.error(`callscope: Electron failed to start: ${String(error)}`);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  const dataDir = app.getPath('userData');
  const vault = createSafeStorageVault(safeStorage, createFileKeyVault({ dataDir }));
  const host = createHost({ mode: 'electron', dataDir, vault, version: app.getVersion(), stores: defaultStores, testLine: { start: 'when-no-account' } });
  serveRenderer(defaultRendererDir());
  restrictPermissions();
  exposeApi(host);

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('before-quit', () => void host.close());
  createWindow();
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 780,
    minWidth: 720,
    minHeight: 520,
    title: 'Callscope',
    show: false,
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: fileURLToPath(new URL('./preload.cjs', import.meta.url)),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.once('did-finish-load', () => console.log(ELECTRON_READY_LINE));
  void window.loadURL(START_URL);
  return window;
}

/** app://callscope/* -> dist/renderer/*, with the browser mode's security headers. */
function serveRenderer(rendererDir: string): void {
  const headers = securityHeaders(contentSecurityPolicy());
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'callscope' ? await readStaticFile(rendererDir, url.pathname) : undefined;
    if (file === undefined) return new Response('Not found', { status: 404, headers });
    return new Response(new Uint8Array(file.body), { status: 200, headers: { ...headers, 'Content-Type': file.contentType } });
  });
}

function restrictPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
    callback(shouldGrantPermission({ permission, mediaTypes, requestingUrl: details.requestingUrl ?? contents?.getURL() }, APP_ORIGIN));
  });
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    shouldAllowPermissionCheck({ permission, mediaType: details.mediaType, requestingOrigin }, APP_ORIGIN),
  );
}

/**
 * One IPC handler per operation; the host validates payloads with the API's zod schemas.
 * Each window's page is one host session: created when the page loads, closed when it
 * reloads or the window goes (the host then ends the calls whose media it held).
 */
function exposeApi(host: Host): void {
  const sessions = new Map<number, HostSession>();
  const sessionFor = (contents: WebContents): HostSession => {
    let session = sessions.get(contents.id);
    if (session === undefined) {
      const opened = host.openSession((event: AppEvent) => {
        if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, event);
      });
      session = opened;
      sessions.set(contents.id, opened);
      const end = () => {
        if (sessions.get(contents.id) !== opened) return;
        sessions.delete(contents.id);
        opened.close();
      };
      contents.once('destroyed', end);
      contents.on('did-start-navigation', (details) => {
        if (details.isMainFrame && !details.isSameDocument) end();
      });
    }
    return session;
  };
  for (const operation of operationNames) {
    ipcMain.handle(ipcChannelFor(operation), (event: IpcMainInvokeEvent, payload: unknown) => {
      if (!isTrustedSender(event)) return fail('unavailable', 'the app API is only available to Callscope\'s own window');
      return sessionFor(event.sender).invoke(operation, payload);
    });
  }
}

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url;
  return url !== undefined && url.startsWith(`${APP_ORIGIN}/`);
}

/** No navigation away from the app, no new windows, no <webview>. */
function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
