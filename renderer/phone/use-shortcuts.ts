// Keyboard control of the calls (see lib/shortcuts.ts for the keys).
import { useEffect } from 'react';
import type { RefObject } from 'react';
import type { AppApi, CallView } from '../../main/contract/app-api.js';
import { isConnected, isRingingIn } from '../lib/call-text.js';
import { shortcutFor } from '../lib/shortcuts.js';
import type { PhoneStore } from './phone-store.js';

function inTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'range'].includes(target.type);
}

export function useShortcuts(api: AppApi, store: PhoneStore, calls: readonly CallView[], muted: ReadonlySet<string>, dialInput: RefObject<HTMLInputElement | null>): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const action = shortcutFor({ key: event.key, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey, inTextField: inTextField(event.target) });
      if (action === undefined) return;
      const ringing = calls.find(isRingingIn);
      const current = [...calls].reverse().find(isConnected) ?? [...calls].reverse().find((c) => c.phase !== 'ended' && !isRingingIn(c));
      const handled = (): void => event.preventDefault();
      // What a key did is not shown by a click: a refusal goes to the notices.
      const report = (result: Promise<{ ok: boolean; error?: { message: string } }>): void => {
        void result.then((r) => {
          if (!r.ok) store.notify('error', r.error?.message ?? 'That did not work');
        });
      };
      switch (action.kind) {
        case 'answer':
          if (ringing) { handled(); report(api.answer({ callId: ringing.id })); }
          return;
        case 'decline':
          if (ringing) { handled(); report(api.reject({ callId: ringing.id, status: 603 })); }
          return;
        case 'hangup':
          if (current) { handled(); report(api.hangup({ callId: current.id })); }
          return;
        case 'mute':
          if (current && isConnected(current)) { handled(); store.setMuted(current.id, !muted.has(current.id)); }
          return;
        case 'hold':
          if (current && isConnected(current)) {
            handled();
            report(current.hold.local ? api.resume({ callId: current.id }) : api.hold({ callId: current.id }));
          }
          return;
        case 'digit':
          if (current && isConnected(current)) { handled(); report(api.sendDtmf({ callId: current.id, tones: action.digit })); }
          return;
        case 'focus-dial':
          handled();
          dialInput.current?.focus();
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [api, store, calls, muted, dialInput]);
}
