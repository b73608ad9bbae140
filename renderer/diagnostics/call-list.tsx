// The calls the host has diagnostics for: live ones first, then recent ones, then those
// imported from trace files (read-only), each with its message and finding counts. A long
// group (a capture of thousands of calls) scrolls on its own and renders only the calls in
// view; Tab and the arrow keys still reach every one.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type KeyboardEvent } from 'react';
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

/** Groups longer than this scroll on their own, virtualised. */
const VIRTUAL_FROM = 40;
/** A call's button and the gap after it, in px, before it is measured. */
const ROW_ESTIMATE = 66;
const ROW_GAP = 6;

function findingWords(item: CallListItem): string {
  if (item.findingCount === 0) return 'no findings';
  return `${item.findingCount} finding${item.findingCount === 1 ? '' : 's'}${item.worst ? ` (worst: ${item.worst})` : ''}`;
}

function CallButton({ item, selected, onSelect }: { item: CallListItem; selected: boolean; onSelect: (item: CallListItem) => void }) {
  return (
    <button type="button" className={`diag-call${selected ? ' selected' : ''}`} aria-current={selected ? 'true' : undefined}
      onClick={() => onSelect(item)}>
      <span className="diag-call-title">{callTitle(item.title)}</span>
      <span className="muted">
        {item.fileName ? `${item.fileName} · ` : ''}{clock(item.startedAt)}{item.active ? ' · in progress' : ` · ${item.messageCount} messages`}
      </span>
      {/* A live call's counts are the host's at listing time: its panel has the current ones. */}
      {!item.active && <span className={`finding-count${item.worst ? ` severity-${item.worst}` : ''}`}>{findingWords(item)}</span>}
    </button>
  );
}

interface GroupProps {
  readonly title: string;
  readonly items: readonly CallListItem[];
  readonly selected: string | undefined;
  readonly onSelect: (item: CallListItem) => void;
}

function ShortGroup({ title, items, selected, onSelect }: GroupProps) {
  return (
    <ul className="diag-calls" aria-label={`${title} calls`}>
      {items.map((item) => (
        <li key={item.key}><CallButton item={item} selected={item.key === selected} onSelect={onSelect} /></li>
      ))}
    </ul>
  );
}

function LongGroup({ title, items, selected, onSelect }: GroupProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_ESTIMATE,
    gap: ROW_GAP,
    overscan: 6,
    getItemKey: (i) => items[i]!.key,
  });
  // Up and Down move the focus from call to call, bringing the next one into view first. A
  // key pressed again before the focus got there counts from where it is going.
  const focusing = useRef<number | undefined>(undefined);
  const focusWhenRendered = (index: number, frames: number): void => {
    requestAnimationFrame(() => {
      if (focusing.current !== index) return;
      const button = scroller.current?.querySelector<HTMLButtonElement>(`li[data-index="${index}"] button`);
      if (button) {
        focusing.current = undefined;
        button.focus();
      } else if (frames > 0) {
        focusWhenRendered(index, frames - 1);
      } else {
        focusing.current = undefined;
      }
    });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>): void => {
    const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
    const from = focusing.current ?? Number((event.target as HTMLElement).closest('li')?.dataset.index ?? -1);
    if (step === 0 || from < 0) return;
    event.preventDefault();
    const to = Math.max(0, Math.min(items.length - 1, from + step));
    focusing.current = to;
    virtualizer.scrollToIndex(to, { align: 'auto' });
    focusWhenRendered(to, 10);
  };
  return (
    <div className="diag-call-scroller" ref={scroller}>
      <ul className="diag-calls virtual" aria-label={`${title} calls`} style={{ height: virtualizer.getTotalSize() }} onKeyDown={onKeyDown}>
        {virtualizer.getVirtualItems().map((row) => {
          const item = items[row.index]!;
          return (
            <li key={row.key} data-index={row.index} ref={virtualizer.measureElement} aria-setsize={items.length} aria-posinset={row.index + 1}
              style={{ transform: `translateY(${row.start}px)` }}>
              <CallButton item={item} selected={item.key === selected} onSelect={onSelect} />
            </li>
          );
        })}
      </ul>
    </div>
  );
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
        const Group = items.length > VIRTUAL_FROM ? LongGroup : ShortGroup;
        return (
          <div key={source} className="call-group">
            <h3 className="diag-title">{title}{items.length > VIRTUAL_FROM ? <span className="muted"> · {items.length.toLocaleString('en-US')} calls</span> : null}</h3>
            <Group title={title} items={items} selected={selected} onSelect={onSelect} />
          </div>
        );
      })}
    </>
  );
}
