// The SIP lab: real peers on loopback for Callscope's tests and for manual
// test calls. `startLab()` brings up a tshark capture, rtpengine, the named
// SIPp far ends and Kamailio, each on free ports, and waits until each is
// really ready. `lab.stop()` ends every process; the lab's directory (logs,
// configs, the capture, SIPp traces) is deleted unless it is kept, which the
// Vitest helper does when a test failed.
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeLabCertificates } from './certs.js';
import { startCapture, type Capture } from './capture.js';
import { startKamailio, type KamailioPorts, type LabAccount } from './kamailio.js';
import type { ManagedProcess } from './managed-process.js';
import { allocatePortBlock, releasePorts } from './ports.js';
import { assertLabToolsInstalled } from './preflight.js';
import { startRtpengine } from './rtpengine.js';
import { startSipp, type SippOptions, type SippRun } from './sipp.js';
import { writeToneFile } from './tone.js';

export type { LabAccount } from './kamailio.js';
export type { SippResult, SippRun } from './sipp.js';

export const LAB_REALM = 'callscope.lab';
const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The lab's accounts (digest credentials for REGISTER and for their calls). */
export const labAccounts: readonly LabAccount[] = [
  { user: 'alice', password: 'alice-lab-secret' },
  { user: 'bob', password: 'bob-lab-secret' },
  { user: 'carol', password: 'carol-lab-secret' },
  { user: 'dave', password: 'dave-lab-secret' },
];

export interface LabOptions {
  /** Names the lab's directory: test-results/lab/<name>-<time>. */
  readonly name: string;
  /** Digest authentication on the proxy (default true). */
  readonly auth?: boolean;
  readonly authAlgorithm?: 'MD5' | 'SHA-256';
  /** Start rtpengine (default true). */
  readonly rtpengine?: boolean;
  /** Capture the lab's SIP traffic with tshark (default true). */
  readonly capture?: boolean;
  /** SIPp far ends reachable by name as request-URI user: name -> scenario. */
  readonly farEnds?: Readonly<Record<string, string>>;
  /** Options for the named far ends (calls: how many before exit; default unlimited). */
  readonly farEndCalls?: number;
  /**
   * Capture media too: rtpengine's ports and a block of ports for the far ends' and
   * callers' own RTP (`allocateMediaPort`), besides the SIP ports.
   */
  readonly captureMedia?: boolean;
  /** Use ports portBase.. (UDP, TCP, TLS, WS, WSS, rtpengine ng, then peers) instead of a random free block. */
  readonly portBase?: number;
}

export interface LabProxy {
  readonly host: '127.0.0.1';
  readonly ports: KamailioPorts;
  readonly wsUrl: string;
  readonly wssUrl: string;
  /** CA that signed the proxy's TLS certificate (verify WSS/TLS against it). */
  readonly caFile: string;
  readonly realm: string;
  readonly auth: boolean;
}

/** How many ports the lab keeps for SIPp (far ends, callers) and tests' own UDP/TCP peers. */
const PEER_PORTS = 24;
/** How many ports the lab keeps for its peers' RTP and RTCP. */
const MEDIA_PORTS = 40;

export class Lab {
  private nextPeerPort = 0;
  private nextMediaPort = 0;
  private readonly sippRuns: SippRun[] = [];
  private stopped = false;

  constructor(
    readonly dir: string,
    readonly proxy: LabProxy,
    private kamailio: ManagedProcess,
    readonly rtpengine: { readonly ngPort: number; readonly rtpPorts: readonly [number, number]; readonly process?: ManagedProcess },
    readonly accounts: readonly LabAccount[],
    private readonly peerPorts: readonly number[],
    private readonly capture: Capture | undefined,
    readonly farEnds: ReadonlyMap<string, SippRun>,
    private readonly options: LabOptions,
    private readonly mediaPorts: readonly number[] = [],
    /** Every port this lab took (its block and its media block), given back when it stops. */
    private readonly ownPorts: readonly number[] = [],
  ) {
    this.sippRuns.push(...farEnds.values());
  }

  /** The capture file (pcapng), when capturing. */
  get captureFile(): string | undefined {
    return this.capture?.file;
  }

  account(user: string): LabAccount {
    const account = this.accounts.find((a) => a.user === user);
    if (!account) throw new Error(`lab: no account '${user}' (have ${this.accounts.map((a) => a.user).join(', ')})`);
    return account;
  }

