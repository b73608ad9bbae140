// An account's registration state in words ("Registered", "Retrying in 4 s: …"), pure.
import type { AccountStatus, ConnectionStep } from '../../main/contract/accounts.js';

export type StatusTone = 'ok' | 'pending' | 'bad' | 'off';

export interface AccountStatusText {
  readonly label: string;
  readonly detail?: string;
  readonly tone: StatusTone;
  /** A retry button makes sense. */
  readonly canRetry: boolean;
}

export const STEP_WORDS: Readonly<Record<ConnectionStep, string>> = {
  configuration: 'Checking the settings',
  connect: 'Connecting to the server',
  register: 'Registering',
  unregister: 'Unregistering',
};

export function accountStatusText(status: AccountStatus | undefined, now: number): AccountStatusText {
  if (status === undefined) return { label: 'Not started', tone: 'off', canRetry: false };
  const failure = status.failure === undefined ? undefined : `${STEP_WORDS[status.failure.step]} failed: ${status.failure.reason}`;
  switch (status.state) {
    case 'disabled':
      return { label: 'Disabled', tone: 'off', canRetry: false };
    case 'connecting':
      return { label: 'Connecting…', tone: 'pending', canRetry: false };
    case 'registering':
      return { label: 'Registering…', tone: 'pending', canRetry: false };
    case 'registered':
      return { label: 'Registered', tone: 'ok', canRetry: false, ...(status.insecureTls ? { detail: 'Warning: the server certificate is not verified for this account' } : {}) };
    case 'failed':
      return { label: 'Failed', tone: 'bad', canRetry: true, ...(failure === undefined ? {} : { detail: failure }) };
    case 'retrying': {
      const seconds = status.retryAt === undefined ? undefined : Math.max(0, Math.ceil((status.retryAt - now) / 1000));
      const label = seconds === undefined ? 'Retrying…' : seconds > 0 ? `Retrying in ${seconds} s` : 'Retrying now…';
      return { label, tone: 'bad', canRetry: true, ...(failure === undefined ? {} : { detail: failure }) };
    }
  }
}
