// Real SIP stacks as far ends and callers of the lab, besides SIPp: baresip
// (libre) and linphonec (liblinphone, belle-sip). Both listen on 127.0.0.1
// only, on lab ports, with no STUN, TURN, ICE or registration; their audio
// is a tone (baresip's ausine, a WAV file for linphonec), so their RTP is
// real and never silent. Each keeps its configuration and log in the lab's
// directory.
import { writeFileSync, mkdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Lab } from './lab.js';
import { ManagedProcess, waitUntil } from './managed-process.js';
import { isUdpPortBound, tcpAccepts } from './ports.js';

/** How a far end answers an INVITE. */
export type AnswerMode = 'auto' | 'early' | 'manual';

export interface RealStack {
  readonly name: string;
  readonly sipPort: number;
  readonly rtpPort: number;
  readonly process: ManagedProcess;
  /** Request-URI through the lab proxy that reaches it (the `farend-<port>` route). */
  readonly uri: string;
  stop(): Promise<void>;
}

/** 16-bit PCM WAV, 8 kHz mono: a tone for linphonec's file player. */
export function writeToneWav(path: string, { hz = 440, seconds = 30, amplitude = 8000 } = {}): void {
  const rate = 8000;
  const samples = rate * seconds;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) wav.writeInt16LE(Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate)), 44 + i * 2);
  writeFileSync(path, wav);
}

// ---------------------------------------------------------------- baresip

export interface BaresipOptions {
  readonly answerMode?: AnswerMode;
  /** The account's user part (default `farend-<port>`, the request-URI user the proxy's far-end route keeps). */
  readonly user?: string;
}

/** baresip: commands over its ctrl_tcp module (netstring-framed JSON). */
export class Baresip implements RealStack {
  private socket: Socket | undefined;
  private buffer = '';
  private readonly replies: Array<Record<string, unknown>> = [];
  private tokens = 0;

  constructor(readonly name: string, readonly sipPort: number, readonly rtpPort: number, readonly ctrlPort: number,
    readonly process: ManagedProcess, readonly uri: string) {}

  /** Sends one command (`dial sip:...`, `accept`, `hangup`) and waits for its reply. */
  async command(command: string, params = ''): Promise<Record<string, unknown>> {
    const socket = this.socket ??= await new Promise<Socket>((resolve, reject) => {
      const s = connect({ port: this.ctrlPort, host: '127.0.0.1' }, () => resolve(s));
      s.once('error', reject);
      s.on('data', (data) => this.receive(data.toString('utf8')));
    });
    const token = String(++this.tokens);
    const json = JSON.stringify({ command, params, token });
    socket.write(`${Buffer.byteLength(json)}:${json},`);
    const deadline = Date.now() + 5000;
    for (;;) {
      const reply = this.replies.find((r) => r.token === token);
      if (reply) return reply;
      if (Date.now() > deadline) throw new Error(`baresip ${this.name}: no reply to ${command} ${params}\n${this.process.logTail()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    this.socket?.destroy();
    await this.process.stop('SIGTERM', 2000);
  }

  private receive(text: string): void {
    this.buffer += text;
    for (;;) {
      const colon = this.buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(this.buffer.slice(0, colon));
      if (this.buffer.length < colon + 1 + length + 1) return;
      const body = this.buffer.slice(colon + 1, colon + 1 + length);
      this.buffer = this.buffer.slice(colon + 2 + length);
      try {
        this.replies.push(JSON.parse(body) as Record<string, unknown>);
      } catch {
        // Not JSON: ignore.
      }
    }
  }
}

export async function startBaresip(lab: Lab, options: BaresipOptions = {}): Promise<Baresip> {
  const sipPort = lab.allocatePeerPort();
  // baresip also listens for SIP over TLS on the port above its SIP port.
  lab.allocatePeerPort();
  const ctrlPort = lab.allocatePeerPort();
  const rtpPort = lab.allocateMediaPort();
  const name = `baresip-${sipPort}`;
  const dir = join(lab.dir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config'), [
    'poll_method epoll',
    `sip_listen 127.0.0.1:${sipPort}`,
    'call_local_timeout 120',
    'call_max_calls 4',
    // A 440 Hz tone as the microphone; what it hears goes to a WAV file; no sound card at all.
    'audio_source ausine,440',
    // ausine makes 48 kHz stereo only; baresip resamples to the codec's 8 kHz mono.
    'ausrc_srate 48000',
    'ausrc_channels 2',
    `audio_player aufile,${join(dir, 'heard.wav')}`,
    `audio_alert aufile,${join(dir, 'alert.wav')}`,
    `rtp_ports ${rtpPort}-${rtpPort + 1}`,
    'rtp_timeout 0',
    'rtcp_mux no',
    'net_interface 127.0.0.1',
    'module_path /usr/lib/baresip/modules',
    'module g711.so',
    'module ausine.so',
    'module aufile.so',
    'module_tmp uuid.so',
    'module_tmp account.so',
    'module_app menu.so',
    'module_app ctrl_tcp.so',
    `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
    '',
  ].join('\n'));
  const user = options.user ?? `farend-${sipPort}`;
  // No registration (regint=0); calls out go through the lab proxy (outbound).
  writeFileSync(join(dir, 'accounts'),
    `<sip:${user}@127.0.0.1:${sipPort}>;regint=0;answermode=${options.answerMode ?? 'auto'};audio_codecs=pcmu;`
    + `outbound="sip:127.0.0.1:${lab.proxy.ports.udp}"\n`);
  writeFileSync(join(dir, 'contacts'), '');
  const process = ManagedProcess.start({
    name, command: '/usr/bin/baresip', args: ['-f', dir, '-s', '-v'], cwd: dir, logFile: join(lab.dir, `${name}.log`),
    env: { ...globalThis.process.env, HOME: dir },
  });
  await waitUntil(async () => await isUdpPortBound(sipPort) && await tcpAccepts(ctrlPort), { what: `${name} listens`, process });
  return new Baresip(name, sipPort, rtpPort, ctrlPort, process, lab.farEndUri(sipPort));
}

// ---------------------------------------------------------------- linphonec

export interface LinphoneOptions {
  readonly answerMode?: Exclude<AnswerMode, 'early'>;
  /**
   * [sip] 100rel_support_level: 0 none (it then also ignores Require: 100rel, answering with
   * unreliable provisionals instead of 420), 1 supported (default), 2 required.
   */
  readonly reliableProvisionals?: 0 | 1 | 2;
}

/** linphonec, driven by commands on its standard input. */
export class Linphonec implements RealStack {
  constructor(readonly name: string, readonly sipPort: number, readonly rtpPort: number, readonly process: ManagedProcess,
    readonly uri: string) {}

