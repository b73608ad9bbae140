// Free ports for the lab. Ports are taken below Linux's ephemeral range
// (32768+) so that the kernel's own choices cannot collide with them, in
// blocks checked free on both UDP and TCP. A port handed out is not bound until its
// program starts, so test workers running at once (Vitest's pool, Playwright's workers)
// also claim each port machine-wide, with a lock file naming their process: another
// worker's probe would otherwise find it free (a CI run lost a Kamailio to "Address
// already in use"). A claim whose process is gone is stale and taken over.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const handedOut = new Set<number>();
const CLAIMS = join(tmpdir(), 'callscope-lab-ports');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claims `port` for this process, unless a live process holds it. */
export function claimPort(port: number, dir: string = CLAIMS): boolean {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch {
      let holder = Number.NaN;
      try {
        holder = Number(readFileSync(file, 'utf8').trim());
      } catch {
        // Released meanwhile: try again.
      }
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) return false;
      try {
        unlinkSync(file);
      } catch {
        // Gone already, or another worker took the stale claim over first.
      }
    }
  }
  return false;
}

/** Gives up this process's claim on `port`. */
export function unclaimPort(port: number, dir: string = CLAIMS): void {
  const file = join(dir, String(port));
  try {
    if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
  } catch {
    // Not claimed (any more).
  }
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind({ port, address: '127.0.0.1', exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

/**
 * A block of `count` consecutive ports, each free on UDP and TCP right now and
 * not handed out before by this process. Consecutive, so a capture filter can
 * name the block as a port range.
 */
export async function allocatePortBlock(count: number, { min = 20000, max = 30000, base: fixedBase, even = false }: {
  min?: number; max?: number; /** Exactly this block, or an error. */ base?: number; /** Start on an even port. */ even?: boolean } = {}): Promise<number[]> {
  for (let attempt = 0; attempt < (fixedBase === undefined ? 200 : 1); attempt++) {
    const random = min + Math.floor(Math.random() * (max - min - count));
    const base = fixedBase ?? (even ? random - (random % 2) : random);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if (ports.some((p) => handedOut.has(p))) continue;
    let free = true;
    for (const port of ports) {
      if (!(await tcpFree(port)) || !(await udpFree(port))) {
        free = false;
        break;
      }
    }
    if (!free) continue;
    const claimed: number[] = [];
    for (const port of ports) {
      if (!claimPort(port)) break;
      claimed.push(port);
    }
    if (claimed.length < ports.length) {
      for (const port of claimed) unclaimPort(port);
      continue;
    }
    for (const port of ports) handedOut.add(port);
    return ports;
  }
  throw new Error(fixedBase === undefined
    ? `no block of ${count} free ports found in ${min}-${max}`
    : `ports ${fixedBase}-${fixedBase + count - 1} are not all free (UDP and TCP)`);
}

/** Ports a stopped lab no longer uses, for the next block of any worker. */
export function releasePorts(ports: readonly number[]): void {
  for (const port of ports) {
    handedOut.delete(port);
    unclaimPort(port);
  }
}

/** True when some socket is bound to this UDP port on the machine (from /proc/net/udp). */
export async function isUdpPortBound(port: number): Promise<boolean> {
  const { readFile } = await import('node:fs/promises');
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      if (local?.endsWith(`:${hex}`)) return true;
    }
  }
  return false;
}

/** True when a TCP connection to 127.0.0.1:port is accepted. */
export function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    import('node:net').then(({ connect }) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    }, () => resolve(false));
  });
}
