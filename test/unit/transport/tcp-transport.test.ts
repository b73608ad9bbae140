// TCP on 127.0.0.1: framing over real connections (split and merged chunks,
// keep-alives), a broken stream closes only its own connection, connection
// reuse per destination, and the client flow's CRLF keep-alive.
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamConnection } from '../../../src/transport/stream-connection.js';
import { createTcpTransport } from '../../../src/transport/tcp-transport.js';
import type { TcpTransport } from '../../../src/transport/tcp-transport.js';
import { TransportError } from '../../../src/transport/transport.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { bytes, record, sipRequest, text, waitFor } from './helpers.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listening(): Promise<TcpTransport> {
  const t = await createTcpTransport({ listen: { host: '127.0.0.1', port: 0 } });
  cleanups.push(() => t.close());
  return t;
}

function rawClient(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
    cleanups.push(() => s.destroy());
  });
}

/** A raw TCP server recording what it receives; `answer` decides replies. */
async function rawServer(answer: (chunk: string, socket: Socket) => void = () => undefined) {
  const received: string[] = [];
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (d) => {
      received.push(d.toString('latin1'));
      answer(d.toString('latin1'), socket);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => {
    for (const s of sockets) s.destroy();
    server.close(() => r());
  }));
  const port = (server.address() as { port: number }).port;
  return { server, port, received, sockets, all: () => received.join('') };
}

describe('TCP transport: receiving and framing', () => {
  it('frames messages split across chunks and merged into one chunk, with keep-alives between them', async () => {
    const t = await listening();
    const r = record(t);
    const client = await rawClient(t.listenAddress!.port);
    const one = sipRequest('OPTIONS');
    const two = sipRequest('MESSAGE', 'hello\r\nworld');
    const three = sipRequest('INFO', 'x');
    // one, split into three pieces, the middle one inside the header section
    client.write(one.slice(0, 10));
    await new Promise((res) => setTimeout(res, 20));
    client.write(one.slice(10, 60));
    await new Promise((res) => setTimeout(res, 20));
    client.write(one.slice(60));
    await r.waitForMessages(1);
    // a pong and a ping between messages, then two and three merged into one chunk
    client.write(`\r\n\r\n\r\n${two}${three}`);
    const messages = await r.waitForMessages(3);
    expect(messages.map((m) => text(m.data))).toEqual([one, two, three]);
    // the ping was answered with a pong (RFC 5626 §4.4.1)
    const pong = await new Promise<string>((res) => client.once('data', (d) => res(d.toString('latin1'))));
    expect(pong).toBe('\r\n');
    // precise addresses and one flow id for the connection
    const m = messages[0]!;
    expect(m.source).toEqual({ protocol: 'TCP', host: '127.0.0.1', port: client.localPort });
    expect(m.local).toEqual({ protocol: 'TCP', host: '127.0.0.1', port: t.listenAddress!.port });
    expect(new Set(messages.map((x) => x.flowId)).size).toBe(1);
    expect(r.states[0]).toMatchObject({ state: 'connected', flowId: m.flowId });
  });

  it('a ping split in two halves is still one ping, answered with one pong', async () => {
    const t = await listening();
    const client = await rawClient(t.listenAddress!.port);
    const received: string[] = [];
    client.on('data', (d) => received.push(d.toString('latin1')));
    client.write('\r\n');
    await new Promise((res) => setTimeout(res, 30));
    client.write('\r\n');
    await waitFor(() => received.join('') === '\r\n', 'the pong');
    await new Promise((res) => setTimeout(res, 30));
    expect(received.join('')).toBe('\r\n');
  });

  it('hands up a framed but unparseable message as bytes (the layer above reports it), and goes on', async () => {
    const t = await listening();
    const r = record(t);
    const client = await rawClient(t.listenAddress!.port);
    const bad = 'NOT A SIP START LINE\r\nContent-Length: 3\r\n\r\nabc';
    const good = sipRequest('OPTIONS');
    client.write(bad + good);
    const messages = await r.waitForMessages(2);
    expect(messages.map((m) => text(m.data))).toEqual([bad, good]);
    expect(r.malformed).toEqual([]);
  });

  it('a bad Content-Length closes only that connection, with a reason; others carry on', async () => {
    const t = await listening();
    const r = record(t);
    const good = await rawClient(t.listenAddress!.port);
    const broken = await rawClient(t.listenAddress!.port);
    const closed = new Promise<void>((res) => broken.once('close', () => res()));
    broken.write('OPTIONS sip:x SIP/2.0\r\nContent-Length: abc\r\n\r\n');
    await closed;
    expect(r.malformed).toHaveLength(1);
    expect(r.malformed[0]!.reason).toMatch(/cannot frame the stream from tcp:127\.0\.0\.1:\d+: invalid Content-Length "abc".*connection closed/);
    expect(text(r.malformed[0]!.bytes)).toBe('OPTIONS sip:x SIP/2.0\r\nContent-Length: abc\r\n\r\n');
    const failed = await r.waitForState('failed');
    expect(failed.reason).toBe(r.malformed[0]!.reason);
    good.write(sipRequest('OPTIONS'));
    await r.waitForMessages(1);
    expect(r.messages[0]!.source.port).toBe(good.localPort);
  });

  it('an oversize message closes its connection too', async () => {
    const t = await createTcpTransport({ listen: { host: '127.0.0.1', port: 0 }, framing: { limits: { maxMessageBytes: 1000 } } });
    cleanups.push(() => t.close());
    const r = record(t);
    const client = await rawClient(t.listenAddress!.port);
    const closed = new Promise<void>((res) => client.once('close', () => res()));
    client.write(sipRequest('MESSAGE', 'x'.repeat(2000)));
    await closed;
    expect(r.malformed[0]!.reason).toMatch(/exceeds the limit of 1000 bytes/);
  });
});

