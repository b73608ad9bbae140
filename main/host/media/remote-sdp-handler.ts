// A call's SdpHandler in the host: each operation is a request to the media owner (the
// page with the RTCPeerConnection for this call id). The user agent's call code is the
// same as for the CLI's static SDP; only where the media lives differs.
import type { IceServerConfig, MediaRequest } from '../../contract/media.js';
import type { MediaDirection, SdpHandler } from '../../../src/ua/sdp/sdp-handler.js';
import type { MediaOwner } from './media-owner.js';

export class RemoteSdpHandler implements SdpHandler {
  private closed = false;
  /** The dialog whose early answer was applied last (forked early media). */
  private earlyDialog: string | undefined;

  constructor(
    /** The host's id of the call, which is also the page's key for its peer connection. */
    readonly callId: string,
    private readonly owner: MediaOwner,
    private readonly iceServers: readonly IceServerConfig[],
  ) {}

  async createOffer(options: { direction?: MediaDirection } = {}): Promise<string> {
    return this.sdpOf(await this.ask({
      kind: 'create-offer', callId: this.callId, iceServers: this.iceServers,
      ...(options.direction === undefined ? {} : { direction: options.direction }),
    }));
  }

  async createAnswer(offer: string, options: { direction?: MediaDirection } = {}): Promise<string> {
    return this.sdpOf(await this.ask({
      kind: 'create-answer', callId: this.callId, offer, iceServers: this.iceServers,
      ...(options.direction === undefined ? {} : { direction: options.direction }),
    }));
  }

  /** RFC 3262 early media: applied as a provisional answer (pranswer) and played. */
  async applyProvisionalAnswer(answer: string, dialog?: string): Promise<void> {
    if (dialog !== undefined) this.earlyDialog = dialog;
    await this.ask({ kind: 'apply-answer', callId: this.callId, sdp: answer, provisional: true, ...(dialog === undefined ? {} : { dialog }) });
  }

  async applyFinalAnswer(answer: string): Promise<void> {
    await this.ask({
      kind: 'apply-answer', callId: this.callId, sdp: answer, provisional: false,
      ...(this.earlyDialog === undefined ? {} : { dialog: this.earlyDialog }),
    });
  }

  async rollback(): Promise<void> {
    await this.ask({ kind: 'rollback', callId: this.callId });
  }

  /** RFC 4733 tones through the page's RTCDTMFSender. */
  async sendDtmf(tones: string, durationMs: number): Promise<void> {
    await this.ask({ kind: 'send-dtmf', callId: this.callId, tones, durationMs });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Best effort: a page that is gone has released its media already.
    this.owner.request({ kind: 'close', callId: this.callId }).catch(() => undefined);
  }

  private ask(request: MediaRequest) {
    if (this.closed) return Promise.reject(new Error('the call\'s media is closed'));
    return this.owner.request(request);
  }

  private sdpOf(reply: { readonly sdp?: string }): string {
    if (reply.sdp === undefined) throw new Error('the phone window answered without a session description');
    return reply.sdp;
  }
}
