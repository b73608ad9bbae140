// The typed app API: the only way the renderer talks to the host, in Electron (preload +
// IPC) and in browser mode (local WebSocket bridge) alike.
//
// - One operation per method. Each request payload has a zod schema; the host validates
//   every payload with it before doing anything (the renderer is not trusted).
// - Results never throw across the boundary: `{ ok: true, value } | { ok: false, error }`.
// - Events flow the other way (host -> renderer) on one channel; some go to every page,
//   some only to one (the media owner, a diagnostics subscriber).
//
// Part of the contract (main/contract/): pure, zod only, one copy used by the host, the
// preload (types; it repeats the channel names) and the renderer.
import { z } from 'zod';
import {
  accountIdSchema, saveAccountRequestSchema, testConnectionRequestSchema,
  type AccountStatus, type AccountView, type SettingsView, type TestConnectionResult,
} from './accounts.js';
import {
  attendedTransferRequestSchema, blindTransferRequestSchema, callRequestSchema, dialRequestSchema, dtmfRequestSchema,
  normalizeTargetRequestSchema, rejectRequestSchema, type CallView, type NormalizedTarget,
} from './calls.js';
import {
  cancelImportRequestSchema, exportCallRequestSchema, getMessageRequestSchema, importChunkRequestSchema, subscribeCallRequestSchema,
  unsubscribeCallRequestSchema, type CallDiagnosticsUpdate, type CallListItem, type ExportedFile, type ImportChunkResult,
  type MessageText, type SubscribeCallResult,
} from './diagnostics.js';
import { historyEntryRequestSchema, historyQuerySchema, type HistoryEntry, type HistoryPage } from './history.js';
import {
  answerMediaRequestSchema, claimMediaOwnerSchema, reportMediaRequestSchema, type MediaOwnerState, type MediaRequest,
} from './media.js';
import type { ApiResult } from './result.js';
import { setTestLineRequestSchema, type TestLineView } from './test-line.js';

export * from './result.js';
export type * from './accounts.js';
export type * from './calls.js';
export type * from './diagnostics.js';
export type * from './history.js';
export type * from './media.js';
export type * from './test-line.js';
export { isLoopbackHostname } from './accounts.js';
export { TEST_LINE_ACCOUNT_ID } from './test-line.js';

// ---------------------------------------------------------------------------------------
// Operations

const noArguments = z.undefined({ error: 'takes no arguments' });

export const requestSchemas = {
  getAppInfo: noArguments,
  /** Accounts, their registration status, the calls up now, and who owns the media. */
  getStatus: noArguments,
  getSettings: noArguments,
  saveAccount: saveAccountRequestSchema,
  deleteAccount: z.strictObject({ id: accountIdSchema }),
  testConnection: testConnectionRequestSchema,
  retryRegistration: z.strictObject({ id: accountIdSchema }),

  claimMediaOwner: claimMediaOwnerSchema,
  answerMediaRequest: answerMediaRequestSchema,
  reportMedia: reportMediaRequestSchema,

  normalizeTarget: normalizeTargetRequestSchema,
  dial: dialRequestSchema,
  answer: callRequestSchema,
  reject: rejectRequestSchema,
  hangup: callRequestSchema,
  hold: callRequestSchema,
  resume: callRequestSchema,
  sendDtmf: dtmfRequestSchema,
  transfer: blindTransferRequestSchema,
  attendedTransfer: attendedTransferRequestSchema,

  listDiagnostics: noArguments,
  subscribeCall: subscribeCallRequestSchema,
  unsubscribeCall: unsubscribeCallRequestSchema,
  getMessage: getMessageRequestSchema,
  exportCall: exportCallRequestSchema,
  importTraceChunk: importChunkRequestSchema,
  cancelTraceImport: cancelImportRequestSchema,

  getHistory: historyQuerySchema,
  deleteHistoryEntry: historyEntryRequestSchema,
  clearHistory: noArguments,
  markMissedSeen: noArguments,

  /** The built-in test line: whether it runs, its account, its numbers. */
  getTestLine: noArguments,
  /** Starts or stops the test line (and its account). */
  setTestLine: setTestLineRequestSchema,
} as const;

export type OperationName = keyof typeof requestSchemas;

export const operationNames = Object.keys(requestSchemas) as readonly OperationName[];

export function isOperationName(value: unknown): value is OperationName {
  return typeof value === 'string' && Object.hasOwn(requestSchemas, value);
}

/** What a caller passes (before defaults are applied). */
export type RequestOf<K extends OperationName> = z.input<(typeof requestSchemas)[K]>;
/** What the host receives after validation. */
export type ValidRequestOf<K extends OperationName> = z.output<(typeof requestSchemas)[K]>;

// ---------------------------------------------------------------------------------------
// Result values

export type HostMode = 'electron' | 'browser';

