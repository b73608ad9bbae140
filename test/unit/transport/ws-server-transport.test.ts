// The WebSocket server transport on 127.0.0.1 against `ws` clients and Callscope's own
// client transport: only `sip` on the configured path (and origin), one flow per
// connection, replies on the connection a message came on, bounded messages, keep-alive,
// a clean close.
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { TransportError } from '../../../src/transport/transport.js';
import { WebSocketServerTransport, type WebSocketServerTransportOptions } from '../../../src/transport/ws-server-transport.js';
import { WebSocketTransport } from '../../../src/transport/ws-transport.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { bytes, record, sipRequest, text, waitFor } from './helpers.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(options: WebSocketServerTransportOptions = {}) {
  const t = await WebSocketServerTransport.listen({ pingIntervalMs: 0, ...options });
  cleanups.push(() => t.close());
  return { t, r: record(t) };
}

interface Client {
  readonly socket: WebSocket;
  readonly received: string[];
  readonly closed: Promise<{ code: number; reason: string }>;
}

function connect(url: string, protocols: string | string[] = 'sip', headers: Record<string, string> = {}): Promise<Client> {
  const socket = new WebSocket(url, protocols, { headers, autoPong: true });
  const received: string[] = [];
  socket.on('message', (data) => received.push(Buffer.from(data as Buffer).toString('latin1')));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  cleanups.push(() => socket.terminate());
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, received, closed }));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode} ${res.statusMessage}`)));
    socket.once('error', reject);
  });
}

describe('WebSocket server transport', () => {
  it('takes `sip` on its path: each connection is a flow, replies go back on it', async () => {
    const { t, r } = await server({ path: '/sip/s3cret' });
    expect(t.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/sip\/s3cret$/);
    expect(t.sentBy).toEqual({ host: '127.0.0.1', port: t.listenAddress.port });
    const a = await connect(t.url);
    const b = await connect(t.url);
    expect(a.socket.protocol).toBe('sip');
    a.socket.send(sipRequest('REGISTER'));
    b.socket.send(sipRequest('OPTIONS'));
    const [first, second] = await r.waitForMessages(2);
    expect(new Set([first!.flowId, second!.flowId]).size).toBe(2);
    expect(r.states.filter((s) => s.state === 'connected').map((s) => s.flowId).sort()).toEqual([first!.flowId, second!.flowId].sort());
    const fromB = [first!, second!].find((m) => text(m.data).startsWith('OPTIONS'))!;
    expect(fromB.local.protocol).toBe('WS');
    await t.send(bytes('SIP/2.0 200 OK\r\n\r\n'), fromB.source, { flowId: fromB.flowId! });
    await waitFor(() => b.received.length === 1, 'reply on b');
    expect(b.received).toEqual(['SIP/2.0 200 OK\r\n\r\n']);
    expect(a.received).toEqual([]);
    // Without a flow id, the connection from that address.
    const fromA = [first!, second!].find((m) => m !== fromB)!;
    await t.send(bytes('SIP/2.0 202 Accepted\r\n\r\n'), fromA.source);
    await waitFor(() => a.received.length === 1, 'reply on a');
    expect(t.remoteOf(fromA.flowId!)).toEqual(fromA.source);
  });

  it('refuses what is not SIP over WebSocket on its path: plain HTTP 426, another path 404, no `sip` 400, a foreign origin 403', async () => {
    const { t } = await server({ path: '/sip/s3cret', origins: 'none' });
    const port = t.listenAddress.port;
    const status = await new Promise<number>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, path: '/sip/s3cret' }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject).end();
    });
    expect(status).toBe(426);
    await expect(connect(`ws://127.0.0.1:${port}/sip/guess`)).rejects.toThrow('HTTP 404');
    await expect(connect(t.url, ['chat'])).rejects.toThrow('HTTP 400');
    await expect(connect(t.url, 'sip', { Origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    expect(t.flowIds).toEqual([]);
    await expect(connect(t.url)).resolves.toBeDefined();
  });

  it('a listed origin is let in, another one is not', async () => {
    const { t } = await server({ origins: ['http://127.0.0.1:8080'] });
    await expect(connect(t.url, 'sip', { Origin: 'http://127.0.0.1:8080' })).resolves.toBeDefined();
    await expect(connect(t.url, 'sip', { Origin: 'http://127.0.0.1:9090' })).rejects.toThrow('HTTP 403');
    await expect(connect(t.url)).rejects.toThrow('HTTP 403');
  });

  it('bounds messages: a larger one closes its connection (1009), reported as the flow failing', async () => {
    const { t, r } = await server({ maxMessageBytes: 1024 });
    const c = await connect(t.url);
    c.socket.send('x'.repeat(2000));
    expect((await c.closed).code).toBe(1009);
    const failed = await r.waitForState('failed');
    expect(failed.reason).toMatch(/larger than 1024 bytes/);
    expect(failed.flowId).toMatch(/^ws-in-/);
    expect(r.messages).toEqual([]);
  });

  it('refuses connections beyond its limit (503)', async () => {
    const { t } = await server({ maxConnections: 1 });
    await connect(t.url);
    await expect(connect(t.url)).rejects.toThrow('HTTP 503');
  });

  it('a client that leaves: the flow is closed, sending on it is a TransportError', async () => {
    const { t, r } = await server();
    const c = await connect(t.url);
    c.socket.send(sipRequest('OPTIONS'));
    const [m] = await r.waitForMessages(1);
    c.socket.close(1000, 'bye');
    const closed = await r.waitForState('closed');
    expect(closed).toMatchObject({ flowId: m!.flowId, reason: 'closed by the client (WebSocket close code 1000: bye)' });
    const error = await t.send(bytes('SIP/2.0 200 OK\r\n\r\n'), m!.source, { flowId: m!.flowId! }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toMatch(/RFC 7118 §5/);
  });

  it('answers a CRLFCRLF keep-alive with CRLF and does not pass it up', async () => {
    const { t, r } = await server();
    const c = await connect(t.url);
    c.socket.send('\r\n\r\n');
    await waitFor(() => c.received.length === 1, 'pong');
    expect(c.received).toEqual(['\r\n']);
    expect(r.messages).toEqual([]);
  });

  it('pings every interval and closes a connection that missed the last pong', async () => {
    const clock = new FakeClock();
    const { t, r } = await server({ clock, pingIntervalMs: 5000 });
    const silent = new WebSocket(t.url, 'sip', { autoPong: false });
    cleanups.push(() => silent.terminate());
    await new Promise((resolve) => silent.once('open', resolve));
    const live = await connect(t.url);
    let pings = 0;
    silent.on('ping', () => { pings += 1; });
    await r.waitForState('connected', 2);
    clock.advance(5000);
    await waitFor(() => pings === 1, 'first ping');
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock.advance(5000);
    const failed = await r.waitForState('failed');
    expect(failed.reason).toBe('no WebSocket pong within 5 s');
    expect(t.flowIds).toHaveLength(1);
    expect(live.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('closes cleanly: every client gets 1001 Going Away, then the listener stops', async () => {
    const { t, r } = await server();
    const c = await connect(t.url);
    await r.waitForState('connected');
    await t.close();
    expect(await c.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(r.stateNames()).toEqual(['connected', 'closed', 'closed']);
    await expect(connect(t.url)).rejects.toThrow();
    await expect(t.send(bytes('x'), t.listenAddress)).rejects.toThrow(/closed/);
  });

  it('talks to Callscope\'s own WebSocket client transport both ways', async () => {
    const { t, r } = await server({ path: '/sip' });
    const client = new WebSocketTransport({ servers: [t.url], flow: { keepAlive: { intervalMs: 0 } } });
    cleanups.push(() => client.close());
    const cr = record(client);
    client.connect();
    await cr.waitForState('connected');
    await client.send(bytes(sipRequest('INVITE')), { protocol: 'WS', host: '127.0.0.1', port: t.listenAddress.port });
    const [m] = await r.waitForMessages(1);
    expect(text(m!.data)).toMatch(/^INVITE /);
    await t.send(bytes(sipRequest('BYE')), m!.source, { flowId: m!.flowId! });
    const [back] = await cr.waitForMessages(1);
    expect(text(back!.data)).toMatch(/^BYE /);
  });

  it('cannot listen on an address in use: one sentence naming it', async () => {
    const { t } = await server();
    await expect(WebSocketServerTransport.listen({ port: t.listenAddress.port })).rejects.toThrow(/cannot listen on ws:127\.0\.0\.1:\d+: address already in use/);
  });
});
