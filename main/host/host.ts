// The host: implements the app API once, for every transport (Electron IPC and the
// browser-mode WebSocket bridge), and runs the phone behind it: one user agent per
// account, the calls, the media owner, diagnostics and history. Each page talks to it
// through a session (one per window or bridge connection); transports hand a session
// untrusted `(operation, payload)` pairs, which it validates with the API's zod schemas
// and always answers with an ApiResult.
import { describeInvalidRequest, fail, isOperationName, ok, requestSchemas } from '../contract/app-api.js';
import type {
  ApiResult, AppEvent, AppEventListener, AppInfo, HostMode, OperationName, ResultOf, ValidRequestOf,
} from '../contract/app-api.js';
import { packageInfo } from '../package-info.js';
import { SecretVaultError } from '../secret-vault.js';
import type { SecretVault } from '../secret-vault.js';
import { SettingsError, createSettingsStore } from '../settings-store.js';
import type { SettingsStore } from '../settings-store.js';
import { AccountError, AccountManager, type AccountManagerOptions } from './accounts/account-manager.js';
import { accountConfig } from './accounts/account-config.js';
import { testConnection } from './accounts/test-connection.js';
import { CallError, CallManager } from './calls/call-manager.js';
import { historyEntryOf } from './calls/call-history.js';
import { StoreError, type DiagnosticsStore, type HistoryStore } from './diagnostics/types.js';
import { MediaOwner, MediaOwnerError } from './media/media-owner.js';
import { TestLineHost, type TestLineTuning } from './test-line/test-line-host.js';
import { TEST_LINE_ACCOUNT_ID } from '../contract/test-line.js';

export interface HostStores {
  readonly diagnostics: DiagnosticsStore;
  readonly history: HistoryStore;
}

export interface HostOptions {
  readonly mode: HostMode;
  readonly dataDir: string;
  readonly vault: SecretVault;
  /** The diagnostics and history stores (the defaults live in the data directory). */
  readonly stores: (dataDir: string, log: (message: string) => void) => HostStores;
  /** Defaults to package.json's version. */
  readonly version?: string;
  /** Where host-side problems are reported (never with secrets). Defaults to console.error. */
  readonly log?: (message: string) => void;
  /** How long a page whose connection dropped may take to come back before its calls end, ms. */
  readonly mediaGraceMs?: number;
  /** For tests: account timers and back-off. */
  readonly accountRuntime?: AccountManagerOptions['runtime'];
  /**
   * The built-in test line: `when-no-account` (the app) starts it at launch when no account
   * is saved; `off` (default, for tests of other things) only when asked (setTestLine).
   */
  readonly testLine?: { readonly start: 'when-no-account' | 'off'; readonly tuning?: TestLineTuning };
}

/** One page's connection to the host. */
export interface HostSession {
  readonly id: number;
  /** Validate and run one operation. Never throws; unknown input yields `{ ok: false }`. */
  invoke(operation: unknown, payload: unknown): Promise<ApiResult<unknown>>;
  /** The page went away: its subscriptions end; if it owned the media, its calls end after the grace period. */
  close(): void;
}

export interface Host {
  readonly mode: HostMode;
  readonly settings: SettingsStore;
  /** A new page (window, bridge connection); `send` delivers its events. */
  openSession(send: (event: AppEvent) => void): HostSession;
  /** Runs `operation` in a session of the host's own (tests, and callers that own no page). */
  invoke(operation: unknown, payload: unknown): Promise<ApiResult<unknown>>;
  /** Events of the host's own session (every broadcast). Returns the unsubscribe function. */
  onEvent(listener: AppEventListener): () => void;
  /** A sip:/tel: link opened: show it (or dial it) in the pages. */
  dialRequest(target: string, dial: boolean): void;
  close(): Promise<void>;
}

type Handler<K extends OperationName> = (request: ValidRequestOf<K>, session: Session) => Promise<ResultOf<K>>;
type Handlers = { readonly [K in OperationName]: Handler<K> };

interface Session {
  readonly id: number;
  send(event: AppEvent): void;
}

