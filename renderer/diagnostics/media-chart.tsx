// The call's media over time, from the page's getStats summaries: packets per second each
// way and packets lost per second (left axis), jitter in ms and audio level in % (right
// axis), as a small uPlot chart, with the totals in words beside it (what a screen reader
// reads, and what a glance needs).
import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MediaSummary } from '../../main/contract/media.js';
import { count } from './model/format.js';
import { mediaSeries, mediaTotals } from './model/media-series.js';

export interface MediaChartProps {
  readonly media: readonly MediaSummary[];
  readonly source: 'live' | 'recent' | 'import';
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

const darkQuery = (): MediaQueryList | undefined => (typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : undefined);

/** 'dark' or 'light', following the system (the chart's canvas colours are read once per scheme). */
function useColourScheme(): string {
  const [dark, setDark] = useState(() => darkQuery()?.matches ?? false);
  useEffect(() => {
    const query = darkQuery();
    if (!query) return undefined;
    const onChange = (event: MediaQueryListEvent) => setDark(event.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  return dark ? 'dark' : 'light';
}

export function MediaChart({ media, source }: MediaChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const scheme = useColourScheme();
  const series = useMemo(() => mediaSeries(media), [media]);
  const totals = useMemo(() => mediaTotals(media), [media]);
  const data = useMemo<uPlot.AlignedData>(() => [
    series.t, series.packetsIn, series.packetsOut, series.lostPerSecond, series.jitterMs,
    series.levelIn.map((v) => (v === null ? null : v * 100)), series.levelOut.map((v) => (v === null ? null : v * 100)),
  ], [series]);

  useEffect(() => {
    const element = host.current;
    if (!element || media.length < 2) return undefined;
    const text = cssVar('--text', '#1b2330');
    const grid = cssVar('--border', '#d9dee6');
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const chart = new uPlot({
      width: Math.max(320, element.clientWidth || 560), height: 220,
      scales: { x: { time: false }, pps: { auto: true }, ms: { auto: true } },
      axes: [{ ...axis, label: 'seconds' }, { ...axis, scale: 'pps', label: 'packets/s' }, { ...axis, scale: 'ms', side: 1, label: 'jitter ms · level %' }],
      series: [
        { label: 'time (s)' },
        { label: 'packets in/s', scale: 'pps', stroke: cssVar('--chart-in', '#1f5fbf'), width: 2 },
        { label: 'packets out/s', scale: 'pps', stroke: cssVar('--chart-out', '#1d7a46'), width: 2 },
        { label: 'lost/s', scale: 'pps', stroke: cssVar('--chart-loss', '#b3261e'), width: 2 },
        { label: 'jitter ms', scale: 'ms', stroke: cssVar('--warn', '#9a6400'), width: 1.5, dash: [6, 3] },
        { label: 'level in %', scale: 'ms', stroke: cssVar('--chart-in', '#1f5fbf'), width: 1, dash: [2, 3] },
        { label: 'level out %', scale: 'ms', stroke: cssVar('--chart-out', '#1d7a46'), width: 1, dash: [2, 3] },
      ],
      legend: { live: false },
    }, data, element);
    plot.current = chart;
    // The chart follows its box's width (the panel's layout changes with the window).
    const resize = new ResizeObserver(() => {
      const width = Math.max(320, Math.floor(element.clientWidth));
      if (Math.abs(width - chart.width) > 2) chart.setSize({ width, height: 220 });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = undefined;
    };
    // Built again when the scheme changes or the chart appears; new data goes through setData below.
  }, [scheme, media.length < 2]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return (
    <section className="diag-section below" aria-labelledby="media-title">
      <h3 id="media-title" className="diag-title">Media</h3>
      {media.length === 0 ? (
        <p className="muted">
          {source === 'import'
            ? 'Imported traces carry no media reports from a phone, so there is nothing to chart here.'
            : 'No media reports for this call (they come from the page that owned the call\'s audio, a few a second while media is up).'}
        </p>
      ) : (
        <div className="media-grid">
          <figure className="media-figure" aria-label="Media over time: packets per second each way, packets lost per second, jitter and audio level">
            <div ref={host} className="media-chart" />
            {media.length < 2 && <figcaption className="muted">One report so far; the chart starts with the second.</figcaption>}
          </figure>
          {totals && (
            <dl className="facts media-totals" aria-label="Media totals">
              <dt>Reports</dt><dd>{totals.samples} over {totals.durationS.toFixed(1)} s</dd>
              <dt>Packets in</dt><dd>{count(totals.packetsIn)}</dd>
              <dt>Packets out</dt><dd>{count(totals.packetsOut)}</dd>
              <dt>Lost (in)</dt><dd>{count(totals.lost)} ({totals.lossPercent.toFixed(1)} %)</dd>
              <dt>Worst jitter</dt><dd>{totals.maxJitterMs === undefined ? 'not measured' : `${totals.maxJitterMs.toFixed(1)} ms`}</dd>
              <dt>Codec</dt><dd>{totals.codec ?? 'not reported'}</dd>
              <dt>ICE / DTLS</dt><dd>{totals.iceState ?? '?'} / {totals.dtlsState ?? 'not reported'}</dd>
            </dl>
          )}
        </div>
      )}
    </section>
  );
}
