// Callscope's own package.json, found by walking up from this module (works from main/
// in tests and from dist/main/ when built).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  readonly name: string;
  readonly version: string;
  /** The folder holding package.json (the project, or the packaged app). */
  readonly root: string;
}

let cached: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = readPackageJson(join(dir, 'package.json'));
    if (candidate?.name === 'callscope' && typeof candidate.version === 'string') {
      cached = { name: candidate.name, version: candidate.version, root: dir };
      return cached;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the callscope package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

function readPackageJson(path: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}
