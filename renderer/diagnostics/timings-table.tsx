// The call's timing breakdown: dial → INVITE → first provisional (post-dial delay) → early
// media → answer, ICE and DTLS connected, first audio each way; "not measured" where the data
// does not carry a step.
import { shortDuration } from './model/format.js';
import type { TimingBreakdown } from './model/timings.js';

const SOURCE_WORDS = { call: 'the phone', messages: 'the messages', media: 'media reports', none: '' } as const;

export function TimingsTable({ timings, onMessage }: { readonly timings: TimingBreakdown; readonly onMessage: (index: number) => void }) {
  return (
    <section className="diag-section" aria-labelledby="timings-title">
      <h3 id="timings-title" className="diag-title">Timing</h3>
      <table className="diag-table timings">
        <caption className="visually-hidden">Timing breakdown</caption>
        <thead><tr><th scope="col">Step</th><th scope="col">At</th><th scope="col">After the step before</th><th scope="col">From</th></tr></thead>
        <tbody>
          {timings.steps.map((s) => (
            <tr key={s.id} className={s.at === undefined ? 'unmeasured' : undefined}>
              <th scope="row">{s.label}</th>
              <td>{s.at === undefined ? <span className="muted">not measured</span> : `${shortDuration(s.at)} after ${s.base === 'dial' ? 'dialling' : 'the first INVITE'}`}</td>
              <td>{s.sincePrevious === undefined ? '' : `+${shortDuration(s.sincePrevious)}`}</td>
              <td>
                {SOURCE_WORDS[s.from]}
                {s.message !== undefined && <> <button type="button" className="link-button" onClick={() => onMessage(s.message!)} aria-label={`Show message #${s.message} in the ladder`}>#{s.message}</button></>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
