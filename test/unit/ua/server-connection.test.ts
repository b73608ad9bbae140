// Server specs as users type them, and connecting to them on 127.0.0.1:
// errors that say what to write instead (never a raw URL exception), and
// connection failures that say why (refused, certificate not trusted,
// subprotocol, timeout), failover through a list, UDP bound to the address
// that routes to the server.
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { makeLabCertificates, type LabCertificates } from '../../lab/certs.js';
import { connectToServer, parseServerSpec, type ServerConnection } from '../../../src/ua/connection/server-connection.js';

describe('parseServerSpec', () => {
  const ok = (text: string, options = {}) => {
    const r = parseServerSpec(text, options);
    if (!r.ok) throw new Error(r.error);
    return r.value;
  };
  const error = (text: string) => {
    const r = parseServerSpec(text);
    if (r.ok) throw new Error(`accepted ${text}`);
    return r.error;
  };

  it('reads the forms users type, with default ports', () => {
    expect(ok('wss://proxy.example.com')).toEqual({ protocol: 'WSS', host: 'proxy.example.com', port: 443, url: 'wss://proxy.example.com/', secure: true, display: 'wss://proxy.example.com/' });
    expect(ok(' WSS://Proxy.Example.com:8443/sip ')).toMatchObject({ protocol: 'WSS', host: 'proxy.example.com', port: 8443, url: 'wss://proxy.example.com:8443/sip' });
    expect(ok('wss://[::1]:7443')).toMatchObject({ host: '::1', port: 7443 });
    expect(ok('ws://127.0.0.1:8080')).toMatchObject({ protocol: 'WS', port: 8080, secure: false });
    expect(ok('ws://localhost')).toMatchObject({ protocol: 'WS', port: 80 });
    expect(ok('sip:proxy.example.com')).toEqual({ protocol: 'UDP', host: 'proxy.example.com', port: 5060, secure: false, display: 'udp:proxy.example.com:5060' });
    expect(ok('sip:10.0.0.1:5080;transport=TCP')).toMatchObject({ protocol: 'TCP', port: 5080 });
    expect(ok('sip:proxy.example.com;transport=tls')).toMatchObject({ protocol: 'TLS', port: 5061, secure: false });
    expect(ok('sips:proxy.example.com')).toMatchObject({ protocol: 'TLS', port: 5061, secure: true });
    expect(ok('sips:proxy.example.com:5071;transport=tcp')).toMatchObject({ protocol: 'TLS', port: 5071 });
    expect(ok('sip:[2001:db8::1]:5062;lr')).toMatchObject({ protocol: 'UDP', host: '2001:db8::1', port: 5062, display: 'udp:[2001:db8::1]:5062' });
  });

  it('ws:// beyond loopback only when allowed explicitly', () => {
    expect(error('ws://proxy.example.com')).toBe('"ws://proxy.example.com" is plain ws:// to proxy.example.com: SIP and digest answers would cross '
      + 'the network unencrypted. Use wss://proxy.example.com, or allow plain ws:// explicitly for this server');
    expect(ok('ws://proxy.example.com', { allowPlainWebSocket: true })).toMatchObject({ protocol: 'WS', port: 80 });
  });

  it.each([
    ['', 'no server given: expected wss://host[:port][/path], sip:host[:port];transport=udp|tcp|tls or sips:host[:port]'],
    ['proxy.example.com', '"proxy.example.com" has no scheme: write wss://proxy.example.com for SIP over WebSocket, or sip:proxy.example.com;transport=udp|tcp|tls'],
    ['proxy.example.com:5060', '"proxy.example.com:5060" has no scheme: write wss://proxy.example.com:5060 for SIP over WebSocket, or sip:proxy.example.com:5060;transport=udp|tcp|tls'],
    ['https://proxy.example.com/ws', '"https://proxy.example.com/ws" is an HTTP URL; SIP over WebSocket is written wss://proxy.example.com/ws'],
    ['tel:+15551234', '"tel:+15551234" is not a SIP server (tel: is not supported): expected wss://host[:port][/path], sip:host[:port];transport=udp|tcp|tls or sips:host[:port]'],
    ['wss://proxy.example.com:70000', 'port 70000 of "wss://proxy.example.com:70000" is out of range (1-65535)'],
    ['wss://exa mple.com', '"wss://exa mple.com" is not a valid WebSocket URL: expected wss://host[:port][/path]'],
    ['wss://proxy.example.com/#x', '"wss://proxy.example.com/#x" has a #fragment, which a WebSocket URL cannot have'],
    ['sip:alice@proxy.example.com', '"sip:alice@proxy.example.com" names a user; a server is just a host: write sip:proxy.example.com (the account is configured separately)'],
    ['sip:proxy.example.com;transport=wss', '"sip:proxy.example.com;transport=wss": for SIP over WebSocket give its URL instead, e.g. wss://proxy.example.com/'],
    ['sip:proxy.example.com;transport=sctp', '"sip:proxy.example.com;transport=sctp": transport=sctp is not supported (udp, tcp or tls; or a wss:// URL)'],
    ['sips:proxy.example.com;transport=udp', '"sips:proxy.example.com;transport=udp": sips: is always reached over TLS; transport=udp contradicts it (write sip:...;transport=udp)'],
    ['sip:proxy.example.com;maddr=10.0.0.1', '"sip:proxy.example.com;maddr=10.0.0.1": the URI parameter ;maddr is not supported for a server (only ;transport)'],
    ['sip:proxy.example.com?Subject=x', '"sip:proxy.example.com?Subject=x" has URI headers (?...), which mean nothing for a server'],
    ['sip:proxy.example.com:99999', '"sip:proxy.example.com:99999" is not a valid server: port 99999 out of range; expected sip:host[:port];transport=udp|tcp|tls'],
    ['sip:', '"sip:" is not a valid server: missing host of URI; expected sip:host[:port];transport=udp|tcp|tls'],
  ])('%j -> %s', (text, message) => {
    expect(error(text)).toBe(message);
  });

  it('never repeats a password typed into the server', () => {
    expect(error('wss://alice:s3cret-pw@proxy.example.com')).toBe('"wss://alice:***@proxy.example.com" carries a user name or password; '
      + 'give the server without them (credentials are configured separately, never in a URL)');
    expect(error('sip:alice:s3cret-pw@proxy.example.com')).toBe('"sip:alice:***@proxy.example.com" names a user; a server is just a host: '
      + 'write sip:proxy.example.com (the account is configured separately)');
    expect(error('alice:s3cret-pw@proxy.example.com')).not.toContain('s3cret-pw');
  });
});

