// How much diagnostics the host keeps, and for how long. Every number is a bound on memory,
// disk or work whatever arrives on the wire; the store says in words when one was reached.
import { IMPORT_MAX_BYTES } from '../../contract/diagnostics.js';

export interface DiagnosticsLimits {
  /** Messages kept per call (more are counted, not kept). */
  readonly perCallMessages: number;
  /** Bytes kept per call: raw messages plus a fixed cost per event. */
  readonly perCallBytes: number;
  /** Bytes kept for every live and not-yet-claimed call together. */
  readonly totalBytes: number;
  /** Call-IDs seen on the wire that no call claimed yet (REGISTER, OPTIONS, a call about to start). */
  readonly pendingCallIds: number;
  readonly pendingMessagesPerCallId: number;
  readonly pendingBytesPerCallId: number;
  readonly pendingTotalBytes: number;
  /** A pending Call-ID with no traffic for this long is forgotten (its counts remain). */
  readonly pendingIdleMs: number;
  /** Malformed datagrams that belong to no call: counted, and the last few kept as samples. */
  readonly malformedSamples: number;
  readonly sampleBytes: number;
  /** Stack notes (transport errors, ...) kept per call. */
  readonly notesPerCall: number;
  /** Media summaries kept per call (the latest). */
  readonly mediaPerCall: number;
  /** After a call ended, how long its transactions may take to terminate before it is saved anyway. */
  readonly endGraceMs: number;
  /** Subscribers get at most one update per this many ms while a call changes. */
  readonly updateIntervalMs: number;
  /** Dialogs and findings of a live call are rebuilt at most this often (longer for a call whose build is slow). */
  readonly findingsIntervalMs: number;
  /** Recent calls whose diagnostics stay in memory (the rest are read from disk when opened). */
  readonly recentInMemory: number;
  readonly recentMemoryBytes: number;
  /** Recent calls kept on disk, oldest removed first. */
  readonly recentOnDisk: number;
  readonly recentDiskBytes: number;
  /** Imported traces kept (the oldest are dropped), and the bytes of their messages together. */
  readonly imports: number;
  readonly importBytes: number;
  /** The largest file an import takes (the contract's IMPORT_MAX_BYTES; lower only in tests). */
  readonly importMaxBytes: number;
  /** Messages of calls not yet ended that an import may hold at once while it reads. */
  readonly importOpenMessages: number;
  /** Calls one page (session) may watch at once. */
  readonly subscriptionsPerOwner: number;
  /** Uploads in progress at once, and how long an abandoned one is kept. */
  readonly concurrentUploads: number;
  readonly uploadIdleMs: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_DIAGNOSTICS_LIMITS: DiagnosticsLimits = {
  perCallMessages: 20_000,
  perCallBytes: 32 * MiB,
  totalBytes: 128 * MiB,
  pendingCallIds: 64,
  pendingMessagesPerCallId: 200,
  pendingBytesPerCallId: 512 * 1024,
  pendingTotalBytes: 8 * MiB,
  pendingIdleMs: 60_000,
  malformedSamples: 5,
  sampleBytes: 2048,
  notesPerCall: 100,
  mediaPerCall: 120,
  // 64·T1 (32 s with T1 = 500 ms: Timers B, F, H, J, L, M) and a little more.
  endGraceMs: 40_000,
  updateIntervalMs: 200,
  findingsIntervalMs: 1000,
  recentInMemory: 20,
  recentMemoryBytes: 64 * MiB,
  recentOnDisk: 500,
  recentDiskBytes: 200 * MiB,
  imports: 5,
  // Raw bytes; what they cost in memory is about 4 times more (the calls' models).
  importBytes: 128 * MiB,
  importMaxBytes: IMPORT_MAX_BYTES,
  importOpenMessages: 200_000,
  subscriptionsPerOwner: 32,
  concurrentUploads: 2,
  uploadIdleMs: 120_000,
};

/** What one recorded event costs in the byte budgets: its raw bytes plus bookkeeping. */
export const MESSAGE_EVENT_COST = 320;
export const OTHER_EVENT_COST = 160;

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatBytes(n: number): string {
  return n >= MiB ? `${formatCount(Math.round(n / MiB))} MiB` : n >= 1024 ? `${formatCount(Math.round(n / 1024))} KiB` : `${formatCount(n)} bytes`;
}
