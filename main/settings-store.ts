// Settings on disk: `<dataDir>/settings.json` (mode 0600), written atomically. Secrets (the
// SIP password, TURN credentials) are stored only as sealed records from a SecretVault,
// each bound to its account and purpose. Version 1 files (before the account fields of
// issue 11) are read with the new fields' defaults and written back as version 2.
import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { preparePrivateDir } from './data-dir.js';
import { join } from 'node:path';
import { z } from 'zod';
import type { AccountFields, AccountView, IceServerView, SecretChange, SettingsView } from './contract/accounts.js';
import { assertNever } from './contract/assert-never.js';
import { sealedSecretSchema } from './secret-vault.js';
import type { SealedSecret, SecretVault } from './secret-vault.js';

const storedIceServerSchema = z.object({
  urls: z.array(z.string()),
  username: z.string().default(''),
  credential: sealedSecretSchema.optional(),
});

const storedAccountSchema = z.object({
  id: z.string().min(1),
  enabled: z.boolean().default(true),
  label: z.string().default(''),
  serverUrl: z.string(),
  user: z.string(),
  authUser: z.string().default(''),
  domain: z.string().default(''),
  displayName: z.string().default(''),
  password: sealedSecretSchema.optional(),
  outboundProxy: z.string().default(''),
  iceServers: z.array(storedIceServerSchema).default([]),
  reliableProvisionals: z.enum(['supported', 'required', 'disabled']).default('supported'),
  dtmfMethod: z.enum(['auto', 'rfc4733', 'info']).default('auto'),
  tls: z.object({ caFile: z.string().default(''), acceptInvalidCertificate: z.boolean().default(false) })
    .default({ caFile: '', acceptInvalidCertificate: false }),
  autoAnswer: z.enum(['off', 'when-asked', 'always']).default('off'),
});

const settingsFileSchema = z.object({
  version: z.union([z.literal(1), z.literal(2)]),
  accounts: z.array(storedAccountSchema),
});

type StoredAccount = z.output<typeof storedAccountSchema>;
type StoredIceServer = z.output<typeof storedIceServerSchema>;
type SettingsFile = z.output<typeof settingsFileSchema>;

export const SETTINGS_FILE = 'settings.json';
const FILE_VERSION = 2;

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(
    readonly kind: 'not-found' | 'corrupt',
    message: string,
  ) {
    super(message);
  }
}

/** What the host needs to run an account: its fields and its secrets in the clear. Never leaves the host. */
export interface AccountSecrets {
  readonly password?: string;
  /** Per ICE server, in order: its credential, if one is saved. */
  readonly iceCredentials: readonly (string | undefined)[];
}

export interface SettingsStore {
  readonly path: string;
  read(): Promise<SettingsView>;
  /** Create (no id) or update an account; returns it as the renderer may see it. */
  saveAccount(id: string | undefined, fields: AccountFields): Promise<AccountView>;
  deleteAccount(id: string): Promise<SettingsView>;
  /** Host-internal: the plaintext password for the SIP user agent. Never part of the app API. */
  revealPassword(id: string): Promise<string | undefined>;
  /** Host-internal: every secret of an account. */
  revealSecrets(id: string): Promise<AccountSecrets>;
}

export interface SettingsStoreOptions {
  readonly dataDir: string;
  readonly vault: SecretVault;
}

