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
  'listDiagnostics', 'subscribeCall', 'unsubscribeCall', 'getMessage', 'exportCall', 'importTraceChunk',
  'getHistory', 'deleteHistoryEntry', 'clearHistory', 'markMissedSeen',
  'getTestLine', 'setTestLine',
] as const satisfies readonly OperationName[];
type MissingOperation = Exclude<OperationName, (typeof OPERATIONS)[number]>;
const complete: [MissingOperation] extends [never] ? true : MissingOperation = true;
void complete;

const api = {
  ...Object.fromEntries(OPERATIONS.map((name) => [name, operation(name)])),
  onEvent(listener: AppEventListener) {
    const forward = (_event: IpcRendererEvent, event: AppEvent): void => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  },
} as AppApi;

contextBridge.exposeInMainWorld('callscope', api);
