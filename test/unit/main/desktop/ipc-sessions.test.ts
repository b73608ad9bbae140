// The app API over (fake) IPC with the real host: a page's first call opens its session,
// foreign frames are refused, and a link opened before the page was up reaches the page
// as a dial-request once it is: what Linphone users found missing ("opens, does not dial").
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IPC_EVENT_CHANNEL, ipcChannelFor, operationNames } from '../../../../main/contract/app-api.js';
import type { ApiResult, AppEvent } from '../../../../main/contract/app-api.js';
import { exposeAppApi } from '../../../../main/desktop/ipc-sessions.js';
import type { ApiContents, ApiInvokeEvent } from '../../../../main/desktop/ipc-sessions.js';
import { LinkDispatcher } from '../../../../main/desktop/links.js';
import { START_URL, isAppPage } from '../../../../main/desktop/window.js';
import { createHost, type Host } from '../../../../main/host/host.js';
import { createFileKeyVault } from '../../../../main/secret-vault.js';
import { memoryStores } from '../../../support/memory-stores.js';

type Handler = (event: ApiInvokeEvent, payload: unknown) => Promise<ApiResult<unknown>> | ApiResult<unknown>;

let dataDir: string;
let host: Host;
let handlers: Map<string, Handler>;
let links: LinkDispatcher;
const hooks: string[] = [];

class FakeContents implements ApiContents {
  static next = 1;
  readonly id = FakeContents.next++;
  readonly sent: AppEvent[] = [];
  destroyed = false;
  readonly #destroyed: (() => void)[] = [];
  readonly #navigation: ((details: { isMainFrame: boolean; isSameDocument: boolean }) => void)[] = [];
  isDestroyed() {
    return this.destroyed;
  }
  send(channel: string, event: AppEvent) {
    expect(channel).toBe(IPC_EVENT_CHANNEL);
    this.sent.push(event);
  }
  once(_event: 'destroyed', listener: () => void) {
    this.#destroyed.push(listener);
  }
  on(_event: 'did-start-navigation', listener: (details: { isMainFrame: boolean; isSameDocument: boolean }) => void) {
    this.#navigation.push(listener);
  }
  destroy() {
    this.destroyed = true;
    for (const listener of this.#destroyed) listener();
  }
  navigate(details: { isMainFrame: boolean; isSameDocument: boolean }) {
    for (const listener of this.#navigation) listener(details);
  }
}

function call(contents: FakeContents, operation: string, payload?: unknown, url = START_URL) {
  const handler = handlers.get(ipcChannelFor(operation as never));
  if (handler === undefined) throw new Error(`no handler for ${operation}`);
  return handler({ sender: contents, senderFrame: url === '' ? null : { url } }, payload);
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'callscope-ipc-'));
  host = createHost({ mode: 'electron', dataDir, vault: createFileKeyVault({ dataDir }), stores: () => memoryStores(), log: () => undefined });
  handlers = new Map();
  hooks.length = 0;
  links = new LinkDispatcher({
    deliver: (target, dial) => host.dialRequest(target, dial), showWindow: () => hooks.push('show'), dialAtOnce: () => false, log: () => undefined,
  });
  exposeAppApi({ handle: (channel, listener) => void handlers.set(channel, listener) }, host, {
    isAppPage,
    pageUp: () => {
      hooks.push('up');
      links.pageUp();
    },
    pageGone: () => {
      hooks.push('gone');
      links.pageGone();
    },
  });
});

afterEach(async () => {
  await host.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the app API over IPC', () => {
  it('has one handler per operation', () => {
    expect([...handlers.keys()].sort()).toEqual(operationNames.map((name) => ipcChannelFor(name)).sort());
  });

  it('answers the app\'s page, in one session opened by its first call', async () => {
    const page = new FakeContents();
    expect(await call(page, 'getAppInfo')).toMatchObject({ ok: true, value: { mode: 'electron' } });
    expect(await call(page, 'getSettings')).toMatchObject({ ok: true });
    expect(hooks).toEqual(['up']);
  });

  it.each([
    ['a foreign page', 'https://evil.example/'],
    ['a lookalike origin', 'app://callscope.evil/index.html'],
    ['a frame that is gone', ''],
  ])('refuses %s and opens no session for it', async (_name, url) => {
    const page = new FakeContents();
    expect(await call(page, 'getAppInfo', undefined, url)).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(hooks).toEqual([]);
  });

  it('ends the page\'s session when it navigates or is destroyed, and opens a new one for the next page', async () => {
    const page = new FakeContents();
    await call(page, 'getStatus');
    page.navigate({ isMainFrame: true, isSameDocument: true });
    page.navigate({ isMainFrame: false, isSameDocument: false });
    expect(hooks).toEqual(['up']);
    page.navigate({ isMainFrame: true, isSameDocument: false });
    expect(hooks).toEqual(['up', 'gone']);
    await call(page, 'getStatus');
    page.destroy();
    expect(hooks).toEqual(['up', 'gone', 'up', 'gone']);
  });

  it('delivers a link opened before the page was up, once, when the page makes its first call', async () => {
    links.open('tel:+1 555 0100');
    const page = new FakeContents();
    expect(page.sent).toEqual([]);
    await call(page, 'getAppInfo');
    expect(page.sent.filter((event) => event.type === 'dial-request')).toEqual([{ type: 'dial-request', target: '+1 555 0100', dial: false }]);
    await call(page, 'getSettings');
    expect(page.sent.filter((event) => event.type === 'dial-request')).toHaveLength(1);
  });

  it('delivers a link from a second instance straight to the page that is up', async () => {
    const page = new FakeContents();
    await call(page, 'getAppInfo');
    links.open('sip:alice@example.com?Subject=hi');
    expect(page.sent).toContainEqual({ type: 'dial-request', target: 'sip:alice@example.com', dial: false });
    expect(hooks).toEqual(['up', 'show']);
  });

  it('holds a link while the window is closed, for the next page', async () => {
    const first = new FakeContents();
    await call(first, 'getAppInfo');
    first.destroy();
    links.open('callto:123');
    const second = new FakeContents();
    await call(second, 'getAppInfo');
    expect(first.sent.some((event) => event.type === 'dial-request')).toBe(false);
    expect(second.sent).toContainEqual({ type: 'dial-request', target: '123', dial: false });
  });
});
