// What the diagnostics-live-*.lab.test.ts files share: one call per lab of
// its own, Callscope's `call` / `listen` run in-process through main(argv,
// io) over UDP (so tshark can read every leg), their JSON reports (built from
// the live diagnostics stream), then the lab stopped with its artifacts kept
// and its tshark capture imported, so that each test can check the same
// finding code live and from the capture.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startCli, type CliRun } from '../support/cli-run.js';
import { importTrace } from '../../src/diagnostics/import/trace-import.js';
import type { CallModel, Finding, TraceModel } from '../../src/diagnostics/model-types.js';
import { startLab, type Lab, type LabOptions } from './lab.js';

/** Callscope's T1 in these tests (64·T1 = 3.2 s); Kamailio keeps its 500 ms. */
export const LIVE_T1 = 50;

export type { CliRun };

export interface ReportFinding {
  readonly code: string;
  readonly severity: string;
  readonly explanation: string;
}

export interface LiveReport {
  readonly outcome: string;
  readonly reason?: string;
  readonly faults?: string[];
  readonly calls: Array<{
    readonly callId: string;
    readonly outcome: string;
    readonly findings: ReportFinding[];
    readonly messages: Array<{ direction: string; startLine: string; retransmission?: boolean }>;
  }>;
}

export { startCli };

/** The JSON report a `--json -` run wrote on stdout. */
export function reportOf(run: CliRun): LiveReport {
  try {
    return JSON.parse(run.stdout) as LiveReport;
  } catch {
    throw new Error(`no JSON report (exit ${run.code}): ${run.stderr.slice(0, 2000)}`);
  }
}

/** The UDP options of a Callscope UA bound to a port of the lab's captured block. */
export function udpArgs(lab: Lab, port: number): string[] {
  return ['--server', `sip:127.0.0.1:${lab.proxy.ports.udp}`, '--local', `127.0.0.1:${port}`, '--t1', String(LIVE_T1), '--json', '-'];
}

/**
 * `callscope listen` on a port of the lab's block, reachable through the proxy
 * as `farend-<port>`; resolves once it listens. Gives up after 20 s.
 */
export async function listenOn(lab: Lab, ...argv: string[]): Promise<{ port: number; result: Promise<CliRun> }> {
  const port = lab.allocatePeerPort();
  const run = startCli('listen', '--timeout', '20', ...udpArgs(lab, port), ...argv);
  const deadline = Date.now() + 10_000;
  while (!/listening as /.test(run.output())) {
    if (Date.now() > deadline) throw new Error(`callscope listen did not start: ${run.output()}`);
    const early = await Promise.race([run.result, new Promise((r) => setTimeout(() => r(undefined), 20))]);
    if (early) throw new Error(`callscope listen ended early: ${JSON.stringify(early)}`);
  }
  return { port, result: run.result };
}

/** `callscope call` over UDP from a port of the lab's block; a call gives up ringing after 15 s. */
export function callFrom(lab: Lab, target: string, ...argv: string[]): Promise<CliRun> {
  return startCli('call', '--ring-timeout', '15', ...udpArgs(lab, lab.allocatePeerPort()), ...argv, target).result;
}

export interface LiveAndCaptured<T> {
  /** What the test's callback returned (its live reports, ...). */
  readonly live: T;
  /** The lab's tshark capture, read by importTrace (default T1 = 500 ms, as `callscope analyze` reads it). */
  readonly capture: TraceModel;
  readonly dir: string;
  cleanup(): void;
}

/** Starts a lab of its own, runs `call`, stops the lab keeping its files, and imports its capture. */
export async function liveAndCaptured<T>(name: string, call: (lab: Lab) => Promise<T>,
  options: Partial<Omit<LabOptions, 'name'>> = {}): Promise<LiveAndCaptured<T>> {
  const lab = await startLab({ auth: false, rtpengine: false, ...options, name });
  let live: T;
  let dir: string | undefined;
  try {
    live = await call(lab);
    // Let the capture catch up with the last packets before the lab stops (a loaded machine is slow).
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    dir = await lab.stop({ keepArtifacts: true });
  }
  const imported = importTrace(new Uint8Array(readFileSync(join(dir!, 'sip.pcapng'))));
  if (!imported.ok) throw new Error(`lab capture unreadable: ${imported.reason}`);
  // CALLSCOPE_LAB_KEEP=1 keeps every lab's files, passed or not.
  const cleanup = () => { if (process.env.CALLSCOPE_LAB_KEEP !== '1') rmSync(dir!, { recursive: true, force: true }); };
  return { live, capture: imported.model, dir: dir!, cleanup };
}

/** The one call of a capture that has an INVITE (the lab's own OPTIONS pings are other calls). */
export function capturedCall(model: TraceModel, callId?: string): CallModel {
  const calls = model.calls.filter((c) => c.transactions.some((t) => t.method === 'INVITE') && (callId === undefined || c.callId === callId));
  expect(calls, 'one INVITE call in the capture').toHaveLength(1);
  return calls[0]!;
}

/** The finding codes of a captured call, or of a report's call, sorted and without repeats. */
export function codesOf(call: CallModel | LiveReport['calls'][number]): string[] {
  return [...new Set<string>(call.findings.map((f) => f.code))].sort();
}

/** The one finding with `code`; fails with the codes there are. */
export function findingOf<F extends ReportFinding | Finding>(call: { findings: readonly F[] }, code: string): F {
  const found = call.findings.filter((f) => f.code === code);
  if (found.length === 0) throw new Error(`no ${code} among ${call.findings.map((f) => f.code).join(', ') || 'no findings'}`);
  return found[0]!;
}

/**
 * The finding codes `callscope analyze <capture> --call <Call-ID> --json -` names:
 * the command an engineer would run on the same capture.
 */
export async function analyzeCodes(dir: string, callId: string): Promise<string[]> {
  const run = await startCli('analyze', join(dir, 'sip.pcapng'), '--call', callId, '--json', '-').result;
  expect(run.code, run.stderr).toBe(0);
  // JSON Lines: the trace, one record per call, the summary.
  const records = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; findings?: Array<{ code: string }> });
  const calls = records.filter((r) => r.type === 'call');
  expect(calls).toHaveLength(1);
  return [...new Set(calls[0]!.findings!.map((f) => f.code))].sort();
}

/** The only call of a live report. */
export function reportedCall(run: CliRun): LiveReport['calls'][number] {
  const report = reportOf(run);
  expect(report.calls, `calls in the report: ${run.stderr}`).toHaveLength(1);
  return report.calls[0]!;
}
