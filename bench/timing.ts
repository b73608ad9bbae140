// A small timing harness made for a shared, busy machine: the contenders are timed in
// interleaved rounds (so load changes hit all of them alike) using this process's CPU
// time rather than wall time (so time spent descheduled is not counted), and each one's
// median round is reported.

/** Keeps results alive so the JIT cannot drop the work being measured. */
export let sink: unknown;

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

export interface WarmUpReport {
  /** Calls made while warming, per function. */
  readonly calls: number[];
  /** µs per call of the last warm-up block, per function. */
  readonly lastUs: number[];
}

/**
 * Warm every function with the same rule until the JIT has settled: blocks of ~`blockMs`
 * of CPU, and a function is warm once it has made at least `minCalls` calls, run at least
 * `minMs`, and not improved its best block by more than 2% for `patience` blocks in a row
 * (so a parser that keeps getting faster keeps being warmed), capped at `maxMs`.
 */
export function warmUp(fns: readonly (() => unknown)[], options: { minCalls?: number; minMs?: number; maxMs?: number; blockMs?: number; patience?: number } = {}): WarmUpReport {
  const { minCalls = 20_000, minMs = 1500, maxMs = 12_000, blockMs = 25, patience = 12 } = options;
  const calls: number[] = [];
  const lastUs: number[] = [];
  for (const fn of fns) {
    let n = 0;
    let best = Infinity;
    let stale = 0;
    let last: number;
    let batch = 1;
    const start = cpuMicros();
    for (;;) {
      const t = cpuMicros();
      let done = 0;
      while (cpuMicros() - t < blockMs * 1000) {
        for (let i = 0; i < batch; i++) sink = fn();
        done += batch;
        if (batch < 256) batch *= 2;
      }
      n += done;
      last = (cpuMicros() - t) / done;
      if (last < best * 0.98) {
        best = Math.min(best, last);
        stale = 0;
      } else {
        best = Math.min(best, last);
        stale++;
      }
      const elapsed = (cpuMicros() - start) / 1000;
      if (elapsed >= maxMs) break;
      if (n >= minCalls && elapsed >= minMs && stale >= patience) break;
    }
    calls.push(n);
    lastUs.push(last);
  }
  return { calls, lastUs };
}

/** Median µs per call for each function, timed in interleaved rounds for about `budgetMs` of CPU. */
export function measureAll(fns: readonly (() => unknown)[], budgetMs = 400): number[] {
  // a short warm-up on this exact input (callers warm the parsers fully with warmUp first)
  for (const fn of fns) {
    const end = performance.now() + budgetMs / (4 * fns.length);
    let n = 1;
    while (performance.now() < end) {
      for (let i = 0; i < n; i++) sink = fn();
      if (n < 1024) n *= 2;
    }
  }
  // batch sizes: ~2 ms of work each
  const sizes = fns.map((fn) => {
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) sink = fn();
    const each = Math.max((performance.now() - t0) / 10, 0.0002);
    return Math.max(1, Math.round(2 / each));
  });
  const samples: number[][] = fns.map(() => []);
  const start = cpuMicros();
  while (cpuMicros() - start < budgetMs * 1000 || samples[0]!.length < 7) {
    fns.forEach((fn, f) => {
      const size = sizes[f]!;
      const t = cpuMicros();
      for (let i = 0; i < size; i++) sink = fn();
      samples[f]!.push((cpuMicros() - t) / size);
    });
  }
  return samples.map((s) => {
    s.sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)]!;
  });
}
