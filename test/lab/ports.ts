// Free ports for the lab. Ports are taken below Linux's ephemeral range
// (32768+) so that the kernel's own choices cannot collide with them, in
// blocks checked free on both UDP and TCP. Test workers running at once (Vitest's
// pool, Playwright's workers) each take from a slice of the range of their own: a
// port handed out is not bound until its program starts, so a probe from another
// worker would find it free (a CI run once lost a Kamailio to "Address already in use").
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

const handedOut = new Set<number>();
/** Slices of the range, one per concurrent worker (more workers share them round-robin). */
const WORKER_SLICES = 8;

/** This worker's place among the concurrent ones (0-based), if it runs under Vitest or Playwright. */
export function workerIndex(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const vitest = Number(env.VITEST_POOL_ID);
  if (Number.isInteger(vitest) && vitest >= 1) return vitest - 1;
  const playwright = Number(env.TEST_PARALLEL_INDEX);
  if (env.TEST_PARALLEL_INDEX !== undefined && Number.isInteger(playwright) && playwright >= 0) return playwright;
  return undefined;
}

/** The part of [min, max) this worker takes ports from: all of it outside a test runner. */
export function workerRange(min: number, max: number, index: number | undefined): [number, number] {
  if (index === undefined) return [min, max];
  const width = Math.floor((max - min) / WORKER_SLICES);
  const slot = index % WORKER_SLICES;
  return [min + slot * width, min + (slot + 1) * width];
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
export async function allocatePortBlock(count: number, { min: rangeMin = 20000, max: rangeMax = 30000, base: fixedBase, even = false }: {
  min?: number; max?: number; /** Exactly this block, or an error. */ base?: number; /** Start on an even port. */ even?: boolean } = {}): Promise<number[]> {
  const [min, max] = workerRange(rangeMin, rangeMax, workerIndex());
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
    for (const port of ports) handedOut.add(port);
    return ports;
  }
  throw new Error(fixedBase === undefined
    ? `no block of ${count} free ports found in ${min}-${max}`
    : `ports ${fixedBase}-${fixedBase + count - 1} are not all free (UDP and TCP)`);
}

/** Ports a stopped lab no longer uses, for the next block of this worker. */
export function releasePorts(ports: readonly number[]): void {
  for (const port of ports) handedOut.delete(port);
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
