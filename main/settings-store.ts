// Settings on disk: `<dataDir>/settings.json` (mode 0600), written atomically. Account
// passwords are stored only as sealed records from a SecretVault.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { AccountView, PasswordChange, SettingsView } from './contract/app-api.js';
import { assertNever } from './contract/assert-never.js';
import { sealedSecretSchema } from './secret-vault.js';
import type { SecretVault } from './secret-vault.js';

const storedAccountSchema = z.object({
  id: z.string().min(1),
  serverUrl: z.string(),
  user: z.string(),
  domain: z.string().default(''),
  displayName: z.string().default(''),
  password: sealedSecretSchema.optional(),
});

const settingsFileSchema = z.object({
  version: z.literal(1),
  accounts: z.array(storedAccountSchema),
});

type StoredAccount = z.output<typeof storedAccountSchema>;
type SettingsFile = z.output<typeof settingsFileSchema>;

export const SETTINGS_FILE = 'settings.json';

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(
    readonly kind: 'not-found' | 'corrupt',
    message: string,
  ) {
    super(message);
  }
}

export interface AccountFields {
  readonly serverUrl: string;
  readonly user: string;
  readonly domain: string;
  readonly displayName: string;
}

export interface SettingsStore {
  readonly path: string;
  read(): Promise<SettingsView>;
  /** Create (no id) or update an account; returns it as the renderer may see it. */
  saveAccount(id: string | undefined, fields: AccountFields, password: PasswordChange): Promise<AccountView>;
  deleteAccount(id: string): Promise<SettingsView>;
  /** Host-internal: the plaintext password for the SIP user agent. Never part of the app API. */
  revealPassword(id: string): Promise<string | undefined>;
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
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return { version: 1, accounts: [] };
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
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, path);
  };

  return {
    path,
    read: async () => toView(await load()),
    saveAccount: (id, fields, password) =>
      serialized(async () => {
        const file = await load();
        const index = id === undefined ? -1 : file.accounts.findIndex((account) => account.id === id);
        if (id !== undefined && index < 0) throw new SettingsError('not-found', `there is no account with id ${id}`);
        const previous = index >= 0 ? file.accounts[index] : undefined;
        const accountId = previous?.id ?? randomUUID();
        const account: StoredAccount = { id: accountId, ...fields };
        const sealed = await applyPasswordChange(options.vault, accountId, previous?.password, password);
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
      const account = (await load()).accounts.find((candidate) => candidate.id === id);
      if (account === undefined) throw new SettingsError('not-found', `there is no account with id ${id}`);
      return account.password === undefined ? undefined : options.vault.open(account.password, account.id);
    },
  };
}

async function applyPasswordChange(
  vault: SecretVault,
  accountId: string,
  previous: StoredAccount['password'],
  change: PasswordChange,
): Promise<StoredAccount['password']> {
  switch (change.action) {
    case 'keep':
      return previous;
    case 'clear':
      return undefined;
    case 'set':
      return vault.seal(change.value, accountId);
    default:
      return assertNever(change, 'password change');
  }
}

function toAccountView(account: StoredAccount): AccountView {
  return {
    id: account.id,
    serverUrl: account.serverUrl,
    user: account.user,
    domain: account.domain,
    displayName: account.displayName,
    hasPassword: account.password !== undefined,
  };
}

function toView(file: SettingsFile): SettingsView {
  return { accounts: file.accounts.map(toAccountView) };
}
