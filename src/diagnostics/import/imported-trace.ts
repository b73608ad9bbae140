// What every importer returns, and the options they share.
import type { MediaEvidence } from '../media/capture-media.js';
import type { MessageInput } from '../model-builder.js';
import type { Endpoint, MessageDirection } from '../model-types.js';

export type TraceFormat = 'pcap' | 'pcapng' | 'sngrep' | 'sipdump' | 'sipp' | 'callscope-text';

export interface ImportOptions {
  /**
   * This user agent's own addresses ("10.0.0.1" or "10.0.0.1:5060"): messages from them
   * are `sent`, to them `received`. Without it every message is `observed`.
   */
  readonly local?: readonly string[];
}

export interface ImportedTrace {
  readonly format: TraceFormat;
  /** Frames (pcap) or blocks (text) read. */
  readonly frames: number;
  readonly messages: readonly MessageInput[];
  /** What was skipped, cut or could not be read. */
  readonly notes: readonly string[];
  /** Captures: the RTP/RTCP (and STUN/DTLS) of the calls, read in a second pass once their SDPs are known. */
  readonly media?: MediaEvidence;
}

function matches(e: Endpoint, local: readonly string[]): boolean {
  return local.some((l) => l === e.address || l === `${e.address}:${e.port}` || l === `[${e.address}]:${e.port}`);
}

export function directionOf(src: Endpoint, dst: Endpoint, options: ImportOptions): MessageDirection {
  const local = options.local;
  if (!local || local.length === 0) return 'observed';
  if (matches(src, local)) return 'sent';
  if (matches(dst, local)) return 'received';
  return 'observed';
}
