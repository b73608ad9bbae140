// A child process of the lab: its output goes to a log file, it is started in
// its own process group (Kamailio forks workers) so that stop() ends all of
// it, and every one still running is killed when the test process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, existsSync } from 'node:fs';

export interface ManagedProcessOptions {
  /** Short name used in errors and log file names ("kamailio", "sipp-uas"). */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Keep a pipe to its standard input (for programs driven by typed commands: linphonec). */
  readonly stdin?: boolean;
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const running = new Set<ManagedProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const p of running) p.killNow();
  };
  process.on('exit', killAll);
  const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, function onSignal() {
      // Someone else (the lab CLI) stops the lab gracefully on this signal.
      if (process.listeners(signal).some((listener) => listener !== onSignal)) return;
      killAll();
      process.exit(codes[signal]);
    });
  }
}

export class ManagedProcess {
  readonly exited: Promise<ProcessExit>;
  private exitInfo: ProcessExit | undefined;

  private constructor(
    readonly options: ManagedProcessOptions,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        running.delete(this);
        resolve(this.exitInfo);
      });
      child.once('error', (error) => {
        this.exitInfo = { code: -1, signal: null };
        running.delete(this);
        resolve(this.exitInfo);
        void error;
      });
    });
  }

  static start(options: ManagedProcessOptions): ManagedProcess {
    installExitHook();
    const log = openSync(options.logFile, 'a');
    try {
      const child = spawn(options.command, [...options.args], {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: [options.stdin ? 'pipe' : 'ignore', log, log],
        detached: true,
      });
      const managed = new ManagedProcess(options, child);
      running.add(managed);
      return managed;
    } finally {
      closeSync(log);
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Writes to its standard input (started with `stdin: true`). */
  write(text: string): void {
    if (!this.child.stdin) throw new Error(`${this.options.name} was started without a stdin pipe`);
    this.child.stdin.write(text);
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** The process's log so far (stdout and stderr interleaved). */
  log(): string {
    return existsSync(this.options.logFile) ? readFileSync(this.options.logFile, 'utf8') : '';
  }

  /** The last lines of the log, for error messages. */
  logTail(lines = 25): string {
    return this.log().trimEnd().split('\n').slice(-lines).join('\n');
  }

  /**
   * Sends `signal` to the whole process group (or, with `leaderOnly`, to the
   * process itself, letting it stop its children its own way), then SIGKILL
   * to the group after `graceMs`.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000, { leaderOnly = false } = {}): Promise<ProcessExit> {
    if (this.exitInfo) return this.exitInfo;
    if (leaderOnly && this.child.pid !== undefined) {
      try {
        process.kill(this.child.pid, signal);
      } catch {
        // Already gone.
      }
    } else {
      this.signalGroup(signal);
    }
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
      // Workers that outlived their parent (Kamailio's) go with the group.
      this.signalGroup('SIGKILL');
    }
  }

  /** Synchronous last resort, used when the test process itself exits. */
  killNow(): void {
    this.signalGroup('SIGKILL');
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  }
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** What is being waited for, for the error message ("Kamailio answers OPTIONS"). */
  readonly what: string;
  /** If given, waiting fails at once when this process exits, quoting its log. */
  readonly process?: ManagedProcess;
}

/** Polls `check` until it returns true; fails with the process's log tail otherwise. */
export async function waitUntil(check: () => boolean | Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    if (options.process?.hasExited) {
      throw new Error(`${options.process.options.name} exited before: ${options.what}.\n` +
        `--- last lines of ${options.process.options.logFile} ---\n${options.process.logTail()}`);
    }
    if (await check()) return;
    if (Date.now() > deadline) {
      const tail = options.process
        ? `\n--- last lines of ${options.process.options.logFile} ---\n${options.process.logTail()}`
        : '';
      throw new Error(`timed out waiting until ${options.what}${tail}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}
