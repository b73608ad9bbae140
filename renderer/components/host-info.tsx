import type { AppInfo } from '../../main/contract/app-api.js';
import { assertNever } from '../../main/contract/assert-never.js';

function modeLabel(mode: AppInfo['mode']): string {
  switch (mode) {
    case 'electron':
      return 'Desktop app (Electron)';
    case 'browser':
      return 'Browser mode (local host on 127.0.0.1)';
    default:
      return assertNever(mode, 'host mode');
  }
}

export function HostInfo({ info }: { readonly info: AppInfo | undefined }) {
  return (
    <section className="panel" aria-labelledby="host-title">
      <h2 id="host-title">Host</h2>
      {info === undefined ? (
        <p className="muted">Waiting for the host…</p>
      ) : (
        <dl className="facts" aria-label="Host information">
          <dt>Version</dt>
          <dd>{info.name} {info.version}</dd>
          <dt>Mode</dt>
          <dd>{modeLabel(info.mode)}</dd>
          <dt>Platform</dt>
          <dd>
            {info.platform}, Node {info.versions.node}
            {info.versions.electron !== undefined && `, Electron ${info.versions.electron}`}
          </dd>
          <dt>Settings folder</dt>
          <dd className="mono">{info.dataDir}</dd>
          <dt>Passwords</dt>
          <dd>Encrypted at rest: {info.secretStorage}</dd>
        </dl>
      )}
    </section>
  );
}
