// SIPp far ends and callers. Each run keeps its message trace (-trace_msg),
// its unexpected-message log and its final screen in the lab directory.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagedProcess, waitUntil } from './managed-process.js';
import { isUdpPortBound } from './ports.js';

export const scenarioDir = fileURLToPath(new URL('./scenarios/', import.meta.url));

export interface SippOptions {
  /** A file in test/lab/scenarios (with or without `.xml`) or an absolute path. */
  readonly scenario: string;
  /** Local SIP port (UDP). */
  readonly port: number;
  /** For callers: where to send, "127.0.0.1:port" (usually the lab proxy). */
  readonly target?: string;
  /** For callers: the request-URI user (-s). */
  readonly service?: string;
  /** Calls to process before exiting (-m); default 1. */
  readonly calls?: number;
  /** Length of the scenario's <pause/> (-d), in ms. */
  readonly pauseMs?: number;
  /** Scenario keywords (-key name value). Keywords a scenario uses must be set. */
  readonly keys?: Readonly<Record<string, string>>;
  /** Global timeout (-timeout) after which SIPp fails; default 30 s. */
  readonly timeoutS?: number;
  readonly extraArgs?: readonly string[];
}

export interface SippResult {
  /** True when SIPp exited 0: every call followed the scenario. */
  readonly ok: boolean;
  readonly exitCode: number | null;
  /** What went wrong, from SIPp's error log and screen, when not ok. */
  readonly explanation: string;
}

/**
 * Keywords the lab's scenarios use, with their defaults. A keyword that stands on a header
 * line of its own must never be empty: the empty line would end the headers there (uac-100rel's
 * INVITE then carried its SDP as a body without Content-Type, and far ends sent no RTP).
 */
const defaultKeys: Record<string, string> = { require100rel: 'Accept: application/sdp' };

export class SippRun {
  readonly result: Promise<SippResult>;

  constructor(
    readonly name: string,
    readonly port: number,
    readonly process: ManagedProcess,
    private readonly files: { messages: string; errors: string; screen: string },
  ) {
    this.result = process.exited.then(({ code }) => {
      const ok = code === 0;
      return { ok, exitCode: code, explanation: ok ? '' : this.explain(code) };
    });
  }

  /** Every message SIPp sent and received, with timestamps (SIPp's -trace_msg format). */
  messageLog(): string {
    return existsSync(this.files.messages) ? readFileSync(this.files.messages, 'utf8') : '';
  }

  async stop(): Promise<SippResult> {
    await this.process.stop('SIGTERM', 2000);
    return this.result;
  }

  private explain(code: number | null): string {
    const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').trim() : '');
    const errors = read(this.files.errors);
    return [`SIPp ${this.name} exited with ${code}`, errors && `errors:\n${errors.slice(-3000)}`,
      `output:\n${this.process.logTail(30)}`].filter(Boolean).join('\n');
  }
}

export async function startSipp(dir: string, options: SippOptions): Promise<SippRun> {
  const file = isAbsolute(options.scenario)
    ? options.scenario
    : join(scenarioDir, options.scenario.endsWith('.xml') ? options.scenario : `${options.scenario}.xml`);
  if (!existsSync(file)) throw new Error(`lab: no SIPp scenario ${file}`);
  const base = file.replace(/^.*\//, '').replace(/\.xml$/, '');
  const name = `${base}-${options.port}`;
  const files = {
    messages: join(dir, `sipp-${name}.messages`),
    errors: join(dir, `sipp-${name}.errors`),
    screen: join(dir, `sipp-${name}.screen`),
  };
  const args = [
    '-sf', file, '-i', '127.0.0.1', '-p', String(options.port), '-mi', '127.0.0.1', '-t', 'u1',
    '-m', String(options.calls ?? 1), '-nostdin',
    '-timeout', `${options.timeoutS ?? 30}s`, '-timeout_error',
    '-trace_msg', '-message_file', files.messages,
    '-trace_err', '-error_file', files.errors,
    '-trace_screen', '-screen_file', files.screen,
  ];
  if (options.service !== undefined) args.push('-s', options.service);
  if (options.pauseMs !== undefined) args.push('-d', String(options.pauseMs));
  for (const [key, value] of Object.entries({ ...defaultKeys, ...options.keys })) args.push('-key', key, value);
  args.push(...(options.extraArgs ?? []));
  if (options.target !== undefined) args.push(options.target);
  const sipp = ManagedProcess.start({ name: `sipp ${name}`, command: '/usr/bin/sipp', args, cwd: dir,
    logFile: join(dir, `sipp-${name}.log`) });
  const run = new SippRun(name, options.port, sipp, files);
  await waitUntil(() => isUdpPortBound(options.port), { what: `SIPp ${name} listens on udp:${options.port}`, process: sipp });
  return run;
}
