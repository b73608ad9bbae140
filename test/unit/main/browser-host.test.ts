// Browser mode's HTTP server and WebSocket bridge, in-process on a free loopback port.
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { parseBrowserHostArgs, startBrowserHost } from '../../../main/browser-host.js';
import type { BrowserHost } from '../../../main/browser-host.js';

const TOKEN = 'unit-test-token-0123456789abcdef';
let root: string;
let running: BrowserHost;
let origin: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'callscope-host-'));
  await mkdir(join(root, 'renderer', 'assets'), { recursive: true });
  await writeFile(join(root, 'renderer', 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(join(root, 'renderer', 'assets', 'app.js'), 'export {};');
  await writeFile(join(root, 'renderer', 'assets', 'app.js.map'), '{"version":3,"sources":["secret/source.ts"]}');
  await writeFile(join(root, 'outside.txt'), 'secret');
  running = await startBrowserHost({ port: 0, token: TOKEN, dataDir: join(root, 'data'), rendererDir: join(root, 'renderer'), log: () => undefined });
  origin = `http://127.0.0.1:${running.port}`;
});

afterAll(async () => {
  await running.close();
  await rm(root, { recursive: true, force: true });
});

type Outcome = { kind: 'open'; socket: WebSocket } | { kind: 'refused'; status: number };

function connect(options: { token?: string | undefined; origin?: string | undefined; protocols?: string[] } = {}): Promise<Outcome> {
  const token = 'token' in options ? options.token : TOKEN;
  const protocols = options.protocols ?? ['callscope.v1', ...(token === undefined ? [] : [`callscope-token.${token}`])];
  const headers: Record<string, string> = {};
  const from = 'origin' in options ? options.origin : origin;
  if (from !== undefined) headers.Origin = from;
  const socket = new WebSocket(`ws://127.0.0.1:${running.port}/api`, protocols, { headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ kind: 'open', socket }));
    socket.once('unexpected-response', (_request, response) => {
      resolve({ kind: 'refused', status: response.statusCode ?? 0 });
      socket.terminate();
    });
    socket.once('error', (error) => reject(error));
  });
}

async function openSocket(): Promise<WebSocket> {
  const outcome = await connect();
  if (outcome.kind !== 'open') throw new Error(`refused with ${outcome.status}`);
  return outcome.socket;
}

function nextMessage(socket: WebSocket, predicate: (message: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      const message = JSON.parse(data.toString()) as Record<string, unknown>;
      if (!predicate(message)) return;
      socket.off('message', onMessage);
      resolve(message);
    };
    socket.on('message', onMessage);
  });
}

