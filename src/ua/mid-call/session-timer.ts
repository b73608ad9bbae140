// Session timers (RFC 4028): the session interval and who refreshes, as
// negotiated by each INVITE, re-INVITE or UPDATE and its 2xx; a refresh at
// half the interval by the refresher, BYE by the other side when no
// refresh comes; 422 (Session Interval Too Small) sent and handled. The
// roles `uac`/`uas` in Session-Expires are those of the transaction that
// carries it, not of the dialog.
import type { HeaderSpec, SipRequest, SipResponse } from '../../message/index.js';
import type { TimerHandle } from '../../util/clock.js';

/** §4/§5: the smallest session interval, and the default Min-SE: 90 seconds. */
export const MIN_SESSION_INTERVAL = 90;

export interface SessionTimerOptions {
  /**
   * Our minimum session interval in seconds (default and floor 90, §9: "This
   * minimum interval MUST NOT be lower than 90 seconds"): shorter requests
   * get 422 from us.
   */
  readonly minSe?: number;
  /**
   * Ask for a session timer in our INVITEs (Session-Expires, seconds). Without
   * it we only honour the peer's (and refresh when it makes us the refresher).
   */
  readonly sessionExpires?: number;
}

export interface SessionTimerHost {
  now(): number;
  setTimer(ms: number, callback: () => void): TimerHandle;
  /** Time to refresh (we are the refresher): a re-INVITE or UPDATE. */
  refresh(): void;
  /** The session expired without a refresh (§10): BYE. */
  expire(reason: string): void;
  /** A new interval runs (negotiated or refreshed). */
  started(state: { interval: number; refresher: 'local' | 'remote'; expiresAt: number }): void;
}

/** Our answer to a request: 422, or what the 2xx carries and what to do once it is sent. */
export type AcceptedTimer = { readonly kind: 'accept'; readonly require: readonly string[]; readonly headers: readonly HeaderSpec[]; readonly commit: () => void };
export type TimerVerdict = { readonly kind: 'reject'; readonly minSe: number } | AcceptedTimer;

function supportsTimer(request: SipRequest): boolean {
  return request.supported.includes('timer') || request.require.includes('timer');
}

/**
 * §9: "If the incoming request contains a Supported header field with a
 * value 'timer' and a Session Expires header field, the UAS MAY reject the
 * INVITE request with a 422 ... if the session interval in the
 * Session-Expires header field is smaller than the minimum interval defined
 * by the UAS' local policy." Returns the Min-SE for the 422, or undefined.
 */
export function sessionIntervalTooSmall(request: SipRequest, minSe: number): number | undefined {
  const se = request.sessionExpires;
  const floor = Math.max(minSe, MIN_SESSION_INTERVAL);
  if (!se || se.seconds >= floor || !supportsTimer(request)) return undefined;
  return Math.max(floor, request.minSe?.seconds ?? 0);
}

/** The Min-SE header of a 422 (§9: "the UAS MUST include a Min-SE header field with the value of its minimum interval"). */
export function minSeHeader(seconds: number): HeaderSpec {
  return { name: 'Min-SE', value: String(seconds) };
}

export class SessionTimer {
  private interval: number | undefined;
  private weRefresh = false;
  /** §7.4: the largest Min-SE seen (in 422s or in the peer's requests), to put in our requests. */
  private minSeSeen = 0;
  /** The Session-Expires we ask for in our INVITE (raised after a 422). */
  private ask: number | undefined;
  private raises = 0;
  private refreshTimer: TimerHandle | undefined;
  private expiryTimer: TimerHandle | undefined;
  private readonly minSe: number;

  constructor(private readonly host: SessionTimerHost, options: SessionTimerOptions = {}) {
    this.minSe = Math.max(options.minSe ?? MIN_SESSION_INTERVAL, MIN_SESSION_INTERVAL);
    if (options.sessionExpires !== undefined) this.ask = Math.max(options.sessionExpires, this.minSe);
  }

  /** The current session interval in seconds, while a timer runs. */
  get sessionInterval(): number | undefined {
    return this.interval;
  }

  /** True when we refresh. */
  get refresher(): boolean {
    return this.interval !== undefined && this.weRefresh;
  }

  /** Our floor, for the 422 we send. */
  get ourMinSe(): number {
    return this.minSe;
  }

  /**
   * Session-Expires and Min-SE for our initial INVITE. §7.1: the UAC may ask
   * for an interval, and leaves the refresher parameter out so that the
   * negotiation picks it; after a 422 (§7.3, §7.4) the new request carries
   * Min-SE with the largest value received.
   */
  inviteHeaders(): HeaderSpec[] {
    const headers: HeaderSpec[] = [];
    if (this.ask !== undefined) headers.push({ name: 'Session-Expires', value: String(this.ask) });
    if (this.minSeSeen > 0) headers.push(minSeHeader(this.minSeSeen));
    return headers;
  }

  /**
   * Session-Expires and Min-SE for a re-INVITE or UPDATE of ours while a
   * timer runs (§7.4: a refresh request carries the current interval, and
   * "refresher" as the role the refresher has in this transaction).
   */
  requestHeaders(): HeaderSpec[] {
    if (this.interval === undefined) return [];
    const headers: HeaderSpec[] = [{ name: 'Session-Expires', value: `${this.interval};refresher=${this.weRefresh ? 'uac' : 'uas'}` }];
    if (this.minSeSeen > 0) headers.push(minSeHeader(this.minSeSeen));
    return headers;
  }

