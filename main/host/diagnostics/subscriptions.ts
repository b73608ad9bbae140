// Who watches which call: a snapshot when they subscribe, then, for a live call, batched
// updates at most every updateIntervalMs while it changes: new rows appended (increasing
// index), changed transactions whole, dialogs / findings / notes only when they changed,
// new media summaries. Dialogs and findings need the full model: it is rebuilt at most every
// findingsIntervalMs, and less often for a call whose build is slow (20× its last cost).
import type { CallDiagnostics, CallDiagnosticsUpdate, SubscribeCallResult } from '../../contract/diagnostics.js';
import type { TransactionModel } from '../../../src/diagnostics/model-types.js';
import type { Clock, TimerHandle } from '../../../src/util/clock.js';
import type { CallBucket } from './call-bucket.js';
import type { DiagnosticsLimits } from './limits.js';
import { storedSnapshot, type StoredCall } from './stored-call.js';
import { StoreError } from './types.js';

interface Subscription {
  readonly id: number;
  readonly owner: number;
  readonly key: string;
  readonly send: (update: CallDiagnosticsUpdate) => void;
  bucket: CallBucket | undefined;
  seq: number;
  rows: number;
  dialogsVersion: number;
  findingsVersion: number;
  notesVersion: number;
  media: number;
}

/** A call whose full build is slow is rebuilt at most every 10× its cost (10% of a core), and at least every 5 s. */
const BUILD_COST_FACTOR = 10;
const SLOWEST_REBUILD_MS = 5000;

export class Subscriptions {
  private nextId = 1;
  private readonly all = new Map<number, Subscription>();
  private readonly watchers = new Map<CallBucket, Set<Subscription>>();
  private readonly timers = new Map<CallBucket, { handle: TimerHandle; due: number }>();
  private readonly lastFlush = new Map<CallBucket, number>();

  constructor(private readonly options: {
    readonly clock: Clock;
    readonly limits: DiagnosticsLimits;
    readonly log: (message: string) => void;
  }) {}

  subscribeLive(key: string, bucket: CallBucket, owner: number, send: (update: CallDiagnosticsUpdate) => void): SubscribeCallResult {
    this.checkRoom(owner);
    const snapshot = this.liveSnapshot(key, bucket);
    if (!this.watchers.has(bucket)) bucket.view.forgetChanged();
    const subscription: Subscription = {
      id: this.nextId++, owner, key, send, bucket, seq: 0, rows: snapshot.messages.length,
      dialogsVersion: bucket.dialogsVersion, findingsVersion: bucket.findingsVersion, notesVersion: bucket.notesVersion,
      media: bucket.mediaCount,
    };
    this.all.set(subscription.id, subscription);
    let set = this.watchers.get(bucket);
    if (!set) this.watchers.set(bucket, set = new Set());
    set.add(subscription);
    return { subscriptionId: subscription.id, snapshot };
  }

  /** A call that no longer changes: the snapshot is all there is. */
  subscribeStored(stored: StoredCall, owner: number, send: (update: CallDiagnosticsUpdate) => void): SubscribeCallResult {
    this.checkRoom(owner);
    const snapshot = storedSnapshot(stored);
    const subscription: Subscription = {
      id: this.nextId++, owner, key: stored.meta.key, send, bucket: undefined, seq: 0, rows: snapshot.messages.length,
      dialogsVersion: 0, findingsVersion: 0, notesVersion: 0, media: 0,
    };
    this.all.set(subscription.id, subscription);
    return { subscriptionId: subscription.id, snapshot };
  }

  unsubscribe(id: number, owner: number): void {
    const subscription = this.all.get(id);
    if (!subscription || subscription.owner !== owner) return;
    this.remove(subscription);
  }

  unsubscribeAll(owner: number): void {
    for (const subscription of [...this.all.values()]) if (subscription.owner === owner) this.remove(subscription);
  }

  get count(): number {
    return this.all.size;
  }

  /** The call changed: its watchers get an update soon (at most every updateIntervalMs). */
  changed(bucket: CallBucket): void {
    if (!this.watchers.has(bucket)) return;
    const now = this.options.clock.now();
    const last = this.lastFlush.get(bucket) ?? Number.NEGATIVE_INFINITY;
    const due = Math.max(now, last + this.options.limits.updateIntervalMs);
    const pending = this.timers.get(bucket);
    // A flush already due by then will do (one waiting only for the findings' next build will not).
    if (pending && pending.due <= due) return;
    pending?.handle.cancel();
    this.schedule(bucket, due - now);
  }

  /** Sends what is left now, with a fresh build (the call is about to be saved). */
  flushNow(bucket: CallBucket): void {
    this.timers.get(bucket)?.handle.cancel();
    this.timers.delete(bucket);
    if (this.watchers.has(bucket)) this.flush(bucket, true);
  }

