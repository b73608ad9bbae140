import type { ConnectionState } from '../api/app-client.js';
import { assertNever } from '../../main/contract/assert-never.js';

function describe(state: ConnectionState): { label: string; tone: 'ok' | 'pending' | 'bad'; detail?: string } {
  switch (state.kind) {
    case 'connecting':
      return { label: 'Connecting to host…', tone: 'pending' };
    case 'connected':
      return { label: 'Connected to host', tone: 'ok', detail: state.transport === 'websocket' ? 'local bridge' : 'Electron' };
    case 'disconnected':
      return { label: 'Host unreachable', tone: 'pending', detail: state.reason };
    case 'refused':
      return { label: 'Access refused', tone: 'bad' };
    default:
      return assertNever(state, 'connection state');
  }
}

export function ConnectionStatus({ state }: { readonly state: ConnectionState }) {
  const { label, tone, detail } = describe(state);
  return (
    <div className={`status status-${tone}`} role="status" aria-label="Host connection" title={detail}>
      <span className="status-dot" aria-hidden="true" />
      <span>{label}</span>
      {detail !== undefined && tone === 'ok' && <span className="status-detail">({detail})</span>}
    </div>
  );
}