  /**
   * A 422 to our INVITE, re-INVITE or UPDATE: true when a new request with a
   * larger interval makes sense. §7.3/§7.4: the new request's Session-Expires
   * is at least the 422's Min-SE, and it carries that Min-SE.
   */
  raiseAfter422(response: SipResponse): boolean {
    const minSe = response.minSe?.seconds;
    if (minSe === undefined || this.raises >= 3) return false;
    this.minSeSeen = Math.max(this.minSeSeen, minSe);
    const current = this.interval ?? this.ask;
    if (current !== undefined && minSe <= current) return false;
    this.raises += 1;
    if (this.interval !== undefined) this.interval = minSe;
    else this.ask = minSe;
    return true;
  }

  /**
   * The 2xx to our INVITE, re-INVITE or UPDATE (§7.2): "If the 2xx response
   * did not contain a Session-Expires header field, there is no session
   * expiration"; otherwise the refresher is `uac` (us) or `uas` (the peer).
   */
  answered(response: SipResponse): void {
    this.raises = 0;
    const se = response.sessionExpires;
    if (!se) {
      this.stop();
      return;
    }
    this.start(se.seconds, (se.refresher ?? 'uac') === 'uac');
  }

  /**
   * A request we are about to accept (INVITE, re-INVITE, UPDATE), as UAS of
   * its transaction (§9). "The UAS MUST NOT increase the value of the
   * Session-Expires header field"; below our minimum it gets 422 when the UAC
   * supports the extension, else it is raised (RFC 4028 errata 1687). "If the
   * refresher parameter in the Session-Expires header field in the 2xx
   * response has a value of 'uac', the UAS MUST place a Require header field
   * into the response with the value 'timer'."
   */
  answer(request: SipRequest): TimerVerdict {
    const se = request.sessionExpires;
    const uacSupports = supportsTimer(request);
    const theirMinSe = request.minSe?.seconds ?? 0;
    if (!se) {
      // No Session-Expires: a peer that supports timers turns them off; one
      // that does not cannot refresh, so a timer we run stays ours (refresher=uas).
      if (this.interval === undefined || uacSupports) return { kind: 'accept', require: [], headers: [], commit: () => this.stop() };
      const interval = this.interval;
      return this.accepting(interval, 'uas', theirMinSe);
    }
    let interval = se.seconds;
    if (interval < this.minSe) {
      if (uacSupports) return { kind: 'reject', minSe: Math.max(this.minSe, theirMinSe) };
      interval = this.minSe;
    }
    // §9: the UAS copies the refresher the request chose; it chooses when none
    // was (we leave refreshing to the side that asked); a UAC without the
    // extension cannot refresh: "uas".
    const refresher = !uacSupports ? 'uas' : se.refresher ?? 'uac';
    return this.accepting(interval, refresher, theirMinSe);
  }

  stop(): void {
    this.refreshTimer?.cancel();
    this.expiryTimer?.cancel();
    this.refreshTimer = undefined;
    this.expiryTimer = undefined;
    this.interval = undefined;
  }

  private accepting(interval: number, refresher: 'uac' | 'uas', theirMinSe: number): TimerVerdict {
    return {
      kind: 'accept',
      require: refresher === 'uac' ? ['timer'] : [],
      headers: [{ name: 'Session-Expires', value: `${interval};refresher=${refresher}` }],
      commit: () => {
        this.minSeSeen = Math.max(this.minSeSeen, theirMinSe);
        this.start(interval, refresher === 'uas');
      },
    };
  }

  /**
   * §10: "the refresher ... SHOULD send [the refresh] ... at half the session
   * interval"; "If the side not performing refreshes does not receive a
   * session refresh request before the session expiration, it SHOULD send a
   * BYE to terminate the session, slightly before the session expiration. The
   * minimum of 32 seconds and one third of the session interval is
   * RECOMMENDED." The refresher itself gives up (BYE) at the expiration.
   */
  private start(interval: number, weRefresh: boolean): void {
    this.stop();
    this.interval = interval;
    this.weRefresh = weRefresh;
    const ms = interval * 1000;
    if (weRefresh) this.refreshTimer = this.host.setTimer(ms / 2, () => {
      this.refreshTimer = undefined;
      this.host.refresh();
    });
    const expiresIn = weRefresh ? ms : ms - Math.min(32_000, ms / 3);
    this.expiryTimer = this.host.setTimer(expiresIn, () => {
      this.expiryTimer = undefined;
      this.interval = undefined;
      this.host.expire(weRefresh
        ? `our session refresh got no answer within the session interval (${interval} s, RFC 4028 §10)`
        : `no session refresh within the session interval (${interval} s): BYE ${Math.round(Math.min(32_000, ms / 3) / 1000)} s before it expired (RFC 4028 §10)`);
    });
    this.host.started({ interval, refresher: weRefresh ? 'local' : 'remote', expiresAt: this.host.now() + ms });
  }
}
