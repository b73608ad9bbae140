// One call's media in the page: its RTCPeerConnection, the microphone track it sends, the
// remote audio it plays. The host's media requests map onto it one to one (the host's
// SdpHandler is a remote of this). ICE gathering is bounded: the description goes back when
// gathering completes or after `gatherBoundMs`, whichever is first, so a slow or blocked
// STUN/TURN server never holds the INVITE back.
import type { IceServerConfig, MediaDirectionName } from '../../main/contract/media.js';

export interface CallMediaOptions {
  readonly callId: string;
  /** The microphone stream to send (shared by the page's calls; tracks are cloned per call). */
  readonly microphone: () => Promise<MediaStreamTrack>;
  /** Where remote audio plays (the chosen speaker). */
  readonly speakerId: () => string | undefined;
  readonly gatherBoundMs: number;
  /** The page keeps remote audio elements in its document (autoplay needs them attached). */
  readonly attachAudio: (element: HTMLAudioElement) => void;
}

/** After the bound, how long a description without any candidate may wait for its first one. */
const NO_CANDIDATE_GRACE_MS = 500;
/** Without ICE servers: how long after the last host candidate the description goes. */
const HOST_SETTLE_MS = 40;

export class CallMedia {
  private pc: RTCPeerConnection | undefined;
  private track: MediaStreamTrack | undefined;
  private audio: HTMLAudioElement | undefined;
  private earlyDialog: string | undefined;
  private muted = false;
  /** The shared microphone track the sent clone was made from (to skip a replace that changes nothing). */
  private source: MediaStreamTrack | undefined;
  private speaker: string | undefined;
  closed = false;

  constructor(private readonly options: CallMediaOptions) {}

  get connection(): RTCPeerConnection | undefined {
    return this.pc;
  }

  get isMuted(): boolean {
    return this.muted;
  }

  async createOffer(direction: MediaDirectionName | undefined, iceServers: readonly IceServerConfig[]): Promise<string> {
    const asked = performance.now();
    const pc = await this.ensure(iceServers);
    const transceiver = this.audioTransceiver(pc) ?? pc.addTransceiver(await this.sendTrack(), { direction: 'sendrecv' });
    transceiver.direction = direction ?? 'sendrecv';
    await pc.setLocalDescription(await pc.createOffer());
    return this.gathered(pc, asked, iceServers.length === 0);
  }

  async createAnswer(offer: string, direction: MediaDirectionName | undefined, iceServers: readonly IceServerConfig[]): Promise<string> {
    const asked = performance.now();
    const pc = await this.ensure(iceServers);
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    const transceiver = this.audioTransceiver(pc);
    if (transceiver === undefined) throw new Error('the offer has no audio stream this phone can answer');
    if (transceiver.sender.track === null) await transceiver.sender.replaceTrack(await this.sendTrack());
    transceiver.direction = direction ?? 'sendrecv';
    await pc.setLocalDescription(await pc.createAnswer());
    return this.gathered(pc, asked, iceServers.length === 0);
  }

  /**
   * The answer to our offer. Provisional (a reliable 18x, RFC 3262): applied as pranswer so
   * early media plays; a pranswer from another early dialog (forking) replaces it. Final:
   * applied as the answer.
   */
  async applyAnswer(sdp: string, provisional: boolean, dialog: string | undefined): Promise<void> {
    const pc = this.requirePc();
    if (provisional) {
      this.earlyDialog = dialog;
      await pc.setRemoteDescription({ type: 'pranswer', sdp });
      return;
    }
    if (pc.signalingState === 'stable' && pc.remoteDescription?.sdp === sdp) return;
    await pc.setRemoteDescription({ type: 'answer', sdp });
  }

  /** RFC 3261 §14.1: a refused re-offer leaves the session as it was. */
  async rollback(): Promise<void> {
    const pc = this.requirePc();
    if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' });
  }

