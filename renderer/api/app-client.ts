// The renderer's handle on the app API: Electron's preload when present, otherwise the
// browser-mode WebSocket bridge. Components see the same AppApi either way.
import type { AppApi } from '../../main/contract/app-api.js';
import { createBridgeClient } from './bridge-client.js';

export type ConnectionState =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'connected'; readonly transport: 'electron-ipc' | 'websocket' }
  /** Not connected right now; retrying. */
  | { readonly kind: 'disconnected'; readonly reason: string }
  /** The host refused this page (missing or wrong token); retrying would not help. */
  | { readonly kind: 'refused'; readonly reason: string };

export interface AppClient {
  readonly api: AppApi;
  state(): ConnectionState;
  /** Called on every state change; returns the unsubscribe function. */
  subscribe(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}

export function createAppClient(): AppClient {
  const preload = window.callscope;
  if (preload !== undefined) return createPreloadClient(preload);
  return createBridgeClient({ location: window.location, history: window.history, storage: window.sessionStorage });
}

function createPreloadClient(api: AppApi): AppClient {
  const state: ConnectionState = { kind: 'connected', transport: 'electron-ipc' };
  return {
    api,
    state: () => state,
    subscribe: () => () => undefined,
    close: () => undefined,
  };
}
