// One account's registration (RFC 3261 §10): REGISTER with digest
// authentication, the expiry the registrar grants, refresh before it runs
// out, 423 Interval Too Brief, RFC 5626 instance ID and reg-id with a new
// registration whenever the connection is replaced, retry with bounded
// backoff after transient failures, and an unregister on stop.
//
// States (a getter and `state` events):
//   unregistered -> registering -> registered { until, contact, expiresS }
//                                \-> failed { status?, reason, retryInMs? }
// A refresh happens in `registered` (the binding holds until `until`); only
// its outcome is reported. `failed` with `retryInMs` will try again by itself;
// without it (credentials refused, 403, 404...) it waits for `refresh()`.
// The password lives only inside the Authenticator, held in a #private field:
// no state, reason or error carries it.
import { parseUri } from '../../message/index.js';
import type { HeaderSpec, SipRequest, SipResponse, Uri } from '../../message/index.js';
import { backoffDelay, validateBackoff } from '../../transport/backoff.js';
import type { BackoffOptions, RandomSource } from '../../transport/backoff.js';
import type { TransportStateChange } from '../../transport/transport.js';
import type { TimerHandle } from '../../util/clock.js';
import { Authenticator } from '../auth/authenticator.js';
import type { SipEndpoint } from '../core/endpoint.js';
import { normalizeInstanceId } from './instance.js';
import { buildRegister } from './request.js';
import { findBinding, grantedExpiry, isTransientFailure, refreshDelayMs, retryAfterS } from './rules.js';

export { instanceIdFromSeed, newInstanceId, normalizeInstanceId } from './instance.js';
export { refreshDelayMs } from './rules.js';

import {
  DEFAULT_REGISTRATION_EXPIRES_S, DEFAULT_REGISTRATION_RETRY,
  type RegistrationOptions, type RegistrationState, type UnregisterResult,
} from './types.js';

export type { RegistrationOptions, RegistrationState, RegistrationStateName, UnregisterResult } from './types.js';
export { DEFAULT_REGISTRATION_EXPIRES_S, DEFAULT_REGISTRATION_RETRY } from './types.js';

/** Challenges answered per REGISTER: the first one, and one stale=true (RFC 7616 §3.3); never more. */
const MAX_AUTH_ROUNDS = 2;

interface Attempt {
  readonly kind: 'register' | 'unregister';
  readonly contact: string;
  readonly contactUri: Uri;
  readonly expiresS: number;
  sent: SipRequest;
  /** The same request without credentials (what a challenge to pre-emptive credentials is answered for). */
  plain: SipRequest;
  preemptive: boolean;
  authRounds: number;
  intervalRetried: boolean;
  removesStale: string | undefined;
  readonly done?: (result: UnregisterResult) => void;
}

type Failure = { status?: number; reason: string; transient: boolean; retryAfterS?: number };

export class Registration {
  readonly aor: string;
  /** Tags every REGISTER transaction on the diagnostics stream. */
  readonly callTag: string;
  readonly #endpoint: SipEndpoint;
  readonly #auth: Authenticator | undefined;
  readonly #requestUri: string;
  readonly #contactUser: string | undefined;
  readonly #displayName: string | undefined;
  readonly #instanceId: string | undefined;
  readonly #regId: number;
  readonly #retry: Required<BackoffOptions>;
  readonly #maxRetries: number;
  readonly #random: RandomSource | undefined;
  readonly #currentFlowId: (() => string | undefined) | undefined;
  readonly #callId: string;
  readonly #fromTag: string;
  readonly #listeners = new Set<(state: RegistrationState) => void>();
  #settleWaiters: Array<(state: RegistrationState) => void> = [];
  #state: RegistrationState = { name: 'unregistered' };
  #expiresS: number;
  #cseq = 0;
  #active = false;
  #attempt: Attempt | undefined;
  #timer: TimerHandle | undefined;
  #awaitingConnection = false;
  #refused = false;
  #failures = 0;
  #flowId: string | undefined;
  /** The Contact we believe the registrar holds, and the flow it was registered over. */
  #bound: { contact: string; flowId: string | undefined } | undefined;
  #offTransport: (() => void) | undefined;

