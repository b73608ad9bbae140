// What the media findings need of a session description (RFC 4566/8866):
// per m= line its transport address (c= at media or session level, port,
// RTCP port by RFC 3605 a=rtcp or RFC 5761 a=rtcp-mux), direction (RFC 3264
// §5.1), payload types with their clock rates (a=rtpmap, or the RFC 3551
// static table), ICE candidates (RFC 8839) and the DTLS role (RFC 4145
// a=setup, RFC 5763). Lenient: a line it does not understand is skipped.
import type { SipMessage } from '../../message/index.js';

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
export type DtlsSetup = 'active' | 'passive' | 'actpass' | 'holdconn';

export interface IceCandidate {
  readonly address: string;
  readonly port: number;
  /** host, srflx, prflx, relay. */
  readonly type: string;
  readonly transport: string;
  readonly component: number;
}

export interface SdpMedia {
  readonly kind: string;
  readonly port: number;
  /** RTP/AVP, RTP/SAVPF, UDP/TLS/RTP/SAVPF, ... */
  readonly protocol: string;
  readonly payloadTypes: readonly number[];
  /** The c= address that applies (media level, else session level); undefined when there is none. */
  readonly address?: string;
  readonly rtcpPort: number;
  readonly rtcpMux: boolean;
  readonly direction: MediaDirection;
  /** Payload type -> encoding name and clock rate. */
  readonly formats: ReadonlyMap<number, { readonly name: string; readonly clockRate: number }>;
  readonly candidates: readonly IceCandidate[];
  readonly setup?: DtlsSetup;
  readonly fingerprint: boolean;
  /** Comfort noise (RFC 3389) is among its formats. */
  readonly comfortNoise: boolean;
  /** Packets may pause while nobody speaks: `usedtx=1` in a format's parameters (Opus DTX, RFC 7587) or `a=silenceSupp:on` (RFC 3108). */
  readonly discontinuous: boolean;
}

export interface SessionDescription {
  readonly media: readonly SdpMedia[];
}

/** RFC 3551 §6: the static audio payload types and their clock rates. */
const STATIC_FORMATS: Readonly<Record<number, { name: string; clockRate: number }>> = {
  0: { name: 'PCMU', clockRate: 8000 }, 3: { name: 'GSM', clockRate: 8000 }, 4: { name: 'G723', clockRate: 8000 },
  5: { name: 'DVI4', clockRate: 8000 }, 6: { name: 'DVI4', clockRate: 16000 }, 7: { name: 'LPC', clockRate: 8000 },
  8: { name: 'PCMA', clockRate: 8000 }, 9: { name: 'G722', clockRate: 8000 }, 10: { name: 'L16', clockRate: 44100 },
  11: { name: 'L16', clockRate: 44100 }, 12: { name: 'QCELP', clockRate: 8000 }, 13: { name: 'CN', clockRate: 8000 },
  14: { name: 'MPA', clockRate: 90000 }, 15: { name: 'G728', clockRate: 8000 }, 18: { name: 'G729', clockRate: 8000 },
};

/** The static format of a payload type (RFC 3551), for streams whose SDP is not known. */
export function staticFormat(payloadType: number): { readonly name: string; readonly clockRate: number } | undefined {
  return STATIC_FORMATS[payloadType];
}

interface Draft {
  kind: string;
  port: number;
  protocol: string;
  payloadTypes: number[];
  address?: string;
  rtcpPort?: number;
  rtcpMux: boolean;
  direction?: MediaDirection;
  formats: Map<number, { name: string; clockRate: number }>;
  candidates: IceCandidate[];
  setup?: DtlsSetup;
  fingerprint: boolean;
  discontinuous: boolean;
}

const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
const SETUPS = new Set(['active', 'passive', 'actpass', 'holdconn']);

