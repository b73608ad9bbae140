// Accounts: the saved list and one form, checked as you type with the contract's rules.
// The password field is write-only: the host never sends a password back, only
// `hasPassword`. "Test connection" tries what is typed before it is saved.
import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import type { AccountView, AppApi, SaveAccountRequest, SettingsView } from '../../main/contract/app-api.js';
import { EMPTY_ACCOUNT_DRAFT, iceServerLines, validateAccountDraft, type AccountDraft } from '../lib/account-validation.js';
import { ConnectionTest } from './connection-test.js';
import { AccountField } from './account-field.js';

type Notice = { tone: 'ok' | 'error'; text: string } | undefined;
type Selection = { kind: 'new' } | { kind: 'existing'; id: string };

export interface AccountSettingsProps {
  readonly api: AppApi;
  readonly settings: SettingsView | undefined;
  readonly disabled: boolean;
  /** Open this account's form (from the registration strip's "Settings"). */
  readonly editId?: string | undefined;
}

export function addressOfRecord(account: Pick<AccountView, 'user' | 'domain' | 'serverUrl'>): string {
  let host = account.domain;
  if (host === '') {
    try {
      host = new URL(account.serverUrl).hostname;
    } catch {
      host = '?';
    }
  }
  return `${account.user}@${host}`;
}

function draftOf(account: AccountView | undefined): AccountDraft {
  if (account === undefined) return EMPTY_ACCOUNT_DRAFT;
  return {
    label: account.label, serverUrl: account.serverUrl, user: account.user, authUser: account.authUser, domain: account.domain,
    displayName: account.displayName, caFile: account.tls.caFile, acceptInvalidCertificate: account.tls.acceptInvalidCertificate,
    iceServers: account.iceServers.flatMap((s) => s.urls).join('\n'),
  };
}

