// electron-main.ts wired to a fake `electron` module: what the real shell does from launch
// to a dialled link, without the Electron binary (which cannot be downloaded here). The
// first launch carries a tel: link in argv, as Linux and Windows hand it over.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_EVENT_CHANNEL, ipcChannelFor, operationNames } from '../../../main/contract/app-api.js';
import { waitFor } from '../../support/wait-for.js';

const fake = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => unknown;
  class Emitter {
    readonly listeners = new Map<string, Listener[]>();
    on(event: string, listener: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    once(event: string, listener: Listener) {
      return this.on(event, listener);
    }
    emit(event: string, ...args: unknown[]) {
      for (const listener of this.listeners.get(event) ?? []) listener(...args);
    }
  }
  let ready: () => void = () => undefined;
  const whenReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const calls: string[] = [];
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    dataDir: '',
    setPath: (_name: string, path: string) => void (app.dataDir = path),
    getPath: () => app.dataDir,
    getVersion: () => '0.0.0-test',
    enableSandbox: () => calls.push('enableSandbox'),
    requestSingleInstanceLock: () => true,
    whenReady: () => whenReady,
    quit: () => calls.push('quit'),
    exit: (code: number) => calls.push(`exit ${code}`),
    setAppUserModelId: () => undefined,
    setAsDefaultProtocolClient: (scheme: string) => calls.push(`protocol ${scheme}`),
    setBadgeCount: (count: number) => (calls.push(`badge ${count}`), true),
  });
  class WebContents extends Emitter {
    static next = 1;
    readonly id = WebContents.next++;
    readonly sent: [string, unknown][] = [];
    isDestroyed = () => false;
    send = (channel: string, event: unknown) => this.sent.push([channel, event]);
    windowOpenHandler: Listener | undefined;
    setWindowOpenHandler = (handler: Listener) => void (this.windowOpenHandler = handler);
  }
  class BrowserWindow extends Emitter {
    static all: BrowserWindow[] = [];
    readonly webContents = new WebContents();
    url = '';
    visible = false;
    constructor(readonly options: { webPreferences?: Record<string, unknown> }) {
      super();
      BrowserWindow.all.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    loadURL = async (url: string) => {
      this.url = url;
    };
    show = () => void (this.visible = true);
    hide = () => void (this.visible = false);
    focus = () => undefined;
    restore = () => undefined;
    isDestroyed = () => false;
    isVisible = () => this.visible;
    isMinimized = () => false;
    isFocused = () => this.visible;
  }
  const sessionHandlers = new Map<string, unknown>();
  const defaultSession = new Proxy({}, {
    get: (_t, name: string) => (first: unknown, second: unknown) => sessionHandlers.set(name === 'on' ? `on:${String(first)}` : name, name === 'on' ? second : first),
  });
  const ipcHandlers = new Map<string, Listener>();
  const protocolHandlers = new Map<string, Listener>();
  const electron = {
    app,
    BrowserWindow,
    ipcMain: { handle: (channel: string, listener: Listener) => void ipcHandlers.set(channel, listener) },
    protocol: {
      registerSchemesAsPrivileged: () => calls.push('registerSchemesAsPrivileged'),
      handle: (scheme: string, handler: Listener) => void protocolHandlers.set(scheme, handler),
    },
    safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' },
    session: { defaultSession },
    Tray: class extends Emitter {
      setImage = () => undefined;
      setToolTip = (text: string) => calls.push(`tooltip ${text}`);
      setContextMenu = () => undefined;
      destroy = () => undefined;
    },
    Menu: { buildFromTemplate: (items: unknown[]) => items },
    Notification: Object.assign(class {}, { isSupported: () => false }),
    nativeImage: { createFromPath: (path: string) => ({ path }) },
  };
  return { electron, app, calls, ready: () => ready(), BrowserWindow, sessionHandlers, ipcHandlers, protocolHandlers };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

let dataDir: string;
const argv = process.argv;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'callscope-electron-main-'));
  process.env.CALLSCOPE_DATA_DIR = dataDir;
  process.argv = [...argv, 'tel:+1-555-0100'];
  await import('../../../main/electron-main.js');
  process.argv = argv;
  fake.ready();
  // The host starts for real (settings, stores): seconds on a busy machine.
  await waitFor(() => fake.BrowserWindow.all.length === 1 && fake.calls.some((c) => c.startsWith('tooltip Callscope —')), 'the shell to start', 30_000);
}, 60_000);

