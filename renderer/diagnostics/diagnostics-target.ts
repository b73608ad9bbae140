// What the phone asks the Diagnostics view to open, and the key of a phone call's diagnostics.
// Kept apart from the view so the phone does not load the panel's code (it is loaded when
// the view is first opened).
import type { CallView } from '../../main/contract/app-api.js';

export interface DiagnosticsTarget {
  /** `live:<call id>` (a call card), `recent:<call id>` (history), `import:…`. */
  readonly key: string;
  readonly sipCallId?: string;
  readonly peer: string;
}

/** The key a phone call's diagnostics are under: `live:` works while it is up and after (the host resolves it). */
export function liveKeyOf(call: Pick<CallView, 'id'>): string {
  return `live:${call.id}`;
}