export interface AppInfo {
  readonly name: string;
  readonly version: string;
  readonly mode: HostMode;
  /** Node's process.platform of the host. */
  readonly platform: string;
  readonly versions: { readonly node: string; readonly electron?: string; readonly chrome?: string };
  /** Where settings live on the host. */
  readonly dataDir: string;
  /** How saved passwords are protected at rest, in words. */
  readonly secretStorage: string;
  readonly capabilities: { readonly calling: boolean };
}

export interface HostStatus {
  readonly accounts: readonly AccountStatus[];
  readonly calls: readonly CallView[];
  readonly media: MediaOwnerState;
}

export interface ResultValues {
  getAppInfo: AppInfo;
  getStatus: HostStatus;
  getSettings: SettingsView;
  saveAccount: AccountView;
  deleteAccount: SettingsView;
  testConnection: TestConnectionResult;
  retryRegistration: AccountStatus;
  claimMediaOwner: MediaOwnerState;
  answerMediaRequest: null;
  reportMedia: null;
  normalizeTarget: NormalizedTarget;
  dial: CallView;
  answer: CallView;
  reject: CallView;
  hangup: CallView;
  hold: CallView;
  resume: CallView;
  sendDtmf: { readonly method: 'rfc4733' | 'info' };
  transfer: CallView;
  attendedTransfer: CallView;
  listDiagnostics: readonly CallListItem[];
  subscribeCall: SubscribeCallResult;
  unsubscribeCall: null;
  getMessage: MessageText;
  exportCall: ExportedFile;
  importTraceChunk: ImportChunkResult;
  /** Whether an import was in progress with that id. */
  cancelTraceImport: { readonly cancelled: boolean };
  getHistory: HistoryPage;
  deleteHistoryEntry: HistoryPage;
  clearHistory: HistoryPage;
  markMissedSeen: HistoryPage;
  getTestLine: TestLineView;
  setTestLine: TestLineView;
}

export type ResultOf<K extends OperationName> = ResultValues[K];

// ---------------------------------------------------------------------------------------
// Events (host -> renderer)

export type AppEvent =
  | { readonly type: 'settings-changed'; readonly settings: SettingsView }
  | { readonly type: 'account-status'; readonly status: AccountStatus }
  | { readonly type: 'call-updated'; readonly call: CallView }
  /** To the media owner only. */
  | { readonly type: 'media-request'; readonly requestId: number; readonly request: MediaRequest }
  /** To one page: whether it owns the media now. */
  | { readonly type: 'media-owner'; readonly state: MediaOwnerState }
  /** To the subscriber only. */
  | { readonly type: 'call-diagnostics'; readonly update: CallDiagnosticsUpdate }
  | { readonly type: 'diagnostics-listed'; readonly calls: readonly CallListItem[] }
  | { readonly type: 'history-changed'; readonly latest?: HistoryEntry; readonly missed: number }
  /** A sip:/tel: link was opened: show it in the dial field (or dial it, `dial: true`). */
  | { readonly type: 'dial-request'; readonly target: string; readonly dial: boolean }
  /** Something the user should know that belongs to no call: dropped diagnostics, a corrupt file replaced. */
  | { readonly type: 'notice'; readonly level: 'info' | 'warning' | 'error'; readonly text: string };

export type AppEventType = AppEvent['type'];
export type AppEventListener = (event: AppEvent) => void;

// ---------------------------------------------------------------------------------------
// The API as a renderer holds it (exposed by the preload, or built over the bridge).

export type AppApiOperations = {
  readonly [K in OperationName]: undefined extends RequestOf<K>
    ? (request?: RequestOf<K>) => Promise<ApiResult<ResultOf<K>>>
    : (request: RequestOf<K>) => Promise<ApiResult<ResultOf<K>>>;
};

export interface AppApi extends AppApiOperations {
  /** Subscribe to host events; returns the unsubscribe function. */
  readonly onEvent: (listener: AppEventListener) => () => void;
}

// ---------------------------------------------------------------------------------------
// Electron IPC channel names (the preload repeats them: sandboxed preloads cannot import)

export const IPC_OPERATION_PREFIX = 'callscope:op:';
export const IPC_EVENT_CHANNEL = 'callscope:event';

export function ipcChannelFor(operation: OperationName): string {
  return `${IPC_OPERATION_PREFIX}${operation}`;
}

// ---------------------------------------------------------------------------------------
// Validation messages

/** One line per issue, e.g. "saveAccount: serverUrl must be a wss:// URL". Never echoes input values. */
export function describeInvalidRequest(operation: OperationName, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'request';
    return `${where} ${describeIssue(issue)}`;
  });
  return `${operation}: ${lines.join('; ')}`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'undefined') return issue.message;
      if (issue.message.endsWith('received undefined')) return 'is required';
      return `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'unrecognized_keys':
      return `has unknown field(s): ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return 'has an unsupported shape';
    default:
      // zod's other issue codes carry the message our schemas gave them.
      return issue.message;
  }
}