  constructor(options: RegistrationOptions) {
    const aor = parseUri(options.aor);
    if (!aor.ok || (aor.value.scheme !== 'sip' && aor.value.scheme !== 'sips') || !('host' in aor.value) || aor.value.user === undefined) {
      throw new RangeError(`the address of record ${JSON.stringify(options.aor)} is not a sip: or sips: URI with a user, e.g. sip:alice@example.com`);
    }
    const expires = options.expiresS ?? DEFAULT_REGISTRATION_EXPIRES_S;
    if (!Number.isInteger(expires) || expires < 1 || expires > 0xffffffff) throw new RangeError(`expiresS must be a whole number of seconds >= 1, got ${expires}`);
    const regId = options.regId ?? 1;
    if (!Number.isInteger(regId) || regId < 1) throw new RangeError(`regId must be a whole number >= 1, got ${regId}`);
    if (options.instanceId !== undefined) {
      const instance = normalizeInstanceId(options.instanceId);
      if (!instance.ok) throw new RangeError(instance.error);
      this.#instanceId = instance.value;
    }
    this.aor = options.aor;
    this.callTag = `register:${options.aor}`;
    this.#endpoint = options.endpoint;
    this.#auth = options.authenticator ?? (options.credentials ? new Authenticator(options.credentials) : undefined);
    const { scheme, host, port } = aor.value;
    this.#requestUri = options.registrar ?? `${scheme}:${host}${port === undefined ? '' : `:${port}`}`;
    this.#contactUser = options.contactUser ?? aor.value.user;
    this.#displayName = options.displayName;
    this.#regId = regId;
    this.#expiresS = expires;
    this.#retry = validateBackoff({ ...DEFAULT_REGISTRATION_RETRY, ...options.retry });
    this.#maxRetries = options.maxRetries ?? Infinity;
    this.#random = options.random;
    this.#currentFlowId = options.currentFlowId;
    // §10.2: "All registrations from a UAC SHOULD use the same Call-ID header field value for registrations sent to a particular registrar."
    this.#callId = options.endpoint.newCallId();
    this.#fromTag = options.endpoint.newTag();
  }

  get state(): RegistrationState {
    return this.#state;
  }

  /** The expiry asked for in the next REGISTER (raised by a 423's Min-Expires). */
  get requestedExpiresS(): number {
    return this.#expiresS;
  }