export function parseSdp(text: string): SessionDescription {
  let sessionAddress: string | undefined;
  let sessionDirection: MediaDirection | undefined;
  let sessionSetup: DtlsSetup | undefined;
  let sessionFingerprint = false;
  const drafts: Draft[] = [];
  for (const line of text.split(/\r?\n/)) {
    const type = line[0];
    if (line[1] !== '=' || type === undefined) continue;
    const value = line.slice(2).trim();
    const current = drafts[drafts.length - 1];
    if (type === 'm') {
      const [kind = '', port = '', protocol = '', ...formats] = value.split(/\s+/);
      drafts.push({
        kind, port: Number.parseInt(port, 10) || 0, protocol,
        payloadTypes: formats.map(Number).filter((n) => Number.isInteger(n)), rtcpMux: false,
        formats: new Map(), candidates: [], fingerprint: false, discontinuous: false,
      });
    } else if (type === 'c') {
      const address = value.split(/\s+/)[2]?.replace(/\/.*$/, '');
      if (current) current.address = address;
      else sessionAddress = address;
    } else if (type === 'a') {
      const colon = value.indexOf(':');
      const name = colon < 0 ? value : value.slice(0, colon);
      const rest = colon < 0 ? '' : value.slice(colon + 1).trim();
      if (DIRECTIONS.has(name)) {
        if (current) current.direction = name as MediaDirection;
        else sessionDirection = name as MediaDirection;
      } else if (name === 'setup' && SETUPS.has(rest)) {
        if (current) current.setup = rest as DtlsSetup;
        else sessionSetup = rest as DtlsSetup;
      } else if (name === 'fingerprint') {
        if (current) current.fingerprint = true;
        else sessionFingerprint = true;
      } else if (current) {
        attribute(current, name, rest);
      }
    }
  }
  return {
    media: drafts.map((d) => ({
      kind: d.kind, port: d.port, protocol: d.protocol, payloadTypes: d.payloadTypes,
      ...(d.address ?? sessionAddress ? { address: d.address ?? sessionAddress } : {}),
      rtcpPort: d.rtcpMux ? d.port : (d.rtcpPort ?? d.port + 1), rtcpMux: d.rtcpMux,
      direction: d.direction ?? sessionDirection ?? 'sendrecv',
      formats: withStaticFormats(d), candidates: d.candidates,
      ...(d.setup ?? sessionSetup ? { setup: d.setup ?? sessionSetup } : {}),
      fingerprint: d.fingerprint || sessionFingerprint,
      comfortNoise: [...withStaticFormats(d).values()].some((f) => f.name.toUpperCase() === 'CN'),
      discontinuous: d.discontinuous,
    })),
  };
}

function attribute(media: Draft, name: string, value: string): void {
  if (name === 'rtcp-mux') media.rtcpMux = true;
  else if (name === 'rtcp') {
    const port = Number.parseInt(value, 10);
    if (Number.isInteger(port)) media.rtcpPort = port;
  } else if (name === 'rtpmap') {
    const match = /^(\d+)\s+([^/\s]+)\/(\d+)/.exec(value);
    if (match) media.formats.set(Number(match[1]), { name: match[2]!, clockRate: Number(match[3]) });
  } else if ((name === 'fmtp' && /(?:^|[;\s])usedtx=1\b/.test(value)) || (name === 'silenceSupp' && /^on\b/.test(value))) {
    media.discontinuous = true;
  } else if (name === 'candidate') {
    // foundation component transport priority address port typ type ...
    const parts = value.split(/\s+/);
    const typ = parts.indexOf('typ');
    if (parts.length >= 8 && typ === 6) {
      media.candidates.push({
        component: Number(parts[1]), transport: parts[2]!.toUpperCase(), address: parts[4]!, port: Number(parts[5]), type: parts[7]!,
      });
    }
  }
}

function withStaticFormats(d: Draft): Map<number, { name: string; clockRate: number }> {
  const formats = new Map(d.formats);
  for (const pt of d.payloadTypes) {
    const known = STATIC_FORMATS[pt];
    if (!formats.has(pt) && known) formats.set(pt, known);
  }
  return formats;
}

/** The SDP a message carries (application/sdp, or the SDP part of a multipart body). */
export function sdpTextOf(sip: SipMessage): string | undefined {
  if (sip.bodyLength === 0) return undefined;
  const type = sip.contentType;
  if (type?.type === 'application' && type.subtype === 'sdp') return sip.bodyText;
  if (type?.type !== 'multipart') return undefined;
  const body = sip.bodyText;
  const header = /content-type[ \t]*:[ \t]*application\/sdp[^\r\n]*\r?\n/i.exec(body);
  if (!header) return undefined;
  const blank = /\r?\n\r?\n/g;
  blank.lastIndex = header.index;
  const gap = blank.exec(body);
  if (!gap) return undefined;
  const start = gap.index + gap[0].length;
  const end = body.indexOf('\n--', start);
  return body.slice(start, end < 0 ? undefined : end);
}

/** Whether the side that wrote this description may send, and may receive, on the stream. */
export function directionAllows(direction: MediaDirection): { readonly sends: boolean; readonly receives: boolean } {
  return { sends: direction === 'sendrecv' || direction === 'sendonly', receives: direction === 'sendrecv' || direction === 'recvonly' };
}
