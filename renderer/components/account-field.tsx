// One text field of the account form with its label, hint and the error as you type.
export interface AccountFieldProps {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly error: string | undefined;
  readonly onChange: (value: string) => void;
  readonly type?: string;
  readonly placeholder?: string;
  readonly required?: boolean;
  readonly autoComplete?: string;
  readonly hint?: string;
}

export function AccountField({ id, label, value, error, onChange, type = 'text', placeholder, required = false, autoComplete = 'off', hint }: AccountFieldProps) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} type={type} value={value} onChange={(event) => onChange(event.target.value)} placeholder={placeholder} required={required}
        autoComplete={autoComplete} spellCheck={false} aria-invalid={error !== undefined} aria-describedby={`${id}-error${hint ? ` ${id}-hint` : ''}`} />
      {hint !== undefined && <p id={`${id}-hint`} className="note">{hint}</p>}
      <p id={`${id}-error`} className="field-error" role="status">{error === undefined ? '' : `${label} ${error}`}</p>
    </>
  );
}
