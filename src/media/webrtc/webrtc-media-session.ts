// A WebRTC media session (UDP/TLS/RTP/SAVPF: ICE, DTLS-SRTP, Opus or G.711)
// behind the SdpHandler interface, on libwebrtc through @roamhq/wrtc. SIP
// carries whole descriptions, not trickled candidates, so an offer or answer
// goes out once ICE gathering completes, or after a short bound with the
// candidates found by then. Audio goes in through an RTCAudioSource (10 ms
// frames at 48 kHz) and comes out of an RTCAudioSink; getStats() gives the
// rest. libwebrtc has no DTMF sender here: digits go as SIP INFO.
import type { MediaDirection } from '../../ua/sdp/sdp-handler.js';
import { OPUS_RATE } from '../audio/audio-frame.js';
import type { MediaMeasurement, TransportMeasurement } from '../measure/measurements.js';
import { MediaError, MediaSessionBase, type MediaSessionOptions } from '../media-session.js';
import { readStats, type PolledStats } from './webrtc-stats.js';
import { loadWrtc, type WrtcAudioData, type WrtcAudioSink, type WrtcAudioSource, type WrtcPeerConnection, type WrtcTrack, type WrtcTransceiver } from './wrtc.js';

export type WebRtcCodecName = 'opus' | 'PCMU' | 'PCMA';

export interface WebRtcSessionOptions extends MediaSessionOptions {
  /** Codecs to offer or accept, in order of preference (default opus, PCMU, PCMA); telephone-event is always listed. */
  readonly codecs?: readonly WebRtcCodecName[];
  /** STUN/TURN servers (default none: host candidates only). */
  readonly iceServers?: ReadonlyArray<{ urls: string | string[] }>;
  /** How long to wait for ICE gathering to complete before sending what was found (default 1000 ms). */
  readonly gatheringTimeoutMs?: number;
  /**
   * The a=setup of our answers (default libwebrtc's: active, RFC 5763 §5 "SHOULD"): `passive`
   * makes us the DTLS server, for a peer that cannot be the server (RFC 4145 §4).
   */
  readonly answerSetup?: 'active' | 'passive';
}

const FRAME_SAMPLES = OPUS_RATE / 100; // RTCAudioSource takes exactly 10 ms
const MAX_BURST = 5;

export class WebRtcMediaSession extends MediaSessionBase {
  readonly kind = 'webrtc' as const;
  private pc: WrtcPeerConnection | undefined;
  private audioSource: WrtcAudioSource | undefined;
  private track: WrtcTrack | undefined;
  private sink: WrtcAudioSink | undefined;
  private pump: NodeJS.Timeout | undefined;
  private poller: NodeJS.Timeout | undefined;
  private pumpStart = 0;
  private framesSent = 0;
  private stats: PolledStats = {};
  private firstSentAt: number | undefined;
  private firstReceivedAt: number | undefined;
  private iceConnectedAt: number | undefined;
  private dtlsConnectedAt: number | undefined;
  private negotiated = false;

  constructor(private readonly webrtcOptions: WebRtcSessionOptions = {}) {
    super(webrtcOptions, OPUS_RATE);
  }

  async createOffer(options: { direction?: MediaDirection } = {}): Promise<string> {
    const pc = this.peer();
    const transceiver = this.transceiver();
    if (transceiver) transceiver.direction = options.direction ?? 'sendrecv';
    await pc.setLocalDescription(await pc.createOffer());
    return this.gathered();
  }

  async createAnswer(offer: string, options: { direction?: MediaDirection } = {}): Promise<string> {
    const pc = this.peer();
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    const transceiver = this.transceiver();
    if (transceiver) {
      this.preferCodecs(transceiver);
      // libwebrtc answers with what both allow: our direction intersected with the offer's, reversed (RFC 3264 §6.1).
      transceiver.direction = options.direction ?? 'sendrecv';
    }
    const answer = await pc.createAnswer();
    const setup = this.webrtcOptions.answerSetup;
    await pc.setLocalDescription(setup === undefined ? answer
      : { type: 'answer', sdp: (answer.sdp ?? '').replace(/^a=setup:(active|passive)/gm, `a=setup:${setup}`) });
    this.negotiated = true;
    return this.gathered();
  }

  /** An answer in a reliable 18x: ICE, DTLS and media start (JSEP "pranswer"). */
  async applyProvisionalAnswer(answer: string): Promise<void> {
    const pc = this.peer();
    if (pc.signalingState !== 'have-local-offer' && pc.signalingState !== 'have-remote-pranswer') return;
    await pc.setRemoteDescription({ type: 'pranswer', sdp: answer });
    this.negotiated = true;
  }

  async applyFinalAnswer(answer: string): Promise<void> {
    const pc = this.peer();
    if (pc.signalingState !== 'have-local-offer' && pc.signalingState !== 'have-remote-pranswer') return;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    this.negotiated = true;
  }

