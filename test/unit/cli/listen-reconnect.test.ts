// `callscope listen` over TCP when Callscope has to close its flow because the
// server's bytes can no longer be framed (RFC 3261 §18.3): a Content-Length
// that is huge or negative, a message over the size limit, a header line that
// never ends. Each time it says why, reconnects with back-off (RFC 5626 §4.4)
// and carries on; the second connection behaves, so listen is still there.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../../support/cli-run.js';
import { waitFor } from '../../support/wait-for.js';

const servers: Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

/** A server whose first connection gets `poison`; later ones get nothing (a quiet server). */
async function poisoning(poison: string): Promise<{ port: number; connections: () => number }> {
  let count = 0;
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    if (count++ === 0) setTimeout(() => socket.write(poison), 100);
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, connections: () => count };
}

const HEAD = 'SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKx\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n';

describe('listen over TCP reconnects after a framing error', () => {
  it.concurrent.each([
    ['a huge Content-Length', `${HEAD}Content-Length: 99999999999\r\n\r\n`, /Content-Length|limit/i],
    ['a negative Content-Length', `${HEAD}Content-Length: -5\r\n\r\n`, /Content-Length/i],
    ['a message over the size limit', `${HEAD}Content-Length: 300000\r\n\r\n${'x'.repeat(300_000)}`, /limit|large/i],
    ['a header line with no CRLF', `${HEAD}X-Endless: ${'y'.repeat(70_000)}`, /line|limit|long/i],
  ])('%s: closes the flow saying why, reconnects, and keeps listening', async (_name, poison, why) => {
    const server = await poisoning(poison);
    const run = startCli('listen', '--server', `sip:127.0.0.1:${server.port};transport=tcp`, '--timeout', '5');
    await waitFor(() => server.connections() >= 2, 'a second connection', 15_000);
    await waitFor(() => /reconnected to /.test(run.output()), 'the reconnected line', 5_000);
    const result = await run.result;
    expect(result.stdout).toMatch(/lost: cannot frame the stream/);
    expect(result.stdout).toMatch(why);
    expect(result).toMatchObject({ code: 1, stderr: 'callscope listen: only 0 of 1 call(s) came\n' });
  }, 30_000);
});
