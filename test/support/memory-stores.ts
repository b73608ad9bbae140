// Host stores that keep everything in memory, for host tests that are about calls, not
// about diagnostics or history (those stores have tests of their own).
import type { HistoryEntry, HistoryPage } from '../../main/contract/history.js';
import type { HostStores } from '../../main/host/host.js';
import { StoreError, type DiagnosticsStore, type HistoryStore, type LiveCallInfo } from '../../main/host/diagnostics/types.js';

export interface MemoryStores extends HostStores {
  readonly started: LiveCallInfo[];
  readonly ended: string[];
  readonly entries: HistoryEntry[];
}

export function memoryStores(): MemoryStores {
  const started: LiveCallInfo[] = [];
  const ended: string[] = [];
  const entries: HistoryEntry[] = [];
  let seenMissed = 0;
  const page = (): HistoryPage => ({ entries: [...entries], missed: entries.filter((e) => e.outcome === 'missed').length - seenMissed });
  const unsupported = async (): Promise<never> => {
    throw new StoreError('not-found', 'this test host keeps no diagnostics');
  };
  const diagnostics: DiagnosticsStore = {
    attachAccount: () => () => undefined,
    callStarted: (info) => void started.push(info),
    callEnded: (id) => void ended.push(id),
    addMedia: () => undefined,
    list: () => [],
    subscribe: unsupported,
    unsubscribe: () => undefined,
    unsubscribeAll: () => undefined,
    getMessage: unsupported,
    exportCall: unsupported,
    importChunk: unsupported,
    cancelImport: () => false,
    onListChanged: () => () => undefined,
    onNotice: () => () => undefined,
    close: async () => undefined,
  };
  const history: HistoryStore = {
    record: async (entry) => {
      const full = { ...entry, id: `h${entries.length + 1}` };
      entries.unshift(full);
      return full;
    },
    page: async () => page(),
    remove: async (id) => {
      const i = entries.findIndex((e) => e.id === id);
      if (i >= 0) entries.splice(i, 1);
      return page();
    },
    clear: async () => {
      entries.splice(0);
      return page();
    },
    markMissedSeen: async () => {
      seenMissed = entries.filter((e) => e.outcome === 'missed').length;
      return page();
    },
    missed: async () => page().missed,
  };
  return { diagnostics, history, started, ended, entries };
}
