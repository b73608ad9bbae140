// The ladder: a virtualised listbox of message rows under sticky column heads. Each row is
// its time and delta, and an SVG strip with every column's lifeline and the message's arrow
// (requests and responses in their tones, retransmissions dashed and marked ↻, the SDP
// summary under the arrow); a pause of a second or more shows as a gap above the row.
// Arrow keys, Page Up/Down, Home and End move the selection; the selected row's text opens
// beside the ladder.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useId, useRef, type KeyboardEvent } from 'react';
import type { MessageSummary } from '../../main/contract/diagnostics.js';
import { delta, gapWords, seconds } from './model/format.js';
import {
  ARROW_Y, arrowGeometry, arrowHead, COLUMN_WIDTH, columnCenter, fit, GAP_MS, ladderWidth, ROW_HEIGHT, selfLoopPath,
} from './model/ladder-geometry.js';
import type { LadderColumn, LadderLayout, LadderRow } from './model/ladder-layout.js';
import { sdpLabel } from './model/sdp.js';

export const GAP_HEIGHT = 20;
/** The sticky column heads above the rows, px. */
const HEADS_HEIGHT = 44;

export interface LadderProps {
  readonly messages: readonly MessageSummary[];
  readonly layout: LadderLayout;
  readonly order: readonly LadderColumn[];
  readonly slot: readonly number[];
  /** Positions (in `messages`) of the rows shown. */
  readonly positions: readonly number[];
  /** The selected message's index, if any. */
  readonly selected: number | undefined;
  /** Message indices to mark (a finding's cited messages). */
  readonly cited: ReadonlySet<number>;
  readonly onSelect: (index: number) => void;
  /** Height of the scrolling area, px. */
  readonly height?: number;
}

function rowName(m: MessageSummary, row: LadderRow, order: readonly LadderColumn[], slot: readonly number[], t0: number): string {
  const from = order[slot[row.from] ?? 0]?.label ?? '?';
  const to = order[slot[row.to] ?? 0]?.label ?? '?';
  const retransmission = row.retransmissionOf === undefined ? (m.retransmission ? ', retransmission' : '') : `, retransmission of #${row.retransmissionOf}`;
  const sdp = m.sdp === undefined ? '' : `, ${sdpLabel(m.sdp, 120)}`;
  return `#${m.index} at ${seconds(m.at - t0)}: ${m.startLine} from ${from} to ${to}${retransmission}${sdp}${m.parseError === undefined ? '' : ', could not be parsed'}`;
}

export interface RowProps {
  readonly m: MessageSummary;
  readonly row: LadderRow;
  readonly columns: number;
  readonly slot: readonly number[];
  readonly t0: number;
  readonly previousAt: number | undefined;
}

/** One row's drawing (also used by the bench's plain, non-virtualised list). */
export const RowBody = memo(function RowBody({ m, row, columns, slot, t0, previousAt }: RowProps) {
  const g = arrowGeometry(row, slot);
  const retransmitted = row.retransmissionOf !== undefined || m.retransmission;
  const width = ladderWidth(columns);
  const label = `${retransmitted ? '↻ ' : ''}${row.kind.label}`;
  const gap = previousAt !== undefined && m.at - previousAt >= GAP_MS ? m.at - previousAt : undefined;
  return (
    <>
      {gap !== undefined && <div className="ladder-gap" aria-hidden="true">··· {gapWords(gap)} later ···</div>}
      <div className="ladder-line">
        <span className="ladder-time mono" aria-hidden="true">
          <span>{seconds(m.at - t0)}</span>
          <span className="muted">{previousAt === undefined ? '' : delta(m.at - previousAt)}</span>
        </span>
        <svg className={`ladder-svg tone-${row.kind.tone}${retransmitted ? ' retransmitted' : ''}`} width={width} height={ROW_HEIGHT} aria-hidden="true" focusable="false">
          {Array.from({ length: columns }, (_, i) => <line key={i} className="life" x1={columnCenter(i)} x2={columnCenter(i)} y1={0} y2={ROW_HEIGHT} />)}
          {g.self ? <path className="arrow" d={selfLoopPath(g.x1, ARROW_Y)} fill="none" /> : (
            <>
              <line className="arrow" x1={g.x1} y1={ARROW_Y} x2={g.x2} y2={ARROW_Y} />
              <polygon className="head" points={arrowHead(g.x1, g.x2, ARROW_Y)} />
            </>
          )}
          <text className="label" x={g.labelX} y={ARROW_Y - 6} textAnchor={g.self ? 'start' : 'middle'}>{fit(label, g.labelChars)}</text>
          {m.sdp !== undefined && <text className="sdp" x={g.labelX} y={ARROW_Y + 15} textAnchor={g.self ? 'start' : 'middle'}>{fit(sdpLabel(m.sdp), g.labelChars + 12)}</text>}
        </svg>
      </div>
    </>
  );
});

