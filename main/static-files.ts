// Resolving and typing the built renderer's files (dist/renderer), for the browser-mode
// server and Electron's app:// protocol alike.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { packageInfo } from './package-info.js';

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.mp3': 'audio/mpeg',
};

/** The built renderer: `<package root>/dist/renderer` (also inside a packaged app). */
export function defaultRendererDir(): string {
  return join(packageInfo().root, 'dist', 'renderer');
}

export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
}

/**
 * Read the file a URL path names under `root`, or undefined when there is none (or the path
 * tries to leave `root`). "/" serves index.html. Source maps are never served: they would
 * hand the sources to any page that asks (the build keeps them on disk, unreferenced).
 */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = resolve(root);
  const file = resolve(base, relative);
  if (!file.startsWith(base + sep)) return undefined;
  if (extname(file).toLowerCase() === '.map') return undefined;
  try {
    if (!(await stat(file)).isFile()) return undefined;
    return { body: await readFile(file), contentType: MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' };
  } catch {
    return undefined;
  }
}
