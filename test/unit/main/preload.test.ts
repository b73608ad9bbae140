// The preload exposes exactly one method per API operation, each invoking its own channel,
// and (as Electron's sandbox demands) requires nothing but `electron`. The source is
// transpiled to CommonJS here and run with a require() that knows only a fake electron.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_EVENT_CHANNEL, ipcChannelFor, operationNames } from '../../../main/contract/app-api.js';

type Listener = (...args: unknown[]) => void;

function loadPreload() {
  const exposed = new Map<string, Record<string, unknown>>();
  const listeners = new Map<string, Listener>();
  const invoke = vi.fn(async (...args: unknown[]) => ({ ok: true, value: args }));
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.set(key, api) },
    ipcRenderer: {
      invoke,
      on: (channel: string, listener: Listener) => listeners.set(channel, listener),
      removeListener: (channel: string) => listeners.delete(channel),
    },
  };
  const required: string[] = [];
  const sandboxRequire = (id: string): unknown => {
    required.push(id);
    if (id === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require ${id}`);
  };
  const source = readFileSync(new URL('../../../main/preload.cts', import.meta.url), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: 'preload.cts',
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  });
  const module = { exports: {} };
  new Function('require', 'module', 'exports', outputText)(sandboxRequire, module, module.exports);
  return { exposed, listeners, invoke, required };
}

let preload: ReturnType<typeof loadPreload>;

beforeEach(() => {
  preload = loadPreload();
});

describe('preload', () => {
  it('requires only electron', () => {
    expect(preload.required).toEqual(['electron']);
  });

  it('exposes window.callscope with one method per operation plus onEvent', () => {
    expect([...preload.exposed.keys()]).toEqual(['callscope']);
    expect(Object.keys(preload.exposed.get('callscope') ?? {}).sort()).toEqual([...operationNames, 'onEvent'].sort());
  });

  it('invokes each operation on its own channel with the payload untouched', async () => {
    const api = preload.exposed.get('callscope') as Record<string, (request?: unknown) => Promise<unknown>>;
    for (const name of operationNames) {
      preload.invoke.mockClear();
      await api[name]?.({ probe: name });
      expect(preload.invoke).toHaveBeenCalledWith(ipcChannelFor(name), { probe: name });
    }
  });

  it('forwards host events without the IPC event object, and unsubscribes', () => {
    const api = preload.exposed.get('callscope') as { onEvent: (listener: (event: unknown) => void) => () => void };
    const received: unknown[] = [];
    const unsubscribe = api.onEvent((event) => received.push(event));
    preload.listeners.get(IPC_EVENT_CHANNEL)?.({ sender: 'ipc' }, { type: 'settings-changed', settings: { accounts: [] } });
    expect(received).toEqual([{ type: 'settings-changed', settings: { accounts: [] } }]);
    unsubscribe();
    preload.listeners.get(IPC_EVENT_CHANNEL)?.({ sender: 'ipc' }, { type: 'settings-changed', settings: { accounts: [] } });
    expect(received).toHaveLength(1);
  });

  it('keeps the latest dial request that came before any listener for the first one, and no other event', async () => {
    const api = preload.exposed.get('callscope') as { onEvent: (listener: (event: unknown) => void) => () => void };
    const send = (event: unknown) => preload.listeners.get(IPC_EVENT_CHANNEL)?.({ sender: 'ipc' }, event);
    send({ type: 'dial-request', target: '1', dial: false });
    send({ type: 'account-status', status: {} });
    send({ type: 'dial-request', target: '2', dial: false });
    const first: unknown[] = [];
    const second: unknown[] = [];
    api.onEvent((event) => first.push(event));
    api.onEvent((event) => second.push(event));
    expect(first).toEqual([]);
    await Promise.resolve();
    expect(first).toEqual([{ type: 'dial-request', target: '2', dial: false }]);
    expect(second).toEqual([]);
    send({ type: 'dial-request', target: '3', dial: true });
    expect(second).toEqual([{ type: 'dial-request', target: '3', dial: true }]);
  });
});
