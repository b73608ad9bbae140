// How many datagrams the kernel dropped for a UDP socket because its receive
// buffer was full: under a burst the process reads slower than they arrive,
// and what does not fit is lost before SIP ever sees it. Linux says so per
// socket in /proc/net/udp(6) (the last column, "drops"); elsewhere it is unknown.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** /proc's hex form of an IPv4 address (host byte order, little-endian on the machines that matter). */
function procIpv4(address: string): string {
  return address.split('.').map((p) => Number(p).toString(16).padStart(2, '0')).reverse().join('').toUpperCase();
}

/** Dropped datagrams of the UDP socket bound to `address`:`port`, or undefined when it cannot be known. */
export function udpReceiveDrops(address: string, port: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  const v6 = isIP(address) === 6;
  let table: string;
  try {
    table = readFileSync(v6 ? '/proc/net/udp6' : '/proc/net/udp', 'latin1');
  } catch {
    return undefined;
  }
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const wanted = v6 ? undefined : procIpv4(address);
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (!local?.endsWith(`:${portHex}`)) continue;
    if (wanted !== undefined && local !== `${wanted}:${portHex}` && local !== `00000000:${portHex}`) continue;
    const drops = Number(fields[fields.length - 1]);
    return Number.isFinite(drops) ? drops : undefined;
  }
  return undefined;
}
