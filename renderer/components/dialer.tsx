// The dial field: numbers, users, user@host, SIP URIs and pasted tel:/sip: links. What the
// host will really dial is shown before dialling when it differs from what was typed. A
// dial pad, redial and the recent numbers; Enter dials.
import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent, RefObject } from 'react';
import type { AccountStatus, AccountView, AppApi, TestLineNumberView } from '../../main/contract/app-api.js';
import { cleanDialInput, loadRecent, rememberTarget, saveRecent, type RecentTarget } from '../lib/dial-text.js';
import type { DialRequest, PhoneStore } from '../phone/phone-store.js';
import { KeyPad } from './key-pad.js';

export interface DialerProps {
  readonly api: AppApi;
  readonly store: PhoneStore;
  readonly accounts: readonly AccountView[];
  readonly statuses: ReadonlyMap<string, AccountStatus>;
  readonly dialRequest: DialRequest | undefined;
  readonly inputRef: RefObject<HTMLInputElement | null>;
  readonly disabled: boolean;
  readonly onAddAccount: () => void;
  /** Given when the built-in test line was turned off: with no account, offer it back. */
  readonly onTurnTestLineOn?: (() => Promise<void>) | undefined;
  /** The built-in test line's numbers, offered when calling from its account. */
  readonly testLineNumbers: readonly TestLineNumberView[];
}

type Preview = { kind: 'none' } | { kind: 'changed'; uri: string } | { kind: 'invalid'; message: string };

