// Call history: missed, incoming and outgoing, with duration and the end in words; call
// back, and open the call's diagnostics.
import { useEffect } from 'react';
import type { AppApi, HistoryEntry } from '../../main/contract/app-api.js';
import { formatDuration, historyOutcomeText } from '../lib/call-text.js';

export interface HistoryListProps {
  readonly api: AppApi;
  readonly entries: readonly HistoryEntry[];
  readonly missed: number;
  readonly onCallBack: (target: string) => void;
  readonly onDiagnostics: (entry: HistoryEntry) => void;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });

export function HistoryList({ api, entries, missed, onCallBack, onDiagnostics }: HistoryListProps) {
  useEffect(() => {
    if (missed > 0) void api.markMissedSeen();
  }, [api, missed]);

  return (
    <section className="panel" aria-labelledby="history-title">
      <div className="panel-head">
        <h2 id="history-title">History{missed > 0 ? ` (${missed} missed)` : ''}</h2>
        {entries.length > 0 && <button type="button" className="secondary" onClick={() => void api.clearHistory()}>Clear history</button>}
      </div>
      {entries.length === 0 ? (
        <p className="muted">No calls yet.</p>
      ) : (
        <ul className="history" aria-label="Calls">
          {entries.map((entry) => {
            const outcome = historyOutcomeText(entry);
            return (
              <li key={entry.id} className={`history-entry outcome-${entry.outcome}`}>
                <div className="history-text">
                  <span className="history-peer">{entry.peerDisplay || entry.peerUri}</span>
                  <span className="muted">
                    {outcome} · {timeFormat.format(entry.startedAt)}{entry.durationS > 0 ? ` · ${formatDuration(entry.durationS)}` : ''}
                  </span>
                  <span className="history-words">{entry.words}</span>
                </div>
                <div className="account-actions">
                  <button type="button" onClick={() => onCallBack(entry.peerUri || entry.peerDisplay)}>
                    Call back<span className="visually-hidden"> {entry.peerDisplay}</span>
                  </button>
                  <button type="button" className="secondary" onClick={() => onDiagnostics(entry)}>
                    Diagnostics<span className="visually-hidden"> of the call with {entry.peerDisplay}</span>
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
