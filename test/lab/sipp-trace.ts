// Reads SIPp's -trace_msg log: every message SIPp sent or received, with the
// time SIPp saw it. Lab tests measure retransmission intervals from the far
// end's side with it, independent of Callscope's own clock.

export interface SippTraceEntry {
  /** Milliseconds since the epoch, with SIPp's microsecond resolution. */
  readonly at: number;
  readonly direction: 'sent' | 'received';
  readonly transport: string;
  readonly startLine: string;
  readonly text: string;
}

const SEPARATOR = /^-{20,} (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})\.(\d{6})$/;

export function parseSippTrace(log: string): SippTraceEntry[] {
  const entries: SippTraceEntry[] = [];
  const lines = log.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const stamp = SEPARATOR.exec(lines[i]!);
    if (!stamp) continue;
    const header = /^(\w+) message (sent|received)/.exec(lines[i + 1] ?? '');
    if (!header) continue;
    const body: string[] = [];
    let j = i + 2;
    while (j < lines.length && lines[j] === '') j++;
    for (; j < lines.length && !SEPARATOR.test(lines[j]!); j++) body.push(lines[j]!);
    const at = Date.parse(`${stamp[1]}T${stamp[2]}Z`) + Number(stamp[3]) / 1000;
    entries.push({
      at, direction: header[2] as 'sent' | 'received', transport: header[1]!,
      startLine: body[0] ?? '', text: body.join('\r\n').trimEnd(),
    });
    i = j - 1;
  }
  return entries;
}

/** Gaps in ms between consecutive entries. */
export function intervals(entries: readonly SippTraceEntry[]): number[] {
  return entries.slice(1).map((e, k) => e.at - entries[k]!.at);
}
