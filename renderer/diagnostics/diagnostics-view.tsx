// The Diagnostics view: the calls the host has diagnostics for (live, recent, imported) and
// a trace import on the left, the chosen call's panel on the right. The phone opens it on a
// call (`live:<id>`: the host answers for it while it is up and, once saved, as `recent:<id>`).
import { useEffect, useState } from 'react';
import type { AppApi, AppInfo, CallListItem, CallView } from '../../main/contract/app-api.js';
import { CallList } from './call-list.js';
import './diagnostics.css';
import { CallPanel } from './call-panel.js';
import { ImportBox } from './import-box.js';
import { hostCallIdOf, parseKey } from './model/call-key.js';
import { useCallDiagnostics, useCallList } from './use-diagnostics.js';
import type { DiagnosticsTarget } from './diagnostics-target.js';

export interface DiagnosticsViewProps {
  readonly api: AppApi;
  readonly target: DiagnosticsTarget | undefined;
  /** The phone's calls (for their timings). */
  readonly calls: readonly CallView[];
  readonly app: AppInfo | undefined;
  readonly onBack: () => void;
}

function sameCall(a: string, b: string): boolean {
  const x = parseKey(a);
  const y = parseKey(b);
  return x !== undefined && y !== undefined && x.kind !== 'import' && y.kind !== 'import' ? x.id === y.id : a === b;
}

export function DiagnosticsView({ api, target, calls, app, onBack }: DiagnosticsViewProps) {
  const list = useCallList(api);
  const [key, setKey] = useState<string | undefined>(target?.key);
  useEffect(() => setKey(target?.key), [target?.key]);
  const item: CallListItem | undefined = key === undefined ? undefined : list.calls.find((c) => sameCall(c.key, key));
  const hostId = key === undefined ? undefined : hostCallIdOf(key);
  const call = hostId === undefined ? undefined : calls.find((c) => c.id === hostId);

  return (
    <section className="panel diagnostics" aria-labelledby="diagnostics-title">
      <div className="panel-head">
        <h2 id="diagnostics-title">Diagnostics{target && key === target.key ? `: call with ${target.peer}` : ''}</h2>
        <button type="button" className="secondary" onClick={onBack}>Back to the phone</button>
      </div>
      <div className="diagnostics-layout">
        <nav className="diagnostics-side" aria-label="Calls with diagnostics">
          {list.error && <p role="alert" className="banner banner-error">The calls could not be listed: {list.error}</p>}
          <CallList calls={list.calls} selected={item?.key ?? key} onSelect={(c) => setKey(c.key)} />
          <ImportBox api={api} onImported={(imported) => setKey(imported[0]?.key)} />
        </nav>
        <div className="diagnostics-main">
          {key === undefined
            ? <p className="muted empty-panel">Choose a call on the left, or open a trace file, to see what its SIP transactions did.</p>
            : <CallDiagnostics key={key} api={api} callKey={key} item={item} call={call} app={app} />}
        </div>
      </div>
    </section>
  );
}

interface CallDiagnosticsProps {
  readonly api: AppApi;
  readonly callKey: string;
  readonly item: CallListItem | undefined;
  readonly call: CallView | undefined;
  readonly app: AppInfo | undefined;
}

function CallDiagnostics({ api, callKey, item, call, app }: CallDiagnosticsProps) {
  const state = useCallDiagnostics(api, callKey);
  if (state.kind === 'loading') return <p className="muted" role="status">Loading the call's diagnostics…</p>;
  if (state.kind === 'error') {
    return (
      <div role="alert" className="banner banner-error">
        <p>This call's diagnostics could not be opened: {state.message}</p>
        <p className="note">Diagnostics are kept for recent calls and the last few imports; older ones are removed.</p>
      </div>
    );
  }
  const active = item?.active ?? (state.data.source === 'live' && call !== undefined && call.phase !== 'ended');
  return <CallPanel api={api} data={state.data} call={call} startedAt={item?.startedAt ?? call?.startedAt} active={active} app={app} {...(item?.fileName ? { fileName: item.fileName } : {})} />;
}
