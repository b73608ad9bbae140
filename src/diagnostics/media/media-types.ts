// The media part of a call's model: its RTP streams, from the RTP in a
// capture (matched to the call by the addresses its SDPs announced) or from
// the media owner's getStats summaries (live), and, live, how ICE and DTLS
// went. The media findings read these; the panel shows the streams.

/** Which way audio flows: from the caller's side to the callee's, or back. */
export type MediaWay = 'to-callee' | 'to-caller';

export interface MediaAddress {
  readonly address: string;
  readonly port: number;
}

/** One RTP stream as Wireshark's RTP stream analysis (and sngrep's RTP view) show it. */
export interface RtpStreamSummary {
  readonly way: MediaWay;
  /** The m= line's media: `audio`, `video`. */
  readonly kind?: string;
  /** Capture: the packets' addresses. Live: the selected ICE pair's, when reported. */
  readonly src?: MediaAddress;
  readonly dst?: MediaAddress;
  /** Live: `sent` is the media owner's outbound stream, `received` its inbound one. */
  readonly local?: 'sent' | 'received';
  readonly ssrc?: number;
  readonly payloadType?: number;
  /** Encoding name and clock rate, from the SDP (or the static table): `PCMU/8000`. */
  readonly codec?: string;
  readonly packets: number;
  /** RTP payload bytes (live: as getStats counts them). */
  readonly bytes: number;
  /** Time of the first and the last packet (the model's clock). */
  readonly firstAt?: number;
  readonly lastAt?: number;
  /** RFC 3550 A.3: packets expected from the sequence numbers, and lost (expected - received, at least 0). */
  readonly expected?: number;
  readonly lost?: number;
  /** RFC 3550 A.8 interarrival jitter at the end of the stream, and its highest value, in ms. */
  readonly jitterMs?: number;
  readonly maxJitterMs?: number;
  /** The longest time between two packets, in ms. */
  readonly maxGapMs?: number;
  /** Comfort noise packets (RFC 3389): the sender pauses its packets while nobody speaks. */
  readonly comfortNoisePackets?: number;
  /** Packets that arrived out of order or twice. */
  readonly outOfOrder?: number;
  /** RTCP packets that went the same way (same addresses; RFC 5761 multiplexed or on the RTCP port). */
  readonly rtcpPackets?: number;
  /** G.711 payloads examined for their level, and how many of them held no audible sample (or were comfort noise). */
  readonly levelPackets?: number;
  readonly silentPackets?: number;
  /** Live: audio level (0-1) and energy as getStats last reported them. */
  readonly audioLevel?: number;
  readonly totalAudioEnergy?: number;
  /** SRTP (an encrypted profile): the payload cannot be judged, the headers can. */
  readonly encrypted?: boolean;
}

/** STUN and DTLS seen between two media addresses (RFC 7983 demultiplexing), per direction. */
export interface MediaFlowSummary {
  readonly src: MediaAddress;
  readonly dst: MediaAddress;
  readonly stunRequests: number;
  readonly stunResponses: number;
  readonly stunErrors: number;
  readonly dtlsPackets: number;
  readonly firstAt: number;
  readonly lastAt: number;
}

/** ICE and DTLS as the media owner reported them (live), with when each state was first seen. */
export interface MediaTransportHistory {
  readonly ice: ReadonlyArray<{ readonly at: number; readonly state: string }>;
  readonly dtls: ReadonlyArray<{ readonly at: number; readonly state: string }>;
  readonly dtlsRole?: 'client' | 'server' | 'unknown';
  /** The candidate pair last reported (`udp 192.0.2.10:40000 host`). */
  readonly localCandidate?: string;
  readonly remoteCandidate?: string;
  readonly rttMs?: number;
  /** The microphone was muted in the last report. */
  readonly muted: boolean;
}

export interface CallMedia {
  /** `capture`: RTP seen in an imported capture. `media-owner`: getStats summaries reported live. */
  readonly source: 'capture' | 'media-owner';
  readonly streams: readonly RtpStreamSummary[];
  /** Capture: STUN/DTLS between the call's media addresses. */
  readonly flows?: readonly MediaFlowSummary[];
  /** Live: ICE and DTLS states. */
  readonly transport?: MediaTransportHistory;
  /** Live: the time of the first and the last summary. */
  readonly reportedFrom?: number;
  readonly reportedUntil?: number;
}

/**
 * One media summary of a call as the media owner reports it a few times a second (from
 * getStats): the shape of the app contract's MediaSummary, which the host maps to this.
 * `callId` is the SIP Call-ID and `at` is on the diagnostics stream's clock (the host
 * stamps each summary as it arrives), so that media and SIP times compare.
 */
export interface MediaSample {
  readonly callId: string;
  readonly at: number;
  readonly iceState: 'new' | 'checking' | 'connected' | 'completed' | 'failed' | 'disconnected' | 'closed';
  readonly dtlsState?: 'new' | 'connecting' | 'connected' | 'closed' | 'failed';
  readonly dtlsRole?: 'client' | 'server' | 'unknown';
  readonly codec?: string;
  readonly localCandidate?: string;
  readonly remoteCandidate?: string;
  readonly rttMs?: number;
  readonly outbound: MediaSampleCounters;
  readonly inbound: MediaSampleCounters;
  readonly muted: boolean;
}

export interface MediaSampleCounters {
  readonly packets: number;
  readonly bytes: number;
  readonly lost?: number;
  readonly jitterMs?: number;
  readonly audioLevel?: number;
  readonly totalAudioEnergy?: number;
}