export function createSettingsStore(options: SettingsStoreOptions): SettingsStore {
  const path = join(options.dataDir, SETTINGS_FILE);
  // Writes are serialized so two saves cannot interleave their read-modify-write.
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  const load = async (): Promise<SettingsFile> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return { version: FILE_VERSION, accounts: [] };
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new SettingsError('corrupt', `${path} is not valid JSON; fix or remove it`);
    }
    const result = settingsFileSchema.safeParse(parsed);
    if (!result.success) throw new SettingsError('corrupt', `${path} does not look like Callscope settings; fix or remove it`);
    return result.data;
  };

  const store = async (file: SettingsFile): Promise<void> => {
    await preparePrivateDir(options.dataDir);
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ ...file, version: FILE_VERSION }, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, path);
  };

  const find = async (id: string): Promise<StoredAccount> => {
    const account = (await load()).accounts.find((candidate) => candidate.id === id);
    if (account === undefined) throw new SettingsError('not-found', `there is no account with id ${id}`);
    return account;
  };

  return {
    path,
    read: async () => toView(await load()),
    saveAccount: (id, fields) =>
      serialized(async () => {
        const file = await load();
        const index = id === undefined ? -1 : file.accounts.findIndex((account) => account.id === id);
        if (id !== undefined && index < 0) throw new SettingsError('not-found', `there is no account with id ${id}`);
        const previous = index >= 0 ? file.accounts[index] : undefined;
        const accountId = previous?.id ?? randomUUID();
        const { password, iceServers, ...plain } = fields;
        const account: StoredAccount = {
          id: accountId, ...plain,
          tls: { ...plain.tls },
          iceServers: await Promise.all(iceServers.map(async (server) => {
            const kept = previous?.iceServers.find((old) => sameUrls(old.urls, server.urls))?.credential;
            const credential = await applySecretChange(options.vault, `${accountId}:ice:${server.urls.join(' ')}`, kept, server.credential);
            const stored: StoredIceServer = { urls: [...server.urls], username: server.username };
            if (credential !== undefined) stored.credential = credential;
            return stored;
          })),
        };
        const sealed = await applySecretChange(options.vault, accountId, previous?.password, password);
        if (sealed !== undefined) account.password = sealed;
        if (index >= 0) file.accounts[index] = account;
        else file.accounts.push(account);
        await store(file);
        return toAccountView(account);
      }),
    deleteAccount: (id) =>
      serialized(async () => {
        const file = await load();
        const remaining = file.accounts.filter((account) => account.id !== id);
        if (remaining.length === file.accounts.length) throw new SettingsError('not-found', `there is no account with id ${id}`);
        const next = { ...file, accounts: remaining };
        await store(next);
        return toView(next);
      }),
    async revealPassword(id) {
      const account = await find(id);
      return account.password === undefined ? undefined : options.vault.open(account.password, account.id);
    },
    async revealSecrets(id) {
      const account = await find(id);
      const password = account.password === undefined ? undefined : await options.vault.open(account.password, account.id);
      const iceCredentials = await Promise.all(account.iceServers.map((server) => server.credential === undefined
        ? undefined : options.vault.open(server.credential, `${account.id}:ice:${server.urls.join(' ')}`)));
      return { ...(password === undefined ? {} : { password }), iceCredentials };
    },
  };
}

function sameUrls(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((url, i) => url === b[i]);
}

async function applySecretChange(
  vault: SecretVault,
  context: string,
  previous: SealedSecret | undefined,
  change: SecretChange,
): Promise<SealedSecret | undefined> {
  switch (change.action) {
    case 'keep':
      return previous;
    case 'clear':
      return undefined;
    case 'set':
      return vault.seal(change.value, context);
    default:
      return assertNever(change, 'secret change');
  }
}

function toAccountView(account: StoredAccount): AccountView {
  const iceServers: IceServerView[] = account.iceServers.map((server) => ({
    urls: server.urls, username: server.username, hasCredential: server.credential !== undefined,
  }));
  return {
    id: account.id,
    enabled: account.enabled,
    label: account.label,
    serverUrl: account.serverUrl,
    user: account.user,
    authUser: account.authUser,
    domain: account.domain,
    displayName: account.displayName,
    hasPassword: account.password !== undefined,
    outboundProxy: account.outboundProxy,
    iceServers,
    reliableProvisionals: account.reliableProvisionals,
    dtmfMethod: account.dtmfMethod,
    tls: { caFile: account.tls.caFile, acceptInvalidCertificate: account.tls.acceptInvalidCertificate },
    autoAnswer: account.autoAnswer,
  };
}

function toView(file: SettingsFile): SettingsView {
  return { accounts: file.accounts.map(toAccountView) };
}
