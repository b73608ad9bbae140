// The figures of a load run, in constant memory however many calls it places:
// durations go into a histogram with buckets 1 % wide (a percentile read from
// it is within 1 % of the exact one), outcomes and findings into counters.

/** Durations (ms) in logarithmic buckets: bucket k holds [1.01^k, 1.01^(k+1)) µs. */
export class DurationHistogram {
  private readonly buckets = new Map<number, number>();
  private total = 0;
  private max = 0;

  add(ms: number): void {
    const us = Math.max(1, ms * 1000);
    const bucket = Math.floor(Math.log(us) / Math.log(1.01));
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
    this.total++;
    this.max = Math.max(this.max, ms);
  }

  get count(): number {
    return this.total;
  }

  /** The p-th percentile in ms (p in 0..100), or undefined when empty. */
  percentile(p: number): number | undefined {
    if (this.total === 0) return undefined;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (const bucket of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(bucket)!;
      if (seen >= rank) return Math.min(this.max, 1.01 ** (bucket + 0.5) / 1000);
    }
    return this.max;
  }

  summary(): { p50?: number; p95?: number; p99?: number; count: number } {
    const round = (v: number | undefined) => (v === undefined ? undefined : Math.round(v * 10) / 10);
    const out: { p50?: number; p95?: number; p99?: number; count: number } = { count: this.total };
    for (const [name, p] of [['p50', 50], ['p95', 95], ['p99', 99]] as const) {
      const v = round(this.percentile(p));
      if (v !== undefined) out[name] = v;
    }
    return out;
  }
}

/** How many times each key was seen, listed most frequent first. */
export class Tally {
  private readonly counts = new Map<string, number>();

  add(key: string, n = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  get size(): number {
    return this.counts.size;
  }

  entries(): Array<[string, number]> {
    return [...this.counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.entries());
  }

  /** "a ×3, b ×1", or `none`. */
  text(none = 'none'): string {
    return this.size === 0 ? none : this.entries().map(([k, n]) => `${k} ×${n}`).join(', ');
  }
}
