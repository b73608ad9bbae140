// One account's user agent in the host: connect to its server (retrying with back-off
// while it cannot), register (the Registration refreshes, retries transient failures and
// re-registers after a flow reconnects, RFC 5626 §4.4), take and place calls. Its state
// is reported as the UI shows it: connecting, registering, registered (until when),
// failed (the SIP status and reason, or the transport's reason), retrying in N s.
import type { AccountStatus, ConnectionFailure } from '../../contract/accounts.js';
import { connectToServer, type ServerConnection } from '../../../src/ua/connection/server-connection.js';
import { Authenticator } from '../../../src/ua/auth/authenticator.js';
import { CallAgent } from '../../../src/ua/call/call-agent.js';
import type { IncomingCall } from '../../../src/ua/call/incoming-call.js';
import { SipEndpoint } from '../../../src/ua/core/endpoint.js';
import { instanceIdFromSeed } from '../../../src/ua/registration/instance.js';
import { Registration } from '../../../src/ua/registration/registration.js';
import type { RegistrationState } from '../../../src/ua/registration/types.js';
import type { SdpHandler } from '../../../src/ua/sdp/sdp-handler.js';
import type { DiagnosticsStream } from '../../../src/trace/events.js';
import type { TransportStateChange } from '../../../src/transport/transport.js';
import { backoffDelay } from '../../../src/transport/backoff.js';
import { systemClock, type Clock, type TimerHandle } from '../../../src/util/clock.js';
import { addressOfRecord, connectionFailure, registrationFailure, type AccountConfig } from './account-config.js';

export interface AccountRuntimeOptions {
  readonly config: AccountConfig;
  /** The stream this account's stack writes (the host's diagnostics store reads it). */
  readonly diagnostics: DiagnosticsStream;
  /** A media handler for each new call (the media owner's, in the app). */
  readonly createSdpHandler: () => SdpHandler;
  readonly onStatus: (status: AccountStatus) => void;
  readonly onIncomingCall: (call: IncomingCall) => void;
  readonly clock?: Clock;
  /** Wall-clock ms (for `registeredUntil`, `retryAt`). */
  readonly now?: () => number;
  /** Back-off between connection attempts (default 2 s doubling to 60 s). */
  readonly retry?: { readonly baseMs: number; readonly maxMs: number };
  /** T1 for this account's transactions (tests shrink it). */
  readonly t1?: number;
}

export class AccountRuntime {
  private current: AccountStatus;
  private connection: ServerConnection | undefined;
  private endpoint: SipEndpoint | undefined;
  private registration: Registration | undefined;
  private callAgent: CallAgent | undefined;
  private closed = false;
  private started = false;
  private failures = 0;
  private wake: (() => void) | undefined;
  private retryTimer: TimerHandle | undefined;
  private readonly offs: Array<() => void> = [];
  private readonly clock: Clock;
  private readonly now: () => number;
  readonly aor: string;

  constructor(private readonly options: AccountRuntimeOptions) {
    this.clock = options.clock ?? systemClock;
    this.now = options.now ?? Date.now;
    this.aor = addressOfRecord(options.config.account);
    this.current = this.status('connecting');
  }

  get accountId(): string {
    return this.options.config.account.id;
  }

  get config(): AccountConfig {
    return this.options.config;
  }

  get state(): AccountStatus {
    return this.current;
  }

  /** The call agent once connected; undefined while connecting. */
  get agent(): CallAgent | undefined {
    return this.callAgent;
  }

  /** The server's host, to complete `user` into `sip:user@host`. */
  get domain(): string {
    return this.aor.slice(this.aor.indexOf('@') + 1);
  }

  start(): void {
    this.report(this.status('connecting'));
    this.run().catch((error: unknown) => {
      // A bug, never a peer's doing: say so in the status rather than lose it.
      this.report(this.status('failed', {
        failure: { step: 'connect', kind: 'network', reason: `Callscope failed to run this account: ${error instanceof Error ? error.message : String(error)}` },
      }));
    });
  }

  /** Try now: skip the back-off, or register again (after fixing the password on the server, say). */
  retryNow(): AccountStatus {
    if (this.wake) this.wake();
    else if (this.registration) void this.registration.refresh();
    return this.current;
  }

