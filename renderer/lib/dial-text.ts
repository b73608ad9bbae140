// The dial field: what a pasted link or number looks like once cleaned (the host does the
// real normalisation into a URI), and the recent numbers kept for redial.

/** Trims, drops surrounding <>, quotes and a leading "callto:", joins lines. */
export function cleanDialInput(text: string): string {
  let value = text.replace(/[\r\n\t]+/g, ' ').trim();
  value = value.replace(/^["'<]+|[>"']+$/g, '').trim();
  value = value.replace(/^callto:(\/\/)?/i, '');
  return value;
}

export interface RecentTarget {
  readonly target: string;
  readonly at: number;
}

/** Most recent first, no duplicates, at most `max`. */
export function rememberTarget(list: readonly RecentTarget[], target: string, at: number, max = 8): RecentTarget[] {
  const cleaned = target.trim();
  if (cleaned === '') return [...list];
  return [{ target: cleaned, at }, ...list.filter((r) => r.target !== cleaned)].slice(0, max);
}

const RECENT_KEY = 'callscope.recent-targets.v1';

export function loadRecent(storage: { getItem(key: string): string | null }): RecentTarget[] {
  try {
    const value: unknown = JSON.parse(storage.getItem(RECENT_KEY) ?? '[]');
    if (!Array.isArray(value)) return [];
    return value.filter((v): v is RecentTarget => typeof v === 'object' && v !== null
      && typeof (v as RecentTarget).target === 'string' && (v as RecentTarget).target.length <= 512 && typeof (v as RecentTarget).at === 'number').slice(0, 8);
  } catch {
    return [];
  }
}

export function saveRecent(storage: { setItem(key: string, value: string): void }, list: readonly RecentTarget[]): void {
  try {
    storage.setItem(RECENT_KEY, JSON.stringify(list));
  } catch {
    // Storage blocked or full: recent numbers last for this session only.
  }
}

/** The keys of a phone's dial pad, with the letters printed on them. */
export const DIAL_PAD: readonly { readonly key: string; readonly letters: string }[] = [
  { key: '1', letters: '' }, { key: '2', letters: 'ABC' }, { key: '3', letters: 'DEF' },
  { key: '4', letters: 'GHI' }, { key: '5', letters: 'JKL' }, { key: '6', letters: 'MNO' },
  { key: '7', letters: 'PQRS' }, { key: '8', letters: 'TUV' }, { key: '9', letters: 'WXYZ' },
  { key: '*', letters: '' }, { key: '0', letters: '+' }, { key: '#', letters: '' },
];