export function createHost(options: HostOptions): Host {
  const log = options.log ?? ((message: string) => console.error(message));
  const settings = createSettingsStore({ dataDir: options.dataDir, vault: options.vault });
  const { diagnostics, history } = options.stores(options.dataDir, log);
  const sessions = new Map<number, Session>();
  const ownListeners = new Set<AppEventListener>();
  let nextSession = 1;
  let closed = false;

  const deliver = (session: Session, event: AppEvent): void => {
    try {
      session.send(event);
    } catch (error) {
      log(`callscope: a page's event delivery failed: ${errorMessage(error)}`);
    }
  };
  const broadcast = (event: AppEvent): void => {
    for (const session of [...sessions.values()]) deliver(session, event);
  };
  const notice = (level: 'info' | 'warning' | 'error', text: string) => broadcast({ type: 'notice', level, text });

  // The media owner and the calls refer to each other; the owner only calls back later.
  const late: { calls?: CallManager } = {};
  const mediaOwner = new MediaOwner({
    ...(options.mediaGraceMs === undefined ? {} : { graceMs: options.mediaGraceMs }),
    callsActive: () => late.calls?.active ?? false,
    onOwnerGone: (why) => {
      if (late.calls?.active) notice('warning', `Calls ended: ${why}.`);
      void late.calls?.endAll('window-closed');
      for (const session of sessions.values()) deliver(session, { type: 'media-owner', state: mediaOwner.stateFor(session) });
    },
  });
  const accounts: AccountManager = new AccountManager({
    settings, log,
    onStatus: (status) => broadcast({ type: 'account-status', status }),
    onIncomingCall: (runtime, call) => calls.incoming(runtime, call),
    mediaFactory: (runtime) => calls.mediaFactory(runtime),
    attachDiagnostics: (accountId, stream) => diagnostics.attachAccount(accountId, stream),
    hasCalls: (accountId) => calls.views().some((c) => c.accountId === accountId && c.phase !== 'ended'),
    endCalls: (accountId) => calls.endAll('account-removed', accountId),
    ...(options.accountRuntime ? { runtime: options.accountRuntime } : {}),
  });
  const calls: CallManager = new CallManager({
    mediaOwner, notice,
    account: (id) => accounts.runtime(id),
    onUpdate: (call) => broadcast({ type: 'call-updated', call }),
    onStarted: (hostCall) => {
      const view = hostCall.view();
      diagnostics.callStarted({
        id: view.id, callTag: hostCall.call.callTag, sipCallId: view.sipCallId, accountId: view.accountId,
        title: `${view.direction === 'outgoing' ? '→' : '←'} ${view.peer.display}`, startedAt: view.startedAt,
      });
    },
    onEnded: (hostCall) => {
      diagnostics.callEnded(hostCall.id);
      void history.record(historyEntryOf(hostCall.view())).then(async (latest) => {
        broadcast({ type: 'history-changed', latest, missed: await history.missed() });
      }, (error: unknown) => log(`callscope: history: ${errorMessage(error)}`));
      if (!calls.views().some((c) => c.accountId === hostCall.accountId && c.phase !== 'ended')) accounts.callsEnded(hostCall.accountId);
    },
  });
  late.calls = calls;
  const testLine = new TestLineHost({ setAccount: (config) => accounts.setBuiltIn(config), log, ...(options.testLine?.tuning ? { tuning: options.testLine.tuning } : {}) });
  const offList = diagnostics.onListChanged((list) => broadcast({ type: 'diagnostics-listed', calls: list }));
  const offNotice = diagnostics.onNotice((text) => notice('warning', text));
  void accounts.reconcile();
  if (options.testLine?.start === 'when-no-account') {
    // A fresh install opens with something to call: the test line, registered, no input needed.
    void settings.read().then(({ accounts: saved }) => (saved.length === 0 && !closed ? testLine.set(true) : undefined))
      .catch((error: unknown) => log(`callscope: the test line: ${errorMessage(error)}`));
  }

  const settingsChanged = async () => {
    broadcast({ type: 'settings-changed', settings: await settings.read() });
    await accounts.reconcile();
  };

  const appInfo = (): AppInfo => {
    const info = packageInfo();
    const versions: { node: string; electron?: string; chrome?: string } = { node: process.versions.node };
    if (process.versions.electron !== undefined) versions.electron = process.versions.electron;
    if (process.versions.chrome !== undefined) versions.chrome = process.versions.chrome;
    return {
      name: 'Callscope', version: options.version ?? info.version, mode: options.mode, platform: process.platform, versions,
      dataDir: options.dataDir, secretStorage: options.vault.description, capabilities: { calling: true },
    };
  };

  const handlers: Handlers = {
    getAppInfo: async () => appInfo(),
    getStatus: async (_request, session) => ({ accounts: accounts.status(), calls: calls.views(), media: mediaOwner.stateFor(session) }),
    getSettings: () => settings.read(),
    saveAccount: async (request) => {
      const { id, ...fields } = request;
      if (id === TEST_LINE_ACCOUNT_ID) throw builtInAccount();
      const saved = await settings.saveAccount(id, fields);
      await settingsChanged();
      return saved;
    },
    deleteAccount: async (request) => {
      if (request.id === TEST_LINE_ACCOUNT_ID) throw builtInAccount();
      await calls.endAll('account-removed', request.id);
      const view = await settings.deleteAccount(request.id);
      await settingsChanged();
      return view;
    },
    testConnection: async (request) => {
      const { id, ...fields } = request;
      const stored = id === undefined ? { iceCredentials: [] } : await settings.revealSecrets(id);
      const password = fields.password.action === 'set' ? fields.password.value : fields.password.action === 'keep' ? stored.password : undefined;
      const view = { ...fields, id: id ?? 'test', hasPassword: password !== undefined, iceServers: [] };
      return testConnection(accountConfig(view, { ...(password === undefined ? {} : { password }), iceCredentials: [] }));
    },
    retryRegistration: async (request) => accounts.retry(request.id),

    claimMediaOwner: async (request, session) => mediaOwner.claim(ownerSession(session), request.pageId, request.force),
    answerMediaRequest: async (request, session) => {
      if (!mediaOwner.answer(session, request.requestId, request.reply)) {
        throw new StoreError('not-found', 'no such media request is waiting for this page (it timed out, or this page is not the phone)');
      }
      return null;
    },
    reportMedia: async (request) => {
      if (calls.mediaReported(request)) diagnostics.addMedia(request.callId, request);
      return null;
    },

    normalizeTarget: async (request) => calls.normalize(request.accountId, request.target),
    dial: async (request) => calls.dial(request.accountId, request.target),
    answer: (request) => calls.answer(request.callId),
    reject: async (request) => calls.reject(request.callId, request.status),
    hangup: async (request) => calls.hangup(request.callId),
    hold: (request) => calls.hold(request.callId, true),
    resume: (request) => calls.hold(request.callId, false),
    sendDtmf: async (request) => ({ method: await calls.sendDtmf(request.callId, request.tones) }),
    transfer: (request) => calls.transfer(request.callId, request.target),
    attendedTransfer: (request) => calls.attendedTransfer(request.callId, request.toCallId),

    listDiagnostics: async () => diagnostics.list(),
    subscribeCall: (request, session) => diagnostics.subscribe(request.key, session.id, (update) => deliver(session, { type: 'call-diagnostics', update })),
    unsubscribeCall: async (request, session) => {
      diagnostics.unsubscribe(request.subscriptionId, session.id);
      return null;
    },
    getMessage: (request) => diagnostics.getMessage(request.key, request.index),
    exportCall: (request) => diagnostics.exportCall(request.key, request.format),
    importTraceChunk: (request) => diagnostics.importChunk(request),
    cancelTraceImport: async (request) => ({ cancelled: diagnostics.cancelImport(request.uploadId) }),

    getHistory: (request) => history.page(request),
    deleteHistoryEntry: (request) => history.remove(request.id),
    clearHistory: () => history.clear(),
    markMissedSeen: async () => {
      const page = await history.markMissedSeen();
      broadcast({ type: 'history-changed', missed: page.missed });
      return page;
    },

    getTestLine: async () => testLine.view(),
    setTestLine: (request) => testLine.set(request.enabled),
  };

  const ownerSession = (session: Session) => ({
    id: session.id,
    send: (event: Extract<AppEvent, { type: 'media-request' }>) => deliver(session, event),
    sendOwnerState: (state: ReturnType<MediaOwner['stateFor']>) => deliver(session, { type: 'media-owner', state }),
  });

  const run = async <K extends OperationName>(operation: K, payload: unknown, session: Session): Promise<ApiResult<ResultOf<K>>> => {
    const parsed = requestSchemas[operation].safeParse(payload);
    if (!parsed.success) return fail('invalid-request', describeInvalidRequest(operation, parsed.error));
    const handler = handlers[operation] as (request: unknown, session: Session) => Promise<ResultOf<K>>;
    return ok(await handler(parsed.data, session));
  };

  const openSession = (send: (event: AppEvent) => void): HostSession => {
    const session: Session = { id: nextSession++, send };
    sessions.set(session.id, session);
    return {
      id: session.id,
      async invoke(operation, payload) {
        if (closed) return fail('unavailable', 'the Callscope host is shutting down');
        if (!sessions.has(session.id)) return fail('unavailable', 'this page\'s session with the host has ended');
        if (!isOperationName(operation)) {
          return fail('unknown-operation', `unknown operation ${typeof operation === 'string' ? JSON.stringify(operation.slice(0, 64)) : `of type ${typeof operation}`}`);
        }
        try {
          return await run(operation, payload, session);
        } catch (error) {
          return failureFor(operation, error, log);
        }
      },
      close() {
        if (!sessions.delete(session.id)) return;
        diagnostics.unsubscribeAll(session.id);
        mediaOwner.sessionClosed(session);
      },
    };
  };

  const own = openSession((event) => {
    for (const listener of [...ownListeners]) {
      try {
        listener(event);
      } catch (error) {
        log(`callscope: an event listener failed: ${errorMessage(error)}`);
      }
    }
  });

  return {
    mode: options.mode,
    settings,
    openSession,
    invoke: (operation, payload) => own.invoke(operation, payload),
    onEvent(listener) {
      ownListeners.add(listener);
      return () => ownListeners.delete(listener);
    },
    dialRequest(target, dial) {
      broadcast({ type: 'dial-request', target, dial });
    },
    async close() {
      if (closed) return;
      closed = true;
      await calls.endAll('shutting-down');
      mediaOwner.close();
      offList();
      offNotice();
      await accounts.close();
      await testLine.close();
      await diagnostics.close();
      sessions.clear();
      ownListeners.clear();
    },
  };
}

