// Passwords at rest: sealed with AES-256-GCM under a 0600 key file; the settings file never
// holds the plaintext.
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileKeyVault, createSafeStorageVault } from '../../../main/secret-vault.js';
import type { SafeStorageLike } from '../../../main/secret-vault.js';
import { accountFieldsSchema } from '../../../main/contract/accounts.js';
import { SETTINGS_FILE, createSettingsStore } from '../../../main/settings-store.js';

const PASSWORD = 'p4ssw0rd-that-must-not-leak';
const posix = process.platform !== 'win32';
let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'callscope-secret-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('file-key vault', () => {
  it('round-trips a secret and creates a 0600 key file', async () => {
    const vault = createFileKeyVault({ dataDir });
    const sealed = await vault.seal(PASSWORD, 'account-1');
    expect(sealed.scheme).toBe('file-key-aes-256-gcm');
    expect(sealed.data).not.toContain(PASSWORD);
    expect(Buffer.from(sealed.data, 'base64').toString('utf8')).not.toContain(PASSWORD);
    expect(await vault.open(sealed, 'account-1')).toBe(PASSWORD);
    const key = await stat(join(dataDir, 'secret.key'));
    expect(key.size).toBe(32);
    if (posix) expect(key.mode & 0o777).toBe(0o600);
  });

  it('uses a fresh IV for every seal', async () => {
    const vault = createFileKeyVault({ dataDir });
    const a = await vault.seal(PASSWORD, 'x');
    const b = await vault.seal(PASSWORD, 'x');
    expect(a.data).not.toBe(b.data);
  });

  it('reuses the key across vault instances (restarts)', async () => {
    const sealed = await createFileKeyVault({ dataDir }).seal(PASSWORD, 'a');
    expect(await createFileKeyVault({ dataDir }).open(sealed, 'a')).toBe(PASSWORD);
  });

  it('refuses tampered data, another account\'s record, and a different key', async () => {
    const vault = createFileKeyVault({ dataDir });
    const sealed = await vault.seal(PASSWORD, 'a');
    const raw = Buffer.from(sealed.data, 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    await expect(vault.open({ ...sealed, data: raw.toString('base64') }, 'a')).rejects.toThrow(/tampered/);
    await expect(vault.open(sealed, 'b')).rejects.toThrow(/tampered/);
    await expect(vault.open({ scheme: 'electron-safe-storage', data: 'AAAA' }, 'a')).rejects.toThrow(/cannot open/);

    const otherDir = await mkdtemp(join(tmpdir(), 'callscope-secret-other-'));
    try {
      await expect(createFileKeyVault({ dataDir: otherDir }).open(sealed, 'a')).rejects.toThrow(/does not match the key file/);
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it.runIf(posix)('tightens a key file whose mode was loosened', async () => {
    await createFileKeyVault({ dataDir }).seal(PASSWORD, 'a');
    await chmod(join(dataDir, 'secret.key'), 0o644);
    await createFileKeyVault({ dataDir }).seal(PASSWORD, 'a');
    expect((await stat(join(dataDir, 'secret.key'))).mode & 0o777).toBe(0o600);
  });

  it('rejects a key file of the wrong size', async () => {
    await writeFile(join(dataDir, 'secret.key'), 'short', { mode: 0o600 });
    await expect(createFileKeyVault({ dataDir }).seal(PASSWORD, 'a')).rejects.toThrow(/not a Callscope key file/);
  });
});

describe('settings file', () => {
  it('stores the password only encrypted, in a 0600 file', async () => {
    const store = createSettingsStore({ dataDir, vault: createFileKeyVault({ dataDir }) });
    const saved = await store.saveAccount(undefined, accountFieldsSchema.parse({
      serverUrl: 'wss://sip.example.com', user: 'alice', displayName: 'Alice', password: { action: 'set', value: PASSWORD },
    }));
    const text = await readFile(join(dataDir, SETTINGS_FILE), 'utf8');
    expect(text).toContain('"user": "alice"');
    expect(text).toContain('file-key-aes-256-gcm');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    if (posix) expect((await stat(join(dataDir, SETTINGS_FILE))).mode & 0o777).toBe(0o600);
    expect(saved).toMatchObject({ id: saved.id, serverUrl: 'wss://sip.example.com', user: 'alice', domain: '', displayName: 'Alice', hasPassword: true });
    expect(JSON.stringify(saved)).not.toContain(PASSWORD);
    expect(await store.revealPassword(saved.id)).toBe(PASSWORD);
  });

  it('reports a corrupt settings file plainly', async () => {
    await writeFile(join(dataDir, SETTINGS_FILE), '{ not json');
    const store = createSettingsStore({ dataDir, vault: createFileKeyVault({ dataDir }) });
    await expect(store.read()).rejects.toThrow(/is not valid JSON; fix or remove it/);
  });
});

describe('safeStorage vault', () => {
  const fakeSafeStorage = (available: boolean, backend?: string): SafeStorageLike => ({
    isEncryptionAvailable: () => available,
    encryptString: (text) => Buffer.from(`enc(${[...text].reverse().join('')})`),
    decryptString: (data) => [...data.toString().slice(4, -1)].reverse().join(''),
    getSelectedStorageBackend: backend === undefined ? undefined : () => backend,
  });

  it('uses the OS keychain when it is real', async () => {
    const vault = createSafeStorageVault(fakeSafeStorage(true, 'gnome_libsecret'), createFileKeyVault({ dataDir }));
    const sealed = await vault.seal(PASSWORD, 'a');
    expect(sealed.scheme).toBe('electron-safe-storage');
    expect(await vault.open(sealed, 'a')).toBe(PASSWORD);
  });

  it.runIf(process.platform === 'linux')('falls back to the key file when Linux offers only basic_text', async () => {
    const vault = createSafeStorageVault(fakeSafeStorage(true, 'basic_text'), createFileKeyVault({ dataDir }));
    const sealed = await vault.seal(PASSWORD, 'a');
    expect(sealed.scheme).toBe('file-key-aes-256-gcm');
    expect(await vault.open(sealed, 'a')).toBe(PASSWORD);
  });

  it('falls back to the key file when encryption is unavailable', async () => {
    const vault = createSafeStorageVault(fakeSafeStorage(false), createFileKeyVault({ dataDir }));
    expect((await vault.seal(PASSWORD, 'a')).scheme).toBe('file-key-aes-256-gcm');
    expect(vault.description).toMatch(/key in a file only you can read/);
  });
});
