// Findings first: each with its severity, the plain-language explanation, the RFC section,
// what to check next, and links that select the messages it cites in the ladder.
import type { MessageSummary } from '../../main/contract/diagnostics.js';
import type { Finding } from '../../src/diagnostics/model-types.js';

export interface FindingsListProps {
  readonly findings: readonly Finding[];
  readonly messageAt: (index: number) => MessageSummary | undefined;
  /** The call may still change (live). */
  readonly live: boolean;
  readonly onCite: (finding: Finding, index: number) => void;
}

const SEVERITY_WORDS = { error: 'Error', warning: 'Warning', info: 'Note' } as const;
const ORDER = { error: 0, warning: 1, info: 2 } as const;

export function FindingsList({ findings, messageAt, live, onCite }: FindingsListProps) {
  const sorted = [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return (
    <section className="diag-section" aria-labelledby="findings-title">
      <h3 id="findings-title" className="diag-title">Findings{findings.length > 0 ? ` (${findings.length})` : ''}</h3>
      {sorted.length === 0 ? (
        <p className="banner banner-ok findings-none">
          No findings{live ? ' so far' : ''}: nothing in this call breaks the SIP rules Callscope checks (missing ACK or PRACK, unroutable Contact, timers, tags, …).
        </p>
      ) : (
        <ul className="findings">
          {sorted.map((f, i) => (
            <li key={`${f.code}-${i}`} className={`finding severity-${f.severity}`} data-code={f.code}>
              <div className="finding-head">
                <span className={`severity severity-${f.severity}`}>{SEVERITY_WORDS[f.severity]}</span>
                <strong className="finding-title">{f.title}</strong>
                <span className="muted finding-rfc">{f.rfc} · <span className="mono">{f.code}</span></span>
              </div>
              <p>{f.explanation}</p>
              {f.nextSteps.length > 0 && (
                <>
                  <p className="finding-next">What to check:</p>
                  <ul className="finding-steps">{f.nextSteps.map((s) => <li key={s}>{s}</li>)}</ul>
                </>
              )}
              {f.messages.length > 0 && (
                <div className="finding-cites">
                  <span className="muted">Messages it cites:</span>
                  {f.messages.map((index) => {
                    const m = messageAt(index);
                    const line = m?.startLine.replace(/^SIP\/2\.0 /, '').replace(/ sip:\S+ SIP\/2\.0$/, '') ?? 'not in this view';
                    return (
                      <button key={index} type="button" className="link-button" onClick={() => onCite(f, index)}
                        aria-label={`Show message #${index} (${line}) in the ladder`}>
                        #{index} {line}
                      </button>
                    );
                  })}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
