// Secrets (account passwords) at rest. A vault seals a plaintext into an opaque record and
// opens it again; the host stores only sealed records and never hands plaintext to the
// renderer.
//
// - file-key: AES-256-GCM with a random 256-bit key kept in `<dataDir>/secret.key`
//   (mode 0600, created once). Used in browser mode, and in Electron when the OS offers no
//   real keychain.
// - electron-safe-storage: Electron's safeStorage (Keychain, DPAPI, libsecret/kwallet).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, open, readFile, stat } from 'node:fs/promises';
import { preparePrivateDir } from './data-dir.js';
import { join } from 'node:path';
import { z } from 'zod';

export const sealedSecretSchema = z.strictObject({
  scheme: z.enum(['file-key-aes-256-gcm', 'electron-safe-storage']),
  data: z.string().min(1),
});

export type SealedSecret = z.output<typeof sealedSecretSchema>;
export type SecretScheme = SealedSecret['scheme'];

export interface SecretVault {
  /** In words, for the UI: how secrets are protected. */
  readonly description: string;
  /** Seal `plaintext`; `context` (e.g. the account id) is bound to the record. */
  seal(plaintext: string, context: string): Promise<SealedSecret>;
  open(sealed: SealedSecret, context: string): Promise<string>;
}

export class SecretVaultError extends Error {
  override readonly name = 'SecretVaultError';
}

const KEY_FILE = 'secret.key';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const AAD_PREFIX = 'callscope:secret:v1:';

export interface FileKeyVaultOptions {
  readonly dataDir: string;
}

export function createFileKeyVault(options: FileKeyVaultOptions): SecretVault {
  const keyPath = join(options.dataDir, KEY_FILE);
  let key: Promise<Buffer> | undefined;
  const getKey = (): Promise<Buffer> => {
    key ??= loadOrCreateKey(options.dataDir, keyPath).catch((error: unknown) => {
      key = undefined;
      throw error;
    });
    return key;
  };

  return {
    description: `AES-256-GCM, with the key in a file only you can read (${keyPath})`,
    async seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', await getKey(), iv);
      cipher.setAAD(Buffer.from(AAD_PREFIX + context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const data = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
      return { scheme: 'file-key-aes-256-gcm', data };
    },
    async open(sealed, context) {
      if (sealed.scheme !== 'file-key-aes-256-gcm') {
        throw new SecretVaultError(`this vault cannot open secrets sealed with ${sealed.scheme}`);
      }
      const raw = Buffer.from(sealed.data, 'base64');
      if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretVaultError('sealed secret is truncated');
      const decipher = createDecipheriv('aes-256-gcm', await getKey(), raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(AAD_PREFIX + context, 'utf8'));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretVaultError('sealed secret does not match the key file (tampered, or the key changed)');
      }
    },
  };
}

async function loadOrCreateKey(dataDir: string, keyPath: string): Promise<Buffer> {
  await preparePrivateDir(dataDir);
  try {
    const handle = await open(keyPath, 'wx', 0o600);
    const fresh = randomBytes(KEY_BYTES);
    try {
      await handle.writeFile(fresh);
    } finally {
      await handle.close();
    }
    return fresh;
  } catch (error) {
    if (!isErrnoException(error) || error.code !== 'EEXIST') throw error;
  }
  // An existing key file: tighten its mode if someone loosened it (POSIX only).
  if (process.platform !== 'win32') {
    const { mode } = await stat(keyPath);
    if ((mode & 0o077) !== 0) await chmod(keyPath, 0o600);
  }
  const existing = await readFile(keyPath);
  if (existing.length !== KEY_BYTES) {
    throw new SecretVaultError(`${keyPath} is not a Callscope key file (expected ${KEY_BYTES} bytes)`);
  }
  return existing;
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}

/** The subset of Electron's `safeStorage` the vault needs (kept structural for tests). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

/**
 * Uses Electron's safeStorage when it is backed by a real OS keychain; otherwise (no
 * keychain, or Linux's hard-coded "basic_text" key) seals with `fallback`. Opens both kinds.
 */
export function createSafeStorageVault(safeStorage: SafeStorageLike, fallback: SecretVault): SecretVault {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : undefined;
  const usable = safeStorage.isEncryptionAvailable() && backend !== 'basic_text' && backend !== 'unknown';
  return {
    description: usable ? `the operating system's keychain (Electron safeStorage${backend ? `, ${backend}` : ''})` : fallback.description,
    async seal(plaintext, context) {
      if (!usable) return fallback.seal(plaintext, context);
      return { scheme: 'electron-safe-storage', data: safeStorage.encryptString(plaintext).toString('base64') };
    },
    async open(sealed, context) {
      if (sealed.scheme !== 'electron-safe-storage') return fallback.open(sealed, context);
      if (!safeStorage.isEncryptionAvailable()) throw new SecretVaultError('the OS keychain is not available');
      return safeStorage.decryptString(Buffer.from(sealed.data, 'base64'));
    },
  };
}
