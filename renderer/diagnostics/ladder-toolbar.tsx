// The ladder's filters: method, status class, text search, retransmissions and keep-alives.
import { useId } from 'react';
import { NO_FILTER, STATUS_FILTERS, isFiltering, type LadderFilter, type StatusFilter } from './model/filters.js';

export interface LadderToolbarProps {
  readonly filter: LadderFilter;
  readonly methods: readonly string[];
  readonly shown: number;
  readonly total: number;
  readonly onChange: (filter: LadderFilter) => void;
}

export function LadderToolbar({ filter, methods, shown, total, onChange }: LadderToolbarProps) {
  const id = useId();
  const set = (patch: Partial<LadderFilter>) => onChange({ ...filter, ...patch });
  return (
    <div className="ladder-toolbar" role="search" aria-label="Filter the ladder">
      <div>
        <label htmlFor={`${id}-method`}>Method</label>
        <select id={`${id}-method`} value={filter.method} onChange={(e) => set({ method: e.target.value })}>
          <option value="">Any method</option>
          {methods.map((m) => <option key={m} value={m}>{m}</option>)}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={filter.status} onChange={(e) => set({ status: e.target.value as StatusFilter })}>
          {STATUS_FILTERS.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
        </select>
      </div>
      <div className="ladder-search">
        <label htmlFor={`${id}-search`}>Search</label>
        <input id={`${id}-search`} type="text" value={filter.search} placeholder="text, address, or #index" onChange={(e) => set({ search: e.target.value })} />
      </div>
      <div className="ladder-checks">
        <label className="checkbox"><input type="checkbox" checked={filter.showRetransmissions} onChange={(e) => set({ showRetransmissions: e.target.checked })} /> Retransmissions</label>
        <label className="checkbox"><input type="checkbox" checked={filter.showKeepAlives} onChange={(e) => set({ showKeepAlives: e.target.checked })} /> Keep-alives (OPTIONS)</label>
      </div>
      <p className="ladder-count" role="status">{shown === total ? `${total} messages` : `${shown} of ${total} messages`}</p>
      {isFiltering(filter) && <button type="button" className="secondary" onClick={() => onChange(NO_FILTER)}>Clear filters</button>}
    </div>
  );
}
