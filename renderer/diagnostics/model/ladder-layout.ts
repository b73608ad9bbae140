// The ladder (sngrep's call flow, Wireshark's flow graph): one column per party or hop
// (address:port and transport), one row per message from its sender's column to its
// receiver's. A live call sees only the peer's address, so the phone itself is one column
// ("This phone"). Retransmissions keep their own row, marked with the message they repeat.
// The layout grows with the messages: extending the newest layout costs only the new ones
// (its maps are shared and extended in place); extending an older one (React may compute a
// memo twice) lays everything out again, so no layout ever sees another's rows.
import type { MessageSummary } from '../../../main/contract/diagnostics.js';
import { kindOf, type MessageKind } from './message-kind.js';

export interface LadderColumn {
  readonly id: string;
  /** "127.0.0.1:5060", or "This phone". */
  readonly label: string;
  readonly transport: string;
  readonly local: boolean;
}

export interface LadderRow {
  readonly from: number;
  readonly to: number;
  readonly kind: MessageKind;
  /** Index of the message this one repeats. */
  readonly retransmissionOf?: number;
}

export interface LadderLayout {
  readonly columns: readonly LadderColumn[];
  /** One per message, in the messages' order. */
  readonly rows: readonly LadderRow[];
  /** Original message index -> how many times it was retransmitted (so far). */
  readonly retransmissions: ReadonlyMap<number, number>;
  /** Bookkeeping for extending: column id -> position. */
  readonly columnIds: ReadonlyMap<string, number>;
  /** How many rows the layout that may extend the shared maps has. */
  readonly shared: { head: number };
}

export const LOCAL_COLUMN = 'local';
/** How far back a retransmission's original is looked for (messages). */
const ORIGINAL_LOOKBACK = 5000;
const UNKNOWN_COLUMN = 'unknown';

function emptyLayout(): LadderLayout {
  return { columns: [], rows: [], retransmissions: new Map(), columnIds: new Map(), shared: { head: 0 } };
}

/**
 * The layout of `messages`. With `previous` (the layout of a prefix of the same messages) only
 * the new messages are laid out; its maps are extended in place.
 */
export function layoutLadder(
  messages: readonly MessageSummary[],
  methodOf: (transactionId: string) => string | undefined,
  previous?: LadderLayout,
): LadderLayout {
  if (previous && previous.rows.length === messages.length) return previous;
  const extendable = previous !== undefined && previous.rows.length < messages.length && previous.shared.head === previous.rows.length;
  const base = extendable ? previous : emptyLayout();
  const columns = base.columns.slice();
  const columnIds = base.columnIds as Map<string, number>;
  const retransmissions = base.retransmissions as Map<number, number>;
  const column = (id: string, label: string, transport: string, local: boolean): number => {
    const key = `${id}|${transport}`;
    let at = columnIds.get(key);
    if (at === undefined) {
      at = columns.length;
      columnIds.set(key, at);
      columns.push({ id: key, label, transport, local });
    }
    return at;
  };
  const end = (address: string | undefined, transport: string, localSide: boolean): number => {
    if (address !== undefined) return column(address, address, transport, false);
    return localSide ? column(LOCAL_COLUMN, 'This phone', transport, true) : column(UNKNOWN_COLUMN, 'Unknown', transport, false);
  };
  const rows = base.rows.slice();
  // The last ends seen for each direction: a call goes back and forth between the same few.
  const lastEnds = new Map<string, { src?: string; dst?: string; transport: string; from: number; to: number }>();
  for (let i = base.rows.length; i < messages.length; i++) {
    const m = messages[i]!;
    let from: number;
    let to: number;
    const last = lastEnds.get(m.direction);
    if (last !== undefined && last.src === m.src && last.dst === m.dst && last.transport === m.transport) {
      from = last.from;
      to = last.to;
    } else {
      [from, to] = ends(m);
      lastEnds.set(m.direction, { ...(m.src === undefined ? {} : { src: m.src }), ...(m.dst === undefined ? {} : { dst: m.dst }), transport: m.transport, from, to });
    }
    const kind = kindOf(m, methodOf);
    if (m.retransmission) {
      const original = originalOf(i, from, to);
      if (original !== undefined) retransmissions.set(original, (retransmissions.get(original) ?? 0) + 1);
      rows.push(original === undefined ? { from, to, kind } : { from, to, kind, retransmissionOf: original });
    } else {
      rows.push({ from, to, kind });
    }
  }
  base.shared.head = rows.length;
  return { columns, rows, retransmissions, columnIds, shared: base.shared };

  /** The message a retransmission repeats: the latest earlier one of its transaction with its start line, between the same ends. */
  function originalOf(i: number, from: number, to: number): number | undefined {
    const m = messages[i]!;
    let found: number | undefined;
    for (let j = i - 1; j >= 0 && j >= i - ORIGINAL_LOOKBACK; j--) {
      const o = messages[j]!;
      const row = rows[j]!;
      if (o.transactionId === m.transactionId && o.startLine === m.startLine && row.from === from && row.to === to) {
        if (!o.retransmission) return o.index;
        found ??= row.retransmissionOf;
      }
    }
    return found;
  }

  function ends(m: MessageSummary): [number, number] {
    const transport = m.transport.toUpperCase();
    let from: number;
    let to: number;
    if (m.direction === 'sent') {
      from = end(m.src, transport, true);
      to = end(m.dst, transport, false);
    } else if (m.direction === 'received') {
      from = end(m.src, transport, false);
      to = end(m.dst, transport, true);
    } else {
      from = end(m.src, transport, false);
      to = end(m.dst, transport, false);
    }
    return [from, to];
  }
}

/** Columns in drawing order (the phone first) and where each layout column is drawn. */
export function columnOrder(columns: readonly LadderColumn[]): { readonly order: readonly LadderColumn[]; readonly slot: readonly number[] } {
  const order = [...columns.filter((c) => c.local), ...columns.filter((c) => !c.local)];
  const slot = columns.map((c) => order.indexOf(c));
  return { order, slot };
}
