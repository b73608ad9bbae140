// From a saved account to what its user agent needs, and from the stack's failures to the
// words and kinds the UI shows. Pure functions: unit-tested without a network.
import type { AccountView, ConnectionFailure, ConnectionStep, FailureKind } from '../../contract/accounts.js';
import type { IceServerConfig } from '../../contract/media.js';
import type { AccountSecrets } from '../../settings-store.js';
import type { ServerConnectionFailure } from '../../../src/ua/connection/server-connection.js';

/** An account ready to run: its settings and its secrets (host-internal, never sent to a page but ICE credentials to the media owner). */
export interface AccountConfig {
  readonly account: AccountView;
  readonly password?: string;
  readonly iceServers: readonly IceServerConfig[];
}

export function accountConfig(account: AccountView, secrets: AccountSecrets): AccountConfig {
  return {
    account,
    ...(secrets.password === undefined ? {} : { password: secrets.password }),
    iceServers: account.iceServers.map((server, i) => {
      const credential = secrets.iceCredentials[i];
      return {
        urls: [...server.urls],
        ...(server.username === '' ? {} : { username: server.username }),
        ...(credential === undefined ? {} : { credential }),
      };
    }),
  };
}

/** The host part of the server URL, as a SIP domain (IPv6 in brackets). */
export function serverHost(serverUrl: string): string {
  const host = new URL(serverUrl).hostname;
  return host;
}

/** The address of record: sip:user@domain, the domain defaulting to the server's host. */
export function addressOfRecord(account: Pick<AccountView, 'user' | 'domain' | 'serverUrl'>): string {
  const domain = account.domain === '' ? serverHost(account.serverUrl) : account.domain;
  return `sip:${account.user}@${domain}`;
}

/** A connection failure in the UI's kinds, from connectToServer's kind and reason. */
export function connectionFailure(failure: ServerConnectionFailure): ConnectionFailure {
  const kind = ((): FailureKind => {
    switch (failure.kind) {
      case 'invalid-server':
        return 'configuration';
      case 'untrusted-certificate':
        return 'tls-certificate';
      case 'subprotocol':
        return 'websocket-upgrade';
      case 'timeout':
        return 'timeout';
      case 'refused':
        return /refused the WebSocket upgrade/.test(failure.reason) ? 'websocket-upgrade' : 'refused';
      case 'unreachable':
        return /DNS/.test(failure.reason) ? 'dns' : 'network';
      case 'failed':
        return /DNS/.test(failure.reason) ? 'dns' : /certificate/i.test(failure.reason) ? 'tls-certificate' : 'network';
    }
  })();
  const status = /Unexpected server response: (\d{3})/.exec(failure.reason)?.[1];
  return { step: 'connect', kind, reason: failure.reason, ...(status === undefined ? {} : { status: Number(status) }) };
}

/** A registration failure (a final status, or none at all) in the UI's kinds. */
export function registrationFailure(step: ConnectionStep, status: number | undefined, reason: string): ConnectionFailure {
  const kind: FailureKind = status === undefined ? 'network'
    : status === 401 || status === 407 || status === 403 ? 'auth'
      : status === 408 ? 'no-response' : 'sip-status';
  const advice = status === 401 || status === 407 ? ' Check the user, the authentication user and the password.'
    : status === 403 ? ' The server refuses this account: check the user and the domain.' : '';
  return { step, kind, reason: `${reason}${advice}`, ...(status === undefined ? {} : { status }) };
}
