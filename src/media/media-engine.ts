// The media engine: makes a media session per call — plain RTP or WebRTC —
// with the engine's defaults, keeps the open ones, and closes them all at
// the end. The CLI, the built-in test line and the desktop host use this;
// everything a call needs from a session is the SdpHandler interface.
import type { MediaMeasurement, MediaKind } from './measure/measurements.js';
import type { MediaSession, MediaSessionOptions } from './media-session.js';
import { RtpMediaSession, type RtpSessionOptions } from './rtp/rtp-media-session.js';
import { WebRtcMediaSession, type WebRtcSessionOptions } from './webrtc/webrtc-media-session.js';
import { loadWrtc } from './webrtc/wrtc.js';

export type { MediaKind };

export interface MediaEngineOptions {
  /** The clock of the SIP stack (so media times line up with the call's); default performance.now. */
  readonly now?: () => number;
  /** Plain RTP: the address to receive on and advertise, the port range, RTCP interval, symmetric RTP. */
  readonly rtp?: Omit<RtpSessionOptions, keyof MediaSessionOptions>;
  /** WebRTC: codecs, ICE servers, the gathering bound. */
  readonly webrtc?: Omit<WebRtcSessionOptions, keyof MediaSessionOptions>;
}

export interface SessionRequest extends Omit<MediaSessionOptions, 'now'> {
  readonly kind: MediaKind;
  /** WebRTC options for this session, over the engine's. */
  readonly webrtc?: Omit<WebRtcSessionOptions, keyof MediaSessionOptions>;
}

export class MediaEngine {
  private readonly open = new Set<MediaSession>();

  constructor(private readonly options: MediaEngineOptions = {}) {}

  /** Undefined when sessions of `kind` can be made here, else why not in one sentence (WebRTC needs its native module). */
  static unavailable(kind: MediaKind): string | undefined {
    if (kind === 'rtp') return undefined;
    const wrtc = loadWrtc();
    return wrtc.ok ? undefined : wrtc.error;
  }

  /** A new session; throws MediaError with one sentence when its source cannot be used (a WAV file). */
  createSession(request: SessionRequest): MediaSession {
    const { kind, webrtc, ...media } = request;
    const common = { ...media, ...(this.options.now ? { now: this.options.now } : {}) };
    const session: MediaSession = kind === 'rtp'
      ? new RtpMediaSession({ ...this.options.rtp, ...common })
      : new WebRtcMediaSession({ ...this.options.webrtc, ...webrtc, ...common });
    this.open.add(session);
    void session.closed.then(() => this.open.delete(session));
    return session;
  }

  /** Sessions not closed yet. */
  get sessions(): readonly MediaSession[] {
    return [...this.open];
  }

  /** Closes every open session (a WebRTC session left open keeps the process alive); resolves with their final measurements. */
  async closeAll(): Promise<MediaMeasurement[]> {
    const sessions = [...this.open];
    for (const session of sessions) session.close();
    return Promise.all(sessions.map((s) => s.closed));
  }
}