  /** Listens to state changes; returns a function that stops listening. */
  on(event: 'state', listener: (state: RegistrationState) => void): () => void {
    void event;
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Starts registering (again, after stop) and keeps the binding up until
   * stop(). Resolves with the first outcome: registered or failed.
   */
  start(): Promise<RegistrationState> {
    if (this.#active) return this.#state.name === 'registering' ? this.#nextSettled() : Promise.resolve(this.#state);
    const settled = this.#nextSettled();
    this.#active = true;
    this.#offTransport = this.#endpoint.transport.on('state', (change) => this.#onTransport(change));
    this.#flowId = this.#currentFlowId?.();
    if (this.#endpoint.transport.reliable && this.#currentFlowId && this.#flowId === undefined) {
      // Not connected yet: the REGISTER goes out on `connected`.
      this.#awaitingConnection = true;
      this.#setState({ name: 'registering' });
    } else {
      this.#register();
    }
    return settled;
  }

  /** Registers now (after fixing the password, or a network change); resolves with the outcome. */
  refresh(): Promise<RegistrationState> {
    if (!this.#active) return this.start();
    const settled = this.#nextSettled();
    this.#register();
    return settled;
  }

  /**
   * Stops refreshing and removes our binding (§10.2.2: "A UA requests the
   * immediate removal of a binding by specifying an expiration interval of
   * '0' for that contact address"). Ends in `unregistered` whatever the
   * registrar says; `timeoutMs` bounds the wait (Timer F is 32 s on UDP).
   */
  stop(options: { timeoutMs?: number } = {}): Promise<UnregisterResult> {
    if (!this.#active) return Promise.resolve({ ok: true, removed: false });
    this.#active = false;
    this.#cancelTimer();
    this.#awaitingConnection = false;
    const inFlight = this.#attempt?.kind === 'register' ? this.#attempt : undefined;
    this.#attempt = undefined;
    // A REGISTER still in flight may yet create a binding: remove it too.
    const contact = this.#bound?.contact ?? inFlight?.contact;
    const finish = (result: UnregisterResult): UnregisterResult => {
      this.#offTransport?.();
      this.#offTransport = undefined;
      this.#bound = undefined;
      this.#setState({ name: 'unregistered' });
      return result;
    };
    if (contact === undefined) return Promise.resolve(finish({ ok: true, removed: false }));
    return new Promise((resolve) => {
      let timer: TimerHandle | undefined;
      let settled = false;
      const done = (result: UnregisterResult) => {
        if (settled) return;
        settled = true;
        timer?.cancel();
        if (this.#attempt?.kind === 'unregister') this.#attempt = undefined;
        resolve(finish(result));
      };
      if (options.timeoutMs !== undefined) {
        const ms = options.timeoutMs;
        timer = this.#endpoint.clock.setTimer(ms, () => done({ ok: false, reason: `no answer to the unregistering REGISTER within ${ms} ms` }));
      }
      this.#send({ kind: 'unregister', contact, expiresS: 0, done });
    });
  }

  #nextSettled(): Promise<RegistrationState> {
    return new Promise((resolve) => this.#settleWaiters.push(resolve));
  }

  #setState(state: RegistrationState): void {
    this.#state = state;
    // The one diagnostics stream carries registration too (never the password: none is in a state).
    this.#endpoint.diagnostics.emit({
      type: 'registration-state', at: this.#endpoint.clock.now(), aor: this.aor, state: state.name,
      ...(state.name === 'registered' ? { until: state.until } : {}),
      ...(state.name === 'failed' ? {
        reason: state.reason,
        ...(state.status === undefined ? {} : { status: state.status }),
        ...(state.retryInMs === undefined ? {} : { retryInMs: state.retryInMs }),
      } : {}),
    });
    for (const listener of [...this.#listeners]) {
      try {
        listener(state);
      } catch {
        // A broken view must not break the registration.
      }
    }
    if (state.name !== 'registering') {
      const waiters = this.#settleWaiters;
      this.#settleWaiters = [];
      for (const waiter of waiters) waiter(state);
    }
  }

  #cancelTimer(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #register(): void {
    if (!this.#active) return;
    this.#cancelTimer();
    this.#awaitingConnection = false;
    this.#refused = false;
    // A refresh keeps `registered`: the binding holds until `until`.
    if (this.#state.name !== 'registered') this.#setState({ name: 'registering' });
    const contact = this.#endpoint.contact(this.#contactUser);
    this.#send({ kind: 'register', contact, expiresS: this.#expiresS });
  }

  /** reg-id only with an instance ID, and only on connection-oriented transports (RFC 5626 §4.2). */
  #useRegId(): boolean {
    return this.#instanceId !== undefined && this.#endpoint.transport.reliable;
  }

  #send(base: { kind: Attempt['kind']; contact: string; expiresS: number; done?: (r: UnregisterResult) => void }): void {
    // After a reconnect the Contact may differ (a new local port): the old binding goes, in the same REGISTER.
    const stale = base.kind === 'register' && this.#bound !== undefined && this.#bound.contact !== base.contact ? this.#bound.contact : undefined;
    const plain = this.#build(base.kind, base.contact, base.expiresS, stale, []);
    const cached = this.#auth?.headersFor(plain) ?? [];
    const attempt: Attempt = {
      ...base, contactUri: plain.contacts[0]!.uri, plain, sent: cached.length > 0 ? this.#build(base.kind, base.contact, base.expiresS, stale, cached, plain.cseq.seq) : plain,
      preemptive: cached.length > 0, authRounds: 0, intervalRetried: false, removesStale: stale,
    };
    this.#transmit(attempt);
  }

  #build(kind: Attempt['kind'], contact: string, expiresS: number, stale: string | undefined, auth: readonly HeaderSpec[], cseq?: number): SipRequest {
    return buildRegister({
      requestUri: this.#requestUri, aor: this.aor, ...(this.#displayName === undefined ? {} : { displayName: this.#displayName }),
      callId: this.#callId, fromTag: this.#fromTag, cseq: cseq ?? ++this.#cseq, via: this.#endpoint.via(),
      contact, expiresS: kind === 'unregister' ? 0 : expiresS,
      ...(this.#instanceId === undefined ? {} : { instanceId: this.#instanceId }),
      ...(this.#useRegId() ? { regId: this.#regId } : {}),
      ...(stale === undefined ? {} : { staleContact: stale }),
      product: this.#endpoint.product, credentials: auth, route: this.#endpoint.preloadedRoute,
    });
  }

  #transmit(attempt: Attempt): void {
    this.#attempt = attempt;
    const current = () => this.#attempt === attempt;
    this.#endpoint.send(attempt.sent, {
      onResponse: (response) => { if (current()) this.#onResponse(attempt, response); },
      // §8.1.3.1: a timeout is treated as a 408, a transport error as a 503.
      onTimeout: () => {
        if (current()) this.#fail(attempt, { status: 408, reason: 'no response from the registrar (Timer F fired; treated as 408 Request Timeout)', transient: true });
      },
      onTransportError: (error) => {
        if (current()) this.#fail(attempt, { reason: `could not send REGISTER: ${error.message}`, transient: true });
      },
    }, { target: this.#endpoint.outboundTarget, callTag: this.callTag });
  }

  #resend(attempt: Attempt, auth: readonly HeaderSpec[]): void {
    const stale = attempt.removesStale;
    attempt.plain = this.#build(attempt.kind, attempt.contact, attempt.expiresS, stale, []);
    attempt.sent = auth.length > 0 ? this.#build(attempt.kind, attempt.contact, attempt.expiresS, stale, auth, attempt.plain.cseq.seq) : attempt.plain;
    attempt.preemptive = false;
    this.#transmit(attempt);
  }

  #onResponse(attempt: Attempt, response: SipResponse): void {
    const { status } = response;
    if (status < 200) return;
    const what = `${status} ${response.reason}`;
    if (status < 300) {
      this.#succeeded(attempt, response);
    } else if (status === 401 || status === 407) {
      this.#challenged(attempt, response);
    } else if (status === 423 && attempt.kind === 'register') {
      // §10.2.8: "the UA MAY retry the registration with an expiration interval at least as long as the Min-Expires".
      const min = response.minExpires;
      if (attempt.intervalRetried || min === undefined || min <= attempt.expiresS) {
        this.#fail(attempt, { status, reason: `${what}${min === undefined ? ' without Min-Expires' : ` (Min-Expires ${min})`}`, transient: false });
        return;
      }
      this.#expiresS = min;
      const next: Attempt = { ...attempt, expiresS: min, intervalRetried: true };
      this.#resend(next, this.#auth?.headersFor(attempt.plain) ?? []);
    } else if (status >= 300 && status < 400) {
      const to = response.contacts[0]?.uri;
      this.#fail(attempt, { status, reason: `${what}: the registrar redirects${to && 'host' in to ? ` to ${to.host}` : ''}; redirects are not followed for REGISTER`, transient: false });
    } else {
      const after = retryAfterS(response);
      this.#fail(attempt, { status, reason: what, transient: isTransientFailure(status), ...(after === undefined ? {} : { retryAfterS: after }) });
    }
  }

  /** §22.2: retry once with credentials; RFC 7616 §3.3: a stale nonce once more. Never a loop. */
  #challenged(attempt: Attempt, response: SipResponse): void {
    const what = `${response.status} ${response.reason}`;
    if (!this.#auth) {
      this.#fail(attempt, { status: response.status, reason: `${what}: the registrar asks for credentials and none are configured`, transient: false });
      return;
    }
    if (attempt.authRounds >= MAX_AUTH_ROUNDS) {
      this.#fail(attempt, { status: response.status, reason: `${what}: still challenged after ${attempt.authRounds} answered challenges`, transient: false });
      return;
    }
    // Credentials sent pre-emptively (a cached nonce) that get challenged are answered as if none had been sent: the registrar forgot the nonce (restart, expiry), not the password.
    const answered = attempt.preemptive && attempt.authRounds === 0 ? attempt.plain : attempt.sent;
    const answer = this.#auth.answer(answered, response);
    if (!answer.ok) {
      this.#auth.reset();
      this.#fail(attempt, { status: response.status, reason: answer.reason, transient: false });
      return;
    }
    attempt.authRounds++;
    this.#resend(attempt, answer.headers);
  }

