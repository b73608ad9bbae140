// One call's diagnostics panel: findings first, then the ladder with the selected message
// beside it, the transactions, the timing breakdown, the media chart and the exports.
// A live call updates as its updates arrive.
import { useCallback, useMemo, useRef, useState } from 'react';
import type { AppApi, AppInfo, CallView } from '../../main/contract/app-api.js';
import type { Finding } from '../../src/diagnostics/model-types.js';
import { ExportBar } from './export-bar.js';
import { FindingsList } from './findings-list.js';
import { Ladder } from './ladder.js';
import { LadderToolbar } from './ladder-toolbar.js';
import { MediaChart } from './media-chart.js';
import { MessagePane } from './message-pane.js';
import { messageAt, transactionById, type CallData } from './model/call-data.js';
import { callTitle } from './model/format.js';
import { NO_FILTER, methodsOf, visiblePositions, type LadderFilter } from './model/filters.js';
import { columnOrder, layoutLadder, type LadderLayout } from './model/ladder-layout.js';
import { timingBreakdown } from './model/timings.js';
import { TimingsTable } from './timings-table.js';
import { TransactionsTable } from './transactions-table.js';

export interface CallPanelProps {
  readonly api: AppApi;
  readonly data: CallData;
  /** The host's view of the call, when the phone has it (its timings). */
  readonly call: CallView | undefined;
  /** When the call started (ms since the epoch), from the list. */
  readonly startedAt: number | undefined;
  /** Still up. */
  readonly active: boolean;
  readonly app: AppInfo | undefined;
  readonly fileName?: string;
}

export function CallPanel({ api, data, call, startedAt, active, app, fileName }: CallPanelProps) {
  const [filter, setFilter] = useState<LadderFilter>(NO_FILTER);
  const [selected, setSelected] = useState<number | undefined>();
  const [cited, setCited] = useState<{ finding: Finding; messages: ReadonlySet<number> } | undefined>();
  const ladderBox = useRef<HTMLDivElement>(null);
  const methodOf = useCallback((id: string) => transactionById(data, id)?.method, [data]);

  // The layout grows with a live call's rows (only the new ones are laid out).
  const previous = useRef<{ key: string; layout: LadderLayout } | undefined>(undefined);
  const layout = useMemo(() => {
    const before = previous.current?.key === data.key ? previous.current.layout : undefined;
    const next = layoutLadder(data.messages, methodOf, before);
    previous.current = { key: data.key, layout: next };
    return next;
  }, [data.key, data.messages, methodOf]);
  const { order, slot } = useMemo(() => columnOrder(layout.columns), [layout.columns]);
  const positions = useMemo(() => visiblePositions(data.messages, layout, filter), [data.messages, layout, filter]);
  const methods = useMemo(() => methodsOf(layout), [layout]);
  const timings = useMemo(() => timingBreakdown({
    messages: data.messages, methodOf, media: data.media, ...(call ? { call } : {}), ...(startedAt === undefined ? {} : { startedAt }),
  }), [data.messages, data.media, methodOf, call, startedAt]);

  const select = (index: number): void => {
    setSelected(index);
    // A message hidden by the filter is shown by clearing the filter.
    const position = data.positions.get(index);
    if (position !== undefined && !positions.includes(position)) setFilter(NO_FILTER);
  };
  const showInLadder = (index: number): void => {
    select(index);
    ladderBox.current?.scrollIntoView({ block: 'nearest' });
    ladderBox.current?.querySelector<HTMLElement>('[role="listbox"]')?.focus({ preventScroll: true });
  };
  const cite = (finding: Finding, index: number): void => {
    setCited({ finding, messages: new Set(finding.messages) });
    showInLadder(index);
  };

  const message = selected === undefined ? undefined : messageAt(data, selected);
  const t0 = data.messages[0]?.at ?? 0;
  const citedSet = cited?.messages ?? EMPTY;
  return (
    <div className="call-panel">
      <div className="call-panel-head">
        <div>
          <h2 id="call-panel-title">{callTitle(data.title)}</h2>
          <p className="muted">
            {/* An ended call is "Recent" even while the host still holds it live (its transactions finish, e.g. Timer M). */}
            <span className={`badge source-${active ? 'live' : data.source === 'import' ? 'import' : 'recent'}`}>{active ? 'Live' : data.source === 'import' ? 'Imported, read-only' : 'Recent'}</span>{' '}
            Call-ID <span className="mono">{data.sipCallId}</span>{fileName ? <> · from <span className="mono">{fileName}</span></> : null}
            {' '}· {data.messages.length} messages · {data.transactions.length} transactions
          </p>
        </div>
      </div>
      {data.notes.length > 0 && <ul className="banner banner-warn notes" aria-label="Notes">{data.notes.map((n) => <li key={n}>{n}</li>)}</ul>}

      <FindingsList findings={data.findings} messageAt={(i) => messageAt(data, i)} live={active} onCite={cite} />

      <section className="diag-section" aria-labelledby="ladder-title">
        <h3 id="ladder-title" className="diag-title">Ladder</h3>
        <LadderToolbar filter={filter} methods={methods} shown={positions.length} total={data.messages.length} onChange={setFilter} />
        {cited && (
          <p className="banner banner-warn cited-banner" role="status">
            Marked: the {cited.messages.size} message{cited.messages.size === 1 ? '' : 's'} cited by “{cited.finding.title}”.{' '}
            <button type="button" className="link-button" onClick={() => setCited(undefined)}>Unmark</button>
          </p>
        )}
        <div className="ladder-split" ref={ladderBox}>
          {data.messages.length === 0
            ? <p className="muted">No SIP messages yet{active ? '; they appear here as they are sent and received' : ''}.</p>
            : <Ladder messages={data.messages} layout={layout} order={order} slot={slot} positions={positions} selected={selected} cited={citedSet} onSelect={select} />}
          <MessagePane api={api} callKey={data.key} message={message} transaction={message?.transactionId === undefined ? undefined : transactionById(data, message.transactionId)} />
        </div>
      </section>

      <section className="diag-section below" aria-labelledby="transactions-title">
        <h3 id="transactions-title" className="diag-title">Transactions</h3>
        <TransactionsTable transactions={data.transactions} t0={t0} onMessage={showInLadder} />
      </section>

      <TimingsTable timings={timings} hasMessages={data.messages.length > 0} onMessage={showInLadder} />
      <MediaChart media={data.media} source={data.source} />
      <ExportBar api={api} data={data} layout={layout} positions={positions} timings={timings} app={app} />
    </div>
  );
}

const EMPTY: ReadonlySet<number> = new Set();