  /** Unregisters (bounded wait), stops taking calls, closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    this.retryTimer?.cancel();
    for (const off of this.offs.splice(0)) off();
    await this.registration?.stop({ timeoutMs: 2000 }).catch(() => undefined);
    this.callAgent?.close();
    this.endpoint?.close();
    await this.connection?.close().catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { account } = this.options.config;
    while (!this.closed) {
      this.report(this.status('connecting'));
      const connected = await connectToServer(account.serverUrl, {
        ...(account.tls.caFile === '' ? {} : { caFile: account.tls.caFile }),
        ...(account.tls.acceptInvalidCertificate ? { acceptInvalidCertificate: true } : {}),
        clock: this.clock,
      });
      if (this.closed) {
        if (connected.ok) await connected.value.close();
        return;
      }
      if (connected.ok) {
        this.failures = 0;
        this.attach(connected.value);
        return;
      }
      const failure = connectionFailure(connected.error);
      if (failure.kind === 'configuration') {
        this.report(this.status('failed', { failure }));
        return;
      }
      await this.backOff(failure);
    }
  }

  /** Waits out the back-off (reported as retrying), or until retryNow()/close(). */
  private backOff(failure: ConnectionFailure): Promise<void> {
    const retry = this.options.retry ?? { baseMs: 2000, maxMs: 60_000 };
    this.failures += 1;
    const delay = backoffDelay(this.failures, retry, Math.random);
    this.report(this.status('retrying', { failure, retryAt: this.now() + delay }));
    return new Promise((resolve) => {
      const done = () => {
        this.wake = undefined;
        this.retryTimer?.cancel();
        resolve();
      };
      this.wake = done;
      this.retryTimer = this.clock.setTimer(delay, done);
    });
  }

  private attach(connection: ServerConnection): void {
    const { account, password } = this.options.config;
    this.connection = connection;
    const endpoint = new SipEndpoint({
      transport: connection.transport, outboundProxy: connection.outboundProxy, clock: this.clock,
      diagnostics: this.options.diagnostics,
      // RFC 3261 §8.1.2: the account's outbound proxy as a preloaded Route on requests outside a dialog.
      ...(account.outboundProxy === '' ? {} : { preloadedRoute: [account.outboundProxy] }),
      ...(this.options.t1 === undefined ? {} : { timers: { t1: this.options.t1, t2: 8 * this.options.t1, t4: 10 * this.options.t1 } }),
    });
    this.endpoint = endpoint;
    const authenticator = password === undefined ? undefined
      : new Authenticator({ username: account.authUser === '' ? account.user : account.authUser, password });
    const agent = new CallAgent({
      endpoint,
      identity: { uri: this.aor, ...(account.displayName === '' ? {} : { displayName: account.displayName }) },
      contactUser: account.user,
      ...(authenticator ? { authenticator } : {}),
      reliableProvisionals: account.reliableProvisionals === 'disabled' ? 'off' : account.reliableProvisionals,
      createSdpHandler: this.options.createSdpHandler,
    });
    this.callAgent = agent;
    this.offs.push(agent.onIncomingCall((call) => this.options.onIncomingCall(call)));
    this.offs.push(connection.transport.on('state', (change) => this.transportChanged(change)));
    if (authenticator === undefined) {
      // Without a password nothing is registered: calls can still be placed (to a server that does not challenge).
      this.report(this.status('failed', {
        failure: { step: 'register', kind: 'auth', reason: 'No password is saved for this account, so it is not registered: calls cannot reach you.' },
      }));
      return;
    }
    const registration = new Registration({
      endpoint, aor: this.aor, authenticator, instanceId: instanceIdFromSeed(`callscope-account:${account.id}`),
      contactUser: account.user, currentFlowId: () => connection.flowId,
      ...(account.displayName === '' ? {} : { displayName: account.displayName }),
    });
    this.registration = registration;
    this.offs.push(registration.on('state', (state) => this.registrationChanged(state)));
    void registration.start();
  }

  private registrationChanged(state: RegistrationState): void {
    if (this.closed) return;
    switch (state.name) {
      case 'unregistered':
        return;
      case 'registering':
        this.report(this.status('registering'));
        return;
      case 'registered':
        this.report(this.status('registered', { registeredUntil: this.now() + (state.until - this.clock.now()) }));
        return;
      case 'failed': {
        const failure = registrationFailure('register', state.status, state.reason);
        if (state.retryInMs === undefined) this.report(this.status('failed', { failure }));
        else this.report(this.status('retrying', { failure, retryAt: this.now() + state.retryInMs }));
        return;
      }
    }
  }

  /** The flow's own reconnects (after the first connection): RFC 5626 §4.4. */
  private transportChanged(change: TransportStateChange): void {
    if (this.closed) return;
    if (change.state === 'reconnecting' || change.state === 'failed') {
      const failure: ConnectionFailure = { step: 'connect', kind: 'network', reason: change.reason ?? 'the connection to the server was lost' };
      this.report(change.retryInMs === undefined
        ? this.status('retrying', { failure })
        : this.status('retrying', { failure, retryAt: this.now() + change.retryInMs }));
    } else if (change.state === 'connected' && this.current.state === 'retrying' && this.registration !== undefined) {
      this.report(this.status('registering'));
    }
  }

  private status(state: AccountStatus['state'], extra: Partial<Pick<AccountStatus, 'failure' | 'retryAt' | 'registeredUntil'>> = {}): AccountStatus {
    return {
      accountId: this.options.config.account.id, state, aor: this.aor,
      insecureTls: this.options.config.account.tls.acceptInvalidCertificate, ...extra,
    };
  }

  private report(status: AccountStatus): void {
    if (JSON.stringify(status) === JSON.stringify(this.current) && this.started) return;
    this.started = true;
    this.current = status;
    this.options.onStatus(status);
  }
}
