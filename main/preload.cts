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

const api: AppApi = {
  getAppInfo: operation('getAppInfo'),
  getSettings: operation('getSettings'),
  saveAccount: operation('saveAccount'),
  deleteAccount: operation('deleteAccount'),
  onEvent(listener: AppEventListener) {
    const forward = (_event: IpcRendererEvent, event: AppEvent): void => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('callscope', api);
