// Transfer a call: blind (REFER to a number) or attended (to another call that is up, with
// Replaces so the two others talk to each other).
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import type { AppApi, CallView } from '../../main/contract/app-api.js';

export interface TransferFormProps {
  readonly api: AppApi;
  readonly call: CallView;
  readonly others: readonly CallView[];
  readonly onDone: () => void;
}

export function TransferForm({ api, call, others, onDone }: TransferFormProps) {
  const id = useId();
  const [target, setTarget] = useState('');
  const [error, setError] = useState<string | undefined>();

  const blind = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (target.trim() === '') return;
    const result = await api.transfer({ callId: call.id, target: target.trim() });
    if (!result.ok) setError(result.error.message.replace(/^transfer: /, ''));
    else onDone();
  };

  const attended = async (to: CallView): Promise<void> => {
    const result = await api.attendedTransfer({ callId: call.id, toCallId: to.id });
    if (!result.ok) setError(result.error.message.replace(/^attendedTransfer: /, ''));
    else onDone();
  };

  return (
    <div className="transfer">
      <form onSubmit={(event) => void blind(event)} aria-label="Blind transfer">
        <label htmlFor={`${id}-target`}>Transfer to</label>
        <div className="row">
          <input id={`${id}-target`} type="text" value={target} onChange={(event) => setTarget(event.target.value)} placeholder="number or SIP address" autoComplete="off" />
          <button type="submit" disabled={target.trim() === ''}>Transfer now</button>
        </div>
      </form>
      {others.length > 0 && (
        <div className="row wrap">
          {others.map((other) => (
            <button key={other.id} type="button" className="secondary" onClick={() => void attended(other)}>
              Connect with {other.peer.display || other.peer.uri}
            </button>
          ))}
        </div>
      )}
      <p className="note">{others.length > 0 ? '"Connect with" hands this call to the other call you have up (attended transfer).' : 'To talk to them first, put this call on hold and dial them, then transfer (attended).'}</p>
      {error !== undefined && <p className="banner banner-error" role="alert">{error}</p>}
    </div>
  );
}
