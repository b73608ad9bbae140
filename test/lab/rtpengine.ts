// The lab's media relay: rtpengine in userspace (--table=-1) on 127.0.0.1,
// controlled by Kamailio over the ng protocol (bencode over UDP).
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { ManagedProcess, waitUntil } from './managed-process.js';

export interface RtpengineOptions {
  readonly dir: string;
  readonly ngPort: number;
  readonly rtpPortMin: number;
  readonly rtpPortMax: number;
}

/** Sends one ng command (already bencoded) and returns the raw bencoded reply, or undefined on timeout. */
export function ngCommand(port: number, bencoded: string, timeoutMs = 500): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const cookie = Math.random().toString(36).slice(2, 10);
    const done = (reply: string | undefined) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('message', (data) => {
      const text = data.toString('latin1');
      if (text.startsWith(`${cookie} `)) done(text.slice(cookie.length + 1));
    });
    socket.on('error', () => done(undefined));
    socket.send(`${cookie} ${bencoded}`, port, '127.0.0.1');
  });
}

export async function startRtpengine(options: RtpengineOptions): Promise<ManagedProcess> {
  const rtpengine = ManagedProcess.start({
    name: 'rtpengine',
    command: '/usr/bin/rtpengine',
    args: [
      '--config-file=none', '--foreground', '--log-stderr', '--log-level=6', '--table=-1',
      '--interface=127.0.0.1', `--listen-ng=127.0.0.1:${options.ngPort}`,
      `--port-min=${options.rtpPortMin}`, `--port-max=${options.rtpPortMax}`,
      `--pidfile=${join(options.dir, 'rtpengine.pid')}`,
    ],
    logFile: join(options.dir, 'rtpengine.log'),
  });
  await waitUntil(async () => (await ngCommand(options.ngPort, 'd7:command4:pinge')) === 'd6:result4:ponge', {
    what: `rtpengine answers an ng ping on udp:127.0.0.1:${options.ngPort}`,
    process: rtpengine,
  });
  return rtpengine;
}