  /** A free port from the lab's captured block, for a SIPp instance or a test's own peer. */
  allocatePeerPort(): number {
    const port = this.peerPorts[this.nextPeerPort++];
    if (port === undefined) throw new Error(`lab: all ${PEER_PORTS} peer ports are in use`);
    return port;
  }

  /**
   * An even port of the media block and the odd one above it (RTP and RTCP), for a peer's
   * own media (captured when the lab captures media).
   */
  allocateMediaPort(): number {
    if (this.nextMediaPort % 2 === 1) this.nextMediaPort++;
    const port = this.mediaPorts[this.nextMediaPort];
    if (port === undefined) throw new Error(`lab: all ${MEDIA_PORTS} media ports are in use`);
    this.nextMediaPort += 2;
    return port;
  }

  /** Request-URI through the proxy to a SIPp far end listening on `port` (the `farend-<port>` route). */
  farEndUri(port: number): string {
    return `sip:farend-${port}@127.0.0.1:${this.proxy.ports.udp}`;
  }

  /** Starts a SIPp far end (UAS) on a port of the lab's block; see test/lab/scenarios. */
  async startUas(scenario: string, options: Omit<SippOptions, 'scenario' | 'port' | 'target'> = {}): Promise<SippRun> {
    const run = await startSipp(this.dir, { ...this.withMediaPort(options), scenario, port: this.allocatePeerPort() });
    this.sippRuns.push(run);
    return run;
  }

  /** Starts a SIPp caller (UAC) towards the proxy's UDP port, calling `service` (request-URI user). */
  async startUac(scenario: string, service: string, options: Omit<SippOptions, 'scenario' | 'port' | 'service'> = {}): Promise<SippRun> {
    const run = await startSipp(this.dir, {
      ...this.withMediaPort(options), scenario, service, port: this.allocatePeerPort(),
      target: options.target ?? `127.0.0.1:${this.proxy.ports.udp}`,
    });
    this.sippRuns.push(run);
    return run;
  }

  /** Stops and starts Kamailio again on the same ports (registrations are lost: it is in-memory). */
  async restartProxy(): Promise<void> {
    await this.kamailio.stop();
    this.kamailio = await this.launchProxy();
  }

  /** Stops Kamailio only (to test a dropped connection); `restartProxy()` brings it back. */
  async stopProxy(): Promise<void> {
    await this.kamailio.stop();
  }

  /** Kamailio's log so far. */
  proxyLog(): string {
    return this.kamailio.log();
  }

  /** Starts Kamailio with this lab's settings; used at start and by restartProxy(). */
  launchProxy(): Promise<ManagedProcess> {
    return launchKamailio(this.dir, this.proxy.ports, this.rtpengine.ngPort, this.options, this.farEndPorts());
  }

  /**
   * Ends every process of the lab. The lab's directory is deleted unless
   * `keepArtifacts` (or CALLSCOPE_LAB_KEEP=1); when kept, its path is returned.
   */
  async stop({ keepArtifacts = false }: { keepArtifacts?: boolean } = {}): Promise<string | undefined> {
    if (this.stopped) return undefined;
    this.stopped = true;
    await Promise.all(this.sippRuns.map((run) => run.stop()));
    await this.kamailio.stop();
    await this.rtpengine.process?.stop();
    await this.capture?.stop();
    releasePorts(this.ownPorts);
    if (keepArtifacts || process.env.CALLSCOPE_LAB_KEEP === '1') return this.dir;
    rmSync(this.dir, { recursive: true, force: true });
    return undefined;
  }

  /** In a lab that captures media, SIPp's RTP (rtp_stream, -mp) goes on a captured port. */
  private withMediaPort<T extends { extraArgs?: readonly string[] }>(options: T): T {
    if (!this.options.captureMedia || options.extraArgs?.includes('-mp')) return options;
    const port = this.allocateMediaPort();
    // SIPp may also take the pair above -mp for its audio stream (when -mp itself is bound).
    this.allocateMediaPort();
    return { ...options, extraArgs: [...(options.extraArgs ?? []), '-mp', String(port)] };
  }

  private farEndPorts(): Map<string, number> {
    return new Map([...this.farEnds].map(([name, run]) => [name, run.port]));
  }
}

