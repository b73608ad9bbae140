// Browser mode: the host as a plain Node process. Serves the built renderer on 127.0.0.1
// under a strict CSP and carries the app API over a token-protected local WebSocket.
//
//   node dist/main/browser-host.js [--port N] [--data-dir DIR]
//
// Prints `http://127.0.0.1:PORT/#token=...`; the token is random per run and is what lets
// the page (and nothing else) use the API.
import { randomBytes } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BRIDGE_AUTH_CHECK_PATH, BRIDGE_PATH, BRIDGE_TOKEN_PATTERN } from './contract/bridge-protocol.js';
import { defaultDataDir, preparePrivateDir } from './data-dir.js';
import { createHost } from './host/host.js';
import { defaultStores } from './host/stores.js';
import { createFileKeyVault } from './secret-vault.js';
import { defaultRendererDir, readStaticFile } from './static-files.js';
import { contentSecurityPolicy, loopbackHosts, loopbackOrigins, securityHeaders, tokensEqual } from './web-security.js';
import { attachBridge } from './ws-bridge.js';

export const DEFAULT_PORT = 47820;
const LISTEN_ADDRESS = '127.0.0.1';

export interface BrowserHostOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Defaults to 32 random bytes, base64url. */
  readonly token?: string;
  readonly dataDir: string;
  /** The built renderer; defaults to `<package root>/dist/renderer`. */
  readonly rendererDir?: string;
  readonly log?: (message: string) => void;
  /** Start the built-in test line when no account is saved (default true). */
  readonly testLine?: boolean;
}

