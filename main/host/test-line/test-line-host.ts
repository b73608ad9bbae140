// The built-in test line inside the host: started at launch when no account is saved (and
// on demand later), on 127.0.0.1 only, on a secret path, for programs only (no Origin:
// web pages are refused), with digest credentials made per launch. Its account is built
// in: the host hands it to the account manager with its password in memory, never to the
// settings store, so it registers, calls and shows its diagnostics like any account, and
// is never saved. It keeps running when accounts are added, until it is turned off.
import type { AccountView } from '../../contract/accounts.js';
import { TEST_LINE_ACCOUNT_ID, type TestLineView } from '../../contract/test-line.js';
import { TEST_LINE_DIRECTORY } from '../../../src/testline/directory.js';
import { TestLine, type TestLineOptions } from '../../../src/testline/test-line.js';
import type { AccountConfig } from '../accounts/account-config.js';

/** What tests may change: T1, the line's waits, its media engine's options. */
export type TestLineTuning = Pick<TestLineOptions, 't1' | 'timing' | 'media'>;

export interface TestLineHostOptions {
  /** Runs the line's account (undefined: stops it). */
  readonly setAccount: (config: AccountConfig | undefined) => Promise<void>;
  readonly log: (message: string) => void;
  readonly tuning?: TestLineTuning;
}

/** The built-in account for a running line (its password only ever in this config). */
export function testLineAccount(line: TestLine): AccountConfig {
  const account: AccountView = {
    id: TEST_LINE_ACCOUNT_ID, enabled: true, label: 'Test line', serverUrl: line.url, user: line.credentials.user,
    authUser: '', domain: '', displayName: '', hasPassword: true, outboundProxy: '', iceServers: [],
    reliableProvisionals: 'supported', dtmfMethod: 'auto', tls: { caFile: '', acceptInvalidCertificate: false },
    autoAnswer: 'off', builtIn: true,
  };
  return { account, password: line.credentials.password, iceServers: [] };
}

export class TestLineHost {
  private line: TestLine | undefined;
  private state: TestLineView['state'] = 'stopped';
  private failure: string | undefined;
  /** Start and stop one after the other, in the order asked. */
  private work: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: TestLineHostOptions) {}

  view(): TestLineView {
    const account = this.line ? testLineAccount(this.line).account : undefined;
    return {
      enabled: this.state === 'starting' || this.state === 'running', state: this.state, accountId: TEST_LINE_ACCOUNT_ID,
      ...(this.failure === undefined ? {} : { failure: this.failure }),
      ...(account ? { account } : {}),
      numbers: TEST_LINE_DIRECTORY,
    };
  }

  /** Starts the line or stops it; resolves with the view once done. */
  set(enabled: boolean): Promise<TestLineView> {
    const next = this.work.then(() => (enabled ? this.start() : this.stop()));
    this.work = next.catch(() => undefined);
    return next.then(() => this.view());
  }

  close(): Promise<TestLineView> {
    return this.set(false);
  }

  private async start(): Promise<void> {
    if (this.line) return;
    this.state = 'starting';
    this.failure = undefined;
    try {
      this.line = await TestLine.start({
        ...this.options.tuning,
        host: '127.0.0.1', port: 0, origins: 'none', user: 'phone',
      });
    } catch (error) {
      this.state = 'failed';
      this.failure = `The test line could not start: ${error instanceof Error ? error.message : String(error)}`;
      this.options.log(`callscope: ${this.failure}`);
      return;
    }
    this.state = 'running';
    await this.options.setAccount(testLineAccount(this.line));
  }

  private async stop(): Promise<void> {
    const line = this.line;
    if (!line) {
      if (this.state !== 'failed') this.state = 'stopped';
      return;
    }
    this.line = undefined;
    this.state = 'stopped';
    // The account first (it unregisters, its calls end), then the line.
    await this.options.setAccount(undefined);
    await line.close();
  }
}
