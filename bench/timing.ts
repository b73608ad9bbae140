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

/** Median µs per call for each function, timed in interleaved rounds for about `budgetMs` of CPU. */
export function measureAll(fns: readonly (() => unknown)[], budgetMs = 400): number[] {
  // warm-up: let the JIT optimise every path before anything is timed
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
