// Answering 401/407 challenges (RFC 3261 §22.2, §22.3): retry the request
// once with credentials for each challenged realm, count nonce uses (RFC 7616
// §3.4: nc), accept a stale nonce without treating it as a wrong password,
// and never loop: a second plain challenge for credentials we already sent
// means they were refused.
import type { HeaderSpec, SipRequest, SipResponse } from '../../message/index.js';
import {
  digestAuthorization, readDigestChallenge, type DigestChallenge, type DigestCredentials,
} from './digest.js';

export type AuthAnswer =
  | { readonly ok: true; readonly headers: readonly HeaderSpec[] }
  | { readonly ok: false; readonly reason: string };

interface CachedChallenge {
  challenge: DigestChallenge;
  headerName: 'Authorization' | 'Proxy-Authorization';
  nonceCount: number;
}

export class Authenticator {
  /** By realm: the last challenge answered, reused for later requests (nc increments). */
  private readonly cache = new Map<string, CachedChallenge>();

  /** #private: util.inspect, JSON.stringify and loggers never see the password. */
  readonly #credentials: DigestCredentials;

  constructor(credentials: DigestCredentials) {
    this.#credentials = credentials;
  }

  /**
   * The credential headers for retrying `request`, which got the 401/407
   * `response`. §22.2: the retry carries an Authorization (401) or
   * Proxy-Authorization (407) for every challenge in the response.
   */
  answer(request: SipRequest, response: SipResponse): AuthAnswer {
    const status = response.status;
    if (status !== 401 && status !== 407) return { ok: false, reason: `${status} is not a challenge` };
    const headerName = status === 401 ? 'Authorization' : 'Proxy-Authorization';
    const challenges = status === 401 ? response.wwwAuthenticate : response.proxyAuthenticate;
    if (challenges.length === 0) {
      return { ok: false, reason: `${status} ${response.reason} without a ${status === 401 ? 'WWW' : 'Proxy'}-Authenticate header` };
    }
    const sent = status === 401 ? request.authorization : request.proxyAuthorization;
    const headers: HeaderSpec[] = [];
    for (const value of challenges) {
      const challenge = readDigestChallenge(value);
      if (typeof challenge === 'string') return { ok: false, reason: challenge };
      const alreadySent = sent.some((c) => c.params.get('realm')?.value === challenge.realm);
      // RFC 7616 §3.3: a stale nonce means the credentials were right; anything else after we sent them means they were not.
      if (alreadySent && !challenge.stale) {
        return { ok: false, reason: `${status} ${response.reason}: the credentials for realm "${challenge.realm}" were refused` };
      }
      const cached: CachedChallenge = { challenge, headerName, nonceCount: 0 };
      this.cache.set(challenge.realm, cached);
      headers.push({ name: headerName, value: this.next(cached, request) });
    }
    return { ok: true, headers };
  }

  /**
   * Credentials for a new request from challenges already answered (a
   * REGISTER refresh, a re-INVITE through the same proxy), with the nonce
   * count advanced. Empty when nothing is cached.
   */
  headersFor(request: Pick<SipRequest, 'method' | 'requestUriText'>): HeaderSpec[] {
    return [...this.cache.values()].map((cached) => ({ name: cached.headerName, value: this.next(cached, request) }));
  }

  /** Forgets the challenges (after a failure, or a server change). */
  reset(): void {
    this.cache.clear();
  }

  private next(cached: CachedChallenge, request: Pick<SipRequest, 'method' | 'requestUriText'>): string {
    cached.nonceCount += 1;
    return digestAuthorization(cached.challenge, this.#credentials, { method: request.method, uri: request.requestUriText },
      { nonceCount: cached.nonceCount });
  }
}
