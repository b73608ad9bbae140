// Times, durations and sizes as the panel writes them.

/** Seconds with milliseconds: "12.345 s" (negative times as "−0.120 s"). */
export function seconds(ms: number): string {
  const sign = ms < 0 ? '−' : '';
  return `${sign}${(Math.abs(ms) / 1000).toFixed(3)} s`;
}

/** A delta: "+12 ms", "+1.250 s", "+2 min 05 s". */
export function delta(ms: number): string {
  if (ms < 0) return `−${delta(-ms).slice(1)}`;
  if (ms < 1000) return `+${Math.round(ms)} ms`;
  if (ms < 60_000) return `+${(ms / 1000).toFixed(3)} s`;
  const s = Math.round(ms / 1000);
  return `+${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** A duration in words for a gap: "1.5 s", "2 min 5 s". */
export function gapWords(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** "850 ms" or "1.24 s". */
export function shortDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function bytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A wall-clock time, "2024-05-01 12:00:00" in local time. */
export function clock(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** A call's title as the host gives it ("alice → sip:bob@x"); with no caller name ("→ echo"), "Call to echo". */
export function callTitle(title: string): string {
  return title.startsWith('→ ') ? `Call to ${title.slice(2)}` : title;
}
