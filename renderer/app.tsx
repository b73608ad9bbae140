// The phone: registration always in view, the dial field, the calls as they happen, live
// quality, devices and history; settings (accounts, devices, host) one click away.
import { lazy, Suspense, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { AppInfo, CallView, HistoryEntry } from '../main/contract/app-api.js';
import type { AppClient, ConnectionState } from './api/app-client.js';
import { AccountSettings } from './components/account-settings.js';
import { AccountStatusList } from './components/account-status-list.js';
import { AlertsPanel, useIncomingNotification } from './components/alerts-panel.js';
import { CallCard } from './components/call-card.js';
import { ConnectionStatus } from './components/connection-status.js';
import { DevicesPanel } from './components/devices-panel.js';
import { Dialer } from './components/dialer.js';
import { HistoryList } from './components/history-list.js';
import { HostInfo } from './components/host-info.js';
import { liveKeyOf, type DiagnosticsTarget } from './diagnostics/diagnostics-target.js';
import { MediaOwnerBanner } from './components/media-owner-banner.js';
import { QualityPanel } from './components/quality-panel.js';
import { ShortcutHelp } from './components/shortcut-help.js';
import { TestLinePanel } from './components/test-line-panel.js';
import { isConnected, isRingingIn } from './lib/call-text.js';
import { phoneFor, useNow, usePhoneSnapshot } from './phone/use-phone.js';
import { useShortcuts } from './phone/use-shortcuts.js';

// The panel (its ladder, chart and exports) loads when the Diagnostics view is first opened.
const DiagnosticsView = lazy(async () => ({ default: (await import('./diagnostics/diagnostics-view.js')).DiagnosticsView }));

export interface AppProps {
  readonly client: AppClient;
}

type View = { kind: 'phone' } | { kind: 'settings'; editId?: string } | { kind: 'diagnostics'; target?: DiagnosticsTarget };

function useConnectionState(client: AppClient): ConnectionState {
  return useSyncExternalStore((onChange) => client.subscribe(onChange), () => client.state());
}

export function App({ client }: AppProps) {
  const connection = useConnectionState(client);
  const connected = connection.kind === 'connected';
  const phone = phoneFor(client.api);
  const snapshot = usePhoneSnapshot(phone.store);
  const [info, setInfo] = useState<AppInfo | undefined>();
  const [view, setView] = useState<View>({ kind: 'phone' });
  const dialInput = useRef<HTMLInputElement>(null);
  const saved = snapshot.settings?.accounts ?? [];
  // The built-in test line's account (while it runs) comes after the user's own.
  const testLineAccount = snapshot.testLine?.account;
  const accounts = testLineAccount === undefined ? saved : [...saved, testLineAccount];
  const calls = snapshot.calls;
  const ticking = calls.some((c) => c.phase !== 'ended') || [...snapshot.statuses.values()].some((s) => s.state === 'retrying');
  const now = useNow(ticking);

  useEffect(() => {
    if (!connected) return;
    void phone.store.load();
    void client.api.getAppInfo().then((result) => {
      if (result.ok) setInfo(result.value);
    });
  }, [client, connected, phone]);

  // Until an account exists, the phone opens on the account form — unless the built-in test
  // line runs (a fresh install): then there is something to call at once.
  const loaded = snapshot.settings !== undefined && snapshot.testLine !== undefined;
  useEffect(() => {
    if (loaded && saved.length === 0 && snapshot.testLine?.enabled !== true) setView({ kind: 'settings' });
  }, [loaded]);

  useShortcuts(client.api, phone.store, calls, snapshot.muted, dialInput);

  const ringing = calls.find(isRingingIn);
  useIncomingNotification(ringing);
  useEffect(() => {
    document.title = ringing ? `Incoming call: ${ringing.peer.display || ringing.peer.uri} — Callscope` : 'Callscope';
  }, [ringing?.id]);

  const showDiagnostics = (target: DiagnosticsTarget): void => setView({ kind: 'diagnostics', target });
  // A call's diagnostics are `live:<id>` while it is up; the host answers the same key with the saved call afterwards.
  const callDiagnostics = (call: CallView) => showDiagnostics({ key: liveKeyOf(call), sipCallId: call.sipCallId, peer: call.peer.display || call.peer.uri });
  const historyDiagnostics = (entry: HistoryEntry) => showDiagnostics({ key: entry.diagnosticsKey ?? `history:${entry.id}`, peer: entry.peerDisplay || entry.peerUri });
  const callBack = (target: string): void => {
    setView({ kind: 'phone' });
    phone.store.requestDial(target);
  };

  // Live quality follows the call being talked on (or heard in early media); it goes when the call ends.
  const current = [...calls].reverse().find((c) => isConnected(c) || c.phase === 'early-media');

  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand">
          <img className="brand-mark" src="./favicon.svg" alt="" width={32} height={32} />
          <div>
            <h1>Callscope</h1>
            <p className="tagline">WebRTC softphone that shows what every SIP transaction really did</p>
          </div>
        </div>
        <nav className="tabs" aria-label="Views">
          <button type="button" className="tab" aria-current={view.kind === 'phone' ? 'page' : undefined} onClick={() => setView({ kind: 'phone' })}>
            Phone{snapshot.missed > 0 ? ` (${snapshot.missed} missed)` : ''}
          </button>
          <button type="button" className="tab" aria-current={view.kind === 'diagnostics' ? 'page' : undefined} onClick={() => setView({ kind: 'diagnostics' })}>Diagnostics</button>
          <button type="button" className="tab" aria-current={view.kind === 'settings' ? 'page' : undefined} onClick={() => setView({ kind: 'settings' })}>Settings</button>
        </nav>
        <ConnectionStatus state={connection} />
      </header>

      {connection.kind === 'refused' ? (
        <main className="content">
          <section className="panel panel-alert" role="alert" aria-labelledby="refused-title">
            <h2 id="refused-title">Access refused</h2>
            <p>{connection.reason}</p>
          </section>
        </main>
      ) : (
        <main className={`content${view.kind === 'diagnostics' ? ' content-wide' : ''}`}>
          {snapshot.notices.map((n) => (
            <div key={n.id} className={`banner banner-${n.level === 'info' ? 'ok' : 'error'} row`} role={n.level === 'info' ? 'status' : 'alert'}>
              <span>{n.text}</span>
              <button type="button" className="secondary" onClick={() => phone.store.dismissNotice(n.id)}>Dismiss</button>
            </div>
          ))}
          <MediaOwnerBanner state={snapshot.media} connected={connected} onTakeOver={() => void phone.store.forceClaim()} />
          <AccountStatusList api={client.api} accounts={accounts} statuses={snapshot.statuses} now={now} onEdit={(id) => setView({ kind: 'settings', editId: id })} />

          {view.kind === 'diagnostics' && (
            <Suspense fallback={<section className="panel" aria-busy="true"><p className="muted">Loading the diagnostics panel…</p></section>}>
              <DiagnosticsView api={client.api} target={view.target} calls={calls} app={info} onBack={() => setView({ kind: 'phone' })} />
            </Suspense>
          )}

          {/* Calls stay in view on every screen: settings can be changed during a call. */}
          {calls.length > 0 && (
            <section className="calls" aria-label="Calls">
              {calls.map((call) => (
                <CallCard key={call.id} call={call} api={client.api} store={phone.store} muted={snapshot.muted.has(call.id)} now={now}
                  others={calls.filter((c) => c.id !== call.id && isConnected(c))} onDiagnostics={callDiagnostics} onCallBack={callBack} />
              ))}
            </section>
          )}

          {view.kind === 'phone' && (
            <div className="columns">
              <div className="column">
                <Dialer api={client.api} store={phone.store} accounts={accounts} statuses={snapshot.statuses} dialRequest={snapshot.dialRequest}
                  testLineNumbers={snapshot.testLine?.numbers ?? []}
                  inputRef={dialInput} disabled={!connected || !snapshot.media.owner} onAddAccount={() => setView({ kind: 'settings' })}
                  onTurnTestLineOn={snapshot.testLine?.enabled === false ? () => phone.store.setTestLine(true) : undefined} />
                <QualityPanel call={current} quality={current === undefined ? undefined : snapshot.quality.get(current.id)}
                  microphone={current === undefined ? undefined : phone.media.media(current.id)?.sending?.label} />
                <ShortcutHelp />
              </div>
              <div className="column">
                <HistoryList api={client.api} entries={snapshot.history} missed={snapshot.missed} onCallBack={callBack} onDiagnostics={historyDiagnostics} />
              </div>
            </div>
          )}

          {view.kind === 'settings' && (
            <div className="columns">
              <div className="column">
                <AccountSettings api={client.api} settings={snapshot.settings} disabled={!connected} editId={view.editId} />
              </div>
              <div className="column">
                <TestLinePanel testLine={snapshot.testLine} disabled={!connected} onChange={(enabled) => phone.store.setTestLine(enabled)} />
                <DevicesPanel devices={phone.devices} deviceError={phone.media.deviceError} />
                <AlertsPanel />
                <HostInfo info={info} />
              </div>
            </div>
          )}
        </main>
      )}
    </div>
  );
}
