// SDP as the panel shows it: the compact label on a ladder arrow (from the host's one-line
// summary, "PCMU/8000 sendrecv 127.0.0.1:40000; video rejected") and the parse of a body in
// the message pane (per m= line: codecs, direction, address, ICE and DTLS).

export interface SdpSummaryPart {
  /** "audio", "video", ... */
  readonly media: string;
  readonly rejected: boolean;
  readonly codec?: string;
  readonly direction?: string;
  readonly address?: string;
}

export function parseSdpSummary(summary: string): SdpSummaryPart[] {
  return summary.split(';').map((s) => s.trim()).filter((s) => s !== '').map((part) => {
    const words = part.split(/\s+/);
    let media = 'audio';
    // The host writes "<codec> <direction> <address>" for audio, with the media's name in front of others.
    if (words.length === 4 || (words.length === 2 && words[1] === 'rejected')) media = words.shift()!;
    if (words[0] === 'rejected') return { media, rejected: true };
    const [codec, direction, address] = words;
    return {
      media, rejected: false,
      ...(codec ? { codec: codec.replace(/\/(8000|90000|48000\/2)$/, '') } : {}),
      ...(direction ? { direction } : {}),
      ...(address ? { address } : {}),
    };
  });
}

/** "SDP PCMU sendrecv 127.0.0.1:40000", "SDP opus sendonly …; video rejected", cut to `max` characters. */
export function sdpLabel(summary: string, max = 60): string {
  const text = `SDP ${parseSdpSummary(summary).map((p) => {
    const prefix = p.media === 'audio' ? '' : `${p.media} `;
    return p.rejected ? `${prefix}rejected` : `${prefix}${[p.codec, p.direction, p.address].filter(Boolean).join(' ')}`;
  }).join('; ')}`;
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export interface SdpMediaSection {
  readonly media: string;
  readonly port: number;
  readonly protocol: string;
  readonly codecs: readonly string[];
  readonly direction: string;
  readonly address?: string;
  readonly rtcpMux: boolean;
  readonly iceCandidates: number;
  readonly ice: boolean;
  readonly dtlsSetup?: string;
  readonly fingerprint: boolean;
  readonly crypto: boolean;
}

export interface SdpBody {
  readonly origin?: string;
  readonly sessionName?: string;
  readonly sections: readonly SdpMediaSection[];
}

const STATIC_PAYLOADS: Readonly<Record<string, string>> = { 0: 'PCMU/8000', 3: 'GSM/8000', 8: 'PCMA/8000', 9: 'G722/8000', 13: 'CN/8000', 18: 'G729/8000' };
const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

interface MutableSection {
  media: string; port: number; protocol: string; formats: string[]; rtpmap: Map<string, string>;
  direction?: string; address?: string; rtcpMux: boolean; iceCandidates: number; ice: boolean;
  dtlsSetup?: string; fingerprint: boolean; crypto: boolean;
}

export function parseSdpBody(body: string): SdpBody {
  let origin: string | undefined;
  let sessionName: string | undefined;
  let sessionAddress: string | undefined;
  let sessionDirection: string | undefined;
  let sessionIce = false;
  let sessionFingerprint = false;
  const sections: MutableSection[] = [];
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    const current = sections[sections.length - 1];
    const value = line.slice(2);
    if (line.startsWith('o=')) origin = value;
    else if (line.startsWith('s=')) sessionName = value;
    else if (line.startsWith('m=')) {
      const [media = '', port = '0', protocol = '', ...formats] = value.split(/\s+/);
      sections.push({ media, port: Number.parseInt(port, 10) || 0, protocol, formats, rtpmap: new Map(), rtcpMux: false, iceCandidates: 0, ice: false, fingerprint: false, crypto: false });
    } else if (line.startsWith('c=')) {
      const address = value.split(/\s+/)[2]?.split('/')[0];
      if (current) current.address = address;
      else sessionAddress = address;
    } else if (line.startsWith('a=')) {
      const [name = '', rest = ''] = value.split(/:(.*)/s, 2);
      if (DIRECTIONS.has(name)) {
        if (current) current.direction = name;
        else sessionDirection = name;
      } else if (name === 'ice-ufrag') {
        if (current) current.ice = true;
        else sessionIce = true;
      } else if (name === 'fingerprint') {
        if (current) current.fingerprint = true;
        else sessionFingerprint = true;
      } else if (current) {
        if (name === 'rtpmap') {
          const m = /^(\S+)\s+(\S+)/.exec(rest);
          if (m) current.rtpmap.set(m[1]!, m[2]!);
        } else if (name === 'rtcp-mux') current.rtcpMux = true;
        else if (name === 'candidate') current.iceCandidates++;
        else if (name === 'setup') current.dtlsSetup = rest.trim();
        else if (name === 'crypto') current.crypto = true;
      }
    }
  }
  return {
    ...(origin === undefined ? {} : { origin }),
    ...(sessionName === undefined ? {} : { sessionName }),
    sections: sections.map((s) => ({
      media: s.media, port: s.port, protocol: s.protocol,
      codecs: s.formats.map((f) => s.rtpmap.get(f) ?? STATIC_PAYLOADS[f] ?? f),
      direction: s.direction ?? sessionDirection ?? 'sendrecv',
      ...(s.address ?? sessionAddress ? { address: s.address ?? sessionAddress } : {}),
      rtcpMux: s.rtcpMux, iceCandidates: s.iceCandidates, ice: s.ice || sessionIce,
      ...(s.dtlsSetup === undefined ? {} : { dtlsSetup: s.dtlsSetup }),
      fingerprint: s.fingerprint || sessionFingerprint, crypto: s.crypto,
    })),
  };
}
