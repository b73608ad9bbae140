// Where Callscope keeps its settings when no --data-dir is given. Mirrors Electron's
// `app.getPath('userData')` for an app named "callscope".
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