  /** RFC 3261 §14.1: a refused re-offer leaves the session as it was (JSEP rollback). */
  async rollback(): Promise<void> {
    if (this.pc?.signalingState === 'have-local-offer') await this.pc.setLocalDescription({ type: 'rollback' });
  }

  async sendDtmf(): Promise<void> {
    throw new MediaError('the WebRTC engine (@roamhq/wrtc) has no DTMF sender (RTCDTMFSender): send the digits as SIP INFO');
  }

  protected async receivedPacketsNow(): Promise<number> {
    await this.poll();
    return this.stats.inbound?.packets ?? 0;
  }

  protected async snapshot(): Promise<Omit<MediaMeasurement, 'sending' | 'problems' | 'recording' | 'answeredAt'>> {
    if (!this.isClosing || this.pc) await this.poll();
    const s = this.stats;
    const local = this.pc?.localDescription?.sdp ?? '';
    const remote = this.pc?.remoteDescription?.sdp ?? '';
    const transport: TransportMeasurement = {
      iceState: s.transport?.iceState ?? this.pc?.iceConnectionState ?? 'new',
      ...(this.iceConnectedAt === undefined ? {} : { iceConnectedAt: this.iceConnectedAt }),
      dtlsState: s.transport?.dtlsState ?? 'new',
      ...(this.dtlsConnectedAt === undefined ? {} : { dtlsConnectedAt: this.dtlsConnectedAt }),
      dtlsRole: s.transport?.dtlsRole ?? 'unknown',
      ...setupOf('localSetup', local), ...setupOf('remoteSetup', remote),
      localCandidates: candidates(local), remoteCandidates: candidates(remote),
      ...(s.transport?.selectedPair ? { selectedPair: s.transport.selectedPair } : {}),
    };
    const lastReceived = s.inbound?.lastPacketWallMs === undefined ? undefined : this.now() - (Date.now() - s.inbound.lastPacketWallMs);
    return {
      kind: 'webrtc',
      negotiated: this.negotiated,
      ...(s.codec ? { codec: s.codec } : {}),
      ...(this.negotiated ? { direction: this.agreedDirection() } : {}),
      sent: {
        packets: s.outbound?.packets ?? 0, bytes: s.outbound?.bytes ?? 0,
        ...(this.firstSentAt === undefined ? {} : { firstPacketAt: this.firstSentAt }), level: this.sentLevel.snapshot(),
      },
      received: {
        packets: s.inbound?.packets ?? 0, bytes: s.inbound?.bytes ?? 0, lost: s.inbound?.lost ?? 0,
        ...(s.inbound?.jitterMs === undefined ? {} : { jitterMs: s.inbound.jitterMs }),
        ...(this.firstReceivedAt === undefined ? {} : { firstPacketAt: this.firstReceivedAt }),
        ...(lastReceived === undefined ? {} : { lastPacketAt: lastReceived }),
        level: this.receivedLevel.snapshot(),
      },
      ...(s.remoteInbound ? { peer: s.remoteInbound } : {}),
      ...(s.remoteOutboundReports === undefined ? {} : { rtcp: { received: s.remoteOutboundReports } }),
      transport,
    };
  }

  protected async teardown(): Promise<void> {
    // Each of these keeps the event loop alive if left open (a sink, a source track, the peer connection).
    if (this.pump) clearInterval(this.pump);
    if (this.poller) clearTimeout(this.poller);
    this.sink?.stop();
    this.track?.stop();
    this.pc?.close();
    this.sink = undefined;
    this.pc = undefined;
  }

  /** The peer connection, made on first use with our audio track on it. */
  private peer(): WrtcPeerConnection {
    if (this.isClosing) throw new MediaError('the media session is closed');
    if (this.pc) return this.pc;
    const wrtc = loadWrtc();
    if (!wrtc.ok) throw new MediaError(wrtc.error);
    const { RTCPeerConnection, nonstandard } = wrtc.value;
    const pc = new RTCPeerConnection({ iceServers: [...(this.webrtcOptions.iceServers ?? [])] });
    this.pc = pc;
    this.audioSource = new nonstandard.RTCAudioSource();
    this.track = this.audioSource.createTrack();
    pc.addTrack(this.track);
    const transceiver = this.transceiver();
    if (transceiver) this.preferCodecs(transceiver);
    pc.addEventListener('track', (event) => {
      if (this.sink || !event.track || event.track.kind !== 'audio' || this.isClosing) return;
      this.sink = new nonstandard.RTCAudioSink(event.track);
      this.sink.ondata = (data) => this.deliverReceived(mono(data), data.sampleRate);
    });
    pc.addEventListener('iceconnectionstatechange', () => {
      if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') this.iceConnectedAt ??= this.now();
    });
    pc.addEventListener('connectionstatechange', () => {
      // "connected": ICE and DTLS both are (W3C webrtc-pc, RTCPeerConnectionState).
      if (pc.connectionState !== 'connected' || this.dtlsConnectedAt !== undefined) return;
      this.dtlsConnectedAt = this.now();
      this.startPump();
    });
    this.openRecorder();
    this.schedulePoll();
    return pc;
  }

