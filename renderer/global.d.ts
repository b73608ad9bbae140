import type { AppApi } from '../main/contract/app-api.js';

declare global {
  interface Window {
    /** Present in Electron: the preload's app API. Absent in browser mode. */
    readonly callscope?: AppApi;
  }
}

export {};
