// One call as it happens: who, the state in words (dialling, ringing, early media,
// connected with a timer, on hold, ended with the cause and SIP status), and the controls
// that make sense in that state. Every control has an accessible name.
import { useId, useState } from 'react';
import type { AppApi, CallView } from '../../main/contract/app-api.js';
import { callStateText, isConnected, isRingingIn } from '../lib/call-text.js';
import type { PhoneStore } from '../phone/phone-store.js';
import { KeyPad } from './key-pad.js';
import { TransferForm } from './transfer-form.js';

export interface CallCardProps {
  readonly call: CallView;
  readonly api: AppApi;
  readonly store: PhoneStore;
  readonly muted: boolean;
  /** Other calls up now (attended transfer targets). */
  readonly others: readonly CallView[];
  readonly now: number;
  readonly onDiagnostics: (call: CallView) => void;
  readonly onCallBack: (target: string) => void;
}

export function CallCard({ call, api, store, muted, others, now, onDiagnostics, onCallBack }: CallCardProps) {
  const id = useId();
  const [panel, setPanel] = useState<'none' | 'keypad' | 'transfer'>('none');
  const [tones, setTones] = useState('');
  const [error, setError] = useState<string | undefined>();
  const text = callStateText(call, now);
  const ringingIn = isRingingIn(call);
  const connected = isConnected(call);
  const ended = call.phase === 'ended';
  const who = call.peer.display || call.peer.uri;

  const run = async (action: () => Promise<{ ok: boolean; error?: { message: string } }>): Promise<void> => {
    setError(undefined);
    const result = await action();
    if (!result.ok) setError(result.error?.message.replace(/^\w+: /, '') ?? 'That did not work');
  };

  const sendTone = (key: string): void => {
    setTones((t) => (t + key).slice(-24));
    void run(() => api.sendDtmf({ callId: call.id, tones: key }));
  };

  return (
    <article className={`call-card tone-${text.tone}`} aria-labelledby={`${id}-who`} data-call-id={call.id} data-phase={call.phase}>
      <header className="call-head">
        <div className="call-who">
          <span className="call-direction">{call.direction === 'incoming' ? 'Incoming call' : 'Outgoing call'}{call.autoAnswered ? ' (answered automatically)' : ''}</span>
          <h3 id={`${id}-who`} className="call-peer">{who}</h3>
          {call.peer.display !== '' && call.peer.display !== call.peer.uri && <span className="mono muted">{call.peer.uri}</span>}
        </div>
        {call.replaces !== undefined && <span className="badge">Replaces another call</span>}
      </header>

      <div className="call-state" role="status" aria-label="Call state">
        <strong className="call-title">{text.title}</strong>
        {text.detail !== undefined && <span className="call-detail">{text.detail}</span>}
        {text.tone === 'failed' && call.end?.status !== undefined && !text.title.includes(String(call.end.status)) && (
          <span className="call-detail">SIP status {call.end.status}</span>
        )}
        {ended && call.end?.reasonHeader !== undefined && <span className="call-detail mono">Reason: {call.end.reasonHeader}</span>}
      </div>

      {call.transfer !== undefined && !ended && (
        <p className="note" role="status">Transfer: {call.transfer.words}</p>
      )}

      <div className="call-controls" role="group" aria-label="Call controls">
        {ringingIn && (
          <>
            <button type="button" className="answer" aria-keyshortcuts="A" onClick={() => void run(() => api.answer({ callId: call.id }))}>Answer</button>
            <button type="button" className="danger" aria-keyshortcuts="D" onClick={() => void run(() => api.reject({ callId: call.id, status: 603 }))}>Decline</button>
            <button type="button" className="secondary" onClick={() => void run(() => api.reject({ callId: call.id, status: 486 }))}>Decline as busy</button>
          </>
        )}
        {connected && (
          <>
            <button type="button" className="secondary" aria-pressed={muted} aria-keyshortcuts="M" onClick={() => store.setMuted(call.id, !muted)}>
              {muted ? 'Unmute' : 'Mute'}
            </button>
            <button type="button" className="secondary" aria-pressed={call.hold.local} aria-keyshortcuts="H"
              onClick={() => void run(() => (call.hold.local ? api.resume({ callId: call.id }) : api.hold({ callId: call.id })))}>
              {call.hold.local ? 'Resume' : 'Hold'}
            </button>
            <button type="button" className="secondary" aria-expanded={panel === 'keypad'} onClick={() => setPanel(panel === 'keypad' ? 'none' : 'keypad')}>Keypad</button>
            <button type="button" className="secondary" aria-expanded={panel === 'transfer'} onClick={() => setPanel(panel === 'transfer' ? 'none' : 'transfer')}>Transfer</button>
          </>
        )}
        {!ended && !ringingIn && (
          <button type="button" className="hangup" aria-keyshortcuts="E" onClick={() => void run(() => api.hangup({ callId: call.id }))}>
            {connected ? 'Hang up' : 'Cancel call'}
          </button>
        )}
        {ended && (
          <>
            <button type="button" onClick={() => onCallBack(call.dialled ?? call.peer.uri)}>Call back</button>
            <button type="button" className="secondary" onClick={() => store.dismissCall(call.id)}>Dismiss</button>
          </>
        )}
        <button type="button" className="secondary" onClick={() => onDiagnostics(call)}>Diagnostics</button>
      </div>

      {connected && panel === 'keypad' && (
        <div className="call-keypad">
          <KeyPad label="Call keypad" onKey={sendTone} />
          <p className="note" role="status" aria-label="Tones sent">
            {tones === '' ? `Tones go ${call.dtmf === 'info' ? 'as SIP INFO' : 'in the audio (RFC 4733)'}.` : `Sent: ${tones}`}
          </p>
        </div>
      )}
      {connected && panel === 'transfer' && (
        <TransferForm api={api} call={call} others={others} onDone={() => setPanel('none')} />
      )}
      {error !== undefined && <p className="banner banner-error" role="alert">{error}</p>}
    </article>
  );
}
