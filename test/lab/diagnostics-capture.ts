// Helpers for the diagnostics lab tests: run one call in a lab of its own,
// keep its tshark capture, read it with Callscope and with tshark.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { importTrace } from '../../src/diagnostics/import/trace-import.js';
import type { TraceModel } from '../../src/diagnostics/model-types.js';
import { startLab, type Lab } from './lab.js';

export interface CapturedCall {
  readonly model: TraceModel;
  readonly pcapng: Uint8Array;
  readonly dir: string;
  /** What the test's callback returned. */
  readonly extra: Record<string, string>;
}

export interface CaptureOptions {
  /** Start rtpengine (default false). */
  readonly rtpengine?: boolean;
  /** Capture RTP too (default false: SIP only). */
  readonly captureMedia?: boolean;
}

/** Starts a lab, runs `call`, stops the lab and imports its capture. The lab's directory is removed unless `keep`. */
export async function captureCall(name: string, call: (lab: Lab) => Promise<Record<string, string> | void>,
  options: CaptureOptions = {}): Promise<CapturedCall & { cleanup(): void }> {
  const lab = await startLab({ name, auth: false, rtpengine: options.rtpengine ?? false, captureMedia: options.captureMedia ?? false });
  let extra: Record<string, string>;
  let dir: string | undefined;
  try {
    extra = (await call(lab)) ?? {};
    // Let the capture catch up with the last packets before the lab stops (a loaded machine is slow).
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    dir = await lab.stop({ keepArtifacts: true });
  }
  const pcapng = new Uint8Array(readFileSync(join(dir!, 'sip.pcapng')));
  const imported = importTrace(pcapng);
  if (!imported.ok) throw new Error(`lab capture unreadable: ${imported.reason}`);
  return { model: imported.model, pcapng, dir: dir!, extra, cleanup: () => rmSync(dir!, { recursive: true, force: true }) };
}

export interface TsharkSip {
  readonly callId: string;
  /** Method for requests, status code for responses. */
  readonly what: string;
}

/** Every SIP message tshark finds in a capture file, in order. */
export function tsharkSip(file: string): TsharkSip[] {
  const out = execFileSync('tshark', ['-r', file, '-Y', 'sip', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|',
    '-e', 'sip.Call-ID', '-e', 'sip.Method', '-e', 'sip.Status-Code'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter(Boolean).flatMap((line) => {
    const [ids = '', methods = '', statuses = ''] = line.split('\t');
    const idList = ids.split('|');
    const m = methods.split('|').filter(Boolean);
    const s = statuses.split('|').filter(Boolean);
    // One message per frame over UDP: a request has a method, a response a status.
    return idList.map((callId, k) => ({ callId, what: m[k] ?? s[k] ?? m[0] ?? s[0] ?? '?' }));
  });
}

/** The same view of Callscope's model: Call-ID and method or status of every message, in order. */
export function modelSip(model: TraceModel): TsharkSip[] {
  return model.messages.map((m) => ({
    callId: m.callId ?? '?',
    // From the start line, so that a message Callscope found malformed still counts.
    what: m.startLine.startsWith('SIP/2.0 ') ? m.startLine.split(' ')[1]! : m.startLine.split(' ')[0]!,
  }));
}
