// The lab's SIP proxy: renders kamailio/kamailio.cfg for this lab's ports,
// accounts and far ends, starts Kamailio in the foreground and waits until it
// answers an OPTIONS ping over UDP and accepts WS/WSS connections.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { ManagedProcess, waitUntil } from './managed-process.js';
import { tcpAccepts } from './ports.js';
import type { LabCertificates } from './certs.js';

export interface LabAccount {
  readonly user: string;
  readonly password: string;
}

export interface KamailioPorts {
  readonly udp: number;
  readonly tcp: number;
  readonly tls: number;
  readonly ws: number;
  readonly wss: number;
}

export interface KamailioOptions {
  readonly dir: string;
  readonly ports: KamailioPorts;
  readonly rtpengineNgPort: number;
  readonly certificates: LabCertificates;
  readonly realm: string;
  readonly auth: boolean;
  readonly authAlgorithm: 'MD5' | 'SHA-256';
  readonly accounts: readonly LabAccount[];
  /** Named far ends: request-URI user -> "127.0.0.1:port" (UDP). */
  readonly farEnds: ReadonlyMap<string, number>;
}

/**
 * Kamailio's control socket (`kamcmd -s unix:<path>`). A Unix socket path is
 * limited to 104 bytes, and the lab's directory can be deeper than that (a CI
 * checkout under a long path), so the socket lives in the system's temp dir,
 * named by the proxy's UDP port, which is unique among running labs.
 */
export function kamailioControlSocket(udpPort: number): string {
  return join(tmpdir(), `callscope-kamailio-${udpPort}.ctl`);
}

const template = new URL('./kamailio/kamailio.cfg', import.meta.url);

/** Only characters that cannot break out of a Kamailio string literal. */
function safeToken(value: string, what: string): string {
  if (!/^[A-Za-z0-9._~+-]+$/.test(value)) throw new Error(`lab: ${what} '${value}' has characters the lab does not allow`);
  return value;
}

export function renderKamailioConfig(options: KamailioOptions): { config: string; tlsConfig: string } {
  const accountLines = options.accounts
    .map((a) => `\t$sht(accounts=>${safeToken(a.user, 'account user')}) = "${safeToken(a.password, 'password')}";`)
    .join('\n');
  const farEndLines = [...options.farEnds]
    .map(([name, port]) => `\t$sht(farends=>${safeToken(name, 'far end name')}) = "127.0.0.1:${port}";`)
    .join('\n');
  const values: Record<string, string> = {
    REALM: safeToken(options.realm, 'realm'),
    UDP_PORT: String(options.ports.udp),
    TCP_PORT: String(options.ports.tcp),
    TLS_PORT: String(options.ports.tls),
    WS_PORT: String(options.ports.ws),
    WSS_PORT: String(options.ports.wss),
    RTPENGINE_NG_PORT: String(options.rtpengineNgPort),
    RUN_DIR: options.dir,
    CTL_SOCKET: kamailioControlSocket(options.ports.udp),
    AUTH_ALGORITHM: options.authAlgorithm,
    ACCOUNT_LINES: accountLines,
    FAREND_LINES: farEndLines,
  };
  const config = readFileSync(template, 'utf8').replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`lab: kamailio.cfg uses an unknown placeholder {{${name}}}`);
    return value;
  });
  const tlsConfig = [
    '[server:default]',
    'method = TLSv1.2+',
    'verify_certificate = no',
    'require_certificate = no',
    `private_key = ${options.certificates.keyFile}`,
    `certificate = ${options.certificates.certFile}`,
    '',
    '[client:default]',
    'method = TLSv1.2+',
    'verify_certificate = no',
    'require_certificate = no',
    '',
  ].join('\n');
  return { config, tlsConfig };
}

/** Sends an out-of-dialog OPTIONS to the proxy itself; true on a 200. */
export function pingSipUdp(port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const branch = `z9hG4bK-lab-${Math.random().toString(36).slice(2)}`;
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('message', (data) => done(data.toString('latin1').startsWith('SIP/2.0 200')));
    socket.on('error', () => done(false));
    socket.bind(0, '127.0.0.1', () => {
      const local = socket.address().port;
      const ping = [
        `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch};rport`,
        'Max-Forwards: 70',
        `From: <sip:lab-probe@127.0.0.1>;tag=${branch.slice(-8)}`,
        `To: <sip:127.0.0.1:${port}>`,
        `Call-ID: ${branch}@127.0.0.1`,
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '', '',
      ].join('\r\n');
      socket.send(ping, port, '127.0.0.1');
    });
  });
}

export async function startKamailio(options: KamailioOptions): Promise<ManagedProcess> {
  const { config, tlsConfig } = renderKamailioConfig(options);
  const configFile = join(options.dir, 'kamailio.cfg');
  writeFileSync(configFile, config);
  writeFileSync(join(options.dir, 'tls.cfg'), tlsConfig);
  const args = ['-f', configFile, '-DD', '-E', '-e', '-w', options.dir, '-Y', options.dir, '-m', '64', '-M', '16'];
  if (options.auth) args.push('-A', 'WITH_AUTH');
  const kamailio = ManagedProcess.start({
    name: 'kamailio',
    command: '/usr/sbin/kamailio',
    args,
    logFile: join(options.dir, 'kamailio.log'),
  });
  void kamailio.exited.then(() => rmSync(kamailioControlSocket(options.ports.udp), { force: true }));
  await waitUntil(() => pingSipUdp(options.ports.udp), {
    what: `Kamailio answers OPTIONS on udp:127.0.0.1:${options.ports.udp}`,
    process: kamailio,
  });
  for (const port of [options.ports.tcp, options.ports.tls, options.ports.ws, options.ports.wss]) {
    await waitUntil(() => tcpAccepts(port), { what: `Kamailio accepts TCP on 127.0.0.1:${port}`, process: kamailio });
  }
  return kamailio;
}
