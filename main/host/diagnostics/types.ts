// What the host's call code needs of the diagnostics store and the history store. The
// stores themselves are diagnostics-store.ts and ../history/history-store.ts.
import type {
  CallDiagnosticsUpdate, CallListItem, ExportedFile, ImportChunkResult, MessageText, SubscribeCallResult,
} from '../../contract/diagnostics.js';
import type { HistoryEntry, HistoryPage } from '../../contract/history.js';
import type { MediaSummary } from '../../contract/media.js';
import type { DiagnosticsStream } from '../../../src/trace/events.js';

export interface LiveCallInfo {
  /** The host's call id (CallView.id); the diagnostics key is `live:<id>`, then `recent:<id>`. */
  readonly id: string;
  /** The stack's call tag: the call's transactions carry it on the stream. */
  readonly callTag: string;
  /** The SIP Call-ID. */
  readonly sipCallId: string;
  readonly accountId: string;
  /** "alice → sip:bob@example.com". */
  readonly title: string;
  /** ms since the epoch. */
  readonly startedAt: number;
}

export interface DiagnosticsStore {
  /** Starts reading an account's stream; returns the function that stops. */
  attachAccount(accountId: string, stream: DiagnosticsStream): () => void;
  /** A call the host follows began: its messages are kept under `live:<id>` from now on (and those already seen for its Call-ID). */
  callStarted(info: LiveCallInfo): void;
  /** The call ended; once its transactions are done (or after a grace period) it is persisted and listed as `recent:<id>`. */
  callEnded(id: string): void;
  /** A media summary from the page for a live call. */
  addMedia(id: string, summary: MediaSummary): void;
  list(): readonly CallListItem[];
  /** Snapshot now, then batched updates through `send` until unsubscribe (or the session closes). */
  subscribe(key: string, owner: number, send: (update: CallDiagnosticsUpdate) => void): Promise<SubscribeCallResult>;
  unsubscribe(subscriptionId: number, owner: number): void;
  /** Every subscription of a session that closed. */
  unsubscribeAll(owner: number): void;
  getMessage(key: string, index: number): Promise<MessageText>;
  exportCall(key: string, format: 'pcap' | 'text' | 'json'): Promise<ExportedFile>;
  importChunk(request: { readonly uploadId?: string; readonly fileName: string; readonly data: string; readonly last: boolean }): Promise<ImportChunkResult>;
  /** Drops an import in progress and what was read of it; false when there is none with that id. */
  cancelImport(uploadId: string): boolean;
  /** The list changed (a call started, ended, was persisted, dropped or imported). */
  onListChanged(listener: (calls: readonly CallListItem[]) => void): () => void;
  /** Something the user should know: diagnostics dropped for a limit, a corrupt file replaced. */
  onNotice(listener: (text: string) => void): () => void;
  close(): Promise<void>;
}

export interface HistoryStore {
  /** Adds one finished call (the newest first); the oldest beyond the limit are removed. */
  record(entry: Omit<HistoryEntry, 'id'>): Promise<HistoryEntry>;
  page(query: { readonly before?: string; readonly limit: number }): Promise<HistoryPage>;
  remove(id: string): Promise<HistoryPage>;
  clear(): Promise<HistoryPage>;
  markMissedSeen(): Promise<HistoryPage>;
  /** Missed calls not yet seen. */
  missed(): Promise<number>;
}

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(readonly kind: 'not-found' | 'too-large' | 'invalid' | 'internal', message: string) {
    super(message);
  }
}
