// One test-line call's media behind the SdpHandler interface: a media-engine session of
// the kind the caller offered (WebRTC for UDP/TLS/RTP/SAVPF, plain RTP for RTP/AVP), made
// when the offer or answer is first needed, so the caller's offer picks it. Two numbers
// tell the caller something the media then does not do, on purpose:
//  - `send-nothing` (one-way): the engine answers recvonly, the caller reads sendrecv;
//  - `dtls-role-clash` (no-dtls): the engine answers a=setup:passive and waits as the DTLS
//    server, and the caller reads a=setup:active (RFC 4145 §4: "active" opens the
//    connection; RFC 5763 §5: it is the DTLS client), so the caller waits as the server
//    too: ICE connects, nobody sends a ClientHello, DTLS never completes. (The other way
//    round, both clients, fails earlier and differently: a ClientHello that reaches the
//    caller before the answer makes it the server, and the answer is then refused.)
import type { AudioSource, AudioSourceSpec } from '../media/audio/sources.js';
import type { MediaKind, MediaMeasurement } from '../media/measure/measurements.js';
import type { MediaEngine } from '../media/media-engine.js';
import { MediaError, type MediaSession } from '../media/media-session.js';
import { flowOf, sdpDirection, setSdpDirection } from '../ua/sdp/media-direction.js';
import type { MediaDirection, SdpHandler } from '../ua/sdp/sdp-handler.js';

export type MediaTrick = 'none' | 'send-nothing' | 'dtls-role-clash';

/** The kind a session description asks for: WebRTC (ICE + DTLS-SRTP) or plain RTP. */
export function offeredKind(sdp: string): MediaKind {
  const proto = /^m=audio \d+ (\S+)/m.exec(sdp)?.[1] ?? '';
  return /SAVPF|UDP\/TLS/i.test(proto) || /^a=fingerprint:/m.test(sdp) ? 'webrtc' : 'rtp';
}

/** `sdp` with each a=setup of active and passive swapped (actpass stays: an answer never carries it). */
export function swapDtlsSetup(sdp: string): string {
  return sdp.replace(/^a=setup:(active|passive)[ \t]*$/gm, (_line, role: string) => `a=setup:${role === 'active' ? 'passive' : 'active'}`);
}

export class LineMedia implements SdpHandler {
  trick: MediaTrick = 'none';
  /** The kind for an offer of our own (an offerless INVITE, the callback); default WebRTC. */
  kindForOffers: MediaKind = 'webrtc';
  private session: MediaSession | undefined;
  private source: AudioSourceSpec | AudioSource;

  constructor(private readonly engine: MediaEngine, play: AudioSourceSpec | AudioSource = { kind: 'silence' }) {
    this.source = play;
  }

  /** The engine session, once the offer/answer made one. */
  get current(): MediaSession | undefined {
    return this.session;
  }

  get kind(): MediaKind | undefined {
    return this.session?.kind;
  }

  /** What to send from now on (the session's, or the first one's when there is none yet). */
  play(source: AudioSourceSpec | AudioSource): void {
    this.source = source;
    this.session?.play(source);
  }

  markAnswered(): void {
    this.session?.markAnswered();
  }

  measure(): Promise<MediaMeasurement> | undefined {
    return this.session?.measure();
  }

  async createOffer(options: { direction?: MediaDirection } = {}): Promise<string> {
    const session = this.sessionOf(this.kindForOffers);
    return this.told(await session.createOffer(options), options.direction ?? 'sendrecv');
  }

  async createAnswer(offer: string, options: { direction?: MediaDirection } = {}): Promise<string> {
    const kind = offeredKind(offer);
    if (this.trick === 'dtls-role-clash') {
      if (kind !== 'webrtc') throw new MediaError('this number needs a WebRTC offer (UDP/TLS/RTP/SAVPF): plain RTP has no DTLS to fail');
      // JSEP (RFC 8829 §5.2.1) offers actpass; an offerer that chose its role cannot be led into the clash.
      if (!/^a=setup:actpass/m.test(offer)) throw new MediaError('this number needs an offer with a=setup:actpass');
    }
    const session = this.sessionOf(kind);
    const offered = flowOf(sdpDirection(offer));
    const wanted = options.direction ?? (offered.send && offered.recv ? 'sendrecv' : offered.send ? 'recvonly' : offered.recv ? 'sendonly' : 'inactive');
    // FAULT one-way: the engine never sends; the caller is told it does.
    const acted = this.trick === 'send-nothing' ? (flowOf(wanted).recv ? 'recvonly' : 'inactive') : wanted;
    const answer = await session.createAnswer(offer, { direction: acted });
    return this.told(answer, wanted);
  }

  async applyProvisionalAnswer(answer: string): Promise<void> {
    await this.session?.applyProvisionalAnswer(answer);
  }

  async applyFinalAnswer(answer: string): Promise<void> {
    await this.session?.applyFinalAnswer(answer);
  }

  async rollback(): Promise<void> {
    await this.session?.rollback?.();
  }

  close(): void {
    this.session?.close();
  }

  /** The final measurements once closed (undefined when no session was ever made). */
  get closed(): Promise<MediaMeasurement> | undefined {
    return this.session?.closed;
  }

  private sessionOf(kind: MediaKind): MediaSession {
    if (this.session) {
      if (this.session.kind !== kind) throw new MediaError(`this call's media is ${this.session.kind}; a ${kind} offer cannot change it`);
      return this.session;
    }
    this.session = this.engine.createSession({
      kind, play: this.source,
      ...(this.trick === 'dtls-role-clash' ? { webrtc: { answerSetup: 'passive' as const } } : {}),
    });
    return this.session;
  }

  /** The description as the caller reads it: the engine's, with the trick applied. */
  private told(sdp: string, direction: MediaDirection): string {
    switch (this.trick) {
      case 'none':
        return sdp;
      case 'send-nothing':
        return setSdpDirection(sdp, direction);
      case 'dtls-role-clash':
        return swapDtlsSetup(sdp);
    }
  }
}
