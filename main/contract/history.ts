// Call history in the app API: one entry per call, keyed on what the user dialled or was
// called by (not on addresses a proxy rewrote), with a link to the call's diagnostics.
import { z } from 'zod';
import type { EndCause } from './calls.js';

export const historyQuerySchema = z.strictObject({
  /** Entries older than this id (for paging). */
  before: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});

export const historyEntryRequestSchema = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a history id') });

export interface HistoryEntry {
  readonly id: string;
  readonly direction: 'outgoing' | 'incoming';
  readonly accountId: string;
  /** As shown: what was dialled, or the caller's name or number. */
  readonly peerDisplay: string;
  readonly peerUri: string;
  /** ms since the epoch. */
  readonly startedAt: number;
  readonly answeredAt?: number;
  readonly endedAt: number;
  /** Seconds talking (0 when never answered). */
  readonly durationS: number;
  readonly outcome: 'answered' | 'missed' | 'rejected' | 'failed' | 'cancelled';
  readonly cause: EndCause;
  /** The end in words, with the SIP status. */
  readonly words: string;
  /** The call's diagnostics (`recent:<call id>`), while they are kept. */
  readonly diagnosticsKey?: string;
}

export interface HistoryPage {
  readonly entries: readonly HistoryEntry[];
  /** Missed calls not yet seen. */
  readonly missed: number;
  /** A corrupt history file was found and replaced (reported once). */
  readonly notice?: string;
}