  /** RFC 4733 tones through the sender's RTCDTMFSender; resolves when they have been played. */
  async sendDtmf(tones: string, durationMs: number): Promise<void> {
    const sender = this.audioTransceiver(this.requirePc())?.sender;
    const dtmf = sender?.dtmf;
    if (dtmf === undefined || dtmf === null || !dtmf.canInsertDTMF) throw new Error('this call cannot send RFC 4733 DTMF (no telephone-event negotiated)');
    const gap = 70;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), tones.length * (durationMs + gap) + 1000);
      const done = () => {
        clearTimeout(timer);
        dtmf.removeEventListener('tonechange', onTone);
        resolve();
      };
      const onTone = (event: RTCDTMFToneChangeEvent) => {
        if (event.tone === '') done();
      };
      dtmf.addEventListener('tonechange', onTone);
      dtmf.insertDTMF(tones, Math.max(40, durationMs), gap);
    });
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    if (this.track) this.track.enabled = !muted;
  }

  /** The microphone changed: swap the track in place (no renegotiation, no second m-line). */
  async replaceMicrophone(track: MediaStreamTrack): Promise<void> {
    if (this.closed || track === this.source) return;
    const sender = this.pc ? this.audioTransceiver(this.pc)?.sender : undefined;
    const clone = track.clone();
    clone.enabled = !this.muted;
    if (sender) await sender.replaceTrack(clone);
    this.track?.stop();
    this.track = clone;
    this.source = track;
  }

  /** The track being sent now (a clone of the shared microphone). */
  get sending(): MediaStreamTrack | undefined {
    return this.track;
  }

  /** The speaker changed (undefined: the system default, '' for setSinkId). */
  async setSpeaker(deviceId: string | undefined): Promise<void> {
    this.speaker = deviceId;
    if (this.audio && 'setSinkId' in this.audio && this.audio.sinkId !== (deviceId ?? '')) await this.audio.setSinkId(deviceId ?? '');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.track?.stop();
    this.pc?.close();
    if (this.audio) {
      this.audio.pause();
      this.audio.srcObject = null;
      this.audio.remove();
    }
  }

  get dialog(): string | undefined {
    return this.earlyDialog;
  }

  /**
   * One audio m-line, so BUNDLE buys nothing; 'balanced' (not 'max-bundle') because an
   * offer from a gateway without a=group:BUNDLE is otherwise refused by setRemoteDescription.
   */
  private async ensure(iceServers: readonly IceServerConfig[]): Promise<RTCPeerConnection> {
    if (this.closed) throw new Error('the call\'s media is closed');
    if (this.pc) return this.pc;
    const pc = new RTCPeerConnection({
      iceServers: iceServers.map((s) => ({ urls: [...s.urls], ...(s.username ? { username: s.username } : {}), ...(s.credential ? { credential: s.credential } : {}) })),
      bundlePolicy: 'balanced',
      rtcpMuxPolicy: 'require',
    });
    pc.addEventListener('track', (event) => this.play(event.streams[0] ?? new MediaStream([event.track])));
    this.pc = pc;
    return pc;
  }

  private requirePc(): RTCPeerConnection {
    if (this.pc === undefined || this.closed) throw new Error('the call has no media yet');
    return this.pc;
  }

  private audioTransceiver(pc: RTCPeerConnection): RTCRtpTransceiver | undefined {
    return pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio' && t.currentDirection !== 'stopped');
  }

  private async sendTrack(): Promise<MediaStreamTrack> {
    if (this.track === undefined) {
      const source = await this.options.microphone();
      this.track = source.clone();
      this.source = source;
      this.track.enabled = !this.muted;
    }
    return this.track;
  }

  private play(stream: MediaStream): void {
    if (this.audio === undefined) {
      this.audio = document.createElement('audio');
      this.audio.autoplay = true;
      this.audio.dataset['callId'] = this.options.callId;
      this.options.attachAudio(this.audio);
    }
    this.audio.srcObject = stream;
    void this.setSpeaker(this.speaker ?? this.options.speakerId()).catch(() => undefined);
    void this.audio.play().catch(() => undefined);
  }

  /**
   * The local description once gathering completes, or when the bound passes with what was
   * gathered so far. The bound counts from when the host asked (opening the microphone and
   * creating the offer are inside it), so the INVITE leaves at most `gatherBoundMs` after
   * the dial; only a description with no candidate at all waits a little longer for one.
   * Without ICE servers only host candidates can come, and they come within milliseconds,
   * while Chromium reports 'complete' some 120 ms later: the description goes once the
   * candidates have settled (HOST_SETTLE_MS without a new one).
   */
  private gathered(pc: RTCPeerConnection, asked: number, hostOnly: boolean): Promise<string> {
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = () => {
        clearTimeout(timer);
        clearTimeout(settle);
        pc.removeEventListener('icegatheringstatechange', onChange);
        pc.removeEventListener('icecandidate', onCandidate);
        const sdp = pc.localDescription?.sdp;
        if (sdp === undefined) reject(new Error('no local description'));
        else resolve(sdp);
      };
      const hasCandidate = () => /^a=candidate:/m.test(pc.localDescription?.sdp ?? '');
      const onChange = () => {
        if (pc.iceGatheringState === 'complete') finish();
      };
      let boundPassed = false;
      let settle: ReturnType<typeof setTimeout> | undefined;
      const onCandidate = (event: RTCPeerConnectionIceEvent) => {
        if (boundPassed && hasCandidate()) finish();
        else if (hostOnly && event.candidate !== null) {
          clearTimeout(settle);
          settle = setTimeout(finish, HOST_SETTLE_MS);
        }
      };
      const onBound = () => {
        boundPassed = true;
        if (hasCandidate()) finish();
        else timer = setTimeout(finish, NO_CANDIDATE_GRACE_MS);
      };
      timer = setTimeout(onBound, Math.max(0, asked + this.options.gatherBoundMs - performance.now()));
      pc.addEventListener('icegatheringstatechange', onChange);
      pc.addEventListener('icecandidate', onCandidate);
      if (pc.iceGatheringState === 'complete') finish();
    });
  }

}
