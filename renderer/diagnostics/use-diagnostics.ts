// The page's side of the host's diagnostics: the list of calls (live, recent, imported),
// kept current by `diagnostics-listed` events, and one call's data: subscribed (trying the
// other form of a phone call's key when the first is not found), then kept current by its
// `call-diagnostics` updates until the panel closes, when the subscription is dropped.
import { useEffect, useState } from 'react';
import type { AppApi, CallDiagnosticsUpdate, CallListItem } from '../../main/contract/app-api.js';
import { applyUpdate, fromSnapshot, type CallData } from './model/call-data.js';
import { keysToTry } from './model/call-key.js';

export function useCallList(api: AppApi): { readonly calls: readonly CallListItem[]; readonly error?: string } {
  const [state, setState] = useState<{ calls: readonly CallListItem[]; error?: string }>({ calls: [] });
  useEffect(() => {
    let current = true;
    const off = api.onEvent((event) => {
      if (event.type === 'diagnostics-listed') setState({ calls: event.calls });
    });
    void api.listDiagnostics().then((result) => {
      if (!current) return;
      setState(result.ok ? { calls: result.value } : { calls: [], error: result.error.message });
    });
    return () => {
      current = false;
      off();
    };
  }, [api]);
  return state;
}

export type CallState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'ready'; readonly data: CallData };

export function useCallDiagnostics(api: AppApi, key: string | undefined): CallState {
  const [state, setState] = useState<CallState>({ kind: 'loading' });
  useEffect(() => {
    if (key === undefined) return undefined;
    setState({ kind: 'loading' });
    let subscriptionId: number | undefined;
    let closed = false;
    // Updates that arrive before the subscription's answer wait here.
    const early: CallDiagnosticsUpdate[] = [];
    const off = api.onEvent((event) => {
      if (event.type !== 'call-diagnostics') return;
      if (subscriptionId === undefined) early.push(event.update);
      else if (event.update.subscriptionId === subscriptionId) {
        const update = event.update;
        setState((s) => (s.kind === 'ready' ? { kind: 'ready', data: applyUpdate(s.data, update) } : s));
      }
    });
    void (async () => {
      const keys = keysToTry(key);
      if (keys.length === 0) {
        setState({ kind: 'error', message: 'This call has no diagnostics kept (they are kept for recent calls only).' });
        return;
      }
      let message = '';
      for (const candidate of keys) {
        const result = await api.subscribeCall({ key: candidate });
        if (closed) {
          if (result.ok) void api.unsubscribeCall({ subscriptionId: result.value.subscriptionId });
          return;
        }
        if (result.ok) {
          subscriptionId = result.value.subscriptionId;
          let data = fromSnapshot(result.value.snapshot);
          for (const update of early) if (update.subscriptionId === subscriptionId) data = applyUpdate(data, update);
          early.length = 0;
          setState({ kind: 'ready', data });
          return;
        }
        message ||= result.error.message.replace(/^\w+: /, '');
      }
      setState({ kind: 'error', message });
    })();
    return () => {
      closed = true;
      off();
      if (subscriptionId !== undefined) void api.unsubscribeCall({ subscriptionId });
    };
  }, [api, key]);
  return key === undefined ? { kind: 'error', message: 'No call chosen.' } : state;
}
