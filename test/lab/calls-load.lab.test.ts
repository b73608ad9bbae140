// `callscope call --count N --rate R` through the lab's Kamailio to a SIPp far
// end (uas-load.xml), over UDP and over WSS: every call placed is answered and
// ended cleanly, and the report and JSON Lines say so.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../support/cli-run.js';
import { useLab } from './vitest-lab.js';

const lab = useLab({ name: 'calls-load', rtpengine: false });
const dir = mkdtempSync(join(tmpdir(), 'callscope-calls-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('callscope call in load mode through the lab', () => {
  it.each([
    ['UDP', () => ['--server', `sip:127.0.0.1:${lab().proxy.ports.udp}`]],
    ['WSS, one WebSocket', () => ['--server', lab().proxy.wssUrl, '--ca', lab().proxy.caFile]],
  ])('%s: 60 calls at 30 calls/s, all answered and ended cleanly', async (name, server) => {
    const far = await lab().startUas('uas-load', { calls: 60, timeoutS: 40 });
    const records = join(dir, `${name.split(',')[0]}.jsonl`);
    const run = await startCli('call', ...server(), '--t1', '100', '--count', '60', '--rate', '30', '--duration', '0.1',
      '--json', records, `farend-${far.port}`).result;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ended cleanly +60$/m);
    const summary = JSON.parse(readFileSync(records, 'utf8').trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(summary).toMatchObject({ type: 'summary', attempts: 60, answered: 60, endedCleanly: 60, failed: 0 });
    expect((await far.result).explanation).toBe('');
  }, 60_000);
});
