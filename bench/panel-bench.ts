// `npm run bench:panel`: the diagnostics panel on a 10,000-message call in Chromium,
// measured, not asserted. Each round renders the real panel (virtualised ladder) and a plain
// list of every ladder row (same drawing, no virtualisation) in the same page, alternately,
// and scrolls each; results are reported as medians and as ratios panel / plain (the
// machine is shared and busy: ratios in one run say more than wall-clock numbers). Also the
// cost of applying a live update (10 rows, 5 transactions) to the big call.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from '@playwright/test';

const root = fileURLToPath(new URL('..', import.meta.url));
const MESSAGES = Number(process.env['BENCH_PANEL_MESSAGES'] ?? 10_000);
const ROUNDS = Number(process.env['BENCH_PANEL_ROUNDS'] ?? 5);
const FRAMES = 120;
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const pct = (xs: readonly number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;
const ms = (x: number) => `${x.toFixed(1)} ms`;

interface Bench {
  mount(kind: 'panel' | 'plain', count: number): Promise<{ renderMs: number; paintedMs: number }>;
  scroll(frames: number, step: number): Promise<number[]>;
  updates(rounds: number): number[];
}

async function main(): Promise<void> {
  const bundle = await build({
    entryPoints: [`${root}bench/panel-bench-page.tsx`], bundle: true, write: false, format: 'iife', outdir: `${root}dist/bench`,
    jsx: 'automatic', minify: true, define: { 'process.env.NODE_ENV': '"production"' }, logLevel: 'warning',
  });
  const js = bundle.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
  const css = bundle.outputFiles.filter((f) => f.path.endsWith('.css')).map((f) => f.text).join('\n')
    + readFileSync(`${root}renderer/styles.css`, 'utf8') + readFileSync(`${root}renderer/diagnostics/diagnostics.css`, 'utf8');

  const browser = await chromium.launch({ executablePath: process.env['CALLSCOPE_CHROMIUM'] ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body><div id="root"></div></body></html>');
    await page.addStyleTag({ content: css });
    await page.addScriptTag({ content: js });
    const run = <T>(fn: (bench: Bench) => Promise<T> | T) => page.evaluate(`(${fn.toString()})(window.bench)`) as Promise<T>;

    const results = { panel: { render: [] as number[], painted: [] as number[], frames: [] as number[] }, plain: { render: [] as number[], painted: [] as number[], frames: [] as number[] } };
    // Warm the JIT once with each.
    for (const kind of ['panel', 'plain'] as const) await page.evaluate(`window.bench.mount('${kind}', ${MESSAGES})`);
    for (let round = 0; round < ROUNDS; round++) {
      const order: ReadonlyArray<'panel' | 'plain'> = round % 2 === 0 ? ['panel', 'plain'] : ['plain', 'panel'];
      for (const kind of order) {
        const mounted = await page.evaluate(`window.bench.mount('${kind}', ${MESSAGES})`) as { renderMs: number; paintedMs: number };
        results[kind].render.push(mounted.renderMs);
        results[kind].painted.push(mounted.paintedMs);
        results[kind].frames.push(...await page.evaluate(`window.bench.scroll(${FRAMES}, 600)`) as number[]);
      }
    }
    await page.evaluate(`window.bench.mount('panel', ${MESSAGES})`);
    const updates = await run((bench) => bench.updates(200));

    console.log(`diagnostics panel, ${MESSAGES.toLocaleString('en-US')}-message call, Chromium, ${ROUNDS} rounds (medians; frames over ${FRAMES}-frame scrolls of 600 px per frame)`);
    const line = (name: string, panel: number, plain: number) => console.log(`  ${name.padEnd(34)} panel ${ms(panel).padStart(10)}   plain list ${ms(plain).padStart(10)}   ratio ${(panel / plain).toFixed(3)}`);
    line('first render (data in page → DOM)', median(results.panel.render), median(results.plain.render));
    line('first render to next frame', median(results.panel.painted), median(results.plain.painted));
    line('scroll frame interval, median', median(results.panel.frames), median(results.plain.frames));
    line('scroll frame interval, p95', pct(results.panel.frames, 0.95), pct(results.plain.frames, 0.95));
    line('scroll frame interval, max', Math.max(...results.panel.frames), Math.max(...results.plain.frames));
    const over = (xs: number[]) => `${((100 * xs.filter((x) => x > 17).length) / xs.length).toFixed(1)} %`;
    console.log(`  frames over 17 ms: panel ${over(results.panel.frames)}, plain list ${over(results.plain.frames)}`);
    console.log(`  live update (10 rows + 5 transactions) applied to the big call: median ${ms(median(updates))}, p95 ${ms(pct(updates, 0.95))}, max ${ms(Math.max(...updates))}`);
  } finally {
    await browser.close();
  }
}

await main();
