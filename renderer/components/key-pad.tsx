// The twelve keys of a phone, for dialling and for tones in a call.
import { DIAL_PAD } from '../lib/dial-text.js';

export interface KeyPadProps {
  readonly label: string;
  readonly onKey: (key: string) => void;
  readonly disabled?: boolean;
}

export function KeyPad({ label, onKey, disabled = false }: KeyPadProps) {
  return (
    <div className="key-pad" role="group" aria-label={label}>
      {DIAL_PAD.map(({ key, letters }) => (
        <button key={key} type="button" className="key" onClick={() => onKey(key)} disabled={disabled}
          aria-label={key === '*' ? 'Star' : key === '#' ? 'Pound' : `Digit ${key}`}>
          <span className="key-digit" aria-hidden="true">{key}</span>
          <span className="key-letters" aria-hidden="true">{letters}</span>
        </button>
      ))}
    </div>
  );
}
