// A SIP capture of the lab's own ports with tshark, kept when a test fails so
// that what went over the wire can be read again (Wireshark, sngrep, tshark).
import { join } from 'node:path';
import { ManagedProcess, waitUntil } from './managed-process.js';

export interface Capture {
  readonly file: string;
  stop(): Promise<void>;
}

export interface CapturePorts {
  readonly udpTcp: readonly number[];
  readonly range: readonly [number, number];
  /** Media port ranges (UDP only). */
  readonly udpRanges?: ReadonlyArray<readonly [number, number]>;
}

export async function startCapture(dir: string, ports: CapturePorts): Promise<Capture> {
  const file = join(dir, 'sip.pcapng');
  const filter = [...ports.udpTcp.map((p) => `port ${p}`), `portrange ${ports.range[0]}-${ports.range[1]}`,
    ...(ports.udpRanges ?? []).map(([low, high]) => `udp portrange ${low}-${high}`)].join(' or ');
  const tshark = ManagedProcess.start({
    name: 'tshark',
    command: '/usr/bin/tshark',
    args: ['-i', 'lo', '-f', filter, '-w', file, '-q'],
    logFile: join(dir, 'tshark.log'),
  });
  await waitUntil(() => /Capturing on/.test(tshark.log()), { what: 'tshark is capturing on lo', process: tshark });
  return {
    file,
    async stop() {
      // The last packets may still be in the kernel's capture buffer: give
      // dumpcap a moment, then SIGINT tshark alone, which stops dumpcap
      // cleanly and closes the file (a SIGINT to dumpcap itself drops them).
      await new Promise((r) => setTimeout(r, 300));
      await tshark.stop('SIGINT', 5000, { leaderOnly: true });
    },
  };
}
