// Accounts: the saved list and one form. The password field is write-only: the host never
// sends a password back, only `hasPassword`.
import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import type { AccountView, AppApi, SaveAccountRequest, SettingsView } from '../../main/contract/app-api.js';

interface Draft {
  serverUrl: string;
  user: string;
  domain: string;
  displayName: string;
}

const EMPTY_DRAFT: Draft = { serverUrl: '', user: '', domain: '', displayName: '' };
const FIELD_LABELS: Readonly<Record<string, string>> = {
  serverUrl: 'Server URL',
  user: 'SIP user',
  domain: 'SIP domain',
  displayName: 'Display name',
  'password.value': 'Password',
};

type Notice = { tone: 'ok' | 'error'; text: string } | undefined;
type Selection = { kind: 'new' } | { kind: 'existing'; id: string };

export interface AccountSettingsProps {
  readonly api: AppApi;
  readonly settings: SettingsView | undefined;
  readonly disabled: boolean;
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

/** "saveAccount: serverUrl must be …" -> "Server URL must be …". */
function friendlyError(message: string): string {
  return message
    .replace(/^saveAccount: /, '')
    .split('; ')
    .map((part) => {
      const [field, ...rest] = part.split(' ');
      const label = FIELD_LABELS[field ?? ''];
      return label === undefined ? part : [label, ...rest].join(' ');
    })
    .join('; ');
}

export function AccountSettings({ api, settings, disabled }: AccountSettingsProps) {
  const formId = useId();
  const accounts = settings?.accounts ?? [];
  const [selection, setSelection] = useState<Selection | undefined>();
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const [password, setPassword] = useState('');
  const [forgetPassword, setForgetPassword] = useState(false);
  const [notice, setNotice] = useState<Notice>();
  const [busy, setBusy] = useState(false);
  const [confirmingRemoval, setConfirmingRemoval] = useState<string | undefined>();

  const selected = selection?.kind === 'existing' ? accounts.find((account) => account.id === selection.id) : undefined;

  const select = (next: Selection): void => {
    setSelection(next);
    const account = next.kind === 'existing' ? accounts.find((candidate) => candidate.id === next.id) : undefined;
    setDraft(account === undefined ? EMPTY_DRAFT : { serverUrl: account.serverUrl, user: account.user, domain: account.domain, displayName: account.displayName });
    setPassword('');
    setForgetPassword(false);
    setConfirmingRemoval(undefined);
  };

  // Once settings first arrive: edit the first saved account, or start a new one.
  useEffect(() => {
    if (settings === undefined || selection !== undefined) return;
    const first = settings.accounts[0];
    if (first === undefined) setSelection({ kind: 'new' });
    else select({ kind: 'existing', id: first.id });
  }, [settings]);

  const update = (field: keyof Draft) => (event: { target: { value: string } }) =>
    setDraft((previous) => ({ ...previous, [field]: event.target.value }));

  const save = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setNotice(undefined);
    const request: SaveAccountRequest = {
      ...draft,
      password: password !== '' ? { action: 'set', value: password } : forgetPassword ? { action: 'clear' } : { action: 'keep' },
    };
    if (selection?.kind === 'existing') request.id = selection.id;
    const result = await api.saveAccount(request);
    setBusy(false);
    if (!result.ok) {
      setNotice({ tone: 'error', text: friendlyError(result.error.message) });
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
    if (selection?.kind === 'existing' && selection.id === account.id) {
      select(next === undefined ? { kind: 'new' } : { kind: 'existing', id: next.id });
    }
  };

  const field = (name: keyof Draft) => `${formId}-${name}`;

  return (
    <section className="panel" aria-labelledby="accounts-title">
      <div className="panel-head">
        <h2 id="accounts-title">SIP accounts</h2>
        <button type="button" className="secondary" onClick={() => select({ kind: 'new' })} disabled={disabled || selection?.kind === 'new'}>
          New account
        </button>
      </div>

      {accounts.length > 0 && (
        <ul className="account-list" aria-label="Saved accounts">
          {accounts.map((account) => (
            <li key={account.id} className={account.id === selected?.id ? 'selected' : undefined}>
              <div className="account-summary">
                <strong>{account.displayName || account.user}</strong>
                <span className="mono">{addressOfRecord(account)}</span>
                <span className="muted">
                  via {account.serverUrl} · {account.hasPassword ? 'password saved' : 'no password'}
                </span>
              </div>
              <div className="account-actions">
                <button type="button" className="secondary" onClick={() => select({ kind: 'existing', id: account.id })} disabled={disabled}>
                  Edit<span className="visually-hidden"> {addressOfRecord(account)}</span>
                </button>
                <button type="button" className="danger" onClick={() => void remove(account)} disabled={disabled}>
                  {confirmingRemoval === account.id ? 'Confirm removal' : 'Remove'}
                  <span className="visually-hidden"> {addressOfRecord(account)}</span>
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}

      <form className="account-form" aria-labelledby={`${formId}-title`} onSubmit={(event) => void save(event)}>
        <h3 id={`${formId}-title`}>{selected === undefined ? 'New account' : `Edit ${addressOfRecord(selected)}`}</h3>
        <fieldset disabled={disabled || busy || settings === undefined}>
          <label htmlFor={field('serverUrl')}>Server URL</label>
          <input id={field('serverUrl')} type="url" required placeholder="wss://sip.example.com:8443" value={draft.serverUrl} onChange={update('serverUrl')} autoComplete="off" spellCheck={false} />

          <label htmlFor={field('user')}>SIP user</label>
          <input id={field('user')} type="text" required placeholder="alice" value={draft.user} onChange={update('user')} autoComplete="username" spellCheck={false} />

          <label htmlFor={field('domain')}>SIP domain</label>
          <input id={field('domain')} type="text" placeholder="defaults to the server's host" value={draft.domain} onChange={update('domain')} autoComplete="off" spellCheck={false} />

          <label htmlFor={field('displayName')}>Display name</label>
          <input id={field('displayName')} type="text" placeholder="Alice Example" value={draft.displayName} onChange={update('displayName')} autoComplete="name" />

          <label htmlFor={`${formId}-password`}>Password</label>
          <input
            id={`${formId}-password`}
            type="password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            autoComplete="new-password"
            placeholder={selected?.hasPassword ? 'saved; type to replace it' : 'not saved'}
            aria-describedby={`${formId}-password-note`}
          />
          <p id={`${formId}-password-note`} className="note">
            {selected?.hasPassword
              ? 'A password is saved for this account. It is stored encrypted and is never shown again.'
              : 'Stored encrypted on this computer; it is never shown again after saving.'}
          </p>
          {selected?.hasPassword === true && (
            <label className="checkbox">
              <input type="checkbox" checked={forgetPassword} onChange={(event) => setForgetPassword(event.target.checked)} disabled={password !== ''} />
              Forget the saved password
            </label>
          )}

          <div className="form-actions">
            <button type="submit">{busy ? 'Saving…' : 'Save account'}</button>
          </div>
        </fieldset>
      </form>

      <div className="notice-area">
        {notice?.tone === 'ok' && (
          <p className="banner banner-ok" role="status">
            {notice.text}
          </p>
        )}
        {notice?.tone === 'error' && (
          <p className="banner banner-error" role="alert">
            {notice.text}
          </p>
        )}
      </div>
    </section>
  );
}