function launchKamailio(dir: string, ports: KamailioPorts, ngPort: number, options: LabOptions,
  farEnds: ReadonlyMap<string, number>): Promise<ManagedProcess> {
  return startKamailio({
    dir, ports, rtpengineNgPort: ngPort,
    certificates: { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key') },
    realm: LAB_REALM,
    auth: options.auth ?? true,
    authAlgorithm: options.authAlgorithm ?? 'MD5',
    accounts: labAccounts,
    farEnds,
  });
}

/**
 * Starts a lab. When one of its programs finds a port taken after all (something outside
 * the lab's claims bound it between the probe and the program's start), the lab is started
 * again on other ports, up to three times in all.
 */
export async function startLab(options: LabOptions): Promise<Lab> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startLabOnce(options);
    } catch (error) {
      const portTaken = error instanceof Error && /Address already in use/.test(error.message);
      if (!portTaken || attempt >= 3 || options.portBase !== undefined) throw error;
      console.warn(`lab ${options.name}: a port was taken after it was found free; starting again on other ports (attempt ${attempt + 1})`);
    }
  }
}

async function startLabOnce(options: LabOptions): Promise<Lab> {
  assertLabToolsInstalled();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = join(repoRoot, 'test-results', 'lab', `${options.name.replace(/[^A-Za-z0-9._-]+/g, '-')}-${stamp}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const started: Array<{ stop(): Promise<unknown> }> = [];
  const taken: number[] = [];
  try {
    // One block: Kamailio's five listeners, rtpengine's ng port, then peers.
    const block = await allocatePortBlock(6 + PEER_PORTS, options.portBase === undefined ? {} : { base: options.portBase });
    taken.push(...block);
    const [udp, tcp, tls, ws, wss, ngPort] = block as [number, number, number, number, number, number];
    const peerPorts = block.slice(6);
    const rtpBase = 30000 + Math.floor(Math.random() * 1400);
    const rtpPorts: [number, number] = [rtpBase, rtpBase + 199];
    const ports: KamailioPorts = { udp, tcp, tls, ws, wss };

    const certificates = makeLabCertificates(dir);
    writeToneFile(join(dir, 'tone-pcmu.raw'));

    // For the peers' own RTP (baresip, linphonec; SIPp too when media is captured). Even
    // first port: RTP on even ports, RTCP on the odd one above (RFC 3550 §11).
    const mediaPorts = await allocatePortBlock(MEDIA_PORTS, { even: true });
    taken.push(...mediaPorts);
    const capture = options.capture === false ? undefined
      : await startCapture(dir, {
        udpTcp: [], range: [block[0]!, block[block.length - 1]!],
        udpRanges: options.captureMedia ? [rtpPorts, [mediaPorts[0]!, mediaPorts[mediaPorts.length - 1]!]] : [],
      });
    if (capture) started.push(capture);

    const rtpengine = options.rtpengine === false ? undefined
      : await startRtpengine({ dir, ngPort, rtpPortMin: rtpPorts[0], rtpPortMax: rtpPorts[1] });
    if (rtpengine) started.push(rtpengine);

    const farEnds = new Map<string, SippRun>();
    let peerIndex = 0;
    for (const [name, scenario] of Object.entries(options.farEnds ?? {})) {
      const run = await startSipp(dir, { scenario, port: peerPorts[peerIndex++]!, calls: options.farEndCalls ?? 1_000_000, timeoutS: 24 * 3600 });
      started.push(run);
      farEnds.set(name, run);
    }
    const farEndPorts = new Map([...farEnds].map(([name, run]) => [name, run.port]));
    const kamailio = await launchKamailio(dir, ports, ngPort, options, farEndPorts);
    started.push(kamailio);

    const proxy: LabProxy = {
      host: '127.0.0.1', ports,
      wsUrl: `ws://127.0.0.1:${ws}`, wssUrl: `wss://127.0.0.1:${wss}`,
      caFile: certificates.caFile, realm: LAB_REALM, auth: options.auth ?? true,
    };
    return new Lab(dir, proxy, kamailio, { ngPort, rtpPorts, ...(rtpengine ? { process: rtpengine } : {}) },
      labAccounts, peerPorts.slice(peerIndex), capture, farEnds, options, mediaPorts, taken);
  } catch (error) {
    for (const p of started.reverse()) await p.stop().catch(() => undefined);
    releasePorts(taken);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the SIP lab did not start: ${reason}\n(lab files kept in ${dir})`, { cause: error });
  }
}
