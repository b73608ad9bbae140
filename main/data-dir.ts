// Where Callscope keeps its settings when no --data-dir is given. Mirrors Electron's
// `app.getPath('userData')` for an app named "callscope".
import { chmod, mkdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.CALLSCOPE_DATA_DIR) return env.CALLSCOPE_DATA_DIR;
  switch (platform) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'callscope');
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'callscope');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'callscope');
  }
}

/**
 * Creates the data directory (0700), or tightens an existing one to 0700 when group or
 * others may read it: it holds the settings and the vault's key file. POSIX only.
 */
export async function preparePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const { mode } = await stat(dir);
  if ((mode & 0o077) !== 0) await chmod(dir, 0o700);
}
