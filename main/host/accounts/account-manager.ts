// One user agent per enabled account, kept in step with the settings: a new or enabled
// account starts, a disabled one stops ('disabled'), an edited one restarts (after its
// calls end, so an edit never drops a call), a deleted one ends its calls first. No
// restart of the app is ever needed.
import type { AccountStatus, AccountView } from '../../contract/accounts.js';
import type { SettingsStore } from '../../settings-store.js';
import type { IncomingCall } from '../../../src/ua/call/incoming-call.js';
import type { SdpHandler } from '../../../src/ua/sdp/sdp-handler.js';
import { DiagnosticsStream } from '../../../src/trace/events.js';
import { accountConfig, addressOfRecord, type AccountConfig } from './account-config.js';
import { AccountRuntime, type AccountRuntimeOptions } from './account-runtime.js';

export interface AccountManagerOptions {
  readonly settings: SettingsStore;
  readonly onStatus: (status: AccountStatus) => void;
  readonly onIncomingCall: (runtime: AccountRuntime, call: IncomingCall) => void;
  /** The media handler factory for an account's incoming calls. */
  readonly mediaFactory: (runtime: () => AccountRuntime | undefined) => () => SdpHandler;
  /** Connect an account's diagnostics stream to the store; returns the function that disconnects it. */
  readonly attachDiagnostics: (accountId: string, stream: DiagnosticsStream) => () => void;
  /** Whether the account has calls up (an edit waits for them). */
  readonly hasCalls: (accountId: string) => boolean;
  /** Ends the account's calls (before it is removed). */
  readonly endCalls: (accountId: string) => Promise<void>;
  readonly log: (message: string) => void;
  /** For tests: shorter timers, a fake clock. */
  readonly runtime?: Pick<AccountRuntimeOptions, 'clock' | 'retry' | 't1'>;
}

export class AccountError extends Error {
  override readonly name = 'AccountError';
  constructor(readonly kind: 'not-found' | 'conflict', message: string) {
    super(message);
  }
}

interface Running {
  readonly runtime: AccountRuntime;
  readonly fingerprint: string;
  readonly detach: () => void;
}

export class AccountManager {
  private readonly running = new Map<string, Running>();
  private readonly statuses = new Map<string, AccountStatus>();
  private readonly deferred = new Set<string>();
  private reconciling: Promise<void> = Promise.resolve();
  private closed = false;
  /** An account the host made itself (the test line's): run like the saved ones, never saved. */
  private builtIn: AccountConfig | undefined;

  constructor(private readonly options: AccountManagerOptions) {}

  status(): AccountStatus[] {
    return [...this.statuses.values()];
  }

  runtime(accountId: string): AccountRuntime | undefined {
    return this.running.get(accountId)?.runtime;
  }

  /** Brings the user agents in line with the settings (serialized: saves may come quickly). */
  reconcile(): Promise<void> {
    const next = this.reconciling.then(() => this.reconcileNow(), () => this.reconcileNow());
    this.reconciling = next.catch((error: unknown) => this.options.log(`callscope: accounts: ${error instanceof Error ? error.message : String(error)}`));
    return next;
  }

  /**
   * Runs `config` as a built-in account next to the saved ones (its secrets in memory
   * only), or, with undefined, stops it: its calls end and its status says `disabled`.
   */
  async setBuiltIn(config: AccountConfig | undefined): Promise<void> {
    const previous = this.builtIn;
    this.builtIn = config;
    await this.reconcile();
    if (config === undefined && previous !== undefined) {
      const { account } = previous;
      this.report({ accountId: account.id, state: 'disabled', aor: addressOfRecord(account), insecureTls: false });
    }
  }

  /** An account's calls all ended: apply an edit that waited for them. */
  callsEnded(accountId: string): void {
    if (this.deferred.delete(accountId)) void this.reconcile();
  }

  retry(accountId: string): AccountStatus {
    const running = this.running.get(accountId);
    const status = this.statuses.get(accountId);
    if (status?.state === 'disabled') throw new AccountError('conflict', 'The account is disabled: enable it first.');
    if (running === undefined || status === undefined) throw new AccountError('not-found', `there is no account with id ${accountId}`);
    return running.runtime.retryNow();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.reconciling.catch(() => undefined);
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }

  private async reconcileNow(): Promise<void> {
    if (this.closed) return;
    const { accounts } = await this.options.settings.read();
    const builtIn = this.builtIn;
    const wanted = new Set([...accounts.map((a) => a.id), ...(builtIn ? [builtIn.account.id] : [])]);
    for (const id of [...this.running.keys()]) {
      if (!wanted.has(id)) {
        await this.options.endCalls(id);
        await this.stop(id);
      }
    }
    for (const id of [...this.statuses.keys()]) if (!wanted.has(id)) this.statuses.delete(id);
    for (const account of accounts) await this.reconcileOne(account);
    if (builtIn) await this.reconcileConfig(builtIn);
  }

  private async reconcileOne(account: AccountView): Promise<void> {
    const running = this.running.get(account.id);
    if (!account.enabled) {
      if (running !== undefined) {
        await this.options.endCalls(account.id);
        await this.stop(account.id);
      }
      this.report({ accountId: account.id, state: 'disabled', aor: addressOfRecord(account), insecureTls: account.tls.acceptInvalidCertificate });
      return;
    }
    await this.reconcileConfig(accountConfig(account, await this.options.settings.revealSecrets(account.id)));
  }

  /** Starts, keeps, or (after its calls) restarts the user agent of an enabled account. */
  private async reconcileConfig(config: AccountConfig): Promise<void> {
    const { account } = config;
    const running = this.running.get(account.id);
    const fingerprint = fingerprintOf(config);
    if (running?.fingerprint === fingerprint) return;
    if (running !== undefined) {
      if (this.options.hasCalls(account.id)) {
        // An edit never drops a call: it applies when the account's calls have ended.
        this.deferred.add(account.id);
        return;
      }
      await this.stop(account.id);
    }
    if (this.closed) return;
    this.start(config, fingerprint);
  }

  private start(config: AccountConfig, fingerprint: string): void {
    const accountId = config.account.id;
    const diagnostics = new DiagnosticsStream();
    const detach = this.options.attachDiagnostics(accountId, diagnostics);
    const runtime: AccountRuntime = new AccountRuntime({
      ...this.options.runtime,
      config, diagnostics,
      createSdpHandler: this.options.mediaFactory(() => runtime),
      onStatus: (status) => {
        if (this.running.get(accountId)?.runtime === runtime || this.running.get(accountId) === undefined) this.report(status);
      },
      onIncomingCall: (call) => this.options.onIncomingCall(runtime, call),
    });
    this.running.set(accountId, { runtime, fingerprint, detach });
    runtime.start();
  }

  private async stop(accountId: string): Promise<void> {
    const running = this.running.get(accountId);
    if (running === undefined) return;
    this.running.delete(accountId);
    await running.runtime.close();
    running.detach();
  }

  private report(status: AccountStatus): void {
    this.statuses.set(status.accountId, status);
    this.options.onStatus(status);
  }
}

/** What makes a running user agent out of date (secrets included; never logged). */
function fingerprintOf(config: AccountConfig): string {
  const { account, password, iceServers } = config;
  const { label: _label, ...relevant } = account;
  return JSON.stringify({ relevant, password, iceServers });
}
