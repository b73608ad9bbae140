// The first screen: who the host is, the accounts, and what works today.
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { AppInfo, SettingsView } from '../main/contract/app-api.js';
import type { AppClient, ConnectionState } from './api/app-client.js';
import { AccountSettings } from './components/account-settings.js';
import { CallPanel } from './components/call-panel.js';
import { ConnectionStatus } from './components/connection-status.js';
import { HostInfo } from './components/host-info.js';
import { MicrophoneCheck } from './components/microphone-check.js';

export interface AppProps {
  readonly client: AppClient;
}

function useConnectionState(client: AppClient): ConnectionState {
  return useSyncExternalStore(
    (onChange) => client.subscribe(onChange),
    () => client.state(),
  );
}

export function App({ client }: AppProps) {
  const connection = useConnectionState(client);
  const connected = connection.kind === 'connected';
  const [info, setInfo] = useState<AppInfo | undefined>();
  const [settings, setSettings] = useState<SettingsView | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();

  useEffect(() => client.api.onEvent((event) => {
    if (event.type === 'settings-changed') setSettings(event.settings);
  }), [client]);

  useEffect(() => {
    if (!connected) return;
    let current = true;
    void Promise.all([client.api.getAppInfo(), client.api.getSettings()]).then(([infoResult, settingsResult]) => {
      if (!current) return;
      if (infoResult.ok) setInfo(infoResult.value);
      if (settingsResult.ok) setSettings(settingsResult.value);
      const failure = !infoResult.ok ? infoResult.error : !settingsResult.ok ? settingsResult.error : undefined;
      setLoadError(failure?.message);
    });
    return () => {
      current = false;
    };
  }, [client, connected]);

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
        <main className="content">
          {loadError !== undefined && (
            <p className="banner banner-error" role="alert">
              {loadError}
            </p>
          )}
          <div className="columns">
            <div className="column">
              <AccountSettings api={client.api} settings={settings} disabled={!connected} />
            </div>
            <div className="column">
              <CallPanel info={info} />
              <MicrophoneCheck />
              <HostInfo info={info} />
            </div>
          </div>
        </main>
      )}
    </div>
  );
}
