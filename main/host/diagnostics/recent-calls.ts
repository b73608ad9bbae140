// Recent calls' diagnostics: each saved as `<dataDir>/calls/call-<id>.json` (mode 0600,
// written to a temporary file and renamed), listed in `calls/index.json` so a restart lists
// them without reading them, bounded by count and total size (oldest removed first). The
// last few stay in memory; the rest are read back when opened. A damaged file is set
// aside as `<file>.corrupt` with a notice, never a crash.
import { mkdir, readFile, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { CallListItem } from '../../contract/diagnostics.js';
import { parseCallFile } from './call-file.js';
import { formatBytes, type DiagnosticsLimits } from './limits.js';
import { rawBytesOf, storedListItem, withoutParsedMessages, type StoredCall } from './stored-call.js';
import { StoreError } from './types.js';

const INDEX_FILE = 'index.json';
const CALL_FILE = /^call-[A-Za-z0-9_.-]+\.json$/;

const listItemSchema = z.object({
  key: z.string(), source: z.literal('recent'), title: z.string(), sipCallId: z.string(), accountId: z.string().optional(),
  startedAt: z.number(), messageCount: z.number(), findingCount: z.number(), worst: z.enum(['error', 'warning', 'info']).optional(),
  active: z.literal(false), fileName: z.string().optional(),
});
const indexSchema = z.object({
  version: z.literal(1),
  calls: z.array(z.object({ id: z.string().min(1), file: z.string().regex(CALL_FILE), bytes: z.number().nonnegative(), item: listItemSchema })),
});

interface Entry {
  readonly id: string;
  readonly file: string;
  bytes: number;
  readonly item: CallListItem;
  /** Being written, on disk, or only in memory (it could not be written). */
  state: 'writing' | 'disk' | 'memory';
}

export interface RecentCallsOptions {
  readonly dir: string;
  readonly limits: DiagnosticsLimits;
  readonly notice: (text: string) => void;
  readonly log: (text: string) => void;
  readonly changed: () => void;
}

/** A file name for a host call id: letters, digits, '.', '-' as they are, anything else as _XX. */
export function callFileName(id: string): string {
  return `call-${id.replace(/[^A-Za-z0-9.-]/g, (c) => `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}.json`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class RecentCalls {
  /** Oldest first. */
  private readonly entries = new Map<string, Entry>();
  /** Loaded calls, least recently used first. */
  private readonly memory = new Map<string, StoredCall>();
  private queue: Promise<unknown> = Promise.resolve();
  readonly loaded: Promise<void>;

  constructor(private readonly options: RecentCallsOptions) {
    this.loaded = this.serialized(() => this.load()).catch((error: unknown) => {
      options.log(`callscope: could not read saved call diagnostics in ${options.dir}: ${errorText(error)}`);
    });
  }

  list(): CallListItem[] {
    return [...this.entries.values()].map((e) => e.item);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get memoryBytes(): number {
    let total = 0;
    for (const call of this.memory.values()) total += call.bytes;
    return total;
  }

  get inMemory(): number {
    return this.memory.size;
  }

  /** Keeps a call that just ended: listed and in memory at once, on disk once written. */
  add(id: string, call: StoredCall, fileText: string): Promise<void> {
    this.entries.delete(id);
    const entry: Entry = { id, file: callFileName(id), bytes: Buffer.byteLength(fileText), item: storedListItem(call), state: 'writing' };
    this.entries.set(id, entry);
    this.remember(id, call);
    this.options.changed();
    return this.serialized(async () => {
      if (this.entries.get(id) !== entry) return;
      if (entry.bytes > this.options.limits.recentDiskBytes) {
        entry.state = 'memory';
        this.options.notice(`diagnostics of call ${entry.item.title} are too large to keep on disk (${formatBytes(entry.bytes)}); they are kept in memory until Callscope closes`);
        return;
      }
      try {
        await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
        await this.writeAtomically(entry.file, fileText);
        entry.state = 'disk';
      } catch (error) {
        entry.state = 'memory';
        this.options.notice(`diagnostics of call ${entry.item.title} could not be saved (${errorText(error)}); they are kept in memory until Callscope closes`);
        return;
      }
      await this.prune(id);
      await this.saveIndex();
      this.trimMemory(id);
    });
  }

  /** Resolves when every write asked for so far is done. */
  flushed(): Promise<void> {
    return this.serialized(async () => undefined);
  }

  /** A recent call's diagnostics, read from disk if they are not in memory. */
  async get(id: string): Promise<StoredCall> {
    await this.loaded;
    const cached = this.memory.get(id);
    if (cached) {
      this.remember(id, cached);
      return cached;
    }
    const entry = this.entries.get(id);
    if (entry?.state !== 'disk') throw new StoreError('not-found', 'no saved diagnostics for this call (they may have been removed to make room)');
    return this.serialized(async () => {
      let text: string;
      try {
        text = await readFile(join(this.options.dir, entry.file), 'utf8');
      } catch (error) {
        this.forget(entry);
        await this.saveIndex();
        throw new StoreError('not-found', `the saved diagnostics of this call could not be read (${errorText(error)})`);
      }
      const read = this.toStored(text, entry.id);
      if (typeof read === 'string') {
        await this.setAside(entry.file, read);
        this.forget(entry);
        await this.saveIndex();
        throw new StoreError('not-found', `the saved diagnostics of this call were damaged and have been set aside (${read})`);
      }
      this.remember(id, read.call);
      return read.call;
    });
  }

  /** The call a file holds; the reason when it is damaged or holds another call than `id`. */
  private toStored(text: string, id?: string): { id: string; call: StoredCall } | string {
    const file = parseCallFile(text);
    if (typeof file === 'string') return file;
    const saved = file.saved;
    if (!saved) return 'it names no call';
    if (id !== undefined && saved.id !== id) return 'it holds another call';
    const model = withoutParsedMessages(file.model);
    const call: StoredCall = {
      meta: {
        key: `recent:${saved.id}`, source: 'recent', title: saved.title, sipCallId: saved.sipCallId, startedAt: saved.startedAt,
        ...(saved.accountId === undefined ? {} : { accountId: saved.accountId }),
        ...(saved.epochMs === undefined ? {} : { epochMs: saved.epochMs }),
      },
      model, media: saved.media, bytes: rawBytesOf(model),
    };
    return { id: saved.id, call };
  }

  private remember(id: string, call: StoredCall): void {
    this.memory.delete(id);
    this.memory.set(id, call);
    this.trimMemory(id);
  }

  /** Least recently used first, never `keep` nor a call still being written, until count and bytes fit. */
  private trimMemory(keep: string): void {
    const { recentInMemory, recentMemoryBytes } = this.options.limits;
    let bytes = this.memoryBytes;
    for (const [id, call] of this.memory) {
      if (this.memory.size <= recentInMemory && bytes <= recentMemoryBytes) return;
      const entry = this.entries.get(id);
      if (id === keep || entry?.state === 'writing') continue;
      this.memory.delete(id);
      bytes -= call.bytes;
      // Not on disk: out of memory means gone.
      if (entry?.state === 'memory') {
        this.entries.delete(id);
        this.options.changed();
      }
    }
  }

  private forget(entry: Entry): void {
    this.entries.delete(entry.id);
    this.memory.delete(entry.id);
    this.options.changed();
  }

  /** Oldest first, never the call just added, until count and size fit. */
  private async prune(keep: string): Promise<void> {
    const { recentOnDisk, recentDiskBytes } = this.options.limits;
    const onDisk = [...this.entries.values()].filter((e) => e.state === 'disk');
    let count = onDisk.length;
    let total = onDisk.reduce((sum, e) => sum + e.bytes, 0);
    for (const entry of onDisk) {
      if (count <= recentOnDisk && total <= recentDiskBytes) break;
      if (entry.id === keep) continue;
      count--;
      total -= entry.bytes;
      this.forget(entry);
      await unlink(join(this.options.dir, entry.file)).catch(() => undefined);
    }
  }

  private async setAside(file: string, reason: string): Promise<void> {
    const path = join(this.options.dir, file);
    await rename(path, `${path}.corrupt`).catch(() => unlink(path).catch(() => undefined));
    this.options.notice(`saved diagnostics ${path} are damaged (${reason}); skipped, and kept as ${file}.corrupt`);
  }

  private async writeAtomically(file: string, text: string): Promise<void> {
    const path = join(this.options.dir, file);
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, path);
  }

  private async saveIndex(): Promise<void> {
    const calls = [...this.entries.values()].filter((e) => e.state === 'disk').map(({ id, file, bytes, item }) => ({ id, file, bytes, item }));
    try {
      await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
      await this.writeAtomically(INDEX_FILE, JSON.stringify({ version: 1, calls }));
    } catch (error) {
      this.options.log(`callscope: could not write ${join(this.options.dir, INDEX_FILE)}: ${errorText(error)}`);
    }
  }

  private async load(): Promise<void> {
    // Calls saved while this ran are newer than any on disk: they go after them.
    const early = [...this.entries.values()];
    this.entries.clear();
    try {
      await this.loadFromDisk();
    } finally {
      for (const entry of early) {
        this.entries.delete(entry.id);
        this.entries.set(entry.id, entry);
      }
    }
  }

  private async loadFromDisk(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.options.dir);
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return;
      throw error;
    }
    for (const name of names) if (name.endsWith('.tmp')) await unlink(join(this.options.dir, name)).catch(() => undefined);
    const files = new Set(names.filter((n) => CALL_FILE.test(n)));
    let indexed: z.output<typeof indexSchema>['calls'] = [];
    let dirty = false;
    try {
      const parsed = indexSchema.safeParse(JSON.parse(await readFile(join(this.options.dir, INDEX_FILE), 'utf8')));
      if (parsed.success) indexed = parsed.data.calls;
      else throw new Error('unexpected shape');
    } catch (error) {
      const missing = error instanceof Error && 'code' in error && error.code === 'ENOENT';
      if (!missing) this.options.notice(`the list of saved call diagnostics (${join(this.options.dir, INDEX_FILE)}) was damaged; it was rebuilt from the files`);
      dirty = files.size > 0 || !missing;
    }
    for (const { id, file, bytes, item } of indexed) {
      // A file whose size changed since it was written is read in full below (and set aside if damaged).
      const size = files.has(file) ? await stat(join(this.options.dir, file)).then((s) => s.size, () => -1) : -1;
      if (size !== bytes || this.entries.has(id)) {
        dirty = true;
        continue;
      }
      files.delete(file);
      this.entries.set(id, { id, file, bytes, item, state: 'disk' });
    }
    // Files the index does not name (written just before a crash, a rebuilt index) or that changed: read them.
    const found: Entry[] = [];
    for (const file of files) {
      dirty = true;
      const path = join(this.options.dir, file);
      const read = await readFile(path, 'utf8').then((text) => this.toStored(text), (error: unknown) => `not readable (${errorText(error)})`);
      if (typeof read === 'string' || callFileName(read.id) !== file || this.entries.has(read.id)) {
        await this.setAside(file, typeof read === 'string' ? read : 'its name does not match the call it holds');
        continue;
      }
      const bytes = (await stat(path)).size;
      found.push({ id: read.id, file, bytes, item: storedListItem(read.call), state: 'disk' });
    }
    for (const entry of found.sort((a, b) => a.item.startedAt - b.item.startedAt)) this.entries.set(entry.id, entry);
    if (this.entries.size > 0) this.options.changed();
    if (dirty) {
      await this.prune('');
      await this.saveIndex();
    }
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
