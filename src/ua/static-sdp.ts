// An SdpHandler with no media engine behind it: for the CLI and for tests.
// It offers (and answers with) one fixed session — by default a valid
// RTP/AVP audio session with PCMU and telephone-event (RFC 3551, RFC 4733),
// or the contents of a file — and records what the peer sent.
import type { MediaDirection, SdpHandler } from './sdp-handler.js';

export interface StaticSdpOptions {
  /** A whole session description to use instead of the default (e.g. from `--sdp FILE`). */
  readonly sdp?: string;
  /** Address in `o=` and `c=` of the default session (default 127.0.0.1). */
  readonly address?: string;
  /** RTP port of the default session (default 40000; even, RFC 3550 §11). */
  readonly port?: number;
}

/** What the handler was told, in order. */
export interface AppliedSdp {
  readonly kind: 'remote-offer' | 'provisional-answer' | 'final-answer';
  readonly sdp: string;
}

/** The default offer: one audio stream, PCMU and telephone-event, sendrecv (RFC 4566 / RFC 3264). */
export function defaultSdp(options: { address?: string; port?: number; sessionId?: number; version?: number; direction?: MediaDirection } = {}): string {
  const address = options.address ?? '127.0.0.1';
  const family = address.includes(':') ? 'IP6' : 'IP4';
  const id = options.sessionId ?? Math.floor(Math.random() * 2 ** 31);
  return [
    'v=0',
    `o=callscope ${id} ${options.version ?? 1} IN ${family} ${address}`,
    's=Callscope',
    `c=IN ${family} ${address}`,
    't=0 0',
    `m=audio ${options.port ?? 40000} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-15',
    'a=ptime:20',
    `a=${options.direction ?? 'sendrecv'}`,
    '',
  ].join('\r\n');
}

/** A minimal check of a session description a user supplied: v=0 first, then o=, s=, and at least one m= line. */
export function checkSdp(text: string): string | undefined {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines[0] !== 'v=0') return 'an SDP session description starts with "v=0" (RFC 4566 §5)';
  if (!lines.some((l) => l.startsWith('o='))) return 'no o= line (RFC 4566 §5.2)';
  if (!lines.some((l) => l.startsWith('s='))) return 'no s= line (RFC 4566 §5.3)';
  if (!lines.some((l) => l.startsWith('m='))) return 'no m= line: no media to offer';
  return undefined;
}

export class StaticSdpHandler implements SdpHandler {
  readonly applied: AppliedSdp[] = [];
  private closedFlag = false;
  private readonly session: string;

  constructor(options: StaticSdpOptions = {}) {
    // SDP lines end in CRLF (RFC 4566 §5); a file written with LF is converted.
    this.session = options.sdp !== undefined
      ? `${options.sdp.replace(/\r?\n/g, '\r\n').replace(/(\r\n)*$/, '')}\r\n`
      : defaultSdp({ ...(options.address === undefined ? {} : { address: options.address }), ...(options.port === undefined ? {} : { port: options.port }) });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** The session this handler offers and answers with. */
  get localSdp(): string {
    return this.session;
  }

  async createOffer(): Promise<string> {
    return this.session;
  }

  async createAnswer(offer: string): Promise<string> {
    this.applied.push({ kind: 'remote-offer', sdp: offer });
    return this.session;
  }

  async applyProvisionalAnswer(answer: string): Promise<void> {
    this.applied.push({ kind: 'provisional-answer', sdp: answer });
  }

  async applyFinalAnswer(answer: string): Promise<void> {
    this.applied.push({ kind: 'final-answer', sdp: answer });
  }

  close(): void {
    this.closedFlag = true;
  }
}
