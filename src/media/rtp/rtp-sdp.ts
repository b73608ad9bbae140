// Plain RTP sessions in SDP (RFC 4566, RFC 3264, RFC 3551): our offer and
// answer for one audio stream with G.711 and telephone-event, and what we
// take from the peer's description — address, ports, codec, DTMF payload
// type, packet time, direction. Parsing and writing go through sdp-transform.
import { parse, write, type MediaDescription, type SessionDescription } from 'sdp-transform';
import type { MediaDirection } from '../../ua/sdp/sdp-handler.js';
import type { G711Law } from '../audio/g711.js';

export interface RtpCodec {
  readonly name: G711Law;
  readonly payloadType: number;
}

/** RFC 3551 §6, Table 4: the static payload types of G.711. */
const STATIC_PAYLOAD_TYPES: Readonly<Record<number, G711Law>> = { 0: 'PCMU', 8: 'PCMA' };
/** The codecs we offer, in our order of preference. */
export const OFFERED_CODECS: readonly RtpCodec[] = [{ name: 'PCMU', payloadType: 0 }, { name: 'PCMA', payloadType: 8 }];
/** Our dynamic payload type for RFC 4733 events (any of 96-127). */
export const OFFERED_DTMF_PAYLOAD_TYPE = 101;
export const DEFAULT_PTIME_MS = 20;

/** The peer's side of the audio stream. */
export interface RemoteRtp {
  readonly protocol: string;
  readonly address: string;
  /** 0 when the stream is rejected (RFC 3264 §6). */
  readonly port: number;
  readonly rtcpPort: number;
  readonly rtcpMux: boolean;
  /** The peer's direction, from its point of view. */
  readonly direction: MediaDirection;
  readonly ptimeMs: number;
  /** Codecs it lists that we can use, in its order. */
  readonly codecs: readonly RtpCodec[];
  readonly dtmfPayloadType?: number;
}

/** Our side, as it goes into an offer or answer. */
export interface LocalRtp {
  readonly sessionId: number;
  readonly version: number;
  readonly address: string;
  readonly port: number;
  readonly codecs: readonly RtpCodec[];
  readonly dtmfPayloadType?: number;
  readonly ptimeMs: number;
  readonly direction: MediaDirection;
  readonly rtcpMux: boolean;
}

function firstAudio(session: SessionDescription): MediaDescription | undefined {
  return session.media.find((m) => m.type === 'audio');
}

/** The peer's audio stream in `sdp`, or one sentence saying why there is none we can use. */
export function readRemoteRtp(sdp: string): RemoteRtp | string {
  let session: SessionDescription;
  try {
    session = parse(sdp);
  } catch (error) {
    return `the session description cannot be parsed: ${error instanceof Error ? error.message : String(error)}`;
  }
  const media = firstAudio(session);
  if (!media) return 'the session description has no audio stream (m=audio)';
  const address = media.connection?.ip ?? session.connection?.ip;
  if (address === undefined) return 'the session description has no connection address (c=)';
  const payloads = String(media.payloads ?? '').split(/\s+/).filter((p) => p !== '').map(Number);
  const codecs: RtpCodec[] = [];
  let dtmfPayloadType: number | undefined;
  for (const pt of payloads) {
    const map = media.rtp.find((r) => r.payload === pt);
    const name = map ? map.codec.toUpperCase() : STATIC_PAYLOAD_TYPES[pt];
    if ((name === 'PCMU' || name === 'PCMA') && (map?.rate ?? 8000) === 8000) codecs.push({ name, payloadType: pt });
    else if (map && map.codec.toLowerCase() === 'telephone-event' && map.rate === 8000) dtmfPayloadType ??= pt;
  }
  const direction = (media.direction ?? session.direction ?? 'sendrecv') as MediaDirection;
  // RFC 3264 §5.1 and RFC 2543: c=0.0.0.0 holds the stream (the offerer will not receive).
  const held = address === '0.0.0.0' && (direction === 'sendrecv' || direction === 'recvonly');
  return {
    protocol: media.protocol,
    address,
    port: media.port,
    // RFC 3605: a=rtcp names the RTCP port; without it, RTCP is on RTP + 1 (RFC 3550 §11).
    rtcpPort: media.rtcp?.port ?? media.port + 1,
    rtcpMux: media.rtcpMux !== undefined,
    direction: held ? (direction === 'sendrecv' ? 'sendonly' : 'inactive') : direction,
    ptimeMs: media.ptime ?? DEFAULT_PTIME_MS,
    codecs,
    ...(dtmfPayloadType === undefined ? {} : { dtmfPayloadType }),
  };
}

/** Our description of the stream (an offer, or an answer when built from the offer's choice). */
export function writeLocalRtp(local: LocalRtp): string {
  const family = local.address.includes(':') ? 6 : 4;
  const payloads = [...local.codecs.map((c) => c.payloadType), ...(local.dtmfPayloadType === undefined ? [] : [local.dtmfPayloadType])];
  const media: MediaDescription = {
    type: 'audio',
    port: local.port,
    protocol: 'RTP/AVP',
    payloads: payloads.join(' '),
    rtp: [
      ...local.codecs.map((c) => ({ payload: c.payloadType, codec: c.name, rate: 8000 })),
      ...(local.dtmfPayloadType === undefined ? [] : [{ payload: local.dtmfPayloadType, codec: 'telephone-event', rate: 8000 }]),
    ],
    fmtp: local.dtmfPayloadType === undefined ? [] : [{ payload: local.dtmfPayloadType, config: '0-15' }],
    ptime: local.ptimeMs,
    direction: local.direction,
    ...(local.rtcpMux ? { rtcpMux: 'rtcp-mux' } : {}),
  };
  return write({
    version: 0,
    origin: { username: 'callscope', sessionId: local.sessionId, sessionVersion: local.version, netType: 'IN', ipVer: family, address: local.address },
    name: 'Callscope',
    connection: { version: family, ip: local.address },
    timing: { start: 0, stop: 0 },
    media: [media],
  });
}

/** A rejected stream in an answer (RFC 3264 §6: "the port MUST be set to zero"), keeping the offer's formats. */
export function writeRejectedRtp(local: Pick<LocalRtp, 'sessionId' | 'version' | 'address'>, offer: string): string {
  const family = local.address.includes(':') ? 6 : 4;
  const offered = firstAudio(parse(offer));
  return write({
    version: 0,
    origin: { username: 'callscope', sessionId: local.sessionId, sessionVersion: local.version, netType: 'IN', ipVer: family, address: local.address },
    name: 'Callscope',
    connection: { version: family, ip: local.address },
    timing: { start: 0, stop: 0 },
    media: [{ type: 'audio', port: 0, protocol: offered?.protocol ?? 'RTP/AVP', payloads: String(offered?.payloads ?? '0'), rtp: [], fmtp: [] }],
  });
}
