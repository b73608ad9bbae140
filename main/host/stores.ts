// The host's stores in the data directory: the per-call diagnostics (live, recent on
// disk, imported) and the call history.
import { createDiagnosticsStore } from './diagnostics/diagnostics-store.js';
import { createHistoryStore } from './history/history-store.js';
import type { HostStores } from './host.js';

export function defaultStores(dataDir: string, log: (message: string) => void): HostStores {
  return { diagnostics: createDiagnosticsStore({ dataDir, log }), history: createHistoryStore({ dataDir, log }) };
}
