import type { AppApi } from '../main/app-api.js';

declare global {
  interface Window {
    /** Present in Electron: the preload's app API. Absent in browser mode. */
    readonly callscope?: AppApi;
  }
}

export {};
