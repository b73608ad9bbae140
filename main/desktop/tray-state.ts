// What the tray shows, from the accounts' registration status, the missed calls and the
// desktop options: which icon (all registered, some failed, offline), the tooltip, and
// the menu as data. Pure: main/desktop/tray.ts applies it to Electron's Tray.
import type { AccountStatus } from '../contract/accounts.js';
import type { DesktopSettings } from './desktop-settings.js';

export type TrayIcon = 'registered' | 'partial' | 'offline';

export const TRAY_ICONS: readonly TrayIcon[] = ['registered', 'partial', 'offline'];

export type TrayAction = 'show-window' | 'quit' | { readonly toggle: keyof DesktopSettings };

export type TrayMenuItem =
  | { readonly kind: 'action'; readonly label: string; readonly action: TrayAction }
  | { readonly kind: 'checkbox'; readonly label: string; readonly checked: boolean; readonly action: TrayAction }
  | { readonly kind: 'info'; readonly label: string }
  | { readonly kind: 'separator' };

export interface TrayInput {
  readonly statuses: readonly AccountStatus[];
  /** Account labels by id (from the settings); the address of record stands in for a missing one. */
  readonly labels: ReadonlyMap<string, string>;
  readonly missed: number;
  readonly settings: DesktopSettings;
}

export interface TrayView {
  readonly icon: TrayIcon;
  readonly tooltip: string;
  readonly menu: readonly TrayMenuItem[];
}

/** Longest account line in the menu (labels and failure reasons are the user's or a server's words). */
const MAX_MENU_LABEL = 80;

/** Accounts that are meant to be registered: every one not switched off. */
function activeAccounts(statuses: readonly AccountStatus[]): readonly AccountStatus[] {
  return statuses.filter((status) => status.state !== 'disabled');
}

/** All active accounts registered; some registered (others failing or still connecting); or none registered. */
export function trayIconFor(statuses: readonly AccountStatus[]): TrayIcon {
  const active = activeAccounts(statuses);
  const registered = active.filter((status) => status.state === 'registered').length;
  if (registered === 0) return 'offline';
  return registered === active.length ? 'registered' : 'partial';
}

/** At least one account can receive calls. */
export function anyRegistered(statuses: readonly AccountStatus[]): boolean {
  return statuses.some((status) => status.state === 'registered');
}

/** One account's state in a few words, for the menu. */
export function accountStateWords(status: AccountStatus): string {
  switch (status.state) {
    case 'registered':
      return 'registered';
    case 'connecting':
      return 'connecting…';
    case 'registering':
      return 'registering…';
    case 'retrying':
      return status.failure ? `failed (${failureWords(status)}), retrying` : 'retrying';
    case 'failed':
      return status.failure ? `failed (${failureWords(status)})` : 'failed';
    case 'disabled':
      return 'switched off';
  }
}

function failureWords(status: AccountStatus): string {
  const failure = status.failure;
  if (failure === undefined) return '';
  return failure.status === undefined ? failure.kind.replace(/-/g, ' ') : `${failure.status}`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function registrationWords(statuses: readonly AccountStatus[]): string {
  const active = activeAccounts(statuses);
  if (active.length === 0) return statuses.length === 0 ? 'no accounts' : 'all accounts switched off';
  const registered = active.filter((status) => status.state === 'registered').length;
  if (active.length === 1) return registered === 1 ? 'registered' : 'not registered';
  if (registered === active.length) return `all ${active.length} accounts registered`;
  return `${registered} of ${active.length} accounts registered`;
}

export function missedWords(missed: number): string {
  return missed === 1 ? '1 missed call' : `${missed} missed calls`;
}

export function trayView(input: TrayInput): TrayView {
  const icon = trayIconFor(input.statuses);
  const tooltip = ['Callscope', registrationWords(input.statuses), ...(input.missed > 0 ? [missedWords(input.missed)] : [])].join(' — ');
  const accounts: TrayMenuItem[] = input.statuses.map((status) => ({
    kind: 'info',
    label: oneLine(`${input.labels.get(status.accountId) || status.aor || status.accountId}: ${accountStateWords(status)}`, MAX_MENU_LABEL),
  }));
  const { settings } = input;
  const menu: TrayMenuItem[] = [
    { kind: 'action', label: 'Show Callscope', action: 'show-window' },
    ...(input.missed > 0 ? [{ kind: 'info', label: missedWords(input.missed) } as const] : []),
    { kind: 'separator' },
    ...(accounts.length > 0 ? accounts : [{ kind: 'info', label: 'No accounts yet' } as const]),
    { kind: 'separator' },
    { kind: 'checkbox', label: 'Start in the tray', checked: settings.startInTray, action: { toggle: 'startInTray' } },
    { kind: 'checkbox', label: 'Keep running in the tray when the window is closed', checked: settings.closeToTray, action: { toggle: 'closeToTray' } },
    { kind: 'checkbox', label: 'Dial opened sip:/tel: links at once', checked: settings.dialLinksAtOnce, action: { toggle: 'dialLinksAtOnce' } },
    { kind: 'separator' },
    { kind: 'action', label: 'Quit Callscope', action: 'quit' },
  ];
  return { icon, tooltip, menu };
}
