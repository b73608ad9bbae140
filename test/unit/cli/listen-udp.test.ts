// `callscope listen` on a real UDP socket, driven by raw datagrams from the
// test: a refused call is reported as one that came (with its status and
// why), and a flood of junk and of valid requests leaves the process's memory
// where it was, within a stated bound.
import { createSocket, type Socket } from 'node:dgram';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli } from '../../support/cli-run.js';
import { rng } from '../../support/rng.js';
import { waitFor } from '../../support/wait-for.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const sockets: Socket[] = [];
afterEach(() => sockets.splice(0).forEach((s) => s.close()));

async function udpSocket(): Promise<{ socket: Socket; port: number; received: string[]; count: () => number }> {
  // A large buffer: the answers to a flood must not be lost on the test's side either.
  const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  sockets.push(socket);
  const received: string[] = [];
  let count = 0;
  socket.on('message', (data) => {
    count++;
    if (received.length < 100) received.push(data.toString('latin1'));
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port, received, count: () => count };
}

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function request(method: string, n: number, from: number, to: number, extra: string[] = [], cseqMethod = method): string {
  const body = method === 'INVITE'
    ? 'v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n' : '';
  return [
    `${method} sip:callscope@127.0.0.1:${to} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${from};branch=z9hG4bKflood${n};rport`,
    'Max-Forwards: 70', `From: <sip:alice@127.0.0.1>;tag=f${n}`, 'To: <sip:callscope@127.0.0.1>', `Call-ID: flood-${n}@test`,
    `CSeq: 1 ${cseqMethod}`, `Contact: <sip:alice@127.0.0.1:${from}>`, ...extra,
    ...(body ? ['Content-Type: application/sdp'] : []), `Content-Length: ${body.length}`, '', body,
  ].join('\r\n');
}

function send(socket: Socket, port: number, data: Uint8Array | string): Promise<void> {
  return new Promise((resolve) => socket.send(data, port, '127.0.0.1', () => resolve()));
}

function memory(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe('callscope listen on UDP', () => {
  it('--100rel required: a caller without 100rel gets 421, and the report names the refused call', async () => {
    const caller = await udpSocket();
    const port = await freePort();
    const run = startCli('listen', '--server', `sip:127.0.0.1:${caller.port}`, '--local', `127.0.0.1:${port}`, '--100rel', 'required', '--timeout', '10');
    await waitFor(() => /listening as/.test(run.output()), 'listen to start', 10_000);
    await send(caller.socket, port, request('INVITE', 1, caller.port, port));
    const result = await run.result;
    await waitFor(() => caller.received.some((m) => m.startsWith('SIP/2.0 421 Extension Required')), 'the 421', 5000);
    expect(result.stdout).toMatch(/call 1 from alice refused with 421: the caller does not support 100rel/);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('callscope listen: call 1: refused with 421: the caller does not support 100rel (RFC 3262) and reliable provisionals are required\n');
  }, 30_000);

  it('a flood of junk, fuzzed and valid requests leaves memory within 12 MB of where it was', async () => {
    const caller = await udpSocket();
    const port = await freePort();
    const run = startCli('listen', '--server', `sip:127.0.0.1:${caller.port}`, '--local', `127.0.0.1:${port}`, '--t1', '10',
      '--answer-after', '60', '--timeout', '60');
    await waitFor(() => /listening as/.test(run.output()), 'listen to start', 10_000);
    // The one call listen takes (it rings; the flood's INVITEs then get 486).
    await send(caller.socket, port, request('INVITE', 0, caller.port, port));
    await waitFor(() => /call 1 from alice/.test(run.output()), 'the call', 5000);
    const before = memory();
    const random = rng(15);
    const template = Buffer.from(request('INVITE', 1, caller.port, port), 'latin1');
    let n = 1;
    const batch = async (make: () => Uint8Array | string, count: number) => {
      for (let i = 0; i < count; i += 100) {
        await Promise.all(Array.from({ length: Math.min(100, count - i) }, () => send(caller.socket, port, make())));
        // Paced (10 000 datagrams/s) so that the flood reaches SIP rather than the kernel's drop counter.
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await batch(() => Uint8Array.from({ length: 1000 }, () => Math.floor(random() * 256)), 20_000);
    await batch(() => {
      const fuzzed = Buffer.from(template);
      for (let k = 0; k < 8; k++) fuzzed[Math.floor(random() * fuzzed.length)] = Math.floor(random() * 256);
      return fuzzed;
    }, 3000);
    const answered = caller.count();
    await batch(() => request('OPTIONS', ++n, caller.port, port), 6000);
    await batch(() => request('INVITE', ++n, caller.port, port), 1000);
    // listen has read it all once every valid request has its answer (200 to OPTIONS, 486 to INVITE, ...);
    // then Timer J and H (64·T1 = 640 ms) let the flood's transactions go.
    let last = -1;
    let quietSince = Date.now();
    await waitFor(() => {
      const now = caller.count();
      if (now !== last) [last, quietSince] = [now, Date.now()];
      return now - answered >= 7000 || (now - answered >= 6300 && Date.now() - quietSince > 2000);
    }, 'the answers to the valid requests', 90_000);
    await new Promise((r) => setTimeout(r, 2000));
    const grown = memory() - before;
    console.log(`flood: memory grew by ${(grown / 1024 / 1024).toFixed(1)} MB`);
    // The junk alone is 20 MB on the wire (today's code, keeping it all, grew by 59 MB for a flood half as large again).
    expect(grown).toBeLessThan(12 * 1024 * 1024);
    expect(run.output()).not.toMatch(/call 2 /);
    // CANCEL the call: listen ends (a cancelled call is not one handled as asked).
    await send(caller.socket, port, request('CANCEL', 0, caller.port, port));
    const result = await run.result;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/call 1: the caller cancelled/);
  }, 180_000);
});