describe('connectToServer on 127.0.0.1', () => {
  let dir: string;
  let certs: LabCertificates;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'callscope-server-connection-'));
    certs = makeLabCertificates(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const keep = (c: ServerConnection) => cleanups.push(() => c.close());

  async function closedPort(): Promise<number> {
    const server = createNetServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    await new Promise<void>((r) => server.close(() => r()));
    return port;
  }

  async function wsServer(options: { tls?: boolean; subprotocol?: string | false } = {}): Promise<string> {
    const https = options.tls ? createHttpsServer({ cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile) }) : undefined;
    if (https) await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
    const wss = https
      ? new WebSocketServer({ server: https, handleProtocols: () => options.subprotocol ?? 'sip' })
      : new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => options.subprotocol ?? 'sip' });
    if (!https) await new Promise<void>((r) => wss.once('listening', r));
    cleanups.push(() => new Promise<void>((r) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => (https ? https.close(() => r()) : r()));
    }));
    const { port } = (https ?? wss).address() as { port: number };
    return `${https ? 'wss' : 'ws'}://127.0.0.1:${port}`;
  }

  async function silentTcp(): Promise<number> {
    const server: Server = createNetServer(() => undefined); // accepts, never speaks TLS
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    server.on('connection', (s) => cleanups.push(() => s.destroy()));
    return (server.address() as { port: number }).port;
  }

  it('WSS verified against a CA file: connected, with the outbound proxy and the flow id', async () => {
    const url = await wsServer({ tls: true });
    const result = await connectToServer(url, { caFile: certs.caFile });
    if (!result.ok) throw new Error(result.error.reason);
    keep(result.value);
    expect(result.value.transport.protocol).toBe('WSS');
    expect(result.value.outboundProxy).toEqual({ protocol: 'WSS', host: '127.0.0.1', port: Number(new URL(url).port) });
    expect(result.value.flowId).toMatch(/^wss-/);
    expect(result.value.lastState).toMatchObject({ state: 'connected' });
  });

  it('WSS without trust: untrusted-certificate, with what to do; per-server acceptInvalidCertificate connects', async () => {
    const url = await wsServer({ tls: true });
    const refused = await connectToServer(url);
    expect(refused).toEqual({ ok: false, error: {
      kind: 'untrusted-certificate',
      reason: "certificate for 127.0.0.1 is not trusted: unable to verify the first certificate — add the server's CA file or turn on 'accept invalid certificate' for this server",
    } });
    const accepted = await connectToServer({ server: url, acceptInvalidCertificate: true });
    if (!accepted.ok) throw new Error(accepted.error.reason);
    keep(accepted.value);
  });

  it('a WebSocket server without the sip subprotocol: subprotocol', async () => {
    const url = await wsServer({ subprotocol: false });
    const result = await connectToServer(url);
    expect(result).toMatchObject({ ok: false, error: { kind: 'subprotocol', reason: expect.stringContaining('RFC 7118 §4.1') } });
  });

  it('refused, for each connection-oriented transport', async () => {
    const port = await closedPort();
    for (const server of [`ws://127.0.0.1:${port}`, `sip:127.0.0.1:${port};transport=tcp`, `sips:127.0.0.1:${port}`]) {
      const result = await connectToServer(server);
      expect(result).toMatchObject({ ok: false, error: { kind: 'refused', reason: expect.stringContaining('connection refused') } });
    }
  });

  it('no TLS handshake within connectTimeoutMs: timeout', async () => {
    const port = await silentTcp();
    const result = await connectToServer(`sips:127.0.0.1:${port}`, { connectTimeoutMs: 300, caFile: certs.caFile });
    expect(result).toEqual({ ok: false, error: { kind: 'timeout', reason: `could not connect to tls:127.0.0.1:${port}: no connection within 0.3 s` } });
  });

  it('TLS with the CA file: connected over the client flow', async () => {
    // a TLS listener from the transport layer itself stands in for a proxy
    const { createTlsTransport } = await import('../../../src/transport/tls-transport.js');
    const listener = await createTlsTransport({ listen: { host: '127.0.0.1', port: 0, certFile: certs.certFile, keyFile: certs.keyFile } });
    cleanups.push(() => listener.close());
    const result = await connectToServer(`sip:127.0.0.1:${listener.listenAddress!.port};transport=tls`, { caFile: certs.caFile });
    if (!result.ok) throw new Error(result.error.reason);
    keep(result.value);
    expect(result.value.flowId).toMatch(/^tls-/);
    expect(result.value.transport.sentBy.host).toBe('127.0.0.1');
  });

  it('failover: the first server refuses, the second takes the flow; when all fail, every reason is given', async () => {
    const port = await closedPort();
    const good = await wsServer();
    const result = await connectToServer([`ws://127.0.0.1:${port}`, good]);
    if (!result.ok) throw new Error(result.error.reason);
    keep(result.value);
    expect(result.value.lastState).toMatchObject({ state: 'connected', target: `${good}/` });
    const other = await closedPort();
    const none = await connectToServer([`ws://127.0.0.1:${port}`, `ws://127.0.0.1:${other}`]);
    expect(none.ok).toBe(false);
    expect(!none.ok && none.error.reason.split('; ')).toEqual([
      expect.stringContaining(`ws://127.0.0.1:${port}/: connection refused`),
      expect.stringContaining(`ws://127.0.0.1:${other}/: connection refused`),
    ]);
  });

  it('a list must be of one transport; UDP takes one server; bad input creates nothing', async () => {
    expect(await connectToServer(['wss://a.example.com', 'sip:b.example.com;transport=tcp'])).toMatchObject({
      ok: false, error: { kind: 'invalid-server', reason: expect.stringContaining('a failover list must use one transport; got WSS, TCP') },
    });
    expect(await connectToServer(['sip:127.0.0.1:5060', 'sip:127.0.0.2:5060'])).toMatchObject({ ok: false, error: { kind: 'invalid-server' } });
    expect(await connectToServer('proxy:5060')).toMatchObject({ ok: false, error: { kind: 'invalid-server', reason: expect.stringContaining('has no scheme') } });
    expect(await connectToServer([])).toEqual({ ok: false, error: { kind: 'invalid-server', reason: 'no server given' } });
  });

  it('UDP: bound to the address that routes to the server, any free port', async () => {
    const result = await connectToServer('sip:127.0.0.1:5999');
    if (!result.ok) throw new Error(result.error.reason);
    keep(result.value);
    expect(result.value.outboundProxy).toEqual({ protocol: 'UDP', host: '127.0.0.1', port: 5999 });
    expect(result.value.transport.sentBy.host).toBe('127.0.0.1');
    expect(result.value.transport.sentBy.port).toBeGreaterThan(0);
    expect(result.value.flowId).toBeUndefined();
  });
});
