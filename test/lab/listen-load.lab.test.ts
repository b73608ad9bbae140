// `callscope listen` answering a SIPp load (scaled down from 2,500 calls/s): while
// calls pour in, the process falls behind for a moment (here: its event loop is
// blocked for 1.5 s, as a burst or a long GC does). What arrives meanwhile must wait
// in the socket's receive buffer; the system default (~200 KB) drops most of it, and
// a call whose ACK and BYE were dropped while SIPp took a retransmitted 200 to the
// INVITE for its BYE's 200 was never reported as ended cleanly. Every call must end
// and be reported, and listen's verdict must agree with SIPp's — or, where the
// kernel cannot give a large buffer (net.core.rmem_max), say how much it dropped.
// SIPp's load sends no RTP: listen is signalling only here (--media none).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startCli } from '../support/cli-run.js';
import { waitFor } from '../support/wait-for.js';
import { useLab } from './vitest-lab.js';

const lab = useLab({ name: 'listen-load', rtpengine: false });

const CALLS = 400;
const RATE = 300;

function rmemMax(): number {
  try {
    return Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
  } catch {
    return 0;
  }
}

describe('callscope listen under a SIPp load', () => {
  it(`${CALLS} calls at ${RATE} calls/s with a 1.5 s stall: every call ends and is reported`, async () => {
    const port = lab().allocatePeerPort();
    const listening = startCli('listen', '--server', `sip:127.0.0.1:${lab().proxy.ports.udp}`, '--local', `127.0.0.1:${port}`,
      '--count', String(CALLS), '--t1', '100', '--timeout', '60', '--media', 'none');
    await waitFor(() => /listening as/.test(listening.output()), 'listen to start', 10_000);
    const caller = await lab().startUac('uac-load', 'callscope', {
      target: `127.0.0.1:${port}`, calls: CALLS, timeoutS: 50, extraArgs: ['-r', String(RATE), '-l', String(CALLS)],
    });
    await waitFor(() => /call 60 from/.test(listening.output()), 'the load to be under way', 15_000);
    const stallUntil = Date.now() + 1500;
    while (Date.now() < stallUntil) { /* the process falls behind */ }
    const [run, sipp] = await Promise.all([listening.result, caller.result]);
    const ended = run.stdout.match(/ ended: /g)?.length ?? 0;
    expect(ended).toBe(CALLS);
    if (rmemMax() >= 2 * 1024 * 1024) {
      expect(sipp.explanation).toBe('');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).not.toMatch(/kernel dropped/);
    } else {
      // A small buffer: drops happen, and listen says so.
      expect(run.stdout + run.stderr).toMatch(/kernel dropped \d+ datagram|ended cleanly/);
    }
  }, 90_000);
});
