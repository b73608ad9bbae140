// The host's per-call diagnostics (DiagnosticsStore, types.ts): reads every account's
// diagnostics stream (call-router.ts), keeps each followed call live under `live:<id>`
// (call-bucket.ts), pushes batched updates to its watchers (subscriptions.ts), saves it
// when it ended and its transactions are done as `recent:<id>` (recent-calls.ts), and
// imports traces (trace-imports.ts). Memory, disk and work are bounded by limits.ts.
import { join } from 'node:path';
import type { CallListItem, ExportedFile, ImportChunkResult, MessageText } from '../../contract/diagnostics.js';
import type { TraceModel } from '../../../src/diagnostics/model-types.js';
import { backgroundClock, type Clock, type TimerHandle } from '../../../src/util/clock.js';
import type { CallBucket, DropReason } from './call-bucket.js';
import { exportCallFile, type ExportFormat } from './call-export.js';
import { callFileText } from './call-file.js';
import { CallRouter, type MalformedSample, type StraySample } from './call-router.js';
import { DEFAULT_DIAGNOSTICS_LIMITS, formatBytes, formatCount, type DiagnosticsLimits } from './limits.js';
import { messageText } from './message-summary.js';
import { RecentCalls } from './recent-calls.js';
import { rawBytesOf, storedMessage, withoutParsedMessages, type StoredCall } from './stored-call.js';
import { Subscriptions } from './subscriptions.js';
import { TraceImports, type ImportRequest } from './trace-imports.js';
import { StoreError, type DiagnosticsStore, type LiveCallInfo } from './types.js';

export interface DiagnosticsStoreOptions {
  readonly dataDir: string;
  readonly limits?: Partial<DiagnosticsLimits>;
  /** Host-side problems (never with secrets). Default console.error. */
  readonly log?: (message: string) => void;
  /** Wall clock, ms since the epoch. */
  readonly now?: () => number;
  /** Monotonic time and timers: the stack's clock (a FakeClock in tests). */
  readonly clock?: Clock;
}

export interface DiagnosticsStoreStats {
  /** Bytes held for live and not-yet-claimed calls (the totalBytes budget). */
  readonly retainedBytes: number;
  readonly retainedEvents: number;
  readonly liveCalls: number;
  readonly pendingCallIds: number;
  readonly strays: { readonly callIds: number; readonly messages: number; readonly events: number; readonly samples: readonly StraySample[] };
  readonly malformed: { readonly count: number; readonly samples: readonly MalformedSample[] };
  readonly recentInMemory: number;
  readonly recentMemoryBytes: number;
  readonly imports: number;
  readonly importBytes: number;
  readonly uploads: number;
  readonly subscriptions: number;
}

export interface HostDiagnosticsStore extends DiagnosticsStore {
  /** Resolves when the recent calls on disk are listed. */
  ready(): Promise<void>;
  /** Resolves when every save asked for so far is on disk. */
  flushed(): Promise<void>;
  stats(): DiagnosticsStoreStats;
}

