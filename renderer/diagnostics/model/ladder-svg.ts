// The ladder as one SVG document (for export): the same geometry as the page's rows, with
// the column heads on top, a time column on the left, every shown row, and the time gaps.
import type { MessageSummary } from '../../../main/contract/diagnostics.js';
import { delta, gapWords, seconds } from './format.js';
import {
  ARROW_Y, arrowGeometry, arrowHead, columnCenter, fit, GAP_MS, ladderWidth, ROW_HEIGHT, selfLoopPath,
} from './ladder-geometry.js';
import { columnOrder, type LadderLayout } from './ladder-layout.js';
import { sdpLabel } from './sdp.js';

const TIME_WIDTH = 130;
const HEAD_HEIGHT = 48;
const GAP_HEIGHT = 18;

export const TONE_COLOURS: Readonly<Record<string, string>> = {
  request: '#1f5fbf', provisional: '#6b6b6b', success: '#1d7a46', redirect: '#8a5a00', failure: '#b3261e', invalid: '#7a3db8',
};

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface LadderSvgInput {
  readonly title: string;
  readonly messages: readonly MessageSummary[];
  readonly layout: LadderLayout;
  /** Positions (in `messages`) of the rows to draw. */
  readonly positions: readonly number[];
}

export function ladderSvg({ title, messages, layout, positions }: LadderSvgInput): string {
  const { order, slot } = columnOrder(layout.columns);
  const width = TIME_WIDTH + ladderWidth(order.length);
  const t0 = messages[0]?.at ?? 0;
  const parts: string[] = [];
  let y = HEAD_HEIGHT;
  let previousAt: number | undefined;
  for (const position of positions) {
    const m = messages[position];
    const row = layout.rows[position];
    if (!m || !row) continue;
    if (previousAt !== undefined && m.at - previousAt >= GAP_MS) {
      parts.push(`<text x="${width / 2}" y="${y + 13}" text-anchor="middle" class="gap">··· ${escape(gapWords(m.at - previousAt))} ···</text>`);
      y += GAP_HEIGHT;
    }
    const g = arrowGeometry(row, slot);
    const colour = TONE_COLOURS[row.kind.tone] ?? '#000';
    const dash = row.retransmissionOf === undefined ? '' : ' stroke-dasharray="5 3"';
    const label = `${row.retransmissionOf === undefined ? '' : '↻ '}${row.kind.label}`;
    parts.push(`<g transform="translate(${TIME_WIDTH},${y})">`);
    parts.push(`<text x="${-TIME_WIDTH + 4}" y="${ARROW_Y - 4}" class="time">${escape(seconds(m.at - t0))}</text>`);
    if (previousAt !== undefined) parts.push(`<text x="${-TIME_WIDTH + 4}" y="${ARROW_Y + 10}" class="delta">${escape(delta(m.at - previousAt))}</text>`);
    if (g.self) {
      parts.push(`<path d="${selfLoopPath(g.x1, ARROW_Y)}" fill="none" stroke="${colour}" stroke-width="1.5"${dash}/>`);
    } else {
      parts.push(`<line x1="${g.x1}" y1="${ARROW_Y}" x2="${g.x2}" y2="${ARROW_Y}" stroke="${colour}" stroke-width="1.5"${dash}/>`);
      parts.push(`<polygon points="${arrowHead(g.x1, g.x2, ARROW_Y)}" fill="${colour}"/>`);
    }
    parts.push(`<text x="${g.labelX}" y="${ARROW_Y - 5}" text-anchor="${g.self ? 'start' : 'middle'}" fill="${colour}" class="label">${escape(fit(label, g.labelChars))}</text>`);
    if (m.sdp !== undefined) parts.push(`<text x="${g.labelX}" y="${ARROW_Y + 14}" text-anchor="${g.self ? 'start' : 'middle'}" class="sdp">${escape(fit(sdpLabel(m.sdp), g.labelChars + 12))}</text>`);
    parts.push('</g>');
    y += ROW_HEIGHT;
    previousAt = m.at;
  }
  const height = y + 10;
  const lifelines = order.map((c, i) => {
    const x = TIME_WIDTH + columnCenter(i);
    return `<line x1="${x}" y1="${HEAD_HEIGHT - 6}" x2="${x}" y2="${height}" class="life"/>`
      + `<text x="${x}" y="18" text-anchor="middle" class="head">${escape(c.label)}</text>`
      + `<text x="${x}" y="34" text-anchor="middle" class="sub">${escape(c.transport)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escape(`SIP ladder: ${title}`)}">`,
    `<title>${escape(`SIP ladder: ${title}`)}</title>`,
    '<style>text{font-family:system-ui,sans-serif;font-size:12px}.head{font-weight:600}.sub,.delta,.sdp,.gap{fill:#5b6676;font-size:11px}'
      + '.time{font-family:ui-monospace,monospace;font-size:11px}.life{stroke:#c3cad4;stroke-width:1}.label{font-weight:600}</style>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...lifelines,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
