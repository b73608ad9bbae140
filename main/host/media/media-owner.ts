// The media owner: which page holds the calls' RTCPeerConnections, and the request/reply
// channel to it. A request goes out as a `media-request` event to the owner's session
// only, with a correlation id; the owner answers through `answerMediaRequest`; a request
// unanswered within its timeout fails with a sentence. Every failure is explicit: no owner
// (nothing to ask), the owner gone (its session closed and did not come back within the
// grace period: the host then ends its calls), a timeout, or the page's own error.
import type { MediaOwnerState, MediaReply, MediaRequest } from '../../contract/media.js';

export interface OwnerSession {
  readonly id: number;
  /** Sends one event to this session only. */
  send(event: { readonly type: 'media-request'; readonly requestId: number; readonly request: MediaRequest }): void;
  sendOwnerState(state: MediaOwnerState): void;
}

export interface MediaOwnerOptions {
  /** How long a page whose connection dropped may take to reclaim with the same page id, ms. */
  readonly graceMs?: number;
  /** How long a request may wait for its answer, ms, by kind (offers gather ICE: bounded by the page). */
  readonly timeoutMs?: (request: MediaRequest) => number;
  /** True while any call is up: another page may not take over then. */
  readonly callsActive: () => boolean;
  /** The owner is gone for good (closed, reloaded, or never came back): end the calls. */
  readonly onOwnerGone: (why: string) => void;
  readonly setTimer?: (ms: number, callback: () => void) => { cancel(): void };
}

export class MediaOwnerError extends Error {
  override readonly name = 'MediaOwnerError';
  constructor(readonly kind: 'no-owner' | 'owner-gone' | 'timeout' | 'page-error', message: string) {
    super(message);
  }
}

interface Pending {
  readonly request: MediaRequest;
  readonly resolve: (reply: MediaReply) => void;
  readonly reject: (error: MediaOwnerError) => void;
  readonly timer: { cancel(): void };
}

const DEFAULT_GRACE_MS = 3000;

export function defaultMediaTimeoutMs(request: MediaRequest): number {
  switch (request.kind) {
    case 'create-offer':
    case 'create-answer':
      // The page bounds ICE gathering itself (a second or two); getUserMedia may ask the user first.
      return 20_000;
    case 'apply-answer':
    case 'rollback':
      return 10_000;
    case 'send-dtmf':
      return 15_000;
    case 'close':
      return 5000;
  }
}

export class MediaOwner {
  private owner: { session: OwnerSession; pageId: string } | undefined;
  private orphan: { pageId: string; timer: { cancel(): void } } | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextRequestId = 1;
  private readonly setTimer: NonNullable<MediaOwnerOptions['setTimer']>;

  constructor(private readonly options: MediaOwnerOptions) {
    this.setTimer = options.setTimer ?? ((ms, callback) => {
      const handle = setTimeout(callback, ms);
      handle.unref?.();
      return { cancel: () => clearTimeout(handle) };
    });
  }

  /** Whether `session` owns the media, and whether another does. */
  stateFor(session: { readonly id: number } | undefined): MediaOwnerState {
    const owns = this.owner !== undefined && session !== undefined && this.owner.session.id === session.id;
    return { owner: owns, elsewhere: (this.owner !== undefined || this.orphan !== undefined) && !owns };
  }

  get hasOwner(): boolean {
    return this.owner !== undefined;
  }

  /** A page asks to own the media. The same page (page id) reconnecting always gets it back. */
  claim(session: OwnerSession, pageId: string, force: boolean): MediaOwnerState {
    if (this.owner?.session.id === session.id) return this.stateFor(session);
    const returning = this.orphan?.pageId === pageId || this.owner?.pageId === pageId;
    if (!returning && (this.owner !== undefined || this.orphan !== undefined)) {
      if (!force) return { ...this.stateFor(session), reason: 'Another window is the phone (it owns the microphone and the calls).' };
      if (this.options.callsActive()) {
        return { ...this.stateFor(session), reason: 'Another window has calls up; end them there before using this window as the phone.' };
      }
    }
    const previous = this.owner?.session;
    this.orphan?.timer.cancel();
    this.orphan = undefined;
    this.owner = { session, pageId };
    if (previous !== undefined && previous.id !== session.id) previous.sendOwnerState(this.stateFor(previous));
    // Requests sent to a connection that dropped are re-sent to the page that came back.
    if (returning) for (const [requestId, entry] of this.pending) session.send({ type: 'media-request', requestId, request: entry.request });
    return this.stateFor(session);
  }

  /** A session closed (window closed, page reloaded, connection lost). */
  sessionClosed(session: { readonly id: number }): void {
    if (this.owner?.session.id !== session.id) return;
    const { pageId } = this.owner;
    this.owner = undefined;
    const graceMs = this.options.graceMs ?? DEFAULT_GRACE_MS;
    this.orphan = {
      pageId,
      timer: this.setTimer(graceMs, () => {
        this.orphan = undefined;
        this.failAll(new MediaOwnerError('owner-gone', 'the phone window closed'));
        this.options.onOwnerGone('the phone window closed');
      }),
    };
  }

  /** Asks the owner; rejects with a MediaOwnerError. A page error (`ok: false`) also rejects, with the page's words. */
  async request(request: MediaRequest): Promise<MediaReply & { readonly ok: true }> {
    if (this.owner === undefined && this.orphan === undefined) {
      throw new MediaOwnerError('no-owner', 'no phone window is open to handle the call\'s audio');
    }
    const requestId = this.nextRequestId++;
    const reply = await new Promise<MediaReply>((resolve, reject) => {
      const timeoutMs = (this.options.timeoutMs ?? defaultMediaTimeoutMs)(request);
      const timer = this.setTimer(timeoutMs, () => {
        this.pending.delete(requestId);
        reject(new MediaOwnerError('timeout', `the phone window did not answer ${request.kind} within ${Math.round(timeoutMs / 1000)} s`));
      });
      this.pending.set(requestId, { request, resolve, reject, timer });
      this.owner?.session.send({ type: 'media-request', requestId, request });
    });
    if (!reply.ok) throw new MediaOwnerError('page-error', reply.error);
    return reply;
  }

  /** The owner's answer; false when it is not the owner or the request is unknown (late, or already timed out). */
  answer(session: { readonly id: number }, requestId: number, reply: MediaReply): boolean {
    if (this.owner?.session.id !== session.id) return false;
    const entry = this.pending.get(requestId);
    if (entry === undefined) return false;
    this.pending.delete(requestId);
    entry.timer.cancel();
    entry.resolve(reply);
    return true;
  }

  close(): void {
    this.orphan?.timer.cancel();
    this.orphan = undefined;
    this.owner = undefined;
    this.failAll(new MediaOwnerError('owner-gone', 'Callscope is shutting down'));
  }

  private failAll(error: MediaOwnerError): void {
    for (const [requestId, entry] of [...this.pending]) {
      this.pending.delete(requestId);
      entry.timer.cancel();
      entry.reject(error);
    }
  }
}
