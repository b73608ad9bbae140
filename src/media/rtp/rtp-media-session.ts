// A plain RTP media session (RTP/AVP, G.711, RFC 4733) behind the
// SdpHandler interface: RFC 3264 offers and answers, early media from a
// provisional answer, re-offers (hold, resume) and rollback, and the
// measurements of its stream.
import type { MediaDirection } from '../../ua/sdp/sdp-handler.js';
import { directionOf, flowOf } from '../../ua/sdp/media-direction.js';
import { NARROWBAND_RATE } from '../audio/audio-frame.js';
import type { MediaMeasurement } from '../measure/measurements.js';
import { MediaError, MediaSessionBase, type MediaSessionOptions } from '../media-session.js';
import {
  DEFAULT_PTIME_MS, OFFERED_CODECS, OFFERED_DTMF_PAYLOAD_TYPE, readRemoteRtp, writeLocalRtp, writeRejectedRtp,
  type LocalRtp, type RemoteRtp,
} from './rtp-sdp.js';
import { RtpSockets } from './rtp-sockets.js';
import { RtpStream, type RtpStreamOptions } from './rtp-stream.js';

export interface RtpSessionOptions extends MediaSessionOptions, RtpStreamOptions {
  /** The address we receive on and put in c= (default 127.0.0.1): the one the peer can reach us at. */
  readonly address?: string;
  /** RTP ports to choose from (an even one for RTP, the next for RTCP). */
  readonly portRange?: readonly [number, number];
}

interface Agreed {
  readonly local: LocalRtp;
  readonly remote: RemoteRtp;
}

export class RtpMediaSession extends MediaSessionBase {
  readonly kind = 'rtp' as const;
  private sockets: Promise<RtpSockets> | undefined;
  private stream: RtpStream | undefined;
  private readonly sessionId = Math.floor(Math.random() * 2 ** 31);
  private version = 1;
  private lastSent: string | undefined;
  /** Our offer awaiting its answer, and the session last agreed (for rollback and re-offers). */
  private pending: LocalRtp | undefined;
  private agreed: Agreed | undefined;
  private lastAnswerText: string | undefined;

  constructor(private readonly rtpOptions: RtpSessionOptions = {}) {
    super(rtpOptions, NARROWBAND_RATE);
  }

  async createOffer(options: { direction?: MediaDirection } = {}): Promise<string> {
    const sockets = await this.open();
    const local = this.describe({
      address: sockets.address, port: sockets.port, codecs: OFFERED_CODECS, dtmfPayloadType: OFFERED_DTMF_PAYLOAD_TYPE,
      ptimeMs: DEFAULT_PTIME_MS, direction: options.direction ?? 'sendrecv', rtcpMux: false,
    });
    this.pending = local;
    return writeLocalRtp(local);
  }

  async createAnswer(offer: string, options: { direction?: MediaDirection } = {}): Promise<string> {
    const sockets = await this.open();
    const remote = readRemoteRtp(offer);
    const problem = typeof remote === 'string' ? remote : this.unusable(remote);
    if (problem !== undefined) {
      this.problems.push(`the offer cannot be taken: ${problem}`);
      const rejected = this.describe({ address: sockets.address, port: 0, codecs: [], ptimeMs: DEFAULT_PTIME_MS, direction: 'inactive', rtcpMux: false });
      return writeRejectedRtp(rejected, offer);
    }
    const offered = flowOf((remote as RemoteRtp).direction);
    const ours = options.direction ?? directionOf({ send: offered.recv, recv: offered.send });
    const theirs = remote as RemoteRtp;
    const local = this.describe({
      address: sockets.address, port: sockets.port, codecs: [theirs.codecs[0]!],
      ...(theirs.dtmfPayloadType === undefined ? {} : { dtmfPayloadType: theirs.dtmfPayloadType }),
      ptimeMs: theirs.ptimeMs, direction: ours, rtcpMux: theirs.rtcpMux,
    });
    this.agree(local, theirs);
    return writeLocalRtp(local);
  }

  async applyProvisionalAnswer(answer: string): Promise<void> {
    this.applyAnswer(answer);
  }

  async applyFinalAnswer(answer: string): Promise<void> {
    this.applyAnswer(answer);
    this.pending = undefined;
  }

  /** RFC 3261 §14.1: a refused re-offer leaves the session as it was. */
  async rollback(): Promise<void> {
    this.pending = undefined;
    if (this.agreed) this.configure(this.agreed);
  }

  async sendDtmf(digits: string): Promise<void> {
    if (!this.stream) throw new MediaError('no RTP session is agreed yet');
    await this.stream.sendDtmf(digits);
  }

  protected async receivedPacketsNow(): Promise<number> {
    return this.stream?.measurements().received.packets ?? 0;
  }