describe('TCP transport: sending', () => {
  it('opens one connection per destination and reuses it; responses go back on the request flow', async () => {
    const peer = await rawServer();
    const t = await createTcpTransport();
    cleanups.push(() => t.close());
    const to = { protocol: 'TCP' as const, host: '127.0.0.1', port: peer.port };
    await t.send(bytes('A\r\n\r\n'), to);
    await t.send(bytes('B\r\n\r\n'), to);
    await waitFor(() => peer.all() === 'A\r\n\r\nB\r\n\r\n', 'both messages at the peer');
    expect(peer.sockets).toHaveLength(1);

    const server = await listening();
    const r = record(server);
    const client = await rawClient(server.listenAddress!.port);
    client.write(sipRequest('OPTIONS'));
    const [request] = await r.waitForMessages(1);
    const got = new Promise<string>((res) => client.once('data', (d) => res(d.toString('latin1'))));
    // destination: some address nobody listens on; the flow wins
    await server.send(bytes('SIP/2.0 200 OK\r\n\r\n'), { protocol: 'TCP', host: '127.0.0.1', port: 1 }, { flowId: request!.flowId! });
    expect(await got).toBe('SIP/2.0 200 OK\r\n\r\n');
  });

  it('messages sent in one tick leave in one write, in order (a CANCEL right behind its INVITE)', async () => {
    const peer = await rawServer();
    const socket = await rawClient(peer.port);
    // What the connection hands the kernel: one entry per write, with the messages it carries.
    const writes: string[][] = [];
    const writable = socket as unknown as {
      _write(chunk: Buffer, encoding: string, cb: (e?: Error | null) => void): void;
      _writev(chunks: { chunk: Buffer }[], cb: (e?: Error | null) => void): void;
    };
    const write = writable._write.bind(socket);
    const writev = writable._writev.bind(socket);
    writable._write = (chunk, encoding, cb) => { writes.push([chunk.toString('latin1')]); write(chunk, encoding, cb); };
    writable._writev = (chunks, cb) => { writes.push(chunks.map((c) => c.chunk.toString('latin1'))); writev(chunks, cb); };
    const connection = new StreamConnection(socket, 'TCP', 'flow-1', {
      message: () => undefined, malformed: () => undefined, pong: () => undefined, closed: () => undefined,
    }, undefined, 'client');
    await Promise.all([connection.send(bytes('INVITE\r\n\r\n')), connection.send(bytes('CANCEL\r\n\r\n'))]);
    await connection.send(bytes('ACK\r\n\r\n'));
    expect(writes).toEqual([['INVITE\r\n\r\n', 'CANCEL\r\n\r\n'], ['ACK\r\n\r\n']]);
    await waitFor(() => peer.all() === 'INVITE\r\n\r\nCANCEL\r\n\r\nACK\r\n\r\n', 'all three at the peer, in order');
    connection.close('done');
  });

  it('a response whose connection has closed goes over a new connection to the destination (§18.2.2)', async () => {
    const peer = await rawServer();
    const t = await createTcpTransport();
    cleanups.push(() => t.close());
    await t.send(bytes('SIP/2.0 200 OK\r\n\r\n'), { protocol: 'TCP', host: '127.0.0.1', port: peer.port }, { flowId: 'tcp-gone' });
    await waitFor(() => peer.all() === 'SIP/2.0 200 OK\r\n\r\n', 'the response at the peer');
  });

  it('rejects with a TransportError when the destination refuses the connection', async () => {
    const peer = await rawServer();
    const port = peer.port;
    await new Promise<void>((r) => peer.server.close(() => r()));
    const t = await createTcpTransport();
    cleanups.push(() => t.close());
    const error = await t.send(bytes('x'), { protocol: 'TCP', host: '127.0.0.1', port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toMatch(new RegExp(`could not connect to tcp:127\\.0\\.0\\.1:${port}: connection refused`));
  });
});

describe('TCP client flow: RFC 5626 CRLF keep-alive', () => {
  it('sends CRLFCRLF pings; a CRLF pong keeps the flow, silence fails it and it reconnects', async () => {
    let answerPings = true;
    // the pong is followed by a message, so seeing the message means the pong was read
    const marker = sipRequest('NOTIFY');
    const peer = await rawServer((chunk, socket) => {
      if (chunk === '\r\n\r\n' && answerPings) socket.write(`\r\n${marker}`);
    });
    const clock = new FakeClock();
    const t = await createTcpTransport({
      servers: [{ host: '127.0.0.1', port: peer.port }], clock, random: () => 1,
      flow: { keepAlive: { intervalMs: 20_000, pongTimeoutMs: 5_000 }, reconnect: { baseMs: 500, maxMs: 4000 } },
    });
    cleanups.push(() => t.close());
    const r = record(t);
    t.connect();
    await r.waitForState('connected');
    const firstFlow = t.clientFlowLink!.flowId;
    expect(t.sentBy).toEqual({ host: '127.0.0.1', port: t.clientFlowLink!.local.port });

    clock.advance(20_000);
    await waitFor(() => peer.all() === '\r\n\r\n', 'the first ping');
    await r.waitForMessages(1);
    clock.advance(5_000); // past the pong timeout: the pong was in time
    expect(r.stateNames()).toEqual(['connecting', 'connected']);

    answerPings = false;
    clock.advance(15_000); // next ping at 20 s after the pong
    await waitFor(() => peer.all() === '\r\n\r\n\r\n\r\n', 'the second ping');
    clock.advance(5_000);
    expect(r.stateNames()).toEqual(['connecting', 'connected', 'failed', 'reconnecting']);
    expect(r.states[2]).toMatchObject({ flowId: firstFlow, reason: expect.stringMatching(/no keep-alive pong within 5 s/) });
    expect(r.states[3]!.retryInMs).toBe(1000);
    clock.advance(1000);
    await r.waitForState('connected', 2);
    expect(t.clientFlowLink!.flowId).not.toBe(firstFlow);
  });

  it('sends to a configured server go over the flow; the server closing it is reported and sends reject', async () => {
    const peer = await rawServer();
    const clock = new FakeClock();
    const t = await createTcpTransport({ servers: [{ host: '127.0.0.1', port: peer.port }], clock, random: () => 0 });
    cleanups.push(() => t.close());
    const r = record(t);
    t.connect();
    await r.waitForState('connected');
    const to = { protocol: 'TCP' as const, host: '127.0.0.1', port: peer.port };
    await t.send(bytes('REGISTER\r\n\r\n'), to);
    await waitFor(() => peer.all() === 'REGISTER\r\n\r\n', 'the message');
    peer.sockets[0]!.destroy();
    const failed = await r.waitForState('failed');
    expect(failed.reason).toBe(`connection closed by tcp:127.0.0.1:${peer.port}`);
    expect(r.states.at(-1)).toMatchObject({ state: 'reconnecting', retryInMs: 1000 });
    await expect(t.send(bytes('x'), to)).rejects.toThrow(/not connected to tcp:127\.0\.0\.1:\d+: reconnecting in 1 s \(last failure: connection closed by/);
  });
});