  /** Types one command (`call sip:...`, `answer`, `terminate`). */
  type(command: string): void {
    this.process.write(`${command}\n`);
  }

  /** Waits until its log matches (linphonec prints call states). */
  async waitFor(pattern: RegExp, what: string, timeoutMs = 15_000): Promise<void> {
    await waitUntil(() => pattern.test(this.process.log()), { what: `${this.name}: ${what}`, process: this.process, timeoutMs });
  }

  async stop(): Promise<void> {
    if (!this.process.hasExited) this.type('quit');
    await Promise.race([this.process.exited, new Promise((r) => setTimeout(r, 1500))]);
    await this.process.stop('SIGTERM', 1000);
  }
}

export async function startLinphonec(lab: Lab, options: LinphoneOptions = {}): Promise<Linphonec> {
  const sipPort = lab.allocatePeerPort();
  const rtpPort = lab.allocateMediaPort();
  const name = `linphonec-${sipPort}`;
  const dir = join(lab.dir, name);
  // Without its database folder liblinphone never starts its core (nor listens).
  mkdirSync(join(dir, '.local', 'share', 'linphone'), { recursive: true });
  const tone = join(dir, 'tone.wav');
  writeToneWav(tone);
  const config = join(dir, 'linphonerc');
  writeFileSync(config, [
    '[sip]',
    `sip_port=${sipPort}`,
    'sip_tcp_port=-1',
    'sip_tls_port=-1',
    'bind_address=127.0.0.1',
    'guess_hostname=0',
    'use_ipv6=0',
    'register_only_when_network_is_up=0',
    // Its network monitor (netlink) fails in containers and would keep the network "down".
    'auto_net_state_mon=0',
    `100rel_support_level=${options.reliableProvisionals ?? 1}`,
    'inc_timeout=60',
    `contact=sip:linphone@127.0.0.1:${sipPort}`,
    '[rtp]',
    `audio_rtp_port=${rtpPort}`,
    'rtcp_mux=0',
    'nortp_timeout=60',
    '[net]',
    'firewall_policy=0',
    '[video]',
    'enabled=0',
    'capture=0',
    'display=0',
    '',
  ].join('\n'));
  const process = ManagedProcess.start({
    name, command: '/usr/bin/linphonec', args: ['-c', config, '-d', '4', ...(options.answerMode === 'manual' ? [] : ['-a'])],
    cwd: dir, logFile: join(lab.dir, `${name}.log`), env: { ...globalThis.process.env, HOME: dir }, stdin: true,
  });
  await waitUntil(() => isUdpPortBound(sipPort), { what: `${name} listens on udp:${sipPort}`, process });
  const linphone = new Linphonec(name, sipPort, rtpPort, process, lab.farEndUri(sipPort));
  // Its microphone is the tone file.
  linphone.type('soundcard use files');
  linphone.type(`play ${tone}`);
  return linphone;
}
