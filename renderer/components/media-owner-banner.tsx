// Which window is the phone: only one page holds the calls' audio at a time.
import type { MediaOwnerState } from '../../main/contract/app-api.js';

export function MediaOwnerBanner({ state, connected, onTakeOver }: { readonly state: MediaOwnerState; readonly connected: boolean; readonly onTakeOver: () => void }) {
  if (!connected || state.owner || !state.elsewhere) return null;
  return (
    <div className="banner banner-warn row" role="alert">
      <span>Another Callscope window is the phone right now: calls ring and play there.{state.reason !== undefined ? ` ${state.reason}` : ''}</span>
      <button type="button" onClick={onTakeOver}>Use this window</button>
    </div>
  );
}