export function AccountSettings({ api, settings, disabled, editId }: AccountSettingsProps) {
  const formId = useId();
  const accounts = settings?.accounts ?? [];
  const [selection, setSelection] = useState<Selection | undefined>();
  const [draft, setDraft] = useState<AccountDraft>(EMPTY_ACCOUNT_DRAFT);
  const [touched, setTouched] = useState<ReadonlySet<keyof AccountDraft>>(new Set());
  const [password, setPassword] = useState('');
  const [forgetPassword, setForgetPassword] = useState(false);
  const [notice, setNotice] = useState<Notice>();
  const [busy, setBusy] = useState(false);
  const [confirmingRemoval, setConfirmingRemoval] = useState<string | undefined>();

  const selected = selection?.kind === 'existing' ? accounts.find((account) => account.id === selection.id) : undefined;
  const errors = validateAccountDraft(draft);
  const shown = (field: keyof AccountDraft) => (touched.has(field) || draft[field] !== '' ? errors[field] : undefined);

  const select = (next: Selection): void => {
    setSelection(next);
    setDraft(draftOf(next.kind === 'existing' ? accounts.find((candidate) => candidate.id === next.id) : undefined));
    setTouched(new Set());
    setPassword('');
    setForgetPassword(false);
    setConfirmingRemoval(undefined);
  };

  useEffect(() => {
    if (settings === undefined) return;
    if (editId !== undefined && settings.accounts.some((a) => a.id === editId)) {
      select({ kind: 'existing', id: editId });
      return;
    }
    if (selection !== undefined) return;
    const first = settings.accounts[0];
    select(first === undefined ? { kind: 'new' } : { kind: 'existing', id: first.id });
  }, [settings === undefined, editId]);

  const update = <K extends keyof AccountDraft>(field: K, value: AccountDraft[K]) => {
    setDraft((previous) => ({ ...previous, [field]: value }));
    setTouched((t) => new Set(t).add(field));
  };

  const fields = () => ({
    label: draft.label, serverUrl: draft.serverUrl, user: draft.user, authUser: draft.authUser, domain: draft.domain, displayName: draft.displayName,
    password: password !== '' ? { action: 'set' as const, value: password } : forgetPassword ? { action: 'clear' as const } : { action: 'keep' as const },
    tls: { caFile: draft.caFile, acceptInvalidCertificate: draft.acceptInvalidCertificate },
    iceServers: iceServerLines(draft.iceServers).map((url) => ({ urls: [url] })),
    ...(selected === undefined ? {} : { id: selected.id }),
  });

  const save = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    setTouched(new Set(Object.keys(draft) as (keyof AccountDraft)[]));
    if (Object.keys(errors).length > 0) {
      setNotice({ tone: 'error', text: 'Please fix the fields marked above.' });
      return;
    }
    setBusy(true);
    setNotice(undefined);
    const result = await api.saveAccount(fields() satisfies SaveAccountRequest);
    setBusy(false);
    if (!result.ok) {
      setNotice({ tone: 'error', text: result.error.message.replace(/^saveAccount: /, '') });
      return;
    }
    setSelection({ kind: 'existing', id: result.value.id });
    setPassword('');
    setForgetPassword(false);
    setNotice({ tone: 'ok', text: `Saved ${addressOfRecord(result.value)}.` });
  };

  const remove = async (account: AccountView): Promise<void> => {
    if (confirmingRemoval !== account.id) {
      setConfirmingRemoval(account.id);
      return;
    }
    const result = await api.deleteAccount({ id: account.id });
    setConfirmingRemoval(undefined);
    if (!result.ok) {
      setNotice({ tone: 'error', text: result.error.message });
      return;
    }
    setNotice({ tone: 'ok', text: `Removed ${addressOfRecord(account)}.` });
    const next = result.value.accounts[0];
    if (selection?.kind === 'existing' && selection.id === account.id) select(next === undefined ? { kind: 'new' } : { kind: 'existing', id: next.id });
  };

  const field = (name: keyof AccountDraft, label: string, props: { type?: string; placeholder?: string; required?: boolean; autoComplete?: string; hint?: string } = {}) => (
    <AccountField id={`${formId}-${name}`} label={label} value={String(draft[name])} error={shown(name)} onChange={(v) => update(name, v)} {...props} />
  );

  return (
    <section className="panel" aria-labelledby="accounts-title">
      <div className="panel-head">
        <h2 id="accounts-title">SIP accounts</h2>
        <button type="button" className="secondary" onClick={() => select({ kind: 'new' })} disabled={disabled || selection?.kind === 'new'}>New account</button>
      </div>

      {accounts.length > 0 && (
        <ul className="account-list" aria-label="Saved accounts">
          {accounts.map((account) => (
            <li key={account.id} className={account.id === selected?.id ? 'selected' : undefined}>
              <div className="account-summary">
                <strong>{account.label || account.displayName || account.user}</strong>
                <span className="mono">{addressOfRecord(account)}</span>
                <span className="muted">via {account.serverUrl} · {account.hasPassword ? 'password saved' : 'no password'}</span>
              </div>
              <div className="account-actions">
                <button type="button" className="secondary" onClick={() => select({ kind: 'existing', id: account.id })} disabled={disabled}>
                  Edit<span className="visually-hidden"> {addressOfRecord(account)}</span>
                </button>
                <button type="button" className="danger" onClick={() => void remove(account)} disabled={disabled}>
                  {confirmingRemoval === account.id ? 'Confirm removal' : 'Remove'}<span className="visually-hidden"> {addressOfRecord(account)}</span>
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}

      <form className="account-form" aria-labelledby={`${formId}-title`} onSubmit={(event) => void save(event)} noValidate>
        <h3 id={`${formId}-title`}>{selected === undefined ? 'New account' : `Edit ${addressOfRecord(selected)}`}</h3>
        <fieldset disabled={disabled || busy || settings === undefined}>
          {field('serverUrl', 'Server URL', { type: 'url', placeholder: 'wss://sip.example.com:8443', required: true, hint: 'The WebSocket address of your SIP server (wss://).' })}
          {field('user', 'SIP user', { placeholder: 'alice', required: true, autoComplete: 'username' })}
          {field('domain', 'SIP domain', { placeholder: "defaults to the server's host" })}
          {field('displayName', 'Display name', { placeholder: 'Alice Example', autoComplete: 'name' })}

          <label htmlFor={`${formId}-password`}>Password</label>
          <input id={`${formId}-password`} type="password" value={password} onChange={(event) => setPassword(event.target.value)} autoComplete="new-password"
            placeholder={selected?.hasPassword ? 'saved; type to replace it' : 'not saved'} aria-describedby={`${formId}-password-note`} />
          <p id={`${formId}-password-note`} className="note">
            {selected?.hasPassword ? 'A password is saved for this account. It is stored encrypted and is never shown again.' : 'Stored encrypted on this computer; it is never shown again after saving.'}
          </p>
          {selected?.hasPassword === true && (
            <label className="checkbox">
              <input type="checkbox" checked={forgetPassword} onChange={(event) => setForgetPassword(event.target.checked)} disabled={password !== ''} />
              Forget the saved password
            </label>
          )}

          <details className="advanced">
            <summary>Advanced: name, authentication user, certificate, ICE servers</summary>
            {field('label', 'Account name', { placeholder: 'Work' })}
            {field('authUser', 'Authentication user', { placeholder: 'the SIP user' })}
            {field('caFile', 'Trusted CA file (PEM, on this computer)', { placeholder: '/path/to/ca.pem', hint: 'For a server whose certificate comes from your own CA.' })}
            <label className="checkbox">
              <input type="checkbox" checked={draft.acceptInvalidCertificate} onChange={(event) => update('acceptInvalidCertificate', event.target.checked)} />
              Accept an unverifiable certificate for this server (insecure)
            </label>
            <label htmlFor={`${formId}-iceServers`}>ICE servers (STUN/TURN), one URL per line</label>
            <textarea id={`${formId}-iceServers`} rows={2} value={draft.iceServers} onChange={(event) => update('iceServers', event.target.value)}
              placeholder="stun:stun.example.com:3478" spellCheck={false} aria-invalid={shown('iceServers') !== undefined}
              aria-describedby={`${formId}-iceServers-error`} />
            <p id={`${formId}-iceServers-error`} className="field-error" role="status">{shown('iceServers') ?? ''}</p>
          </details>

          <div className="form-actions row wrap">
            <button type="submit">{busy ? 'Saving…' : 'Save account'}</button>
            <ConnectionTest api={api} request={fields} disabled={disabled || Object.keys(errors).length > 0} />
          </div>
        </fieldset>
      </form>

      <div className="notice-area">
        {notice?.tone === 'ok' && <p className="banner banner-ok" role="status">{notice.text}</p>}
        {notice?.tone === 'error' && <p className="banner banner-error" role="alert">{notice.text}</p>}
      </div>
    </section>
  );
}