describe('browser host HTTP', () => {
  it('prints a loopback URL carrying the token in the fragment', () => {
    expect(running.url).toBe(`http://127.0.0.1:${running.port}/#token=${TOKEN}`);
  });

  it('serves the renderer under a strict CSP', async () => {
    const response = await fetch(`${origin}/`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${running.port} ws://localhost:${running.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-(eval|inline)/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${origin}/assets/app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('refuses foreign Host headers, other methods, and paths outside the renderer', async () => {
    const viaName = await fetch(`http://localhost:${running.port}/`).catch(() => undefined);
    if (viaName !== undefined) expect(viaName.status).toBe(200);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: running.port, path: '/', headers: { Host: `evil.example:${running.port}` } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      }).on('error', reject).end();
    });
    expect(status).toBe(421);
    expect((await fetch(`${origin}/`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${origin}/..%2foutside.txt`)).status).toBe(404);
    expect((await fetch(`${origin}/nope.js`)).status).toBe(404);
  });

  it('does not serve source maps (they show the sources)', async () => {
    expect((await fetch(`${origin}/assets/app.js.map`)).status).toBe(404);
  });

  it('checks the token on /api/auth', async () => {
    expect((await fetch(`${origin}/api/auth`)).status).toBe(401);
    expect((await fetch(`${origin}/api/auth`, { headers: { Authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await fetch(`${origin}/api/auth`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(204);
  });
});

describe('browser host bridge', () => {
  it.each([
    ['no token', { token: undefined }, 401],
    ['a wrong token', { token: 'wrong-token-0123456789abcdef' }, 401],
    ['no Origin', { origin: undefined }, 403],
    ['a foreign Origin', { origin: 'https://evil.example' }, 403],
    ['another loopback port as Origin', { origin: 'http://127.0.0.1:1' }, 403],
    ['without the callscope subprotocol', { protocols: [`callscope-token.${TOKEN}`] }, 400],
  ])('refuses a connection with %s', async (_name, options, status) => {
    expect(await connect(options)).toEqual({ kind: 'refused', status });
  });

  it('accepts the right token from the page origin and answers requests', async () => {
    const socket = await openSocket();
    expect(socket.protocol).toBe('callscope.v1');
    const reply = nextMessage(socket);
    socket.send(JSON.stringify({ kind: 'request', id: 1, operation: 'getAppInfo' }));
    expect(await reply).toMatchObject({ kind: 'response', id: 1, result: { ok: true, value: { mode: 'browser', name: 'Callscope' } } });
    socket.close();
  });

  it('validates every message', async () => {
    const socket = await openSocket();
    let reply = nextMessage(socket);
    socket.send('not json');
    expect(await reply).toEqual({ kind: 'protocol-error', message: 'message is not JSON' });
    reply = nextMessage(socket);
    socket.send(JSON.stringify({ kind: 'request', id: -1, operation: 'getAppInfo', extra: 1 }));
    expect(await reply).toMatchObject({ kind: 'protocol-error', message: expect.stringMatching(/malformed request: id: .*; message: .*extra/) });
    reply = nextMessage(socket);
    socket.send(JSON.stringify({ kind: 'request', id: 2, operation: 'saveAccount', payload: { serverUrl: 'http://x' } }));
    expect(await reply).toMatchObject({ kind: 'response', id: 2, result: { ok: false, error: { code: 'invalid-request', message: expect.stringMatching(/serverUrl must be a wss/) } } });
    reply = nextMessage(socket);
    socket.send(JSON.stringify({ kind: 'request', id: 3, operation: 'format-disk' }));
    expect(await reply).toMatchObject({ kind: 'response', id: 3, result: { ok: false, error: { code: 'unknown-operation' } } });
    socket.close();
  });

  it('pushes settings-changed events to every connected page, without the password', async () => {
    const [a, b] = [await openSocket(), await openSocket()];
    const event = nextMessage(b, (message) => message.kind === 'event');
    const response = nextMessage(a, (message) => message.kind === 'response');
    const password = 'bridge-secret-password';
    a.send(JSON.stringify({ kind: 'request', id: 9, operation: 'saveAccount', payload: { serverUrl: 'wss://sip.example.com', user: 'carol', password: { action: 'set', value: password } } }));
    const [saved, pushed] = await Promise.all([response, event]);
    expect(saved).toMatchObject({ result: { ok: true, value: { user: 'carol', hasPassword: true } } });
    expect(pushed).toMatchObject({ kind: 'event', event: { type: 'settings-changed', settings: { accounts: [{ user: 'carol', hasPassword: true }] } } });
    expect(JSON.stringify([saved, pushed])).not.toContain(password);
    a.close();
    b.close();
  });
});

describe('browser host hardening', () => {
  it('logs refused bridge connections once, then a count at most once per interval', async () => {
    const lines: string[] = [];
    const quiet = await startBrowserHost({ port: 0, token: TOKEN, dataDir: join(root, 'data-log'), rendererDir: join(root, 'renderer'), log: (l) => lines.push(l) });
    try {
      for (let i = 0; i < 40; i++) {
        const socket = new WebSocket(`ws://127.0.0.1:${quiet.port}/api`, ['callscope.v1'], { headers: { Origin: `http://127.0.0.1:${quiet.port}` } });
        await new Promise<void>((resolve) => {
          socket.once('unexpected-response', () => { socket.terminate(); resolve(); });
          socket.once('error', () => resolve());
        });
      }
    } finally {
      await quiet.close();
    }
    const refusals = lines.filter((l) => /refused/.test(l));
    expect(refusals.length).toBeGreaterThanOrEqual(1);
    expect(refusals.length).toBeLessThanOrEqual(2);
    expect(refusals[0]).toMatch(/missing or wrong token/);
  });

  it.runIf(process.platform !== 'win32')('tightens an existing data directory to 0700', async () => {
    const dataDir = join(root, 'data-loose');
    await mkdir(dataDir, { recursive: true });
    await chmod(dataDir, 0o755);
    const tight = await startBrowserHost({ port: 0, token: TOKEN, dataDir, rendererDir: join(root, 'renderer'), log: () => undefined });
    await tight.close();
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
  });
});

describe('browser host options', () => {
  it('parses --port and --data-dir', () => {
    expect(parseBrowserHostArgs(['--port', '0', '--data-dir=/tmp/x'])).toEqual({ port: 0, dataDir: '/tmp/x', help: false });
    expect(parseBrowserHostArgs(['--no-test-line'])).toEqual({ port: undefined, dataDir: undefined, help: false, noTestLine: true });
    expect(() => parseBrowserHostArgs(['--port', 'http'])).toThrow(/--port must be 0-65535/);
    expect(() => parseBrowserHostArgs(['--bogus'])).toThrow(/unknown option --bogus/);
  });

  it('refuses a malformed token and an unbuilt renderer', async () => {
    await expect(startBrowserHost({ port: 0, token: 'short', dataDir: root, rendererDir: join(root, 'renderer') })).rejects.toThrow(/base64url/);
    await expect(startBrowserHost({ port: 0, dataDir: root, rendererDir: join(root, 'missing') })).rejects.toThrow(/npm run build/);
  });
});
