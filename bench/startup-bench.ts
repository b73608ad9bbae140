// Start → INVITE on the wire: how long after a process starts its first
// INVITE reaches a UDP socket on loopback, for `callscope call` (the built
// CLI) and `sipp -sn uac`, beside the time a bare `node -e 0` takes to run at
// all, in interleaved rounds of the same run (so load on the machine hits all
// three alike). Medians of the rounds. `callscope call` is measured signalling
// only (--media none, like sipp -sn uac: an SDP, no audio) and with its default
// media (plain RTP to a sip: server: the media engine loads and binds first).
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { cli, fmt, hasProgram, median, measure } from './processes.js';

const SIPP = '/usr/bin/sipp';

/** Milliseconds from spawn to the first datagram starting with "INVITE", then the process is killed. */
async function toInvite(command: string, args: readonly string[], port: number, socket: ReturnType<typeof createSocket>): Promise<number | undefined> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: 'ignore' });
    const done = (value: number | undefined) => {
      socket.off('message', onMessage);
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(value);
    };
    const onMessage = (data: Buffer) => {
      if (data.subarray(0, 7).toString('latin1') === 'INVITE ') done(performance.now() - started);
    };
    socket.on('message', onMessage);
    const timer = setTimeout(() => done(undefined), 10_000);
    child.on('exit', () => setTimeout(() => done(undefined), 200));
    void port;
  });
}

export async function runStartupBench(log: (line: string) => void, rounds = 15): Promise<void> {
  log('');
  log('Start → INVITE on the wire (UDP, loopback; median of interleaved rounds, wall clock)');
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  const node: number[] = [];
  const ours: number[] = [];
  const withMedia: number[] = [];
  const sipp: number[] = [];
  const withSipp = hasProgram(SIPP);
  for (let round = 0; round < rounds; round++) {
    node.push((await measure(process.execPath, ['-e', '0'])).wallMs);
    const a = await toInvite(process.execPath, [cli, 'call', '--server', `sip:127.0.0.1:${port}`, '--media', 'none', '--duration', '0', 'bob'], port, socket);
    if (a !== undefined) ours.push(a);
    const m = await toInvite(process.execPath, [cli, 'call', '--server', `sip:127.0.0.1:${port}`, '--duration', '0', 'bob'], port, socket);
    if (m !== undefined) withMedia.push(m);
    if (withSipp) {
      const b = await toInvite(SIPP, ['-sn', 'uac', `127.0.0.1:${port}`, '-m', '1', '-nostdin', '-i', '127.0.0.1', '-p', '0', '-timeout', '5s'], port, socket);
      if (b !== undefined) sipp.push(b);
    }
  }
  socket.close();
  log(`  node -e 0 (start and exit)     ${fmt(median(node), 0)} ms`);
  log(`  callscope call → INVITE        ${fmt(median(ours), 0)} ms  (--media none; ${ours.length}/${rounds} rounds)`);
  log(`  callscope call → INVITE        ${fmt(median(withMedia), 0)} ms  (default media, RTP; ${withMedia.length}/${rounds} rounds)`);
  log(withSipp ? `  sipp -sn uac → INVITE          ${fmt(median(sipp), 0)} ms  (${sipp.length}/${rounds} rounds)` : '  sipp: not installed');
}
