// Traffic that belongs to no call: bytes that are not SIP, messages that
// failed to parse with no Call-ID of a call we hold, responses and ACKs that
// match nothing. A flood of it must not grow the recorder: it is kept as
// counts plus the last few samples, and said in the model's notes.
import type { Peer } from '../../trace/events.js';

export type OutsideKind = 'malformed' | 'stray';

export interface OutsideSample {
  readonly at: number;
  readonly direction: 'sent' | 'received';
  readonly peer: string;
  /** The first line (at most 120 characters), escaped. */
  readonly startLine: string;
  readonly bytes: number;
  readonly reason?: string;
}

interface Bucket {
  count: number;
  bytes: number;
  readonly samples: OutsideSample[];
}

function firstLine(raw: Uint8Array): string {
  let out = '';
  for (let i = 0; i < raw.length && i < 120; i++) {
    const c = raw[i]!;
    if (c === 0x0d || c === 0x0a) break;
    out += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return out;
}

export class OutsideCalls {
  private readonly buckets: Record<OutsideKind, Bucket> = {
    malformed: { count: 0, bytes: 0, samples: [] },
    stray: { count: 0, bytes: 0, samples: [] },
  };

  constructor(private readonly samplesKept: number) {}

  add(kind: OutsideKind, at: number, direction: 'sent' | 'received', peer: Peer, raw: Uint8Array, reason?: string): void {
    const bucket = this.buckets[kind];
    bucket.count++;
    bucket.bytes += raw.length;
    if (this.samplesKept === 0) return;
    bucket.samples.push({
      at, direction, peer: `${peer.transport} ${peer.address}:${peer.port}`, startLine: firstLine(raw), bytes: raw.length,
      ...(reason === undefined ? {} : { reason }),
    });
    if (bucket.samples.length > this.samplesKept) bucket.samples.shift();
  }

  /** A received message first counted as stray turned out malformed (its report came after it). */
  reclassifyLast(reason: string): void {
    const stray = this.buckets.stray;
    const last = stray.samples.pop();
    if (!last) return;
    stray.count--;
    stray.bytes -= last.bytes;
    const malformed = this.buckets.malformed;
    malformed.count++;
    malformed.bytes += last.bytes;
    malformed.samples.push({ ...last, reason });
    if (malformed.samples.length > this.samplesKept) malformed.samples.shift();
  }

  count(kind: OutsideKind): number {
    return this.buckets[kind].count;
  }

  samples(kind: OutsideKind): readonly OutsideSample[] {
    return this.buckets[kind].samples;
  }

  /** One note per kind seen: the count, the bytes, and the last samples. */
  notes(): string[] {
    const out: string[] = [];
    const describe = (s: OutsideSample) => `${s.direction === 'sent' ? 'to' : 'from'} ${s.peer}: ${s.startLine || '(empty)'}${s.reason ? ` — ${s.reason}` : ''}`;
    const { malformed, stray } = this.buckets;
    if (malformed.count > 0) {
      out.push(`${malformed.count} malformed message(s) outside any call (${malformed.bytes} bytes), kept as a count; last: ${malformed.samples.map(describe).join(' | ')}`);
    }
    if (stray.count > 0) {
      out.push(`${stray.count} message(s) that belong to no call (${stray.bytes} bytes), kept as a count; last: ${stray.samples.map(describe).join(' | ')}`);
    }
    return out;
  }
}
