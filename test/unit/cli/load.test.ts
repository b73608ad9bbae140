// `callscope call --count N --rate R` against `callscope listen --count N`, both
// in this process over UDP on loopback: every call is placed, answered and
// ended, the report gives the figures, and --json streams one record per call
// and a summary (JSON Lines). Load is signalling only, so the listener is too (--media none).
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../../support/cli-run.js';
import { waitFor } from '../../support/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'callscope-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('callscope call in load mode', () => {
  it('places --count calls at --rate, each answered and ended; the figures and JSON Lines say so', async () => {
    const [callee, caller] = [await freePort(), await freePort()];
    const listening = startCli('listen', '--server', `sip:127.0.0.1:${caller}`, '--local', `127.0.0.1:${callee}`, '--count', '30',
      '--t1', '100', '--timeout', '30', '--media', 'none');
    await waitFor(() => /listening as/.test(listening.output()), 'listen to start', 10_000);
    const records = join(dir, 'load.jsonl');
    const calling = await startCli('call', '--server', `sip:127.0.0.1:${callee}`, '--local', `127.0.0.1:${caller}`, '--t1', '100',
      '--count', '30', '--rate', '60', '--concurrency', '10', '--duration', '0.05', '--json', records, 'callscope').result;
    const listened = await listening.result;
    expect(calling.stderr).toBe('');
    expect(calling.code).toBe(0);
    expect(listened.code).toBe(0);
    expect(calling.stdout).toMatch(/^attempts +30 of 30 at 60 calls\/s \(concurrency 10, connections shared\)$/m);
    expect(calling.stdout).toMatch(/^ended cleanly +30$/m);
    expect(calling.stdout).toMatch(/^setup time +p50 [\d.]+ ms {2}p95 [\d.]+ ms {2}p99 [\d.]+ ms/m);
    expect(calling.stdout).toMatch(/^post-dial delay +p50 [\d.]+ ms/m);
    const lines = readFileSync(records, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.type === 'call')).toHaveLength(30);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', attempts: 30, answered: 30, endedCleanly: 30, failed: 0 });
    expect(lines.find((l) => l.type === 'call')).toMatchObject({ outcome: 'answered', clean: true, findings: [] });
  }, 60_000);

  it('--connections per-call with a user range: each call its own socket, placed as u1..u3 in turn', async () => {
    const [callee, caller] = [await freePort(), await freePort()];
    const listening = startCli('listen', '--server', `sip:127.0.0.1:${caller}`, '--local', `127.0.0.1:${callee}`, '--count', '6', '--t1', '100', '--timeout', '30', '--media', 'none');
    await waitFor(() => /listening as/.test(listening.output()), 'listen to start', 10_000);
    const calling = await startCli('call', '--server', `sip:127.0.0.1:${callee}`, '--t1', '100', '--count', '6', '--rate', '20',
      '--connections', 'per-call', '--users', '3', '--user', 'u{n}', '--duration', '0.05', 'callscope').result;
    const listened = await listening.result;
    expect(calling.stderr).toBe('');
    expect(calling.code).toBe(0);
    expect(listened.code).toBe(0);
    expect([...listened.stdout.matchAll(/call \d+ from (u\d)/g)].map((m) => m[1]).sort()).toEqual(['u1', 'u1', 'u2', 'u2', 'u3', 'u3']);
  }, 60_000);

  it('usage errors exit 2: a user range needs {n} and per-call connections', async () => {
    const server = ['--server', 'sip:127.0.0.1:9'];
    expect(await startCli('call', ...server, '--count', '0', 'bob').result).toMatchObject({ code: 2, stderr: expect.stringMatching(/--count needs a positive whole number/) });
    expect(await startCli('call', ...server, '--count', '5', '--users', '3', '--user', 'u{n}', 'bob').result)
      .toMatchObject({ code: 2, stderr: expect.stringMatching(/--users N needs --connections per-call/) });
    expect(await startCli('call', ...server, '--count', '5', '--users', '3', '--connections', 'per-call', 'bob').result)
      .toMatchObject({ code: 2, stderr: expect.stringMatching(/--users N needs --user with \{n\}/) });
  });

  it('load is signalling only: media options are usage errors with --count', async () => {
    const server = ['--server', 'sip:127.0.0.1:9'];
    expect(await startCli('call', ...server, '--count', '5', '--media', 'rtp', 'bob').result)
      .toMatchObject({ code: 2, stderr: expect.stringMatching(/--media rtp is for one call: load \(--count\) is signalling only/) });
    expect(await startCli('call', ...server, '--count', '5', '--play', 'tone', 'bob').result)
      .toMatchObject({ code: 2, stderr: expect.stringMatching(/--play is for one call/) });
    const help = await startCli('call', '--help').result;
    expect(help.stdout).toMatch(/Load is signalling only/);
  });
});
