// Load figures through the lab's Kamailio, in one run:
// - UDP: the same calls (INVITE, 180, 200, ACK, BYE, 200 to a SIPp far end) placed
//   by `callscope call --count N --rate R` and by SIPp (uac-load.xml: SIPp's built-in uac
//   with the route set followed, which the lab's proxy needs): CPU seconds per
//   call of each caller process, and the ratio;
// - WSS: calls/s Callscope sustains over one WebSocket with 0 failures (rates
//   tried in turn; SIPp has no WebSocket at all).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startLab, type Lab } from '../test/lab/lab.js';
import { cli, fmt, hasProgram, measure } from './processes.js';

const SIPP = '/usr/bin/sipp';

const scenario = (name: string) => fileURLToPath(new URL(`../test/lab/scenarios/${name}.xml`, import.meta.url));

function sippUas(port: number): { stop(): void } {
  const child = spawn(SIPP, ['-sf', scenario('uas-load'), '-i', '127.0.0.1', '-p', String(port), '-nostdin', '-m', '100000000'], { stdio: 'ignore' });
  return { stop: () => void child.kill('SIGKILL') };
}

/** GNU time's own line is not the program's reason. */
function lastLine(stderr: string): string {
  return stderr.trim().split('\n').filter((l) => !/^Command (exited|terminated)/.test(l)).at(-1) ?? '';
}

export async function runLoadBench(log: (line: string) => void, options: { calls?: number; rate?: number } = {}): Promise<void> {
  log('');
  log('Load through the lab\'s Kamailio (a SIPp far end: test/lab/scenarios/uas-load.xml)');
  if (!hasProgram(SIPP)) {
    log('  sipp is not installed: skipped (npm run lab:install)');
    return;
  }
  let lab: Lab;
  try {
    lab = await startLab({ name: 'bench-load', rtpengine: false, capture: false });
  } catch (error) {
    log(`  the lab did not start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return;
  }
  const farPort = lab.allocatePeerPort();
  const far = sippUas(farPort);
  try {
    await new Promise((r) => setTimeout(r, 500));
    const calls = options.calls ?? 2000;
    const rate = options.rate ?? 200;
    const proxy = `127.0.0.1:${lab.proxy.ports.udp}`;
    const target = `farend-${farPort}`;
    const ours = await measure(process.execPath, [cli, 'call', '--server', `sip:${proxy}`, '--count', String(calls), '--rate', String(rate),
      '--duration', '0', target], { timeoutMs: 10 * 60_000 });
    const sippPort = lab.allocatePeerPort();
    const theirs = await measure(SIPP, ['-sf', scenario('uac-load'), proxy, '-s', target, '-i', '127.0.0.1', '-p', String(sippPort), '-r', String(rate),
      '-m', String(calls), '-nostdin', '-timeout', '600s'], { timeoutMs: 10 * 60_000 });
    const perCall = (cpu: number | undefined) => (cpu === undefined ? undefined : (cpu * 1000) / calls);
    const a = perCall(ours.cpuS);
    const b = perCall(theirs.cpuS);
    const failed = (m: { code: number | null; stderr: string }) => (m.code === 0 ? '' : ` [failures: ${lastLine(m.stderr) || `exit ${m.code}`}]`);
    log(`  UDP, ${calls} calls at ${rate}/s (same scenario as SIPp's uac):  callscope ${fmt(a, 3)} ms CPU/call${failed(ours)}, sipp ${fmt(b, 3)} ms CPU/call${failed(theirs)}; `
      + `callscope/sipp = ${a !== undefined && b !== undefined && b > 0 ? fmt(a / b, 1) : 'n/a'}×`);
    let best: { rate: number; achieved: string } | undefined;
    for (const wssRate of [25, 50, 100, 200, 400]) {
      const n = wssRate * 5;
      const run = await measure(process.execPath, [cli, 'call', '--server', lab.proxy.wssUrl, '--ca', lab.proxy.caFile, '--count', String(n),
        '--rate', String(wssRate), '--duration', '0', target], { timeoutMs: 5 * 60_000 });
      if (run.code !== 0) {
        log(`  WSS at ${wssRate} calls/s: failures (${lastLine(run.stderr) || `exit ${run.code}`})`);
        break;
      }
      best = { rate: wssRate, achieved: `${n} calls in ${fmt(run.wallMs / 1000)} s` };
    }
    log(best ? `  WSS, one WebSocket: ${best.rate} calls/s sustained with 0 failures (${best.achieved}); SIPp cannot do WebSocket`
      : '  WSS: no rate without failures');
  } finally {
    far.stop();
    await lab.stop();
  }
}
