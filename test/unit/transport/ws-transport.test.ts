// WebSocket client transport against a `ws` server on 127.0.0.1: subprotocol
// `sip` required, one SIP message per WebSocket message, ping/pong keep-alive
// on a fake clock, reconnect and failover, WSS verification.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { WebSocket as ServerSocket } from 'ws';
import { makeLabCertificates } from '../../lab/certs.js';
import type { LabCertificates } from '../../lab/certs.js';
import { TransportError } from '../../../src/transport/transport.js';
import { WebSocketTransport } from '../../../src/transport/ws-transport.js';
import type { WebSocketTransportOptions } from '../../../src/transport/ws-transport.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { bytes, record, sipRequest, text, waitFor } from './helpers.js';

let dir: string;
let certs: LabCertificates;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'callscope-wss-'));
  certs = makeLabCertificates(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Peer {
  readonly url: string;
  readonly sockets: ServerSocket[];
  readonly received: Array<{ data: string; isBinary: boolean }>;
  /** Remote ports of the accepted connections (the clients' local ports). */
  readonly clientPorts: number[];
  close(): Promise<void>;
}

async function wsServer(options: { subprotocol?: string | false; autoPong?: boolean; tls?: boolean } = {}): Promise<Peer> {
  let https: HttpsServer | undefined;
  if (options.tls) {
    https = createHttpsServer({ cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile) });
    await new Promise<void>((r) => https!.listen(0, '127.0.0.1', r));
  }
  const wss = https
    ? new WebSocketServer({ server: https, autoPong: options.autoPong ?? true, handleProtocols: () => options.subprotocol ?? 'sip' })
    : new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: options.autoPong ?? true, handleProtocols: () => options.subprotocol ?? 'sip' });
  if (!https) await new Promise<void>((r) => wss.once('listening', r));
  const sockets: ServerSocket[] = [];
  const received: Peer['received'] = [];
  const clientPorts: number[] = [];
  wss.on('connection', (socket, request) => {
    sockets.push(socket);
    clientPorts.push(request.socket.remotePort ?? 0);
    socket.on('message', (data, isBinary) => received.push({ data: Buffer.from(data as Buffer).toString('latin1'), isBinary }));
  });
  const port = ((https ?? wss).address() as { port: number }).port;
  const peer: Peer = {
    url: `${https ? 'wss' : 'ws'}://127.0.0.1:${port}`,
    sockets, received, clientPorts,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.terminate();
      wss.close(() => (https ? https.close(() => r()) : r()));
    }),
  };
  cleanups.push(() => peer.close());
  return peer;
}

function client(options: Partial<WebSocketTransportOptions> & Pick<WebSocketTransportOptions, 'servers'>) {
  const clock = new FakeClock();
  const t = new WebSocketTransport({ clock, random: () => 0, flow: { keepAlive: { intervalMs: 0 } }, ...options });
  cleanups.push(() => t.close());
  const r = record(t);
  t.connect();
  return { t, r, clock };
}

