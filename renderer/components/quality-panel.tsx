// Live call quality from getStats while the call is up: codec, packets, loss, jitter, RTT,
// an estimated MOS, audio levels in and out, a small chart, and warnings for one-way audio
// or silence.
import type { CallView } from '../../main/contract/app-api.js';
import { mosWords, sparkline, WARNING_WORDS, type QualityState } from '../lib/quality.js';

const CHART_W = 320;
const CHART_H = 64;

export interface QualityPanelProps {
  readonly call: CallView | undefined;
  readonly quality: QualityState | undefined;
  /** The label of the microphone the call sends now. */
  readonly microphone: string | undefined;
}

export function QualityPanel({ call, quality, microphone }: QualityPanelProps) {
  if (call === undefined) return null;
  const s = quality?.latest;
  return (
    <section className="panel" aria-labelledby="quality-title">
      <h2 id="quality-title">Call quality</h2>
      {s === undefined ? (
        <p className="muted">Waiting for the first media statistics…</p>
      ) : (
        <>
          {quality !== undefined && quality.warnings.length > 0 && (
            <ul className="warnings" role="alert">
              {quality.warnings.map((w) => <li key={w}>{WARNING_WORDS[w]}</li>)}
            </ul>
          )}
          <dl className="facts quality-facts" aria-label="Media statistics">
            <dt>Codec</dt><dd>{s.codec ?? '—'}</dd>
            <dt>Microphone</dt><dd data-stat="microphone">{microphone || '—'}</dd>
            <dt>Connection</dt><dd>ICE {s.iceState}{s.dtlsState !== undefined ? `, DTLS ${s.dtlsState}` : ''}</dd>
            <dt>Packets in</dt><dd data-stat="packets-in">{s.inbound.packets}</dd>
            <dt>Packets out</dt><dd data-stat="packets-out">{s.outbound.packets}</dd>
            <dt>Loss</dt><dd>{quality?.lossPct.toFixed(1)} % (lost in total: {s.inbound.lost ?? 0})</dd>
            <dt>Jitter</dt><dd>{s.inbound.jitterMs === undefined ? '—' : `${s.inbound.jitterMs} ms`}</dd>
            <dt>Round trip</dt><dd>{s.rttMs === undefined ? '—' : `${s.rttMs} ms`}</dd>
            <dt>MOS (estimate)</dt><dd>{quality === undefined ? '—' : mosWords(quality.mos)}</dd>
            <dt>Level in</dt><dd><meter min={0} max={1} value={s.inbound.audioLevel ?? 0} aria-label="Audio level in" data-stat="level-in" data-value={s.inbound.audioLevel ?? 0} /></dd>
            <dt>Level out</dt><dd><meter min={0} max={1} value={s.muted ? 0 : s.outbound.audioLevel ?? 0} aria-label="Audio level out" />{s.muted ? ' muted' : ''}</dd>
          </dl>
          {quality !== undefined && quality.points.length > 1 && (
            <figure className="chart">
              <svg viewBox={`0 0 ${CHART_W} ${CHART_H}`} width="100%" height={CHART_H} role="img"
                aria-label={`Audio level in and out over the last ${Math.round(quality.points.length / 2)} seconds`}>
                <polyline className="line-in" fill="none" points={sparkline(quality.points.map((p) => p.levelIn), CHART_W, CHART_H, 1)} />
                <polyline className="line-out" fill="none" points={sparkline(quality.points.map((p) => p.levelOut), CHART_W, CHART_H, 1)} />
                <polyline className="line-loss" fill="none" points={sparkline(quality.points.map((p) => p.lossPct), CHART_W, CHART_H, 20)} />
              </svg>
              <figcaption className="legend">
                <span className="swatch swatch-in" aria-hidden="true" /> level in
                <span className="swatch swatch-out" aria-hidden="true" /> level out
                <span className="swatch swatch-loss" aria-hidden="true" /> loss (0-20 %)
              </figcaption>
            </figure>
          )}
        </>
      )}
    </section>
  );
}
