// The call's transactions: method, role, branch, transport, state, final status and
// retransmissions; expanding one shows its state history with times, its timers (started,
// fired, cancelled) and its messages. Live calls update in place.
import { Fragment, useState } from 'react';
import type { TransactionModel } from '../../src/diagnostics/model-types.js';
import { seconds, shortDuration } from './model/format.js';

export interface TransactionsTableProps {
  readonly transactions: readonly TransactionModel[];
  /** Time zero of the call (the first message), for relative times. */
  readonly t0: number;
  readonly onMessage: (index: number) => void;
}

const ROLE_WORDS = { client: 'client', server: 'server', observed: 'seen' } as const;
/** A long call can hold thousands of transactions: the table shows this many more at a time. */
export const TRANSACTIONS_PAGE = 100;

export function TransactionsTable({ transactions, t0, onMessage }: TransactionsTableProps) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [limit, setLimit] = useState(TRANSACTIONS_PAGE);
  const toggle = (id: string): void => setOpen((s) => {
    const next = new Set(s);
    if (!next.delete(id)) next.add(id);
    return next;
  });
  if (transactions.length === 0) return <p className="muted">No transactions yet.</p>;
  return (
    <div className="table-scroll">
      <table className="diag-table transactions">
        <caption className="visually-hidden">Transactions of this call</caption>
        <thead>
          <tr><th scope="col">Method</th><th scope="col">Role</th><th scope="col">Branch</th><th scope="col">Transport</th><th scope="col">State</th><th scope="col">Final</th><th scope="col">Retransmissions</th></tr>
        </thead>
        <tbody>
          {transactions.slice(0, limit).map((t) => {
            const expanded = open.has(t.id);
            const retrans = t.retransmissions.requests + t.retransmissions.responses;
            return (
              <Fragment key={t.id}>
                <tr className={expanded ? 'expanded' : undefined} data-transaction={t.id}>
                  <th scope="row">
                    <button type="button" className="link-button" aria-expanded={expanded} aria-controls={`tx-${t.id}`} onClick={() => toggle(t.id)}>
                      <span aria-hidden="true">{expanded ? '▾' : '▸'}</span> {t.method}<span className="visually-hidden"> {ROLE_WORDS[t.role]} transaction {t.id}</span>
                    </button>
                  </th>
                  <td>{ROLE_WORDS[t.role]}</td>
                  <td className="mono branch" title={t.branch}>{t.branch ?? '—'}</td>
                  <td>{t.transport}</td>
                  <td><span className={`state state-${t.state.toLowerCase()}`}>{t.state}</span></td>
                  <td>{t.finalStatus ?? '—'}</td>
                  <td>{retrans === 0 ? '0' : `${t.retransmissions.requests} request, ${t.retransmissions.responses} response`}</td>
                </tr>
                {expanded && (
                  <tr id={`tx-${t.id}`} className="tx-details">
                    <td colSpan={7}><TransactionDetails t={t} t0={t0} onMessage={onMessage} /></td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {transactions.length > limit && (
        <p className="note">
          Showing {limit} of {transactions.length} transactions.{' '}
          <button type="button" className="secondary" onClick={() => setLimit((n) => n + TRANSACTIONS_PAGE * 5)}>Show {Math.min(TRANSACTIONS_PAGE * 5, transactions.length - limit)} more</button>
        </p>
      )}
    </div>
  );
}

function TransactionDetails({ t, t0, onMessage }: { readonly t: TransactionModel; readonly t0: number; readonly onMessage: (index: number) => void }) {
  return (
    <div className="tx-grid">
      <div>
        <h4 className="pane-sub">State history</h4>
        {t.states.length === 0 ? <p className="muted">No state change recorded.</p> : (
          <ol className="tx-list">
            {t.states.map((s, i) => (
              <li key={i}><span className="mono">{seconds(s.at - t0)}</span> {s.from} → <strong>{s.to}</strong> <span className="muted">({s.cause})</span></li>
            ))}
          </ol>
        )}
      </div>
      <div>
        <h4 className="pane-sub">Timers</h4>
        {t.timers.length === 0 ? (
          <p className="muted">{t.source === 'derived' ? 'Timers are not visible in a capture (the states were replayed from the messages).' : 'No timers.'}</p>
        ) : (
          <ol className="tx-list">
            {t.timers.map((r, i) => (
              <li key={i} className={`timer timer-${r.event}`}>
                <span className="mono">{seconds(r.at - t0)}</span> Timer {r.timer} {r.event}{r.event === 'started' ? ` (${shortDuration(r.durationMs)})` : ''}
              </li>
            ))}
          </ol>
        )}
      </div>
      <div>
        <h4 className="pane-sub">Messages</h4>
        <p>
          {t.messages.map((index) => (
            <button key={index} type="button" className="link-button" onClick={() => onMessage(index)} aria-label={`Show message #${index} in the ladder`}>#{index}</button>
          ))}
        </p>
        <p className="muted">Key <span className="mono">{t.matchKey}</span>{t.cseq !== undefined ? ` · CSeq ${t.cseq}` : ''} · {t.source === 'stream' ? 'from the stack' : 'replayed from the messages'}</p>
      </div>
    </div>
  );
}
