// Runs every detector over one call and merges what several legs of a
// capture show of the same problem into one finding.
import type { Finding, TraceMessage } from '../model-types.js';
import { ackFindings } from './ack-findings.js';
import { cancelFindings } from './cancel-findings.js';
import { FindingContext, type CallDraft, type DetectedFinding, type FindingOptions } from './finding-context.js';
import { mediaFlowFindings } from './media-flow-findings.js';
import { mediaTransportFindings } from './media-transport-findings.js';
import { prackFindings } from './prack-findings.js';
import { progressFindings } from './progress-findings.js';
import { reliabilityFindings } from './reliability-findings.js';
import { routingFindings } from './routing-findings.js';
import { sequenceFindings } from './sequence-findings.js';

export type { FindingOptions } from './finding-context.js';

const DETECTORS: ReadonlyArray<(ctx: FindingContext) => DetectedFinding[]> = [
  ackFindings, reliabilityFindings, prackFindings, progressFindings, routingFindings, cancelFindings, sequenceFindings,
  mediaTransportFindings, mediaFlowFindings,
];

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

export function runFindings(call: CallDraft, all: readonly TraceMessage[], options: FindingOptions): Finding[] {
  const ctx = new FindingContext(call, all, options);
  const merged = new Map<string, DetectedFinding>();
  const out: DetectedFinding[] = [];
  for (const detect of DETECTORS) {
    for (const f of detect(ctx)) {
      if (f.dedupe === '') {
        out.push(f);
        continue;
      }
      const key = `${f.code}|${f.dedupe}`;
      const seen = merged.get(key);
      if (!seen) {
        merged.set(key, f);
        out.push(f);
        continue;
      }
      // Same problem on another leg: one finding, all the messages that show it.
      const messages = [...new Set([...seen.messages, ...f.messages])].sort((a, b) => a - b);
      const better = SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[seen.severity] ? f : seen;
      const combined = { ...better, messages };
      out[out.indexOf(seen)] = combined;
      merged.set(key, combined);
    }
  }
  return out
    .map(({ dedupe: _dedupe, ...finding }) => finding)
    .sort((a, b) => (a.messages[0] ?? 0) - (b.messages[0] ?? 0) || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