export function Ladder({ messages, layout, order, slot, positions, selected, cited, onSelect, height = 460 }: LadderProps) {
  const id = useId();
  const scroller = useRef<HTMLDivElement>(null);
  const t0 = messages[0]?.at ?? 0;
  const gapBefore = (i: number): boolean => {
    if (i === 0) return false;
    const a = messages[positions[i - 1]!];
    const b = messages[positions[i]!];
    return a !== undefined && b !== undefined && b.at - a.at >= GAP_MS;
  };
  const virtualizer = useVirtualizer({
    count: positions.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => ROW_HEIGHT + (gapBefore(i) ? GAP_HEIGHT : 0),
    overscan: 8,
    scrollMargin: HEADS_HEIGHT,
    scrollPaddingStart: HEADS_HEIGHT,
  });
  // Row sizes depend on which rows are shown: measure again when the filter changes.
  useEffect(() => virtualizer.measure(), [positions, virtualizer]);

  const selectedAt = selected === undefined ? -1 : positions.findIndex((p) => messages[p]?.index === selected);
  useEffect(() => {
    if (selectedAt >= 0) virtualizer.scrollToIndex(selectedAt, { align: 'auto' });
  }, [selectedAt, virtualizer]);

  const move = (to: number): void => {
    if (positions.length === 0) return;
    const at = Math.max(0, Math.min(positions.length - 1, to));
    const m = messages[positions[at]!];
    if (m) onSelect(m.index);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const from = selectedAt < 0 ? -1 : selectedAt;
    const next = { ArrowDown: from + 1, ArrowUp: from < 0 ? 0 : from - 1, PageDown: from + page, PageUp: from - page, Home: 0, End: positions.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    move(next);
  };

  const width = ladderWidth(order.length);
  // A short call's ladder is as tall as its rows; a long one scrolls.
  const boxHeight = Math.min(height, HEADS_HEIGHT + virtualizer.getTotalSize() + 4);
  const selectedMessage = selectedAt >= 0 ? messages[positions[selectedAt]!] : undefined;
  return (
    <div className="ladder">
      <div className="ladder-scroll" ref={scroller} role="listbox" tabIndex={0} aria-label={`SIP messages, ${positions.length} shown`}
        aria-activedescendant={selectedMessage ? `${id}-m${selectedMessage.index}` : undefined} onKeyDown={onKeyDown} style={{ height: Math.max(boxHeight, HEADS_HEIGHT + ROW_HEIGHT) }}>
        <div className="ladder-heads" style={{ width: width + 120, height: HEADS_HEIGHT }} aria-hidden="true">
          <span className="ladder-time-head">Time / delta</span>
          {order.map((c) => (
            <span key={c.id} className="ladder-head" style={{ width: COLUMN_WIDTH }} title={`${c.label} (${c.transport})`}>
              <strong>{c.label}</strong><span className="muted">{c.transport}</span>
            </span>
          ))}
        </div>
        <div className="ladder-rows" style={{ height: virtualizer.getTotalSize(), width: width + 120 }}>
          {virtualizer.getVirtualItems().map((item) => {
            const position = positions[item.index]!;
            const m = messages[position];
            const row = layout.rows[position];
            if (!m || !row) return null;
            const previous = item.index > 0 ? messages[positions[item.index - 1]!] : undefined;
            const isSelected = m.index === selected;
            return (
              <div key={m.index} id={`${id}-m${m.index}`} role="option" aria-selected={isSelected} data-index={m.index}
                aria-label={rowName(m, row, order, slot, t0)} title={m.startLine}
                className={`ladder-row${isSelected ? ' selected' : ''}${cited.has(m.index) ? ' cited' : ''}`}
                style={{ height: item.size, transform: `translateY(${item.start - HEADS_HEIGHT}px)` }}
                onClick={() => onSelect(m.index)}>
                <RowBody m={m} row={row} columns={order.length} slot={slot} t0={t0} previousAt={previous?.at} />
              </div>
            );
          })}
        </div>
      </div>
      {positions.length === 0 && <p className="note">No message matches the filter.</p>}
    </div>
  );
}
