// The support bundle: one JSON file that lets someone else see what this call did — the
// trace (the host's JSON export: every message's text, transactions, dialogs), the findings,
// the timing breakdown, the media summary, and which Callscope on which system — with its
// secrets removed (redact.ts). Raw base64 copies of messages are dropped: they cannot be
// redacted. Where settings live on this machine is left out too.
import type { AppInfo } from '../../../main/contract/app-api.js';
import type { MediaSummary } from '../../../main/contract/media.js';
import type { Finding } from '../../../src/diagnostics/model-types.js';
import { mediaTotals, type MediaTotals } from './media-series.js';
import { redactValue, REMOVED } from './redact.js';
import type { TimingBreakdown } from './timings.js';

export const SUPPORT_BUNDLE_VERSION = 1;

export interface SupportBundleInput {
  readonly app: AppInfo | undefined;
  readonly key: string;
  readonly title: string;
  readonly sipCallId: string;
  /** The host's JSON export of the call, as text. */
  readonly traceJson: string;
  readonly findings: readonly Finding[];
  readonly timings: TimingBreakdown;
  readonly media: readonly MediaSummary[];
  readonly notes: readonly string[];
  /** ms since the epoch. */
  readonly createdAt: number;
}

export interface SupportBundle {
  readonly kind: 'callscope-support-bundle';
  readonly version: number;
  readonly createdAt: string;
  readonly app?: Omit<AppInfo, 'dataDir'> & { readonly dataDir: string };
  readonly call: { readonly key: string; readonly title: string; readonly sipCallId: string };
  readonly findings: readonly Finding[];
  readonly timings: TimingBreakdown;
  readonly media: { readonly totals?: MediaTotals; readonly summaries: readonly MediaSummary[] };
  readonly notes: readonly string[];
  readonly trace: unknown;
  readonly redaction: string;
}

/**
 * The host's JSON export as data: JSON Lines (one record a line: the trace, each call with
 * its messages, the summary — docs/trace-formats.md) become an array of records; an older
 * single JSON document is taken as it is.
 */
export function parseTraceExport(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not one document: JSON Lines.
  }
  try {
    return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as unknown);
  } catch {
    return { error: 'the host\'s JSON export could not be read' };
  }
}

export function buildSupportBundle(input: SupportBundleInput): SupportBundle {
  const trace = parseTraceExport(input.traceJson);
  const totals = mediaTotals(input.media);
  const bundle: SupportBundle = {
    kind: 'callscope-support-bundle',
    version: SUPPORT_BUNDLE_VERSION,
    createdAt: new Date(input.createdAt).toISOString(),
    ...(input.app ? { app: { ...input.app, dataDir: REMOVED } } : {}),
    call: { key: input.key, title: input.title, sipCallId: input.sipCallId },
    findings: input.findings,
    timings: input.timings,
    media: { ...(totals ? { totals } : {}), summaries: input.media },
    notes: input.notes,
    trace: redactValue(trace, new Set(['rawBase64'])),
    redaction: 'Digest responses, nonces, cnonces and opaque values, ICE passwords and SDES keys are replaced by "[removed]"; '
      + 'raw base64 copies of messages and the data folder are left out.',
  };
  return redactValue(bundle) as SupportBundle;
}

export function supportBundleFileName(sipCallId: string, createdAt: number): string {
  const d = new Date(createdAt);
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}-${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`;
  const id = sipCallId.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[._]+/, '').slice(0, 64) || 'call';
  return `callscope-support-${date}-${id}.json`;
}
