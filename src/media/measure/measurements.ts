// What a media session measured, the same model for plain RTP and for
// WebRTC: per direction packets, bytes, loss, jitter, level and energy,
// first-packet time; what the peer reported about our stream; ICE and DTLS
// for WebRTC. Times are clock milliseconds (the SIP stack's clock), so they
// line up with the call's own timings.
import type { MediaDirection } from '../../ua/sdp/sdp-handler.js';
import type { AudioLevel } from '../audio/level-meter.js';

export type MediaKind = 'rtp' | 'webrtc';

/** One direction of the audio stream. */
export interface StreamMeasurement {
  readonly packets: number;
  /** Payload bytes (RTP headers not counted, as RTCP's octet count and webrtc-stats' bytesSent). */
  readonly bytes: number;
  readonly firstPacketAt?: number;
  readonly lastPacketAt?: number;
  readonly level: AudioLevel;
}

export interface ReceivedMeasurement extends StreamMeasurement {
  /** RFC 3550 A.3: expected minus received (0 when nothing is missing). */
  readonly lost: number;
  /** RFC 3550 A.8 interarrival jitter, in ms. */
  readonly jitterMs?: number;
  /** What had arrived when the call was answered (early media), when it was. */
  readonly beforeAnswer?: { readonly packets: number; readonly audibleSeconds: number };
}

/** What the far end said about our stream (RTCP receiver report blocks, or webrtc-stats remote-inbound-rtp). */
export interface PeerReport {
  readonly reports: number;
  readonly packetsLost: number;
  /** Fraction lost in the last interval, 0..1. */
  readonly fractionLost: number;
  readonly jitterMs: number;
  readonly roundTripMs?: number;
}

/** ICE and DTLS of a WebRTC session (RFC 8445, RFC 5763/8842). */
export interface TransportMeasurement {
  readonly iceState: string;
  readonly iceConnectedAt?: number;
  readonly dtlsState: string;
  readonly dtlsConnectedAt?: number;
  /** Our DTLS role as libwebrtc reports it (client sends the ClientHello). */
  readonly dtlsRole: 'client' | 'server' | 'unknown';
  /** a=setup of our description and of the peer's (RFC 4145 §4, RFC 8842 §5). */
  readonly localSetup?: string;
  readonly remoteSetup?: string;
  readonly localCandidates: number;
  readonly remoteCandidates: number;
  /** The pair ICE chose: "local -> remote" (address:port/protocol/type). */
  readonly selectedPair?: string;
}

export interface MediaMeasurement {
  readonly kind: MediaKind;
  /** A session was agreed (our offer answered, or their offer answered by us). */
  readonly negotiated: boolean;
  /** "PCMU/8000", "opus/48000/2". */
  readonly codec?: string;
  /** The agreed direction, from our side. */
  readonly direction?: MediaDirection;
  /** Our RTP address and the peer's ("127.0.0.1:40000"), for plain RTP. */
  readonly local?: string;
  readonly remote?: string;
  /** What we send ("tone 440 Hz at -15 dBov", "echo of the received audio"). */
  readonly sending: string;
  readonly sent: StreamMeasurement;
  readonly received: ReceivedMeasurement;
  readonly peer?: PeerReport;
  readonly transport?: TransportMeasurement;
  /** Plain RTP: the address RTP came from when it differs from the SDP (symmetric RTP, RFC 4961). */
  readonly latchedTo?: string;
  /** RTCP packets sent (plain RTP) and received from the peer (SR/RR; for WebRTC, the peer's sender reports). */
  readonly rtcp?: { readonly sent?: number; readonly received: number };
  /** RFC 4733 digits received (plain RTP; libwebrtc gives no access to them). */
  readonly dtmfReceived?: string;
  /** The WAV file written with what was received. */
  readonly recording?: { readonly path: string; readonly seconds: number };
  readonly answeredAt?: number;
  /** Problems the session ran into (a refused offer, a file it could not write), one sentence each. */
  readonly problems: readonly string[];
}