describe('WebSocket transport (RFC 7118)', () => {
  it('connects with subprotocol sip; one SIP message per WebSocket text message, both ways', async () => {
    const peer = await wsServer();
    const { t, r } = client({ servers: [peer.url] });
    const connected = await r.waitForState('connected');
    expect(connected).toMatchObject({ target: peer.url, flowId: t.link!.flowId });
    expect(peer.sockets[0]!.protocol).toBe('sip');
    expect(t.protocol).toBe('WS');
    const one = sipRequest('REGISTER');
    const two = sipRequest('OPTIONS');
    const to = { protocol: 'WS' as const, host: 'proxy.example.com', port: 80 }; // the destination does not matter
    await t.send(bytes(one), to);
    await t.send(bytes(two), to);
    await waitFor(() => peer.received.length === 2, 'two messages at the server');
    expect(peer.received).toEqual([{ data: one, isBinary: false }, { data: two, isBinary: false }]);
    peer.sockets[0]!.send('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n');
    const [m] = await r.waitForMessages(1);
    expect(text(m!.data)).toBe('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n');
    expect(m!.source).toEqual({ protocol: 'WS', host: '127.0.0.1', port: Number(new URL(peer.url).port) });
    expect(m!.local).toEqual(t.link!.local);
    expect(m!.local.port).toBe(peer.clientPorts[0]);
    expect(m!.flowId).toBe(t.link!.flowId);
  });

  it('fails clearly when the server does not accept the sip subprotocol', async () => {
    const peer = await wsServer({ subprotocol: false });
    const { r } = client({ servers: [peer.url] });
    const failed = await r.waitForState('failed');
    expect(failed.reason).toBe(`${peer.url} did not accept the WebSocket subprotocol "sip" that SIP over WebSocket requires (RFC 7118 §4.1): Server sent no subprotocol`);
  });

  it('binary frames for bytes that are not UTF-8', async () => {
    const peer = await wsServer();
    const { t, r } = client({ servers: [peer.url] });
    await r.waitForState('connected');
    await t.send(new Uint8Array([0x4d, 0xff, 0x00]), { protocol: 'WS', host: '127.0.0.1', port: 1 });
    await waitFor(() => peer.received.length === 1, 'the message');
    expect(peer.received[0]!.isBinary).toBe(true);
  });

  it('WebSocket ping/pong keep-alive; no pong fails the flow, which reconnects', async () => {
    const peer = await wsServer({ autoPong: false });
    const { t, r, clock } = client({ servers: [peer.url], random: () => 1, flow: { keepAlive: { intervalMs: 10_000, pongTimeoutMs: 3_000 } } });
    await r.waitForState('connected');
    const pinged = new Promise<void>((res) => peer.sockets[0]!.once('ping', () => res()));
    clock.advance(10_000);
    await pinged;
    // answer this ping by hand, followed by a message so we know the pong was read
    peer.sockets[0]!.pong();
    peer.sockets[0]!.send('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n');
    await r.waitForMessages(1);
    clock.advance(3_000);
    expect(r.stateNames()).toEqual(['connecting', 'connected']);
    clock.advance(7_000); // the next ping; not answered
    clock.advance(3_000);
    expect(r.stateNames()).toEqual(['connecting', 'connected', 'failed', 'reconnecting']);
    expect(r.states[2]!.reason).toBe(`${peer.url}: no keep-alive pong within 3 s (RFC 5626 §4.4.1)`);
    clock.advance(r.states[3]!.retryInMs!);
    await r.waitForState('connected', 2);
    expect(t.link!.flowId).not.toBe(r.states[1]!.flowId);
  });

  it('the server closing the connection -> failed with the close code, reconnecting, connected again; sends reject meanwhile', async () => {
    const peer = await wsServer();
    const { t, r, clock } = client({ servers: [peer.url], flow: { keepAlive: { intervalMs: 0 }, reconnect: { baseMs: 2000, maxMs: 10_000 } } });
    await r.waitForState('connected');
    peer.sockets[0]!.close(1001, 'going away');
    const failed = await r.waitForState('failed');
    expect(failed.reason).toBe(`connection closed by ${peer.url} (WebSocket close code 1001: going away)`);
    expect(r.states.at(-1)).toMatchObject({ state: 'reconnecting', retryInMs: 2000 });
    const error = await t.send(bytes('x'), { protocol: 'WS', host: '127.0.0.1', port: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toMatch(/^not connected to ws:.*: reconnecting in 2 s \(last failure: connection closed by/);
    clock.advance(2000);
    await r.waitForState('connected', 2);
  });

  it('fails over to the next server, in order', async () => {
    const dead = await wsServer();
    const deadUrl = dead.url;
    await dead.close();
    const live = await wsServer();
    const { r } = client({ servers: [deadUrl, live.url] });
    await r.waitForState('connected');
    expect(r.states.map((s) => `${s.state} ${s.target}`)).toEqual([
      `connecting ${deadUrl}`, `failed ${deadUrl}`, `connecting ${live.url}`, `connected ${live.url}`,
    ]);
    expect(r.states[1]!.reason).toMatch(/connection refused/);
  });

  it('WSS: refused without the CA, connected with it', async () => {
    const peer = await wsServer({ tls: true });
    const bad = client({ servers: [peer.url] });
    const failed = await bad.r.waitForState('failed');
    expect(failed.reason).toBe("certificate for 127.0.0.1 is not trusted: unable to verify the first certificate — add the server's CA file or turn on 'accept invalid certificate' for this server");
    const good = client({ servers: [{ url: peer.url, caFile: certs.caFile }] });
    await good.r.waitForState('connected');
    expect(good.t.protocol).toBe('WSS');
    expect(good.t.link!.remote.protocol).toBe('WSS');
  });
});
