// Call history (HistoryStore, ../diagnostics/types.ts): `<dataDir>/history.json` (mode
// 0600), newest first, at most maxEntries (the oldest dropped), written whole to a
// temporary file and renamed, one operation at a time. Missed calls ended after the last
// markMissedSeen are "not yet seen". A damaged file is kept as history.json.corrupt-<time>,
// replaced by what could be read, and reported once in the next page's notice.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { EndCause } from '../../contract/calls.js';
import type { HistoryEntry, HistoryPage } from '../../contract/history.js';
import { StoreError, type HistoryStore } from '../diagnostics/types.js';

export const HISTORY_FILE = 'history.json';
const DEFAULT_PAGE = 100;

/** The list, checked to name every EndCause: adding one to the contract fails here until it is listed. */
function everyCause<const T extends readonly EndCause[]>(list: T & (Exclude<EndCause, T[number]> extends never ? unknown : never)): T {
  return list;
}

const END_CAUSES = everyCause([
  'hangup-local', 'hangup-remote', 'busy', 'declined', 'no-answer', 'missed', 'cancelled', 'rejected', 'unreachable',
  'request-timeout', 'network-error', 'auth-failed', 'transferred', 'replaced', 'media-failure', 'window-closed', 'protocol-error',
]);

const entrySchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  direction: z.enum(['outgoing', 'incoming']),
  accountId: z.string(),
  peerDisplay: z.string(),
  peerUri: z.string(),
  startedAt: z.number(),
  answeredAt: z.number().optional(),
  endedAt: z.number(),
  durationS: z.number().nonnegative(),
  outcome: z.enum(['answered', 'missed', 'rejected', 'failed', 'cancelled']),
  cause: z.enum(END_CAUSES),
  words: z.string(),
  diagnosticsKey: z.string().optional(),
});
const fileSchema = z.object({
  version: z.literal(1),
  /** Missed calls that ended at or before this (ms since the epoch) have been seen. */
  missedSeenAt: z.number().default(0),
  entries: z.array(z.unknown()),
});

interface History {
  entries: HistoryEntry[];
  missedSeenAt: number;
}

export interface HistoryStoreOptions {
  readonly dataDir: string;
  readonly maxEntries?: number;
  /** Wall clock, ms since the epoch. */
  readonly now?: () => number;
  readonly log?: (message: string) => void;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createHistoryStore(options: HistoryStoreOptions): HistoryStore {
  const path = join(options.dataDir, HISTORY_FILE);
  const maxEntries = options.maxEntries ?? 5000;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((message: string) => console.error(message));
  let history: History | undefined;
  let notice: string | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const serialized = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  /** Keeps a damaged file next to the new one, so nothing is lost. */
  const setAside = async (why: string): Promise<void> => {
    const kept = `${path}.corrupt-${now()}`;
    try {
      await rename(path, kept);
      notice = `The call history file was damaged (${why}) and was replaced; the damaged file is kept as ${kept}.`;
    } catch (error) {
      notice = `The call history file was damaged (${why}) and was replaced; it could not be kept (${errorText(error)}).`;
    }
    log(`callscope: ${notice}`);
  };

  const load = async (): Promise<History> => {
    if (history) return history;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return (history = { entries: [], missedSeenAt: 0 });
      throw new StoreError('internal', `the call history could not be read (${errorText(error)})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      await setAside('not valid JSON');
      return (history = { entries: [], missedSeenAt: 0 });
    }
    const file = fileSchema.safeParse(json);
    if (!file.success) {
      await setAside('not a Callscope history file');
      return (history = { entries: [], missedSeenAt: 0 });
    }
    const entries = file.data.entries.flatMap((e) => {
      const entry = entrySchema.safeParse(e);
      return entry.success ? [entry.data] : [];
    });
    history = { entries: entries.slice(0, maxEntries), missedSeenAt: file.data.missedSeenAt };
    const unreadable = file.data.entries.length - entries.length;
    if (unreadable > 0) {
      await setAside(`${unreadable} of its ${file.data.entries.length} entries could not be read`);
      await save(history);
    }
    return history;
  };

  const save = async (h: History): Promise<void> => {
    try {
      await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify({ version: 1, missedSeenAt: h.missedSeenAt, entries: h.entries })}\n`, { mode: 0o600 });
      await rename(temporary, path);
    } catch (error) {
      throw new StoreError('internal', `the call history could not be saved (${errorText(error)})`);
    }
  };

  const missedOf = (h: History): number => h.entries.filter((e) => e.outcome === 'missed' && e.endedAt > h.missedSeenAt).length;

  const pageOf = (h: History, query: { readonly before?: string; readonly limit: number }): HistoryPage => {
    let start = 0;
    if (query.before !== undefined) {
      const at = h.entries.findIndex((e) => e.id === query.before);
      if (at < 0) throw new StoreError('not-found', 'that history entry is no longer there; reload the history');
      start = at + 1;
    }
    const page: HistoryPage = { entries: h.entries.slice(start, start + query.limit), missed: missedOf(h), ...(notice ? { notice } : {}) };
    notice = undefined;
    return page;
  };

  return {
    record: (entry) => serialized(async () => {
      const h = await load();
      const recorded: HistoryEntry = { ...entry, id: randomUUID() };
      h.entries.unshift(recorded);
      h.entries.length = Math.min(h.entries.length, maxEntries);
      await save(h);
      return recorded;
    }),

    page: (query) => serialized(async () => pageOf(await load(), query)),

    remove: (id) => serialized(async () => {
      const h = await load();
      const at = h.entries.findIndex((e) => e.id === id);
      if (at < 0) throw new StoreError('not-found', 'no such history entry (it may have been removed already)');
      h.entries.splice(at, 1);
      await save(h);
      return pageOf(h, { limit: DEFAULT_PAGE });
    }),

    clear: () => serialized(async () => {
      const h = await load();
      h.entries = [];
      await save(h);
      return pageOf(h, { limit: DEFAULT_PAGE });
    }),

    markMissedSeen: () => serialized(async () => {
      const h = await load();
      h.missedSeenAt = Math.max(now(), ...h.entries.filter((e) => e.outcome === 'missed').map((e) => e.endedAt));
      await save(h);
      return pageOf(h, { limit: DEFAULT_PAGE });
    }),

    missed: () => serialized(async () => missedOf(await load())),
  };
}
