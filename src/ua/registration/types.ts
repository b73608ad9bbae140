// The public shapes of a registration: its states, options and results.
import type { BackoffOptions, RandomSource } from '../../transport/backoff.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { DigestCredentials } from '../auth/digest.js';
import type { SipEndpoint } from '../core/endpoint.js';

export type RegistrationState =
  | { readonly name: 'unregistered' }
  | { readonly name: 'registering' }
  | {
    readonly name: 'registered';
    /** Clock time (the endpoint's clock, ms) at which the binding expires unless refreshed. */
    readonly until: number;
    /** What the registrar granted (§10.2.4), seconds. */
    readonly expiresS: number;
    /** The Contact URI bound. */
    readonly contact: string;
    /** True when the registrar answered `Require: outbound` (RFC 5626 §4.2.1). */
    readonly outbound: boolean;
    /** When the refresh goes out, ms from now. */
    readonly refreshInMs: number;
  }
  | {
    readonly name: 'failed';
    /** The final response that failed it, when there was one (408 for no response, §8.1.3.1). */
    readonly status?: number;
    readonly reason: string;
    /** When it tries again by itself, ms from now; absent when it will not. */
    readonly retryInMs?: number;
  };

export type RegistrationStateName = RegistrationState['name'];

export interface RegistrationOptions {
  readonly endpoint: SipEndpoint;
  /** Address of record, e.g. `sip:alice@example.com` (To and From, §10.2). */
  readonly aor: string;
  /** Request-URI: the registrar's domain (§10.2), default `sip:<host of the AOR>`. */
  readonly registrar?: string;
  /** Digest credentials; or pass `authenticator` to share challenges with calls. */
  readonly credentials?: DigestCredentials;
  readonly authenticator?: Authenticator;
  /** Expiry asked for, seconds (default 600). */
  readonly expiresS?: number;
  /** `<urn:uuid:...>` stable for this device and account (RFC 5626 §4.1); see newInstanceId(). */
  readonly instanceId?: string;
  /** reg-id on connection-oriented transports (RFC 5626 §4.2), default 1; sent only with an instance ID. */
  readonly regId?: number;
  /** User part of the Contact (default: the AOR's user). */
  readonly contactUser?: string;
  readonly displayName?: string;
  /** Backoff after transient failures: wait min(maxMs, baseMs·2^n), jittered to 50-100 % (default 2 s, 300 s). */
  readonly retry?: BackoffOptions;
  /** Give up after this many consecutive transient failures (default: never; a phone comes back by itself). */
  readonly maxRetries?: number;
  readonly random?: RandomSource;
  /** The connection (RFC 5626 flow) in use, so that only its loss counts (see ServerConnection.flowId). */
  readonly currentFlowId?: () => string | undefined;
}

export type UnregisterResult =
  | { readonly ok: true; readonly removed: boolean }
  | { readonly ok: false; readonly status?: number; readonly reason: string };

export const DEFAULT_REGISTRATION_EXPIRES_S = 600;
export const DEFAULT_REGISTRATION_RETRY: Required<BackoffOptions> = Object.freeze({ baseMs: 2000, maxMs: 300_000 });
