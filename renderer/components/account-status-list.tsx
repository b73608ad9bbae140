// Every account's registration state, always in view: registered / registering / failed
// with the reason / retrying in N s, with a one-click retry.
import { useState } from 'react';
import type { AccountStatus, AccountView, AppApi } from '../../main/contract/app-api.js';
import { accountStatusText } from '../lib/account-status-text.js';
import { addressOfRecord } from './account-settings.js';

export interface AccountStatusListProps {
  readonly api: AppApi;
  readonly accounts: readonly AccountView[];
  readonly statuses: ReadonlyMap<string, AccountStatus>;
  readonly now: number;
  readonly onEdit: (accountId: string) => void;
}

export function AccountStatusList({ api, accounts, statuses, now, onEdit }: AccountStatusListProps) {
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  if (accounts.length === 0) return null;

  const retry = async (id: string): Promise<void> => {
    const result = await api.retryRegistration({ id });
    setErrors((e) => {
      const { [id]: _dropped, ...rest } = e;
      return result.ok ? rest : { ...rest, [id]: result.error.message };
    });
  };

  return (
    <section className="panel account-strip" aria-label="Registration">
      <ul className="account-states">
        {accounts.map((account) => {
          const status = statuses.get(account.id);
          const text = accountStatusText(status, now);
          const address = status?.aor.replace(/^sips?:/, '') ?? addressOfRecord(account);
          const name = account.label || account.displayName;
          return (
            <li key={account.id} className={`account-state state-${text.tone}`}>
              <span className="status-dot" aria-hidden="true" />
              <div className="account-state-text">
                <span className="account-name">{name === '' ? address : <>{name} <span className="mono muted">{address}</span></>}</span>
                <span role="status" aria-label={`Registration of ${addressOfRecord(account)}`} className="account-state-words">
                  <strong>{text.label}</strong>{text.detail !== undefined && <span className="account-state-detail"> — {text.detail}</span>}
                </span>
                {errors[account.id] !== undefined && <span className="text-bad">{errors[account.id]}</span>}
              </div>
              <div className="account-actions">
                {text.canRetry && (
                  <button type="button" onClick={() => void retry(account.id)}>
                    Retry now<span className="visually-hidden"> {addressOfRecord(account)}</span>
                  </button>
                )}
                {account.builtIn === true ? <span className="note">Built in</span> : (
                  <button type="button" className="secondary" onClick={() => onEdit(account.id)}>
                    Settings<span className="visually-hidden"> of {addressOfRecord(account)}</span>
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