  private transceiver(): WrtcTransceiver | undefined {
    return this.pc?.getTransceivers()[0];
  }

  /** Our codecs first, in our order, then telephone-event (RFC 4733), from what libwebrtc can do. */
  private preferCodecs(transceiver: WrtcTransceiver): void {
    const wrtc = loadWrtc();
    if (!wrtc.ok) return;
    const available = wrtc.value.RTCRtpSender.getCapabilities('audio')?.codecs ?? [];
    const order = this.webrtcOptions.codecs ?? ['opus', 'PCMU', 'PCMA'];
    const wanted = [
      ...order.flatMap((name) => available.filter((c) => c.mimeType.toLowerCase() === `audio/${name.toLowerCase()}`)),
      ...available.filter((c) => c.mimeType.toLowerCase() === 'audio/telephone-event' && (c.clockRate === 8000 || c.clockRate === 48000)),
    ];
    if (wanted.length > 0) transceiver.setCodecPreferences(wanted);
  }

  /** The local description once ICE gathering completes, or after the bound with the candidates found so far. */
  private async gathered(): Promise<string> {
    const pc = this.pc!;
    const bound = this.webrtcOptions.gatheringTimeoutMs ?? 1000;
    const deadline = Date.now() + bound;
    while (pc.iceGatheringState !== 'complete' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const sdp = pc.localDescription?.sdp;
    if (!sdp) throw new MediaError('libwebrtc produced no local description');
    if (candidates(sdp) === 0) this.problems.push(`no ICE candidate was gathered within ${bound} ms`);
    return sdp;
  }

  /** Feeds the source from the clock: what is due every 10 ms, a late timer catching up a few frames. */
  private startPump(): void {
    if (this.pump || !this.audioSource) return;
    this.pumpStart = this.now();
    this.framesSent = 0;
    this.pump = setInterval(() => {
      const due = Math.floor((this.now() - this.pumpStart) / 10) + 1;
      if (due - this.framesSent > MAX_BURST) this.framesSent = due - MAX_BURST;
      while (this.framesSent < due && this.audioSource) {
        this.framesSent++;
        const samples = new Int16Array(FRAME_SAMPLES);
        this.readSource(samples, OPUS_RATE);
        this.audioSource.onData({ samples, sampleRate: OPUS_RATE, bitsPerSample: 16, channelCount: 1, numberOfFrames: FRAME_SAMPLES });
      }
    }, 10);
  }

  /** Stats every 50 ms until packets flow both ways (first-packet times), then every 500 ms. */
  private schedulePoll(): void {
    const fast = this.firstReceivedAt === undefined || this.firstSentAt === undefined;
    this.poller = setTimeout(() => {
      void this.poll().finally(() => {
        if (!this.isClosing) this.schedulePoll();
      });
    }, fast ? 50 : 500);
  }

  private async poll(): Promise<void> {
    const pc = this.pc;
    if (!pc) return;
    try {
      this.stats = readStats(await pc.getStats());
    } catch {
      return;
    }
    const now = this.now();
    // The transport's own states as well as the peer connection's events: libwebrtc's aggregate
    // iceConnectionState can skip "connected" when DTLS fails on a working candidate pair.
    const ice = this.stats.transport?.iceState;
    if (ice === 'connected' || ice === 'completed') this.iceConnectedAt ??= now;
    if (this.stats.transport?.dtlsState === 'connected') {
      this.dtlsConnectedAt ??= now;
      this.startPump();
    }
    if ((this.stats.inbound?.packets ?? 0) > 0) this.firstReceivedAt ??= now;
    if ((this.stats.outbound?.packets ?? 0) > 0) this.firstSentAt ??= now;
  }

  private agreedDirection(): MediaDirection {
    const direction = this.transceiver()?.currentDirection;
    return direction === 'sendrecv' || direction === 'sendonly' || direction === 'recvonly' || direction === 'inactive' ? direction : 'sendrecv';
  }
}

function mono(data: WrtcAudioData): Int16Array {
  const channels = data.channelCount ?? 1;
  if (channels === 1) return data.samples;
  const frames = Math.floor(data.samples.length / channels);
  const out = new Int16Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += data.samples[f * channels + c]!;
    out[f] = Math.round(sum / channels);
  }
  return out;
}

function candidates(sdp: string): number {
  return (sdp.match(/^a=candidate:/gm) ?? []).length;
}

function setupOf<K extends string>(key: K, sdp: string): Partial<Record<K, string>> {
  const match = /^a=setup:(\w+)/m.exec(sdp);
  return match ? ({ [key]: match[1] } as Partial<Record<K, string>>) : {};
}