function builtInAccount(): AccountError {
  return new AccountError('conflict', 'The test line\'s account is built in: it cannot be edited or removed; turn the test line off instead.');
}

function failureFor(operation: OperationName, error: unknown, log: (message: string) => void): ApiResult<never> {
  if (error instanceof SettingsError) return fail(error.kind === 'not-found' ? 'not-found' : 'internal', `${operation}: ${error.message}`);
  if (error instanceof SecretVaultError) return fail('internal', `${operation}: ${error.message}`);
  if (error instanceof CallError) {
    return fail(error.kind === 'invalid' ? 'invalid-request' : error.kind === 'not-found' ? 'not-found' : error.kind === 'conflict' ? 'conflict' : 'unavailable',
      `${operation}: ${error.message}`);
  }
  if (error instanceof AccountError) return fail(error.kind, `${operation}: ${error.message}`);
  if (error instanceof MediaOwnerError) return fail('unavailable', `${operation}: ${error.message}`);
  if (error instanceof StoreError) {
    return fail(error.kind === 'not-found' ? 'not-found' : error.kind === 'too-large' ? 'too-large' : error.kind === 'invalid' ? 'invalid-request' : 'internal',
      `${operation}: ${error.message}`);
  }
  log(`callscope: ${operation} failed: ${errorMessage(error)}`);
  return fail('internal', `${operation} failed on the host: ${errorMessage(error)}`);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
