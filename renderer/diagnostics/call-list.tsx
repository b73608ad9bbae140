// The calls the host has diagnostics for: live ones first, then recent ones, then those
// imported from trace files (read-only), each with its message and finding counts.
import type { CallListItem } from '../../main/contract/diagnostics.js';
import { callTitle, clock } from './model/format.js';

export interface CallListProps {
  readonly calls: readonly CallListItem[];
  readonly selected: string | undefined;
  readonly onSelect: (item: CallListItem) => void;
}

const GROUPS = [
  { source: 'live', title: 'Live' },
  { source: 'recent', title: 'Recent' },
  { source: 'import', title: 'Imported' },
] as const;

function findingWords(item: CallListItem): string {
  if (item.findingCount === 0) return 'no findings';
  return `${item.findingCount} finding${item.findingCount === 1 ? '' : 's'}${item.worst ? ` (worst: ${item.worst})` : ''}`;
}

export function CallList({ calls, selected, onSelect }: CallListProps) {
  if (calls.length === 0) {
    return <p className="muted">No calls yet. Calls you make or take appear here live; you can also open a trace file below.</p>;
  }
  return (
    <>
      {GROUPS.map(({ source, title }) => {
        const items = calls.filter((c) => (source === 'live' ? c.source === 'live' || c.active : c.source === source && !c.active));
        if (items.length === 0) return null;
        return (
          <div key={source} className="call-group">
            <h3 className="diag-title">{title}</h3>
            <ul className="diag-calls" aria-label={`${title} calls`}>
              {items.map((item) => (
                <li key={item.key}>
                  <button type="button" className={`diag-call${item.key === selected ? ' selected' : ''}`} aria-current={item.key === selected ? 'true' : undefined}
                    onClick={() => onSelect(item)}>
                    <span className="diag-call-title">{callTitle(item.title)}</span>
                    <span className="muted">
                      {item.fileName ? `${item.fileName} · ` : ''}{clock(item.startedAt)}{item.active ? ' · in progress' : ` · ${item.messageCount} messages`}
                    </span>
                    {/* A live call's counts are the host's at listing time: its panel has the current ones. */}
                    {!item.active && <span className={`finding-count${item.worst ? ` severity-${item.worst}` : ''}`}>{findingWords(item)}</span>}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </>
  );
}