export function Dialer({ api, store, accounts, statuses, dialRequest, inputRef, disabled, onAddAccount, onTurnTestLineOn, testLineNumbers }: DialerProps) {
  const id = useId();
  const [target, setTarget] = useState('');
  const [accountId, setAccountId] = useState<string | undefined>();
  const [preview, setPreview] = useState<Preview>({ kind: 'none' });
  const [padOpen, setPadOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [recent, setRecent] = useState<RecentTarget[]>(() => loadRecent(window.localStorage));
  const dialling = useRef(false);

  const enabled = accounts.filter((a) => a.enabled);
  // A registered account of the user's own first; the built-in test line when it is all there is.
  const preferred = enabled.find((a) => a.builtIn !== true && statuses.get(a.id)?.state === 'registered')
    ?? enabled.find((a) => statuses.get(a.id)?.state === 'registered') ?? enabled[0];
  const account = enabled.find((a) => a.id === accountId) ?? preferred;

  useEffect(() => {
    const value = cleanDialInput(target);
    if (value === '' || account === undefined) {
      setPreview({ kind: 'none' });
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      void api.normalizeTarget({ accountId: account.id, target: value }).then((result) => {
        if (!current) return;
        if (!result.ok) setPreview({ kind: 'invalid', message: result.error.message.replace(/^normalizeTarget: target /, '') });
        else setPreview(result.value.changed ? { kind: 'changed', uri: result.value.uri } : { kind: 'none' });
      });
    }, 150);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, target, account?.id]);

  const dial = async (raw: string): Promise<void> => {
    const value = cleanDialInput(raw);
    if (value === '' || account === undefined || dialling.current) return;
    dialling.current = true;
    setBusy(true);
    setError(undefined);
    const result = await api.dial({ accountId: account.id, target: value });
    dialling.current = false;
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message.replace(/^dial: /, ''));
      return;
    }
    store.track(result.value);
    const next = rememberTarget(recent, value, Date.now());
    setRecent(next);
    saveRecent(window.localStorage, next);
    setTarget('');
  };

  useEffect(() => {
    if (dialRequest === undefined) return;
    store.dialRequestHandled();
    setTarget(dialRequest.target);
    inputRef.current?.focus();
    if (dialRequest.dial) void dial(dialRequest.target);
  }, [dialRequest?.seq]);

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    void dial(target);
  };

  if (accounts.length === 0) {
    return (
      <section className="panel" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Call</h2>
        <p>Add your SIP account to start calling.</p>
        {onTurnTestLineOn !== undefined && (
          <p className="note">Or turn the built-in test line back on to try a call without an account.</p>
        )}
        <div className="form-actions row wrap">
          <button type="button" onClick={onAddAccount}>Add an account</button>
          {onTurnTestLineOn !== undefined && (
            <button type="button" className="secondary" disabled={disabled || busy} onClick={() => {
              setBusy(true);
              void onTurnTestLineOn().finally(() => setBusy(false));
            }}>Turn the test line on</button>
          )}
        </div>
      </section>
    );
  }

  const last = recent[0];
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Call</h2>
      <form className="call-form" onSubmit={submit} aria-label="Dial">
        {enabled.length > 1 && (
          <>
            <label htmlFor={`${id}-account`}>Call from</label>
            <select id={`${id}-account`} value={account?.id ?? ''} onChange={(event) => setAccountId(event.target.value)}>
              {enabled.map((a) => <option key={a.id} value={a.id}>{a.label || `${a.user}@${a.domain || a.serverUrl}`}</option>)}
            </select>
          </>
        )}
        <label htmlFor={`${id}-target`}>Number or SIP address</label>
        <div className="row">
          <input id={`${id}-target`} ref={inputRef} type="text" inputMode="tel" autoComplete="off" spellCheck={false}
            placeholder="2001, bob, bob@example.com or a tel:/sip: link" value={target} disabled={disabled || account === undefined}
            onChange={(event) => setTarget(event.target.value)} aria-describedby={`${id}-preview`} aria-keyshortcuts="/" />
          <button type="submit" className="call-button" disabled={disabled || busy || cleanDialInput(target) === '' || preview.kind === 'invalid'}>
            {busy ? 'Calling…' : 'Call'}
          </button>
        </div>
        <p id={`${id}-preview`} className="note" aria-live="polite">
          {preview.kind === 'changed' && <>Will dial <span className="mono">{preview.uri}</span></>}
          {preview.kind === 'invalid' && <span className="text-bad">Cannot dial this: {preview.message}</span>}
        </p>
        <div className="row wrap">
          <button type="button" className="secondary" aria-expanded={padOpen} onClick={() => setPadOpen(!padOpen)}>
            {padOpen ? 'Hide dial pad' : 'Dial pad'}
          </button>
          <button type="button" className="secondary" disabled={disabled || last === undefined || busy} onClick={() => last && void dial(last.target)}>
            Redial{last === undefined ? '' : ` ${last.target}`}
          </button>
        </div>
        {padOpen && <KeyPad label="Dial pad" onKey={(key) => {
          setTarget((t) => t + key);
          inputRef.current?.focus();
        }} />}
      </form>
      {error !== undefined && <p className="banner banner-error" role="alert">{error}</p>}
      {account?.builtIn === true && testLineNumbers.length > 0 && (
        <TestLineNumbers numbers={testLineNumbers} disabled={disabled} onPick={(number) => {
          setTarget(number);
          inputRef.current?.focus();
        }} />
      )}
      {recent.length > 1 && (
        <div className="recent">
          <h3 id={`${id}-recent`}>Recent numbers</h3>
          <ul aria-labelledby={`${id}-recent`} className="chips">
            {recent.slice(0, 6).map((r) => (
              <li key={r.target}>
                <button type="button" className="chip" onClick={() => setTarget(r.target)} aria-label={`Use ${r.target}`}>{r.target}</button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** The test line's numbers as buttons that fill the dial field: the working ones, then the faults. */
function TestLineNumbers({ numbers, disabled, onPick }: {
  readonly numbers: readonly TestLineNumberView[];
  readonly disabled: boolean;
  readonly onPick: (number: string) => void;
}) {
  const id = useId();
  const group = (kind: TestLineNumberView['kind']) => numbers.filter((n) => n.kind === kind).map((n) => (
    <li key={n.number}>
      <button type="button" className="chip mono" disabled={disabled} title={`${n.title}: ${n.does}`} aria-describedby={`${id}-${n.number}`}
        onClick={() => onPick(n.number)}>{n.number}</button>
      <span id={`${id}-${n.number}`} className="visually-hidden">{n.title}: {n.does}</span>
    </li>
  ));
  return (
    <div className="recent test-line-numbers">
      <h3 id={`${id}-title`}>Try the test line</h3>
      <p className="note">Numbers of the built-in test line. <span className="mono">echo</span> plays early media, then sends your voice back.</p>
      <ul aria-labelledby={`${id}-title`} className="chips">{group('service')}</ul>
      <details>
        <summary>Fault numbers: each reproduces a classic failure for the diagnostics to explain</summary>
        <ul aria-label="Fault numbers" className="chips">{group('fault')}</ul>
      </details>
    </div>
  );
}
