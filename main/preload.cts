// The window's preload (sandboxed, so CommonJS and self-contained: it may require only
// `electron`). Exposes the app API as `window.callscope`, one method per operation, each a
// plain ipcRenderer.invoke; main validates every payload. Nothing else crosses over.
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type {
  ApiResult,
  AppApi,
  AppEvent,
  AppEventListener,
  IPC_EVENT_CHANNEL,
  IPC_OPERATION_PREFIX,
  OperationName,
  RequestOf,
  ResultOf,
} from './contract/app-api.js';

// Copies of app-api's constants; `typeof` pins them to the same literal values.
const OPERATION_PREFIX: typeof IPC_OPERATION_PREFIX = 'callscope:op:';
const EVENT_CHANNEL: typeof IPC_EVENT_CHANNEL = 'callscope:event';

function operation<K extends OperationName>(name: K) {
  return (request?: RequestOf<K>): Promise<ApiResult<ResultOf<K>>> =>
    ipcRenderer.invoke(`${OPERATION_PREFIX}${name}`, request) as Promise<ApiResult<ResultOf<K>>>;
}

// Every operation of the contract, one IPC channel each. Sandboxed preloads cannot import
// the contract's list, so it is repeated here, and `complete` fails to compile when one is missing.
const OPERATIONS = [
  'getAppInfo', 'getStatus', 'getSettings', 'saveAccount', 'deleteAccount', 'testConnection', 'retryRegistration',
  'claimMediaOwner', 'answerMediaRequest', 'reportMedia',
  'normalizeTarget', 'dial', 'answer', 'reject', 'hangup', 'hold', 'resume', 'sendDtmf', 'transfer', 'attendedTransfer',
  'listDiagnostics', 'subscribeCall', 'unsubscribeCall', 'getMessage', 'exportCall', 'importTraceChunk', 'cancelTraceImport',
  'getHistory', 'deleteHistoryEntry', 'clearHistory', 'markMissedSeen',
  'getTestLine', 'setTestLine',
] as const satisfies readonly OperationName[];
type MissingOperation = Exclude<OperationName, (typeof OPERATIONS)[number]>;
const complete: [MissingOperation] extends [never] ? true : MissingOperation = true;
void complete;

// Host events reach the page's listeners. A link's dial request may come before the page
// has subscribed (the host sends it on the page's first call); the latest one waits here
// for the first listener instead of being lost.
const listeners = new Set<AppEventListener>();
let waitingDialRequest: AppEvent | undefined;
ipcRenderer.on(EVENT_CHANNEL, (_event: IpcRendererEvent, event: AppEvent): void => {
  if (listeners.size === 0) {
    if (event.type === 'dial-request') waitingDialRequest = event;
    return;
  }
  for (const listener of [...listeners]) listener(event);
});

const api = {
  ...Object.fromEntries(OPERATIONS.map((name) => [name, operation(name)])),
  onEvent(listener: AppEventListener) {
    listeners.add(listener);
    const waiting = waitingDialRequest;
    waitingDialRequest = undefined;
    // After the caller has its unsubscribe function, as any other event would come.
    if (waiting !== undefined) queueMicrotask(() => listeners.has(listener) && listener(waiting));
    return () => {
      listeners.delete(listener);
    };
  },
} as AppApi;

contextBridge.exposeInMainWorld('callscope', api);
