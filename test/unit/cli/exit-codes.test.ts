// The exit codes of `callscope`, as a process: 0 ok, 1 a failure with its reason
// in one line on stderr, 2 a usage or input error with its reason. Never another
// code, never a non-zero exit without a word (each command's --help says so).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commands } from '../../../src/cli/commands.js';
import { runCli } from '../../support/cli-run.js';
import { spawnCli, type ProcessRun } from '../../support/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'callscope-exit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The rule every run must follow. */
function expectDocumentedExit(run: ProcessRun): void {
  expect(run.signal).toBeNull();
  expect([0, 1, 2]).toContain(run.code);
  if (run.code !== 0) {
    const lines = run.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^callscope( \w+)?: \S/);
  }
}

/** A TCP "SIP server" on loopback that does `onConnection` to each connection. */
async function tcpServer(onConnection: (socket: Socket, index: number) => void): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket) => onConnection(socket, count++));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, connections: () => count };
}

describe('callscope exits 0, 1 or 2, and says why when it is not 0', () => {
  it('every command documents its exit status in --help', async () => {
    for (const command of commands) {
      const help = await runCli(command.name, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout, command.name).toMatch(/^Exit status:\n {2}0 .*\n {2}1 .*\n {2}2 .*$/m);
    }
  }, 30_000);

  it('usage and input errors: 2 with a reason', async () => {
    const garbage = join(dir, 'garbage.bin');
    writeFileSync(garbage, 'this is no trace at all\n');
    const message = join(dir, 'bad.sip');
    writeFileSync(message, 'INVITE nowhere\r\n\r\n');
    const runs = await Promise.all([
      spawnCli([]).result,
      spawnCli(['bogus']).result,
      spawnCli(['analyze', join(dir, 'missing.pcap')]).result,
      spawnCli(['analyze', garbage]).result,
      spawnCli(['parse', message]).result,
      spawnCli(['listen', '--count', 'many']).result,
    ]);
    for (const run of runs) {
      expectDocumentedExit(run);
      expect(run.code).toBe(2);
    }
    const version = await spawnCli(['--version']).result;
    expect(version).toMatchObject({ code: 0, stderr: '' });
  }, 60_000);

  it('a server that refuses the connection: call exits 1 with the reason', async () => {
    const { server, port } = await tcpServer(() => undefined);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const run = await spawnCli(['call', '--server', `sip:127.0.0.1:${port};transport=tcp`, 'bob']).result;
    expectDocumentedExit(run);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refused/);
  }, 30_000);

  it('listen over TCP whose server closes the connection and then goes away: reconnects, gives up, exits 1 saying why', async () => {
    const tcp = await tcpServer((socket) => {
      // The first connection is closed by the server after a moment; then the server is gone.
      setTimeout(() => {
        socket.destroy();
        tcp.server.close();
      }, 300);
    });
    const run = await spawnCli(['listen', '--server', `sip:127.0.0.1:${tcp.port};transport=tcp`, '--reconnect-timeout', '2']).result;
    expectDocumentedExit(run);
    expect(run.code).toBe(1);
    expect(run.stdout, run.stdout + run.stderr).toMatch(/lost: connection closed by/);
    expect(run.stdout).toMatch(/reconnecting to /);
    expect(run.stderr).toMatch(/not re-established within 2 s/);
  }, 30_000);
});
