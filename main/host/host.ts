// The host: implements the app API once, for every transport (Electron IPC and the
// browser-mode WebSocket bridge). Transports hand it untrusted `(operation, payload)` pairs;
// it validates them with the API's zod schemas and always answers with an ApiResult.
import {
  describeInvalidRequest,
  fail,
  isOperationName,
  ok,
  requestSchemas,
} from '../contract/app-api.js';
import type {
  ApiResult,
  AppEvent,
  AppEventListener,
  AppInfo,
  HostMode,
  OperationName,
  ResultOf,
  ValidRequestOf,
} from '../contract/app-api.js';
import { packageInfo } from '../package-info.js';
import { SecretVaultError } from '../secret-vault.js';
import type { SecretVault } from '../secret-vault.js';
import { SettingsError, createSettingsStore } from '../settings-store.js';
import type { SettingsStore } from '../settings-store.js';

export interface HostOptions {
  readonly mode: HostMode;
  readonly dataDir: string;
  readonly vault: SecretVault;
  /** Defaults to package.json's version. */
  readonly version?: string;
  /** Where host-side problems are reported (never with secrets). Defaults to console.error. */
  readonly log?: (message: string) => void;
}

export interface Host {
  readonly mode: HostMode;
  readonly settings: SettingsStore;
  /** Validate and run one operation. Never throws; unknown input yields `{ ok: false }`. */
  invoke(operation: unknown, payload: unknown): Promise<ApiResult<unknown>>;
  /** Host -> renderer events; returns the unsubscribe function. */
  onEvent(listener: AppEventListener): () => void;
  close(): Promise<void>;
}

type Handlers = { readonly [K in OperationName]: (request: ValidRequestOf<K>) => Promise<ResultOf<K>> };

export function createHost(options: HostOptions): Host {
  const log = options.log ?? ((message: string) => console.error(message));
  const settings = createSettingsStore({ dataDir: options.dataDir, vault: options.vault });
  const listeners = new Set<AppEventListener>();
  let closed = false;

  const emit = (event: AppEvent): void => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        log(`callscope: an event listener failed: ${errorMessage(error)}`);
      }
    }
  };

  const appInfo = (): AppInfo => {
    const info = packageInfo();
    const versions: { node: string; electron?: string; chrome?: string } = { node: process.versions.node };
    if (process.versions.electron !== undefined) versions.electron = process.versions.electron;
    if (process.versions.chrome !== undefined) versions.chrome = process.versions.chrome;
    return {
      name: 'Callscope',
      version: options.version ?? info.version,
      mode: options.mode,
      platform: process.platform,
      versions,
      dataDir: options.dataDir,
      secretStorage: options.vault.description,
      capabilities: { calling: false },
    };
  };

  const notYet = async (): Promise<never> => {
    throw new Error('calling is being wired into the host in this change and is not available yet');
  };
  const handlers: Handlers = {
    getStatus: notYet, testConnection: notYet, retryRegistration: notYet, claimMediaOwner: notYet,
    answerMediaRequest: notYet, reportMedia: notYet, normalizeTarget: notYet, dial: notYet, answer: notYet,
    reject: notYet, hangup: notYet, hold: notYet, resume: notYet, sendDtmf: notYet, transfer: notYet,
    attendedTransfer: notYet, listDiagnostics: notYet, subscribeCall: notYet, unsubscribeCall: notYet,
    getMessage: notYet, exportCall: notYet, importTraceChunk: notYet, getHistory: notYet,
    deleteHistoryEntry: notYet, clearHistory: notYet, markMissedSeen: notYet,
    getAppInfo: async () => appInfo(),
    getSettings: () => settings.read(),
    saveAccount: async (request) => {
      const { id, ...fields } = request;
      const saved = await settings.saveAccount(id, fields);
      emit({ type: 'settings-changed', settings: await settings.read() });
      return saved;
    },
    deleteAccount: async (request) => {
      const view = await settings.deleteAccount(request.id);
      emit({ type: 'settings-changed', settings: view });
      return view;
    },
  };

  const run = async <K extends OperationName>(operation: K, payload: unknown): Promise<ApiResult<ResultOf<K>>> => {
    const parsed = requestSchemas[operation].safeParse(payload);
    if (!parsed.success) return fail('invalid-request', describeInvalidRequest(operation, parsed.error));
    const handler = handlers[operation] as (request: unknown) => Promise<ResultOf<K>>;
    return ok(await handler(parsed.data));
  };

  return {
    mode: options.mode,
    settings,
    async invoke(operation, payload) {
      if (closed) return fail('unavailable', 'the Callscope host is shutting down');
      if (!isOperationName(operation)) {
        return fail('unknown-operation', `unknown operation ${typeof operation === 'string' ? JSON.stringify(operation.slice(0, 64)) : `of type ${typeof operation}`}`);
      }
      try {
        return await run(operation, payload);
      } catch (error) {
        return failureFor(operation, error, log);
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      listeners.clear();
    },
  };
}

function failureFor(operation: OperationName, error: unknown, log: (message: string) => void): ApiResult<never> {
  if (error instanceof SettingsError) {
    return fail(error.kind === 'not-found' ? 'not-found' : 'internal', `${operation}: ${error.message}`);
  }
  if (error instanceof SecretVaultError) return fail('internal', `${operation}: ${error.message}`);
  log(`callscope: ${operation} failed: ${errorMessage(error)}`);
  return fail('internal', `${operation} failed on the host: ${errorMessage(error)}`);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
