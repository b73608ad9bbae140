// The call's timing breakdown: dial → INVITE → first provisional (post-dial delay) → early
// media → answer, ICE and DTLS connected, first audio each way; "not measured" where the data
// does not carry a step.
import { shortDuration } from './model/format.js';
import type { TimingBreakdown } from './model/timings.js';

const SOURCE_WORDS = { call: 'the phone', messages: 'the messages', media: 'media reports', none: '' } as const;

const MEDIA_STEPS = new Set(['ice', 'dtls', 'audio-in', 'audio-out']);

/** Why a step has no time: a SIP step the messages do not show did not happen; the others were not measured. */
function missingWords(id: string, hasMessages: boolean, origin: TimingBreakdown['origin']): string {
  if (id === 'dial') return origin === 'dial' ? 'not measured' : 'not in a trace';
  return !MEDIA_STEPS.has(id) && hasMessages ? 'none in the messages' : 'not measured';
}

export function TimingsTable({ timings, hasMessages, onMessage }: { readonly timings: TimingBreakdown; readonly hasMessages: boolean; readonly onMessage: (index: number) => void }) {
  return (
    <section className="diag-section below" aria-labelledby="timings-title">
      <h3 id="timings-title" className="diag-title">Timing</h3>
      <p className="note">In the order they happened. Media steps come from the phone's media reports; SIP steps from the phone's own timings or the messages.</p>
      <table className="diag-table timings">
        <caption className="visually-hidden">Timing breakdown</caption>
        <thead><tr><th scope="col">Step</th><th scope="col">At</th><th scope="col">After the step before</th><th scope="col">From</th></tr></thead>
        <tbody>
          {timings.steps.map((s) => (
            <tr key={s.id} className={s.at === undefined ? 'unmeasured' : undefined}>
              <th scope="row">{s.label}</th>
              <td>{s.at === undefined ? <span className="muted">{missingWords(s.id, hasMessages, timings.origin)}</span> : `${shortDuration(s.at)} after ${s.base === 'dial' ? 'dialling' : 'the first INVITE'}`}</td>
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
