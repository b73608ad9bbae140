// A small, honest timing harness: warm up, then time batches until a time budget is
// spent and report the median batch (robust to GC pauses and the other core's noise).

export interface Timing {
  /** Median microseconds per call. */
  readonly usPerOp: number;
  readonly iterations: number;
}

/** Keeps results alive so the JIT cannot drop the work being measured. */
export let sink: unknown;

export function measure(fn: () => unknown, budgetMs = 400): Timing {
  // warm-up: let the JIT optimise the whole path
  const warmEnd = performance.now() + budgetMs / 4;
  let batch = 1;
  while (performance.now() < warmEnd) {
    for (let i = 0; i < batch; i++) sink = fn();
    if (batch < 1024) batch *= 2;
  }
  // size batches to ~5 ms each
  const t0 = performance.now();
  sink = fn();
  const single = Math.max(performance.now() - t0, 0.0005);
  const size = Math.max(1, Math.round(5 / single));
  const samples: number[] = [];
  let iterations = 0;
  const end = performance.now() + budgetMs;
  while (performance.now() < end || samples.length < 5) {
    const start = performance.now();
    for (let i = 0; i < size; i++) sink = fn();
    samples.push(((performance.now() - start) * 1000) / size);
    iterations += size;
  }
  samples.sort((a, b) => a - b);
  return { usPerOp: samples[Math.floor(samples.length / 2)]!, iterations };
}
