// Everything kept for one SIP Call-ID of one account while it is live: a LiveRecorder (the
// full model, for findings, exports and saving) and a CallView (rows and transactions,
// for cheap updates) fed with the same events, what was dropped, the page's media
// summaries, and the dialogs, findings and notes of the last full build.
import type { CallListItem } from '../../contract/diagnostics.js';
import type { MediaSummary } from '../../contract/media.js';
import { LiveRecorder } from '../../../src/diagnostics/live-recorder.js';
import type { DialogModel, Finding, TraceModel } from '../../../src/diagnostics/model-types.js';
import type { ParseResult } from '../../../src/message/index.js';
import type { DiagnosticsEvent } from '../../../src/trace/events.js';
import { CallView } from './call-view.js';
import { formatBytes, formatCount, type DiagnosticsLimits } from './limits.js';
import type { LiveCallInfo } from './types.js';
import { worstOf } from './stored-call.js';

export type DropReason = 'per-call' | 'total' | 'unclaimed';

export class CallBucket {
  readonly recorder = new LiveRecorder();
  readonly view = new CallView();
  /** Host calls that claimed this Call-ID (usually one; a call to oneself has two legs). */
  readonly calls = new Map<string, LiveCallInfo>();
  readonly ended = new Set<string>();
  bytes = 0;
  events = 0;
  readonly dropped: Record<DropReason, number> = { 'per-call': 0, total: 0, unclaimed: 0 };
  droppedEvents = 0;
  lastActivity: number;
  /** Wall-clock ms of the stream's time 0 (wall clock minus the first event's time). */
  epochMs: number | undefined;
  // The last full build.
  dialogs: readonly DialogModel[] = [];
  findings: readonly Finding[] = [];
  private stackNotes: readonly string[] = [];
  modelDirty = false;
  lastBuildAt = Number.NEGATIVE_INFINITY;
  lastBuildCostMs = 0;
  /** T1 of the last build (the stream's first retransmission timer, else 500 ms). */
  t1 = 500;
  // Versions, so a subscriber gets dialogs, findings and notes only when they changed.
  dialogsVersion = 0;
  findingsVersion = 0;
  notesVersion = 0;
  private notesText = '';
  private currentNotes: readonly string[] = [];
  private readonly mediaRing: MediaSummary[] = [];
  /** Media summaries ever added (the ring keeps the latest). */
  mediaCount = 0;

  constructor(
    readonly accountId: string,
    readonly sipCallId: string,
    createdAt: number,
    private readonly limits: DiagnosticsLimits,
  ) {
    this.lastActivity = createdAt;
  }

  get claimed(): boolean {
    return this.calls.size > 0;
  }

  /** Claimed, and every host call on it has ended. */
  get finished(): boolean {
    return this.claimed && [...this.calls.keys()].every((id) => this.ended.has(id));
  }

  get messageLimit(): number {
    return this.claimed ? this.limits.perCallMessages : this.limits.pendingMessagesPerCallId;
  }

  get byteLimit(): number {
    return this.claimed ? this.limits.perCallBytes : this.limits.pendingBytesPerCallId;
  }

  /** `now` is the store's clock (for idleness), `wall` the wall clock (to place the stream's times). */
  record(event: DiagnosticsEvent, cost: number, now: number, wall: number, parsed?: ParseResult): void {
    this.epochMs ??= wall - event.at;
    this.recorder.record(event);
    this.view.record(event, parsed);
    this.bytes += cost;
    this.events++;
    this.lastActivity = now;
    this.modelDirty = true;
  }

  drop(reason: DropReason, message: boolean): void {
    if (message) this.dropped[reason]++;
    else this.droppedEvents++;
  }

  get droppedMessages(): number {
    return this.dropped['per-call'] + this.dropped.total + this.dropped.unclaimed;
  }

  addMedia(summary: MediaSummary): void {
    this.mediaRing.push(summary);
    if (this.mediaRing.length > this.limits.mediaPerCall) this.mediaRing.shift();
    this.mediaCount++;
  }

  /** The media summaries added after the first `seen` (the latest ones only, if many). */
  mediaSince(seen: number): MediaSummary[] {
    const fresh = Math.min(this.mediaCount - seen, this.mediaRing.length);
    return fresh > 0 ? this.mediaRing.slice(this.mediaRing.length - fresh) : [];
  }

  get media(): readonly MediaSummary[] {
    return this.mediaRing;
  }

  /** The full model of what was kept: dialogs, findings and notes are taken from it. */
  build(): TraceModel {
    const started = performance.now();
    const model = this.recorder.model();
    this.lastBuildCostMs = performance.now() - started;
    this.modelDirty = false;
    this.t1 = model.t1;
    const dialogs = model.calls.flatMap((c) => c.dialogs);
    const findings = model.calls.flatMap((c) => c.findings);
    if (JSON.stringify(dialogs) !== JSON.stringify(this.dialogs)) this.dialogsVersion++;
    if (JSON.stringify(findings) !== JSON.stringify(this.findings)) this.findingsVersion++;
    this.dialogs = dialogs;
    this.findings = findings;
    this.stackNotes = model.notes;
    this.refreshNotes();
    return { ...model, notes: this.notes() };
  }

  /** What was dropped, in words, then the stack's notes (the first notesPerCall of them). */
  notes(): readonly string[] {
    return this.currentNotes;
  }

  /** What was dropped, in words (empty when nothing was). */
  dropNotes(): string[] {
    const limits = this.limits;
    const words: string[] = [];
    if (this.dropped.unclaimed > 0) {
      words.push(`${formatCount(this.dropped.unclaimed)} messages dropped before the call started (at most ${formatCount(limits.pendingMessagesPerCallId)} messages / ${formatBytes(limits.pendingBytesPerCallId)} are kept for a Call-ID no call has claimed)`);
    }
    if (this.dropped['per-call'] > 0) {
      words.push(`${formatCount(this.dropped['per-call'])} messages dropped (per-call limit ${formatCount(limits.perCallMessages)} messages / ${formatBytes(limits.perCallBytes)})`);
    }
    if (this.dropped.total > 0) {
      words.push(`${formatCount(this.dropped.total)} messages dropped (all live calls together keep at most ${formatBytes(limits.totalBytes)})`);
    }
    if (this.droppedEvents > 0) words.push(`${formatCount(this.droppedEvents)} transaction events dropped with them`);
    return words;
  }

  /** Recomputes the notes; true when they changed. */
  refreshNotes(): boolean {
    const limits = this.limits;
    const words = this.dropNotes();
    const stack = this.stackNotes.length > limits.notesPerCall
      ? [...this.stackNotes.slice(0, limits.notesPerCall), `${formatCount(this.stackNotes.length - limits.notesPerCall)} more notes not shown`]
      : this.stackNotes;
    const notes = [...words, ...stack];
    const text = notes.join('\n');
    if (text === this.notesText) return false;
    this.notesText = text;
    this.currentNotes = notes;
    this.notesVersion++;
    return true;
  }

  /** The bucket's title: its first host call's, or the Call-ID. */
  get title(): string {
    return this.calls.values().next().value?.title ?? this.sipCallId;
  }

  listItem(info: LiveCallInfo): CallListItem {
    const worst = worstOf(this.findings);
    return {
      key: `live:${info.id}`, source: 'live', title: info.title, sipCallId: this.sipCallId, accountId: this.accountId,
      startedAt: info.startedAt, messageCount: this.view.messageCount, findingCount: this.findings.length,
      active: !this.ended.has(info.id), ...(worst ? { worst } : {}),
    };
  }
}