  /** The call was saved: its watchers keep their subscription, with no more updates. */
  detach(bucket: CallBucket): void {
    this.timers.get(bucket)?.handle.cancel();
    this.timers.delete(bucket);
    this.lastFlush.delete(bucket);
    for (const subscription of this.watchers.get(bucket) ?? []) subscription.bucket = undefined;
    this.watchers.delete(bucket);
  }

  close(): void {
    for (const timer of this.timers.values()) timer.handle.cancel();
    this.timers.clear();
    this.watchers.clear();
    this.all.clear();
  }

  private liveSnapshot(key: string, bucket: CallBucket): CallDiagnostics {
    bucket.view.settle();
    if (bucket.modelDirty) this.build(bucket);
    bucket.refreshNotes();
    return {
      key, title: bucket.calls.get(key.slice('live:'.length))?.title ?? bucket.title, source: 'live',
      sipCallId: bucket.sipCallId, t1: bucket.t1, notes: bucket.notes(), messages: bucket.view.rowsFrom(0),
      transactions: bucket.view.allTransactions(), dialogs: bucket.dialogs, findings: bucket.findings, media: bucket.media,
    };
  }

  private build(bucket: CallBucket): void {
    bucket.build();
    bucket.lastBuildAt = this.options.clock.now();
  }

  private nextBuildAt(bucket: CallBucket): number {
    const interval = Math.max(this.options.limits.findingsIntervalMs, Math.min(SLOWEST_REBUILD_MS, BUILD_COST_FACTOR * bucket.lastBuildCostMs));
    return bucket.lastBuildAt + interval;
  }

  private schedule(bucket: CallBucket, wait: number): void {
    const handle = this.options.clock.setTimer(wait, () => {
      this.timers.delete(bucket);
      try {
        this.flush(bucket, false);
      } catch (error) {
        this.options.log(`callscope: diagnostics update of ${bucket.sipCallId} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    this.timers.set(bucket, { handle, due: this.options.clock.now() + wait });
  }

  private flush(bucket: CallBucket, final: boolean): void {
    const watchers = this.watchers.get(bucket);
    if (!watchers) return;
    const now = this.options.clock.now();
    bucket.view.settle();
    if (bucket.modelDirty && (final || now >= this.nextBuildAt(bucket))) this.build(bucket);
    bucket.refreshNotes();
    const transactions: TransactionModel[] = bucket.view.takeChanged();
    for (const subscription of watchers) this.sendUpdate(subscription, bucket, transactions);
    this.lastFlush.set(bucket, now);
    // Findings still to rebuild: come back when the build is allowed, even if nothing else changes.
    if (bucket.modelDirty && !final) this.schedule(bucket, Math.max(this.options.limits.updateIntervalMs, this.nextBuildAt(bucket) - now));
  }

  private sendUpdate(subscription: Subscription, bucket: CallBucket, transactions: readonly TransactionModel[]): void {
    const messages = bucket.view.rowsFrom(subscription.rows);
    const media = bucket.mediaSince(subscription.media);
    const dialogs = subscription.dialogsVersion === bucket.dialogsVersion ? undefined : bucket.dialogs;
    const findings = subscription.findingsVersion === bucket.findingsVersion ? undefined : bucket.findings;
    const notes = subscription.notesVersion === bucket.notesVersion ? undefined : bucket.notes();
    if (messages.length === 0 && transactions.length === 0 && media.length === 0 && !dialogs && !findings && !notes) return;
    subscription.rows += messages.length;
    subscription.media = bucket.mediaCount;
    subscription.dialogsVersion = bucket.dialogsVersion;
    subscription.findingsVersion = bucket.findingsVersion;
    subscription.notesVersion = bucket.notesVersion;
    const update: CallDiagnosticsUpdate = {
      subscriptionId: subscription.id, seq: ++subscription.seq, messages, transactions, media,
      ...(dialogs ? { dialogs } : {}), ...(findings ? { findings } : {}), ...(notes ? { notes } : {}),
    };
    try {
      subscription.send(update);
    } catch (error) {
      this.options.log(`callscope: a diagnostics update could not be delivered: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private checkRoom(owner: number): void {
    let open = 0;
    for (const subscription of this.all.values()) if (subscription.owner === owner) open++;
    if (open >= this.options.limits.subscriptionsPerOwner) {
      throw new StoreError('too-large', `a page may watch at most ${this.options.limits.subscriptionsPerOwner} calls at once; close one first`);
    }
  }

  private remove(subscription: Subscription): void {
    this.all.delete(subscription.id);
    const bucket = subscription.bucket;
    if (!bucket) return;
    const set = this.watchers.get(bucket);
    set?.delete(subscription);
    if (set && set.size === 0) {
      this.watchers.delete(bucket);
      this.timers.get(bucket)?.handle.cancel();
      this.timers.delete(bucket);
    }
  }
}
