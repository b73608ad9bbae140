// Which ladder rows are shown: by method, by status class, by text, with or without
// retransmissions and keep-alives (OPTIONS pings and their answers).
import type { MessageSummary } from '../../../main/contract/diagnostics.js';
import type { LadderLayout } from './ladder-layout.js';

export type StatusFilter = '' | 'requests' | 'responses' | '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | '6xx' | 'errors';

export interface LadderFilter {
  /** '' for every method; a response matches its transaction's method. */
  readonly method: string;
  readonly status: StatusFilter;
  /** Case-insensitive; matched against the start line, addresses, SDP summary and "#index". */
  readonly search: string;
  readonly showRetransmissions: boolean;
  readonly showKeepAlives: boolean;
}

export const NO_FILTER: LadderFilter = { method: '', status: '', search: '', showRetransmissions: true, showKeepAlives: true };

export const STATUS_FILTERS: ReadonlyArray<{ readonly value: StatusFilter; readonly label: string }> = [
  { value: '', label: 'Any' },
  { value: 'requests', label: 'Requests only' },
  { value: 'responses', label: 'Responses only' },
  { value: '1xx', label: '1xx provisional' },
  { value: '2xx', label: '2xx success' },
  { value: '3xx', label: '3xx redirect' },
  { value: '4xx', label: '4xx client error' },
  { value: '5xx', label: '5xx server error' },
  { value: '6xx', label: '6xx global failure' },
  { value: 'errors', label: 'Errors (3xx-6xx)' },
];

export function isFiltering(filter: LadderFilter): boolean {
  return filter.method !== '' || filter.status !== '' || filter.search.trim() !== '' || !filter.showRetransmissions || !filter.showKeepAlives;
}

function statusMatches(filter: StatusFilter, request: boolean, status: number | undefined): boolean {
  switch (filter) {
    case '':
      return true;
    case 'requests':
      return request;
    case 'responses':
      return !request;
    case 'errors':
      return status !== undefined && status >= 300;
    default:
      return status !== undefined && Math.floor(status / 100) === Number(filter[0]);
  }
}

/** Whether one message passes the filter. */
export function passes(m: MessageSummary, row: LadderLayout['rows'][number], filter: LadderFilter, needle = filter.search.trim().toLowerCase()): boolean {
  if (!filter.showRetransmissions && m.retransmission) return false;
  if (!filter.showKeepAlives && row.kind.method === 'OPTIONS') return false;
  if (filter.method !== '' && row.kind.method !== filter.method) return false;
  if (!statusMatches(filter.status, row.kind.request, row.kind.status)) return false;
  if (needle === '') return true;
  if (needle.startsWith('#')) return `#${m.index}` === needle;
  return m.startLine.toLowerCase().includes(needle)
    || (m.sdp?.toLowerCase().includes(needle) ?? false)
    || (m.src?.toLowerCase().includes(needle) ?? false)
    || (m.dst?.toLowerCase().includes(needle) ?? false);
}

/** Positions (in `messages`) of the rows shown. */
export function visiblePositions(messages: readonly MessageSummary[], layout: LadderLayout, filter: LadderFilter): number[] {
  const out: number[] = [];
  const needle = filter.search.trim().toLowerCase();
  const all = !isFiltering(filter);
  const n = Math.min(messages.length, layout.rows.length);
  for (let i = 0; i < n; i++) if (all || passes(messages[i]!, layout.rows[i]!, filter, needle)) out.push(i);
  return out;
}

/** The methods present (requests' methods, in order of first appearance), for the method filter. */
export function methodsOf(layout: LadderLayout): string[] {
  const seen = new Set<string>();
  for (const row of layout.rows) if (row.kind.method !== '') seen.add(row.kind.method);
  return [...seen];
}