  protected async snapshot(): Promise<Omit<MediaMeasurement, 'sending' | 'problems' | 'recording' | 'answeredAt'>> {
    const m = this.stream?.measurements();
    const agreed = this.agreed;
    const latchedTo = this.stream?.latchedTo;
    const at = (first?: number, last?: number) => ({ ...(first === undefined ? {} : { firstPacketAt: first }), ...(last === undefined ? {} : { lastPacketAt: last }) });
    return {
      kind: 'rtp',
      negotiated: agreed !== undefined,
      ...(agreed ? {
        codec: `${agreed.local.codecs[0]?.name ?? '?'}/8000`,
        direction: agreed.local.direction,
        local: `${agreed.local.address}:${agreed.local.port}`,
        remote: `${agreed.remote.address}:${agreed.remote.port}`,
      } : {}),
      sent: { packets: m?.sent.packets ?? 0, bytes: m?.sent.bytes ?? 0, ...at(m?.sent.first, m?.sent.last), level: this.sentLevel.snapshot() },
      received: {
        packets: m?.received.packets ?? 0, bytes: m?.received.bytes ?? 0, lost: m?.received.lost ?? 0,
        ...(m?.received.jitterMs === undefined ? {} : { jitterMs: m.received.jitterMs }),
        ...at(m?.received.first, m?.received.last), level: this.receivedLevel.snapshot(),
      },
      ...(m?.peer ? { peer: m.peer } : {}),
      ...(latchedTo ? { latchedTo } : {}),
      ...(m ? { rtcp: m.rtcp, dtmfReceived: m.dtmf } : {}),
    };
  }

  protected async teardown(): Promise<void> {
    this.stream?.stop();
    const sockets = await this.sockets?.catch(() => undefined);
    sockets?.close();
  }

  private async open(): Promise<RtpSockets> {
    if (this.isClosing) throw new MediaError('the media session is closed');
    this.sockets ??= RtpSockets.bind(this.rtpOptions.address ?? '127.0.0.1', this.rtpOptions.portRange);
    let sockets: RtpSockets;
    try {
      sockets = await this.sockets;
    } catch (error) {
      throw new MediaError(error instanceof Error ? error.message : String(error));
    }
    if (!this.stream) {
      this.stream = new RtpStream(sockets, {
        now: this.now,
        readSource: (out, rate) => this.readSource(out, rate),
        deliver: (samples, rate) => this.deliverReceived(samples, rate),
        dtmf: (digit) => { for (const listener of this.dtmfListeners) listener(digit); },
      }, this.rtpOptions);
      this.openRecorder();
    }
    return sockets;
  }

  /** Our description with the o= version RFC 3264 §8 asks for: unchanged when the session is, else one more. */
  private describe(spec: Omit<LocalRtp, 'sessionId' | 'version'>): LocalRtp {
    const draft: LocalRtp = { ...spec, sessionId: this.sessionId, version: this.version };
    const body = writeLocalRtp(draft);
    if (this.lastSent !== undefined && body !== this.lastSent) {
      this.version++;
    }
    const local = { ...draft, version: this.version };
    this.lastSent = writeLocalRtp(local);
    return local;
  }

  private unusable(remote: RemoteRtp): string | undefined {
    if (remote.protocol !== 'RTP/AVP') {
      return /SAVPF/.test(remote.protocol)
        ? `it is ${remote.protocol} (WebRTC: ICE and DTLS-SRTP), and this is a plain RTP session`
        : `its transport is ${remote.protocol}, not RTP/AVP`;
    }
    if (remote.port === 0) return 'its audio stream is disabled (port 0)';
    if (remote.codecs.length === 0) return 'it offers neither PCMU nor PCMA';
    return undefined;
  }

  private applyAnswer(answer: string): void {
    if (answer === this.lastAnswerText && this.agreed) return;
    const offer = this.pending ?? this.agreed?.local;
    if (!offer) throw new MediaError('an answer came without an offer of ours');
    const remote = readRemoteRtp(answer);
    if (typeof remote === 'string') throw new MediaError(`the answer cannot be used: ${remote}`);
    if (remote.port === 0) {
      this.problems.push('the peer rejected the audio stream (port 0 in its answer)');
      this.stream?.stop();
      return;
    }
    const codec = remote.codecs.find((c) => offer.codecs.some((o) => o.payloadType === c.payloadType && o.name === c.name));
    if (!codec) throw new MediaError('the answer names no codec of our offer (RFC 3264 §6.1)');
    this.lastAnswerText = answer;
    const local: LocalRtp = {
      ...offer, codecs: [codec],
      ...(remote.dtmfPayloadType === undefined ? { dtmfPayloadType: undefined } : { dtmfPayloadType: remote.dtmfPayloadType }),
      ptimeMs: remote.ptimeMs, rtcpMux: remote.rtcpMux && offer.rtcpMux,
    };
    this.agree(local, remote);
  }

  private agree(local: LocalRtp, remote: RemoteRtp): void {
    this.agreed = { local, remote };
    this.configure(this.agreed);
  }

  private configure({ local, remote }: Agreed): void {
    const ours = flowOf(local.direction);
    const theirs = flowOf(remote.direction);
    this.stream?.configure({
      codec: local.codecs[0]!,
      ...(local.dtmfPayloadType === undefined ? {} : { dtmfPayloadType: local.dtmfPayloadType }),
      ptimeMs: local.ptimeMs,
      remoteAddress: remote.address, remoteRtpPort: remote.port, remoteRtcpPort: remote.rtcpPort, rtcpMux: local.rtcpMux,
      send: ours.send && theirs.recv && remote.address !== '0.0.0.0',
      receive: ours.recv && theirs.send,
    });
  }
}