export function createDiagnosticsStore(options: DiagnosticsStoreOptions): HostDiagnosticsStore {
  const limits: DiagnosticsLimits = { ...DEFAULT_DIAGNOSTICS_LIMITS, ...options.limits };
  const log = options.log ?? ((message: string) => console.error(message));
  const now = options.now ?? Date.now;
  const clock = options.clock ?? backgroundClock;
  const listListeners = new Set<(calls: readonly CallListItem[]) => void>();
  const noticeListeners = new Set<(text: string) => void>();
  /** Host call id -> its bucket, while live. */
  const live = new Map<string, CallBucket>();
  /** Ended calls waiting for their transactions, with the grace timer. */
  const finishing = new Map<CallBucket, TimerHandle>();
  let closed = false;

  const notify = <T>(listeners: Set<(value: T) => void>, value: T): void => {
    for (const listener of [...listeners]) {
      try {
        listener(value);
      } catch (error) {
        log(`callscope: a diagnostics listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  const notice = (text: string): void => notify(noticeListeners, text);
  const list = (): CallListItem[] => {
    const items: CallListItem[] = [];
    for (const [id, bucket] of live) {
      const info = bucket.calls.get(id);
      if (info) items.push(bucket.listItem(info));
    }
    return [...items, ...recents.list().reverse(), ...imports.list()];
  };
  const listChanged = (): void => {
    if (!closed) notify(listListeners, list());
  };

  const subscriptions = new Subscriptions({ clock, limits, log });
  const recents = new RecentCalls({ dir: join(options.dataDir, 'calls'), limits, notice, log, changed: listChanged });
  const imports = new TraceImports({ clock, limits, changed: listChanged });

  const dropWords = (reason: DropReason): string => (reason === 'per-call'
    ? `the per-call limit of ${formatCount(limits.perCallMessages)} messages / ${formatBytes(limits.perCallBytes)}`
    : reason === 'total' ? `the limit of ${formatBytes(limits.totalBytes)} for all live calls together`
      : `the limit for a Call-ID no call has claimed yet`);

  const router = new CallRouter({
    limits, clock, now,
    hooks: {
      changed(bucket) {
        subscriptions.changed(bucket);
        if (finishing.has(bucket) && bucket.view.allTerminated()) saveSoon(bucket);
      },
      firstDrop(bucket, reason) {
        notice(`diagnostics of call ${bucket.title}: messages beyond ${dropWords(reason)} are dropped (counted, not kept)`);
      },
    },
  });

  /** The call ended: save it once its transactions are done, or after the grace period. */
  const finish = (bucket: CallBucket): void => {
    if (!bucket.finished || finishing.has(bucket)) return;
    if (bucket.view.allTerminated()) saveSoon(bucket);
    else finishing.set(bucket, clock.setTimer(limits.endGraceMs, () => save(bucket)));
  };

  /** Saves outside the stream's listener (a big call takes a while to build). */
  const saveSoon = (bucket: CallBucket): void => {
    finishing.get(bucket)?.cancel();
    finishing.set(bucket, clock.setTimer(0, () => save(bucket)));
  };

  /** Saves a bucket as recent calls (one per host call on it) and frees it, whatever happens. */
  const save = (bucket: CallBucket): void => {
    finishing.get(bucket)?.cancel();
    finishing.delete(bucket);
    try {
      bucket.view.settle();
      const model = withoutParsedMessages(bucket.build());
      // Watchers get the last rows and the final findings.
      subscriptions.flushNow(bucket);
      for (const [id, info] of bucket.calls) keepRecent(id, info, bucket, model);
      const dropped = bucket.dropNotes();
      if (dropped.length > 0) notice(`diagnostics of call ${bucket.title}: ${dropped.join('; ')}`);
    } catch (error) {
      notice(`diagnostics of call ${bucket.title} could not be saved: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      for (const id of bucket.calls.keys()) if (live.get(id) === bucket) live.delete(id);
      subscriptions.detach(bucket);
      router.release(bucket);
      listChanged();
    }
  };

  const keepRecent = (id: string, info: LiveCallInfo, bucket: CallBucket, model: TraceModel): void => {
    const epoch = bucket.epochMs === undefined ? {} : { epochMs: bucket.epochMs };
    const stored: StoredCall = {
      meta: { key: `recent:${id}`, source: 'recent', title: info.title, sipCallId: bucket.sipCallId, accountId: bucket.accountId, startedAt: info.startedAt, ...epoch },
      model, media: [...bucket.media], bytes: rawBytesOf(model),
    };
    const text = callFileText(model, {
      id, title: info.title, sipCallId: bucket.sipCallId, accountId: bucket.accountId, startedAt: info.startedAt, media: bucket.media, ...epoch,
    });
    live.delete(id);
    recents.add(id, stored, text).catch((error: unknown) => log(`callscope: saving diagnostics of ${id} failed: ${String(error)}`));
  };

  const stored = async (key: string): Promise<StoredCall> => {
    if (key.startsWith('recent:')) return recents.get(key.slice('recent:'.length));
    const call = key.startsWith('import:') ? imports.get(key) : undefined;
    if (!call) throw new StoreError('not-found', `no diagnostics for ${key} (an import is kept only until newer ones replace it)`);
    return call;
  };

  /** A live key of a call that was saved meanwhile is its recent key. */
  const resolve = (key: string): { bucket: CallBucket; id: string } | { key: string } => {
    if (closed) throw new StoreError('internal', 'diagnostics are closed (Callscope is quitting)');
    if (!key.startsWith('live:')) return { key };
    const id = key.slice('live:'.length);
    const bucket = live.get(id);
    if (bucket) return { bucket, id };
    if (recents.has(id)) return { key: `recent:${id}` };
    throw new StoreError('not-found', `no live call ${id}`);
  };

  return {
    attachAccount: (accountId, stream) => (closed ? () => undefined : router.attach(accountId, stream)),

    callStarted(info) {
      if (closed || live.has(info.id)) return;
      live.set(info.id, router.claim(info));
      listChanged();
    },

    callEnded(id) {
      const bucket = live.get(id);
      if (!bucket) return;
      bucket.ended.add(id);
      listChanged();
      finish(bucket);
    },

    addMedia(id, summary) {
      const bucket = live.get(id);
      if (!bucket) return;
      bucket.addMedia(summary);
      subscriptions.changed(bucket);
    },

    list,

    async subscribe(key, owner, send) {
      const target = resolve(key);
      if ('bucket' in target) return subscriptions.subscribeLive(key, target.bucket, owner, send);
      return subscriptions.subscribeStored(await stored(target.key), owner, send);
    },

    unsubscribe: (subscriptionId, owner) => subscriptions.unsubscribe(subscriptionId, owner),
    unsubscribeAll: (owner) => subscriptions.unsubscribeAll(owner),

    async getMessage(key, index): Promise<MessageText> {
      const target = resolve(key);
      if ('bucket' in target) {
        target.bucket.view.settle();
        const message = target.bucket.view.message(index);
        if (!message) throw new StoreError('not-found', `call ${target.id} has no message ${index}`);
        return messageText(index, message.raw, message.parseError);
      }
      const message = storedMessage(await stored(target.key), index);
      if (!message) throw new StoreError('not-found', `${target.key} has no message ${index}`);
      return messageText(index, message.raw, message.parseError);
    },

    async exportCall(key, format: ExportFormat): Promise<ExportedFile> {
      const target = resolve(key);
      if ('bucket' in target) {
        const { bucket, id } = target;
        const info = bucket.calls.get(id);
        return exportCallFile({
          model: bucket.build(), startedAt: info?.startedAt ?? now(), sipCallId: bucket.sipCallId,
          ...(bucket.epochMs === undefined ? {} : { epochMs: bucket.epochMs }),
        }, format);
      }
      const call = await stored(target.key);
      return exportCallFile({
        model: call.model, startedAt: call.meta.startedAt, sipCallId: call.meta.sipCallId,
        ...(call.callId === undefined ? {} : { callId: call.callId }),
        ...(call.meta.epochMs === undefined ? {} : { epochMs: call.meta.epochMs }),
      }, format);
    },

    async importChunk(request: ImportRequest): Promise<ImportChunkResult> {
      if (closed) throw new StoreError('internal', 'diagnostics are closed (Callscope is quitting)');
      return imports.chunk(request);
    },

    cancelImport(uploadId) {
      return imports.cancel(uploadId);
    },

    onListChanged(listener) {
      listListeners.add(listener);
      return () => listListeners.delete(listener);
    },

    onNotice(listener) {
      noticeListeners.add(listener);
      return () => noticeListeners.delete(listener);
    },

    ready: async () => {
      await recents.loaded;
    },

    flushed: () => recents.flushed(),

    stats: () => ({
      retainedBytes: router.totalBytes, retainedEvents: router.retainedEvents, liveCalls: live.size,
      pendingCallIds: router.pendingCallIds,
      strays: { ...router.strays, samples: [...router.strays.samples] },
      malformed: { count: router.malformed.count, samples: [...router.malformed.samples] },
      recentInMemory: recents.inMemory, recentMemoryBytes: recents.memoryBytes,
      imports: imports.stats.imports, importBytes: imports.stats.bytes, uploads: imports.stats.uploads,
      subscriptions: subscriptions.count,
    }),

    async close() {
      if (closed) return;
      // Calls still live are saved as they are: nothing is lost when Callscope quits.
      for (const bucket of new Set(live.values())) save(bucket);
      closed = true;
      router.close();
      subscriptions.close();
      imports.close();
      await recents.flushed();
      listListeners.clear();
      noticeListeners.clear();
    },
  };
}
