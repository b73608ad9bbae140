// Browser mode's client for the app API: a WebSocket to the local host, authenticated with
// the per-run token the host printed in the page URL (`#token=...`).
import { operationNames, type ApiResult, type AppApi, type AppEvent, type AppEventListener, type OperationName, type ResultOf } from '../../main/contract/app-api.js';
import {
  BRIDGE_AUTH_CHECK_PATH as AUTH_CHECK_PATH,
  BRIDGE_PATH,
  BRIDGE_SUBPROTOCOL as SUBPROTOCOL,
  BRIDGE_TOKEN_PATTERN as TOKEN_PATTERN,
  BRIDGE_TOKEN_PREFIX as TOKEN_PREFIX,
  type BridgeServerMessage,
} from '../../main/contract/bridge-protocol.js';
import type { AppClient, ConnectionState } from './app-client.js';

const TOKEN_STORAGE_KEY = 'callscope.token';
const REQUEST_TIMEOUT_MS = 15_000;
const MAX_RETRY_DELAY_MS = 5_000;

export interface BridgeClientOptions {
  readonly location: Pick<Location, 'hash' | 'host' | 'pathname' | 'search'>;
  readonly history: Pick<History, 'replaceState'>;
  readonly storage: Pick<Storage, 'getItem' | 'setItem'>;
}

/**
 * The token comes from the URL fragment (never sent over HTTP). It is then kept in
 * sessionStorage and removed from the address bar, so a reload still works and the address
 * bar does not show it.
 */
export function takeToken(options: BridgeClientOptions): string | undefined {
  const fromHash = new URLSearchParams(options.location.hash.replace(/^#/, '')).get('token');
  if (fromHash !== null) {
    options.storage.setItem(TOKEN_STORAGE_KEY, fromHash);
    options.history.replaceState(null, '', `${options.location.pathname}${options.location.search}`);
    return fromHash;
  }
  return options.storage.getItem(TOKEN_STORAGE_KEY) ?? undefined;
}

interface Pending {
  readonly resolve: (result: ApiResult<unknown>) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

export function createBridgeClient(options: BridgeClientOptions): AppClient {
  const token = takeToken(options);
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const eventListeners = new Set<AppEventListener>();
  const pending = new Map<number, Pending>();
  let state: ConnectionState = { kind: 'connecting' };
  let socket: WebSocket | undefined;
  let nextId = 1;
  let retries = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const setState = (next: ConnectionState): void => {
    state = next;
    for (const listener of [...stateListeners]) listener(next);
  };

  const settle = (id: number, result: ApiResult<unknown>): void => {
    const entry = pending.get(id);
    if (entry === undefined) return;
    pending.delete(id);
    clearTimeout(entry.timer);
    entry.resolve(result);
  };

  const failAll = (message: string): void => {
    for (const id of [...pending.keys()]) settle(id, { ok: false, error: { code: 'unavailable', message } });
  };

  const onMessage = (data: unknown): void => {
    if (typeof data !== 'string') return;
    let message: BridgeServerMessage;
    try {
      message = JSON.parse(data) as BridgeServerMessage;
    } catch {
      return;
    }
    switch (message.kind) {
      case 'response':
        settle(message.id, message.result);
        return;
      case 'event':
        for (const listener of [...eventListeners]) listener(message.event as AppEvent);
        return;
      case 'protocol-error':
        console.warn(`callscope bridge: ${message.message}`);
        return;
      default:
        console.warn('callscope bridge: unexpected message from the host');
    }
  };

  const tokenRefused = async (): Promise<boolean> => {
    try {
      const response = await fetch(AUTH_CHECK_PATH, { headers: { Authorization: `Bearer ${token ?? ''}` }, cache: 'no-store' });
      return response.status === 401;
    } catch {
      return false;
    }
  };

  const connect = (): void => {
    if (closed) return;
    if (token === undefined || !TOKEN_PATTERN.test(token)) {
      setState({ kind: 'refused', reason: 'This page has no valid access token. Open the address that `npm start` printed (it ends in #token=…).' });
      return;
    }
    const ws = new WebSocket(`ws://${options.location.host}${BRIDGE_PATH}`, [SUBPROTOCOL, `${TOKEN_PREFIX}${token}`]);
    socket = ws;
    let opened = false;
    ws.addEventListener('open', () => {
      opened = true;
      retries = 0;
      setState({ kind: 'connected', transport: 'websocket' });
    });
    ws.addEventListener('message', (event) => onMessage(event.data));
    ws.addEventListener('close', () => {
      if (socket === ws) socket = undefined;
      failAll('lost the connection to the Callscope host');
      if (closed) return;
      void tokenRefused().then((refused) => {
        if (closed) return;
        if (refused) {
          setState({ kind: 'refused', reason: 'The host refused this page: its access token is wrong or from an earlier run. Open the address that `npm start` printed this time.' });
          return;
        }
        setState({ kind: 'disconnected', reason: opened ? 'Lost the connection to the Callscope host; reconnecting…' : 'Cannot reach the Callscope host; is it still running? Retrying…' });
        const delay = Math.min(MAX_RETRY_DELAY_MS, 500 * 2 ** retries);
        retries += 1;
        retryTimer = setTimeout(connect, delay);
      });
    });
  };

  const call = <K extends OperationName>(operation: K, payload: unknown): Promise<ApiResult<ResultOf<K>>> =>
    new Promise((resolve) => {
      const ws = socket;
      if (ws === undefined || ws.readyState !== WebSocket.OPEN) {
        resolve({ ok: false, error: { code: 'unavailable', message: 'not connected to the Callscope host' } });
        return;
      }
      const id = nextId++;
      const timer = setTimeout(
        () => settle(id, { ok: false, error: { code: 'unavailable', message: `${operation}: the host did not answer in time` } }),
        REQUEST_TIMEOUT_MS,
      );
      pending.set(id, { resolve: resolve as (result: ApiResult<unknown>) => void, timer });
      ws.send(JSON.stringify({ kind: 'request', id, operation, payload }));
    });

  const api = {
    ...Object.fromEntries(operationNames.map((name) => [name, (request: unknown) => call(name, request)])),
    onEvent(listener: AppEventListener) {
      eventListeners.add(listener);
      return () => {
        eventListeners.delete(listener);
      };
    },
  } as AppApi;

  connect();

  return {
    api,
    state: () => state,
    subscribe(listener) {
      stateListeners.add(listener);
      return () => {
        stateListeners.delete(listener);
      };
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      socket?.close();
      failAll('the page closed its connection');
    },
  };
}
