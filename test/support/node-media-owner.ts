// A page standing in for the renderer in host tests: it opens a host session, claims the
// media, and answers the host's media requests with static SDP (one StaticSdpHandler per
// call id), as the renderer's RTCPeerConnections would with real media — or, given
// `createHandler`, with any SdpHandler (a media-engine WebRTC session, for real audio). It
// records what it was asked, and can stop answering (a hung page) or fail (a page error).
import type { AppEvent } from '../../main/contract/app-api.js';
import type { MediaReply, MediaRequest } from '../../main/contract/media.js';
import type { Host, HostSession } from '../../main/host/host.js';
import type { SdpHandler } from '../../src/ua/sdp/sdp-handler.js';
import { StaticSdpHandler } from '../../src/ua/sdp/static-sdp.js';

export interface NodeMediaOwnerOptions {
  /** The media of each call (default: static SDP, plain RTP, no audio). */
  readonly createHandler?: (callId: string) => SdpHandler;
}

export class NodeMediaOwner {
  readonly session: HostSession;
  readonly events: AppEvent[] = [];
  readonly requests: MediaRequest[] = [];
  /** When set, answers media requests of these kinds with this error. */
  failKinds = new Map<MediaRequest['kind'], string>();
  /** When true, media requests get no answer at all. */
  silent = false;
  private readonly handlers = new Map<string, SdpHandler>();
  private readonly waiters: Array<{ match: (event: AppEvent) => boolean; resolve: (event: AppEvent) => void }> = [];

  constructor(host: Host, readonly pageId = `page-${Math.random().toString(36).slice(2, 12)}`, private readonly options: NodeMediaOwnerOptions = {}) {
    this.session = host.openSession((event) => this.receive(event));
  }

  /** The media of a call (its handler), once the host asked for it. */
  handler(callId: string): SdpHandler | undefined {
    return this.handlers.get(callId);
  }

  async claim(force = false): Promise<void> {
    const result = await this.session.invoke('claimMediaOwner', { pageId: this.pageId, force });
    if (!result.ok || !(result.value as { owner: boolean }).owner) throw new Error(`claim refused: ${JSON.stringify(result)}`);
  }

  /** Resolves with the first event (already seen or coming) that matches. */
  next(match: (event: AppEvent) => boolean, timeoutMs = 15_000): Promise<AppEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; got ${this.events.map((e) => e.type).join(', ')}`)), timeoutMs);
      this.waiters.push({ match, resolve: (event) => { clearTimeout(timer); resolve(event); } });
    });
  }

  close(): void {
    this.session.close();
  }

  private receive(event: AppEvent): void {
    this.events.push(event);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(event)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
    if (event.type === 'media-request' && !this.silent) void this.answer(event.requestId, event.request);
  }

  private async answer(requestId: number, request: MediaRequest): Promise<void> {
    this.requests.push(request);
    const failure = this.failKinds.get(request.kind);
    const reply: MediaReply = failure !== undefined ? { ok: false, error: failure }
      : await this.perform(request).catch((error: unknown) => ({ ok: false as const, error: error instanceof Error ? error.message : String(error) }));
    await this.session.invoke('answerMediaRequest', { requestId, reply });
  }

  private async perform(request: MediaRequest): Promise<MediaReply> {
    let handler = this.handlers.get(request.callId);
    if (handler === undefined) this.handlers.set(request.callId, (handler = this.options.createHandler?.(request.callId) ?? new StaticSdpHandler()));
    switch (request.kind) {
      case 'create-offer':
        return { ok: true, sdp: await handler.createOffer(request.direction === undefined ? {} : { direction: request.direction }) };
      case 'create-answer':
        return { ok: true, sdp: await handler.createAnswer(request.offer, request.direction === undefined ? {} : { direction: request.direction }) };
      case 'apply-answer':
        if (request.provisional) await handler.applyProvisionalAnswer(request.sdp);
        else await handler.applyFinalAnswer(request.sdp);
        return { ok: true };
      case 'rollback':
        if (this.options.createHandler) await handler.rollback?.();
        return { ok: true };
      case 'close':
        // Kept (closed) for the test to measure; a static handler has nothing to release.
        handler.close();
        return { ok: true };
      case 'send-dtmf':
        return { ok: true };
    }
  }
}