  #succeeded(attempt: Attempt, response: SipResponse): void {
    this.#attempt = undefined;
    if (attempt.kind === 'unregister') {
      attempt.done?.({ ok: true, removed: true });
      return;
    }
    const useRegId = this.#useRegId();
    const binding = findBinding(response.contacts, {
      uri: attempt.contactUri,
      ...(this.#instanceId === undefined ? {} : { instance: this.#instanceId }),
      ...(useRegId ? { regId: this.#regId } : {}),
    });
    const granted = grantedExpiry(response, binding, attempt.expiresS);
    this.#failures = 0;
    this.#bound = { contact: attempt.contact, flowId: this.#currentFlowId?.() ?? this.#flowId };
    if (!this.#active) return;
    if (granted <= 0) {
      this.#fail(attempt, { status: response.status, reason: `${response.status} ${response.reason}, but the registrar granted the binding 0 s`, transient: true });
      return;
    }
    const refreshInMs = refreshDelayMs(granted);
    this.#timer = this.#endpoint.clock.setTimer(refreshInMs, () => this.#register());
    this.#setState({
      name: 'registered', until: this.#endpoint.clock.now() + granted * 1000, expiresS: granted, contact: attempt.contact,
      outbound: response.require.includes('outbound'), refreshInMs,
    });
  }

  #fail(attempt: Attempt, failure: Failure): void {
    if (this.#attempt === attempt) this.#attempt = undefined;
    if (attempt.kind === 'unregister') {
      attempt.done?.({ ok: false, ...(failure.status === undefined ? {} : { status: failure.status }), reason: failure.reason });
      return;
    }
    if (!this.#active) return;
    this.#cancelTimer();
    const status = failure.status === undefined ? {} : { status: failure.status };
    if (!failure.transient) {
      this.#refused = true;
      this.#setState({ name: 'failed', ...status, reason: failure.reason });
      return;
    }
    this.#failures++;
    if (this.#failures > this.#maxRetries) {
      this.#refused = true;
      this.#setState({ name: 'failed', ...status, reason: `${failure.reason} (gave up after ${this.#failures} attempts)` });
      return;
    }
    // §21.5.4 (503) / §20.33: the server may say when to retry; else bounded exponential backoff.
    const delay = failure.retryAfterS !== undefined
      ? Math.min(failure.retryAfterS * 1000, 3_600_000)
      : backoffDelay(this.#failures, this.#retry, this.#random);
    this.#timer = this.#endpoint.clock.setTimer(delay, () => this.#register());
    this.#setState({ name: 'failed', ...status, reason: failure.reason, retryInMs: delay });
  }

  /**
   * RFC 5626 §4.4-4.5: when the flow a registration went over fails, the UA
   * forms a new flow and registers again over it. The transport reconnects;
   * this follows it.
   */
  #onTransport(change: TransportStateChange): void {
    if (!this.#active) return;
    switch (change.state) {
      case 'connecting':
        return;
      case 'connected': {
        const current = this.#currentFlowId?.();
        // A connection that is not the client flow (accepted, or ad hoc to another peer).
        if (current !== undefined && change.flowId !== undefined && current !== change.flowId) return;
        this.#flowId = current ?? change.flowId;
        if (this.#refused) return;
        const movedFlow = this.#bound?.flowId !== undefined && this.#bound.flowId !== this.#flowId;
        if (this.#awaitingConnection || this.#state.name === 'failed' || movedFlow) {
          this.#failures = 0;
          this.#register();
        }
        return;
      }
      case 'reconnecting':
        this.#lost(change.reason ?? 'connection lost', change.retryInMs);
        return;
      case 'failed':
        // Without a flow id it is a connection attempt failing, or a UDP socket error: nothing of ours is lost.
        if (change.flowId === undefined || (this.#flowId !== undefined && change.flowId !== this.#flowId)) return;
        this.#lost(change.reason ?? 'connection failed', undefined);
        return;
      case 'closed':
        if (change.flowId !== undefined && this.#flowId !== undefined && change.flowId !== this.#flowId) return;
        this.#cancelTimer();
        this.#attempt = undefined;
        this.#awaitingConnection = true;
        this.#setState({ name: 'failed', reason: `the connection to the server was closed${change.reason ? ` (${change.reason})` : ''}` });
    }
  }

  /** Our flow is gone: wait for the transport's reconnect (`retryInMs` known), else retry on our own backoff. */
  #lost(reason: string, transportRetryInMs: number | undefined): void {
    if (this.#refused) return;
    this.#cancelTimer();
    this.#attempt = undefined;
    this.#awaitingConnection = true;
    let retryInMs = transportRetryInMs;
    if (retryInMs === undefined) {
      // In case no `reconnecting`/`connected` follows (a transport without a client flow).
      this.#failures++;
      retryInMs = backoffDelay(this.#failures, this.#retry, this.#random);
      this.#timer = this.#endpoint.clock.setTimer(retryInMs, () => this.#register());
    }
    this.#setState({ name: 'failed', reason: `connection to the server lost: ${reason}`, retryInMs });
  }
}
