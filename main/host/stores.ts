// TEMPORARY (reverted when the real stores land): see temporary-memory-stores.ts.
import type { HostStores } from './host.js';
import { memoryStores } from './temporary-memory-stores.js';

export function defaultStores(_dataDir: string, _log: (message: string) => void): HostStores {
  return memoryStores();
}