export interface BrowserHost {
  /** Open this in a browser: it carries the token in the fragment (never sent over HTTP). */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const log = options.log ?? ((message: string) => console.error(message));
  const token = options.token ?? randomBytes(32).toString('base64url');
  if (!BRIDGE_TOKEN_PATTERN.test(token)) throw new Error('the token must be 16-128 base64url characters');
  const rendererDir = options.rendererDir ?? defaultRendererDir();
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`the renderer is not built (${join(rendererDir, 'index.html')} is missing); run \`npm run build\``);
  }

  await preparePrivateDir(options.dataDir);
  const host = createHost({
    mode: 'browser', dataDir: options.dataDir, vault: createFileKeyVault({ dataDir: options.dataDir }), stores: defaultStores, log,
    testLine: { start: options.testLine === false ? 'off' : 'when-no-account' },
  });
  const server = createServer();
  const port = (): number => (server.address() as AddressInfo).port;
  const allowedHosts = (): readonly string[] => loopbackHosts(port());
  const allowedOrigins = (): readonly string[] => loopbackOrigins(port());

  server.on('request', (request, response) => {
    handleHttp(request, response, { token, rendererDir, port: port(), allowedHosts: allowedHosts() }).catch((error: unknown) => {
      log(`callscope: HTTP handler failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  const bridge = attachBridge({ server, host, token, allowedHosts, allowedOrigins, log });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, LISTEN_ADDRESS, () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    url: `http://${LISTEN_ADDRESS}:${port()}/#token=${token}`,
    port: port(),
    token,
    async close() {
      await bridge.close();
      await host.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface HttpContext {
  readonly token: string;
  readonly rendererDir: string;
  readonly port: number;
  readonly allowedHosts: readonly string[];
}

async function handleHttp(request: IncomingMessage, response: ServerResponse, context: HttpContext): Promise<void> {
  const csp = contentSecurityPolicy({ connectSources: loopbackHosts(context.port).map((host) => `ws://${host}`) });
  const reply = (status: number, body = '', headers: Record<string, string> = {}): void => {
    response.writeHead(status, { ...securityHeaders(csp), 'Content-Type': 'text/plain; charset=utf-8', ...headers });
    response.end(request.method === 'HEAD' ? undefined : body);
  };

  // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host.
  if (!context.allowedHosts.includes(request.headers.host ?? '')) return reply(421, 'Unexpected Host header\n');
  if (request.method !== 'GET' && request.method !== 'HEAD') return reply(405, 'Method not allowed\n', { Allow: 'GET, HEAD' });

  const { pathname } = new URL(request.url ?? '/', 'http://placeholder');
  if (pathname === BRIDGE_AUTH_CHECK_PATH) {
    // Lets the page tell "wrong token" from "host not running" (a refused WebSocket hides the status).
    const presented = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    return tokensEqual(context.token, presented) ? reply(204) : reply(401, 'Missing or wrong token\n');
  }
  if (pathname === BRIDGE_PATH) return reply(426, 'WebSocket upgrade required\n', { Upgrade: 'websocket' });

  const file = await readStaticFile(context.rendererDir, pathname);
  if (file === undefined) return reply(404, 'Not found\n');
  response.writeHead(200, { ...securityHeaders(csp), 'Content-Type': file.contentType, 'Content-Length': String(file.body.length) });
  response.end(request.method === 'HEAD' ? undefined : file.body);
}

// ---------------------------------------------------------------------------------------
// Command line

export interface BrowserHostCliOptions {
  readonly port: number | undefined;
  readonly dataDir: string | undefined;
  readonly help: boolean;
  /** --no-test-line: do not start the built-in test line by itself. */
  readonly noTestLine?: true;
}

export function parseBrowserHostArgs(argv: readonly string[]): BrowserHostCliOptions {
  let port: number | undefined;
  let dataDir: string | undefined;
  let help = false;
  let noTestLine = false;
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = (argv[i] ?? '').split(/=(.*)/s, 2) as [string, string | undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === '--port') port = parsePort(value());
    else if (flag === '--data-dir') dataDir = value();
    else if (flag === '--help' || flag === '-h') help = true;
    else if (flag === '--no-test-line') noTestLine = true;
    else if (flag === '--browser') continue; // accepted for symmetry with `npm start -- --browser`
    else throw new Error(`unknown option ${flag} (try --help)`);
  }
  return { port, dataDir, help, ...(noTestLine ? { noTestLine: true as const } : {}) };
}

function parsePort(text: string, source = '--port'): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new Error(`${source} must be 0-65535, not ${JSON.stringify(text)}`);
  return port;
}

const USAGE = `Usage: node dist/main/browser-host.js [--port N] [--data-dir DIR] [--no-test-line]
  --port N        listen on 127.0.0.1:N (default ${DEFAULT_PORT}, env CALLSCOPE_PORT; 0 = any free port)
  --data-dir DIR  where settings live (default ${defaultDataDir()}, env CALLSCOPE_DATA_DIR)
  --no-test-line  do not start the built-in test line when no account is saved`;

/** Run browser mode until SIGINT/SIGTERM. Returns the process exit code on early failure. */
export async function runBrowserHostCli(argv: readonly string[]): Promise<number | undefined> {
  let cli: BrowserHostCliOptions;
  let explicitPort: number | undefined;
  try {
    cli = parseBrowserHostArgs(argv);
    const envPort = process.env.CALLSCOPE_PORT;
    explicitPort = cli.port ?? (envPort ? parsePort(envPort, 'CALLSCOPE_PORT') : undefined);
  } catch (error) {
    console.error(`callscope: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (cli.help) {
    console.log(USAGE);
    return 0;
  }
  const dataDir = cli.dataDir ?? defaultDataDir();
  let running: BrowserHost;
  try {
    running = await startBrowserHost({ port: explicitPort ?? DEFAULT_PORT, dataDir, ...(cli.noTestLine ? { testLine: false } : {}) });
  } catch (error) {
    const busy = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    if (!busy) {
      console.error(`callscope: cannot start browser mode: ${(error as Error).message}`);
      return 1;
    }
    if (explicitPort !== undefined) {
      console.error(`callscope: port ${explicitPort} on ${LISTEN_ADDRESS} is in use; pick another with --port N (0 = any free port)`);
      return 1;
    }
    console.error(`callscope: port ${DEFAULT_PORT} is in use (another Callscope?); using a free port instead`);
    running = await startBrowserHost({ port: 0, dataDir, ...(cli.noTestLine ? { testLine: false } : {}) });
  }
  console.log(
    [
      'Callscope is running in browser mode.',
      'Open this address in Chromium or Chrome (it carries this run\'s access token):',
      '',
      `  ${running.url}`,
      '',
      `Settings: ${dataDir}`,
      'Press Ctrl+C to stop.',
    ].join('\n'),
  );
  const stop = (): void => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return undefined;
}

function isMainModule(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isMainModule()) {
  const code = await runBrowserHostCli(process.argv.slice(2));
  if (code !== undefined) process.exitCode = code;
}
