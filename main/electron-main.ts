// The Electron shell, kept thin: one sandboxed window showing the same renderer as browser
// mode, served from app://callscope under the same CSP, talking to the same host over IPC;
// a tray, notifications and sip:/sips:/tel:/callto: links around it. The parts live in
// main/desktop/ (each tested in Node with fakes); this file only wires them to Electron.
import { app, ipcMain, protocol, safeStorage, session } from 'electron';
import { fileURLToPath } from 'node:url';
import { DesktopSettingsFile } from './desktop/desktop-settings.js';
import { electronPlatform } from './desktop/electron-platform.js';
import { exposeAppApi } from './desktop/ipc-sessions.js';
import { findLinkInArgv } from './desktop/link-target.js';
import { LinkDispatcher, protocolClientRegistrations } from './desktop/links.js';
import { lockDownSession } from './desktop/session-security.js';
import { DesktopShell } from './desktop/shell.js';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, isAppPage, lockDownContents } from './desktop/window.js';
import { createHost } from './host/host.js';
import type { Host } from './host/host.js';
import { defaultStores } from './host/stores.js';
import { createFileKeyVault, createSafeStorageVault } from './secret-vault.js';
import { defaultRendererDir, readStaticFile } from './static-files.js';
import { contentSecurityPolicy, securityHeaders } from './web-security.js';

/** scripts/start.js waits for this line to know the window came up. */
export const ELECTRON_READY_LINE = 'callscope: electron window ready';
const APP_USER_MODEL_ID = 'org.callscope.app';
const log = (message: string) => console.error(message);

// Same override as browser mode's --data-dir (tests and `npm start -- --data-dir DIR` use it).
if (process.env.CALLSCOPE_DATA_DIR) app.setPath('userData', process.env.CALLSCOPE_DATA_DIR);

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
app.enableSandbox();

interface Running {
  readonly host: Host;
  readonly shell: DesktopShell;
  readonly settings: DesktopSettingsFile;
}
let running: Running | undefined;

// Links may come before the app is ready: they wait in the dispatcher until the page is up.
const links = new LinkDispatcher({
  deliver: (target, dial) => running?.host.dialRequest(target, dial),
  showWindow: () => running?.shell.showWindow(),
  dialAtOnce: () => running?.settings.current.dialLinksAtOnce ?? false,
  log,
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Linux and Windows: a second launch (a clicked link) hands its argv to this instance.
  app.on('second-instance', (_event, argv) => {
    const link = findLinkInArgv(argv);
    if (link === undefined || !links.open(link)) running?.shell.showWindow();
  });
  // macOS: links arrive as open-url, also before ready.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    links.open(url);
  });
  const firstLink = findLinkInArgv(process.argv);
  if (firstLink !== undefined) links.open(firstLink);
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));
  app.whenReady().then(start, (error: unknown) => {
    console.error(`callscope: Electron failed to start: ${String(error)}`);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
  for (const { scheme, path, args } of protocolClientRegistrations(process.platform, app.isPackaged, process.execPath)) {
    app.setAsDefaultProtocolClient(scheme, path, [...args]);
  }
  const dataDir = app.getPath('userData');
  const vault = createSafeStorageVault(safeStorage, createFileKeyVault({ dataDir }));
  const host = createHost({ mode: 'electron', dataDir, vault, version: app.getVersion(), stores: defaultStores, testLine: { start: 'when-no-account' } });
  const settings = new DesktopSettingsFile(dataDir, log);
  await settings.load();
  serveRenderer(defaultRendererDir());
  lockDownSession(session.defaultSession, APP_ORIGIN);
  exposeAppApi(ipcMain, host, { isAppPage, pageUp: () => links.pageUp(), pageGone: () => links.pageGone() });

  const platform = electronPlatform({
    preload: fileURLToPath(new URL('./preload.cjs', import.meta.url)),
    onPageLoaded: () => console.log(ELECTRON_READY_LINE),
    log,
  });
  const shell = new DesktopShell({ platform, host, settings, links, log });
  running = { host, shell, settings };

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => shell.showWindow());
  app.on('before-quit', () => {
    shell.quitting();
    shell.close();
    void host.close();
  });
  await shell.start();
}

/** app://callscope/* -> dist/renderer/*, with the browser mode's security headers. */
function serveRenderer(rendererDir: string): void {
  const headers = securityHeaders(contentSecurityPolicy());
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? await readStaticFile(rendererDir, url.pathname) : undefined;
    if (file === undefined) return new Response('Not found', { status: 404, headers });
    return new Response(new Uint8Array(file.body), { status: 200, headers: { ...headers, 'Content-Type': file.contentType } });
  });
}
