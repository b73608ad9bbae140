// Where a ladder row's parts are drawn, in SVG units: the same numbers for the page's rows
// and for the exported SVG. Columns are COLUMN_WIDTH apart; an arrow runs between the
// centres of its sender's and receiver's columns, its label above, the SDP summary below.
import type { LadderRow } from './ladder-layout.js';

export const COLUMN_WIDTH = 200;
export const ROW_HEIGHT = 44;
export const ARROW_Y = 22;
export const SELF_LOOP = 26;
/** A pause at least this long between two shown rows is drawn as a gap. */
export const GAP_MS = 1000;
/** Roughly how many characters of 12 px text fit in one pixel of width. */
const CHARS_PER_PX = 1 / 6.6;

export interface ArrowGeometry {
  readonly x1: number;
  readonly x2: number;
  /** The sender and the receiver are the same column. */
  readonly self: boolean;
  /** Where the label is centred, and how many characters fit. */
  readonly labelX: number;
  readonly labelChars: number;
}

export function columnCenter(slot: number): number {
  return slot * COLUMN_WIDTH + COLUMN_WIDTH / 2;
}

export function ladderWidth(columns: number): number {
  return Math.max(1, columns) * COLUMN_WIDTH;
}

/**
 * Where a row's arrow and label go. A label may run half a column past each end of its arrow
 * (each row has one label, so nothing else is there; an arrow's ends are column centres, so
 * that stays inside the ladder): "407 Proxy Authentication Required" between neighbours is whole.
 */
export function arrowGeometry(row: Pick<LadderRow, 'from' | 'to'>, slot: readonly number[]): ArrowGeometry {
  const x1 = columnCenter(slot[row.from] ?? 0);
  const x2 = columnCenter(slot[row.to] ?? 0);
  if (x1 === x2) return { x1, x2, self: true, labelX: x1 + SELF_LOOP + 4, labelChars: Math.floor((COLUMN_WIDTH / 2 - SELF_LOOP) * CHARS_PER_PX) + 4 };
  const span = Math.abs(x2 - x1);
  return { x1, x2, self: false, labelX: (x1 + x2) / 2, labelChars: Math.max(8, Math.floor((span + COLUMN_WIDTH - 16) * CHARS_PER_PX)) };
}

/** The text cut to `chars` characters with an ellipsis. */
export function fit(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, Math.max(1, chars - 1))}…`;
}

/** The arrowhead's points at (x2, y), pointing away from x1. */
export function arrowHead(x1: number, x2: number, y: number): string {
  const dir = x2 >= x1 ? 1 : -1;
  return `${x2},${y} ${x2 - dir * 8},${y - 4.5} ${x2 - dir * 8},${y + 4.5}`;
}

/** A self-addressed message: out, down, back. */
export function selfLoopPath(x: number, y: number): string {
  return `M${x},${y - 7} h${SELF_LOOP} v14 h${-SELF_LOOP + 8}`;
}
