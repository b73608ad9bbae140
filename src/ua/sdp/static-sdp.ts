// An SdpHandler with no media engine behind it: for the CLI and for tests.
// It offers (and answers with) one fixed session — by default a valid
// RTP/AVP audio session with PCMU and telephone-event (RFC 3551, RFC 4733),
// or the contents of a file — with the direction asked for (hold, resume),
// and records what the peer sent.
import { flowOf, directionOf, sdpDirection, sdpVersion, setSdpDirection, setSdpVersion } from './media-direction.js';
import { answerOffer, checkOfferAgainst, type OfferRefusal } from './offer-answer.js';
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
  readonly kind: 'remote-offer' | 'provisional-answer' | 'final-answer' | 'rollback';
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
  /** Every description this handler produced (offers and answers), in order. */
  readonly produced: string[] = [];
  private closedFlag = false;
  private readonly session: string;
  /** The last description sent and the last one the peer accepted (for rollback). */
  private last: { body: string; version: number } | undefined;
  private agreed: { body: string; version: number } | undefined;
  /** Versions only go up, even past a refused offer. */
  private maxVersion = 0;

  constructor(options: StaticSdpOptions = {}) {
    // SDP lines end in CRLF (RFC 4566 §5); a file written with LF is converted.
    this.session = options.sdp !== undefined
      ? `${options.sdp.replace(/\r?\n/g, '\r\n').replace(/(\r\n)*$/, '')}\r\n`
      : defaultSdp({ ...(options.address === undefined ? {} : { address: options.address }), ...(options.port === undefined ? {} : { port: options.port }) });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** The session this handler offers and answers with (as first sent: its own direction and version). */
  get localSdp(): string {
    return this.session;
  }

  /** The description it sent last (offer or answer). */
  get lastLocalSdp(): string | undefined {
    return this.produced[this.produced.length - 1];
  }

  async createOffer(options: { direction?: MediaDirection } = {}): Promise<string> {
    return this.render(options.direction ?? 'sendrecv', 'offer');
  }

  /** Our session answers an offer with at least one audio stream over RTP in a format we have. */
  checkOffer(offer: string): OfferRefusal | undefined {
    return checkOfferAgainst(this.session, offer);
  }

  /**
   * Our session, shaped to the offer's m= lines (RFC 3264 §6: refused streams with port 0).
   * Without a direction, the answer mirrors the offer's (RFC 3264 §6.1: sendonly -> recvonly ...).
   * Throws OfferNotAcceptableError when no stream can be taken.
   */
  async createAnswer(offer: string, options: { direction?: MediaDirection } = {}): Promise<string> {
    const offered = flowOf(sdpDirection(offer));
    // answerOffer throws OfferNotAcceptableError before anything is recorded.
    const answer = this.render(options.direction ?? directionOf({ send: offered.recv, recv: offered.send }), 'answer', (body) => answerOffer(body, offer));
    this.applied.push({ kind: 'remote-offer', sdp: offer });
    return answer;
  }

  async applyProvisionalAnswer(answer: string): Promise<void> {
    this.applied.push({ kind: 'provisional-answer', sdp: answer });
  }

  async applyFinalAnswer(answer: string): Promise<void> {
    this.applied.push({ kind: 'final-answer', sdp: answer });
    this.agreed = this.last;
  }

  async rollback(): Promise<void> {
    this.applied.push({ kind: 'rollback', sdp: this.last?.body ?? '' });
    this.last = this.agreed;
  }

  close(): void {
    this.closedFlag = true;
  }

  /**
   * The session with `direction`. RFC 3264 §8: "When issuing an offer that
   * modifies the session, the 'o=' line of the new SDP MUST be identical to
   * that in the previous SDP, except that the version in the origin field
   * MUST increment by one"; an unchanged session keeps its version (§8,
   * a refresh that changes nothing).
   */
  private render(direction: MediaDirection, kind: 'offer' | 'answer', shape: (body: string) => string = (body) => body): string {
    const body = shape(setSdpDirection(this.session, direction));
    const version = this.last === undefined ? sdpVersion(body) ?? 0
      : body === this.last.body ? this.last.version : this.maxVersion + 1;
    this.maxVersion = Math.max(this.maxVersion, version);
    this.last = { body, version };
    // An answer is agreed as soon as it is made; an offer once its answer comes.
    if (kind === 'answer') this.agreed = this.last;
    const text = this.last.version === sdpVersion(body) ? body : setSdpVersion(body, version);
    this.produced.push(text);
    return text;
  }
}