afterAll(async () => {
  fake.app.emit('before-quit');
  delete process.env.CALLSCOPE_DATA_DIR;
  await rm(dataDir, { recursive: true, force: true });
});

function page() {
  const window = fake.BrowserWindow.all[0];
  if (window === undefined) throw new Error('no window');
  return window;
}

async function callFromPage(operation: string, url = 'app://callscope/index.html') {
  const handler = fake.ipcHandlers.get(ipcChannelFor(operation as never));
  return handler?.({ sender: page().webContents, senderFrame: { url } }, undefined);
}

const dialRequests = () => page().webContents.sent.filter(([channel, event]) => channel === IPC_EVENT_CHANNEL && (event as { type: string }).type === 'dial-request').map(([, event]) => event);

describe('electron-main', () => {
  it('turns the sandbox on, takes the data directory from CALLSCOPE_DATA_DIR, and registers no protocol client in development', () => {
    expect(fake.calls).toContain('enableSandbox');
    expect(fake.app.dataDir).toBe(dataDir);
    expect(fake.calls.some((c) => c.startsWith('protocol '))).toBe(false);
  });

  it('opens one locked-down window on the app', () => {
    expect(page().url).toBe('app://callscope/index.html');
    expect(page().options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect([...page().webContents.listeners.keys()]).toEqual(expect.arrayContaining(['will-navigate', 'will-redirect', 'will-attach-webview']));
    expect(page().webContents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });

  it('locks the session down', () => {
    expect([...fake.sessionHandlers.keys()].sort()).toEqual([
      'on:select-hid-device', 'on:select-serial-port', 'on:select-usb-device', 'setBluetoothPairingHandler',
      'setDevicePermissionHandler', 'setDisplayMediaRequestHandler', 'setPermissionCheckHandler', 'setPermissionRequestHandler',
    ]);
  });

  it('serves the renderer under the CSP, and nothing from another host', async () => {
    const handler = fake.protocolHandlers.get('app');
    const response = (await handler?.({ url: 'app://other/index.html' })) as Response;
    expect(response.status).toBe(404);
    // SIP leaves from the host: the page may connect to nothing but the app itself.
    expect(response.headers.get('Content-Security-Policy')).toMatch(/(^|; )connect-src 'self'(;|$)/);
  });

  it('answers every operation, for the app\'s page only', async () => {
    expect(fake.ipcHandlers.size).toBe(operationNames.length);
    expect(await callFromPage('getAppInfo', 'https://evil.example/')).toMatchObject({ ok: false });
    expect(dialRequests()).toEqual([]);
  });

  it('dials the first launch\'s link once the page is up (not before)', async () => {
    expect(await callFromPage('getAppInfo')).toMatchObject({ ok: true, value: { mode: 'electron' } });
    expect(dialRequests()).toEqual([{ type: 'dial-request', target: '+1-555-0100', dial: false }]);
  });

  it('hands a second instance\'s link and a macOS open-url to the page that is up', () => {
    fake.app.emit('second-instance', {}, ['/opt/Callscope/callscope', '--allow-file-access-from-files', 'sip:bob@example.com'], '/');
    let prevented = false;
    fake.app.emit('open-url', { preventDefault: () => void (prevented = true) }, 'callto:+15550199');
    expect(prevented).toBe(true);
    expect(dialRequests().slice(1)).toEqual([
      { type: 'dial-request', target: 'sip:bob@example.com', dial: false },
      { type: 'dial-request', target: '+15550199', dial: false },
    ]);
  });

  it('ignores a hostile link', () => {
    fake.app.emit('open-url', { preventDefault: () => undefined }, 'tel:1%0d%0aX: y');
    fake.app.emit('second-instance', {}, ['callscope', 'https://evil.example/'], '/');
    expect(dialRequests()).toHaveLength(3);
  });
});
