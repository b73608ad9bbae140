// Where a call's diagnostics open. The diagnostics panel itself is its own piece of work;
// until it lands this view names the call and says so. Opening it also fires the
// `callscope:open-diagnostics` window event with the call's keys, for the panel to hook.
export interface DiagnosticsTarget {
  /** `recent:<call id>` (live or history), as the diagnostics operations take it. */
  readonly key: string;
  readonly sipCallId?: string;
  readonly peer: string;
}

export const OPEN_DIAGNOSTICS_EVENT = 'callscope:open-diagnostics';

export function openDiagnostics(target: DiagnosticsTarget): void {
  window.dispatchEvent(new CustomEvent(OPEN_DIAGNOSTICS_EVENT, { detail: target }));
}

export function DiagnosticsPlaceholder({ target, onBack }: { readonly target: DiagnosticsTarget; readonly onBack: () => void }) {
  return (
    <section className="panel" aria-labelledby="diagnostics-title">
      <div className="panel-head">
        <h2 id="diagnostics-title">Diagnostics: call with {target.peer}</h2>
        <button type="button" className="secondary" onClick={onBack}>Back to the phone</button>
      </div>
      <dl className="facts">
        <dt>Call</dt><dd className="mono">{target.key}</dd>
        {target.sipCallId !== undefined && <><dt>SIP Call-ID</dt><dd className="mono">{target.sipCallId}</dd></>}
      </dl>
      <p className="note">The diagnostics panel (SIP ladder, transactions, timers and findings for this call) is not part of this version yet.</p>
    </section>
  );
}
