// The server side of HTTP Digest for the test line (RFC 3261 §22.4, RFC 7616, RFC 8760):
// challenges with SHA-256 and MD5 (SHA-256 first, the one to prefer), nonces that carry
// their own issue time and an HMAC (nothing to store per challenge), nonce counts that
// must grow (a replay is refused), and a constant-time comparison of the response.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SipRequest } from '../message/index.js';

export interface DigestGuardOptions {
  readonly realm: string;
  readonly user: string;
  readonly password: string;
  /** Milliseconds since some origin (the stack's clock). */
  readonly now: () => number;
  /** A nonce older than this is stale (RFC 7616 §3.3 stale=true), ms; default 5 minutes. */
  readonly nonceLifetimeMs?: number;
}

export type DigestVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly stale: boolean; readonly reason: string };

type Algorithm = 'MD5' | 'SHA-256';
const MAX_TRACKED_NONCES = 4096;

function hash(algorithm: Algorithm, text: string): string {
  return createHash(algorithm === 'SHA-256' ? 'sha256' : 'md5').update(text, 'utf8').digest('hex');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class DigestGuard {
  private readonly key = randomBytes(32);
  /** The highest nonce count seen per nonce (RFC 7616 §3.4: the server checks it grows). */
  private readonly counts = new Map<string, number>();

  constructor(private readonly options: DigestGuardOptions) {}

  get realm(): string {
    return this.options.realm;
  }

  /** WWW-Authenticate values for a 401 (RFC 8760 §2.4: the preferred algorithm first). */
  challenges(stale = false): string[] {
    const nonce = this.newNonce();
    const tail = `qop="auth"${stale ? ', stale=true' : ''}`;
    return (['SHA-256', 'MD5'] as const).map((algorithm) => `Digest realm="${this.options.realm}", nonce="${nonce}", algorithm=${algorithm}, ${tail}`);
  }

  /** Checks the Authorization of `request` for our realm; the reason never contains a secret. */
  verify(request: SipRequest): DigestVerdict {
    const credentials = request.authorization.find((a) => a.scheme.toLowerCase() === 'digest'
      && a.params.get('realm')?.value === this.options.realm);
    if (!credentials) return { ok: false, stale: false, reason: 'no credentials for this realm' };
    const p = (name: string) => credentials.params.get(name)?.value ?? '';
    const algorithmText = (p('algorithm') || 'MD5').toUpperCase();
    if (algorithmText !== 'MD5' && algorithmText !== 'SHA-256') return { ok: false, stale: false, reason: `algorithm ${algorithmText} is not offered` };
    const algorithm: Algorithm = algorithmText;
    if (p('username') !== this.options.user) return { ok: false, stale: false, reason: 'unknown user' };
    // RFC 3261 §22.4 / RFC 7616 §3.4: the digest covers the Request-URI as sent.
    if (p('uri') !== request.requestUriText) return { ok: false, stale: false, reason: 'the uri parameter is not the Request-URI' };
    const nonce = p('nonce');
    const age = this.nonceAge(nonce);
    if (age === undefined) return { ok: false, stale: false, reason: 'not a nonce of ours' };
    if (p('qop') !== 'auth') return { ok: false, stale: false, reason: 'qop=auth is required' };
    const nc = p('nc');
    const count = /^[0-9a-fA-F]{8}$/.test(nc) ? parseInt(nc, 16) : NaN;
    if (!(count > (this.counts.get(nonce) ?? 0))) return { ok: false, stale: false, reason: 'nonce count replayed' };
    const ha1 = hash(algorithm, `${this.options.user}:${this.options.realm}:${this.options.password}`);
    const ha2 = hash(algorithm, `${request.method}:${p('uri')}`);
    const expected = hash(algorithm, `${ha1}:${nonce}:${nc}:${p('cnonce')}:auth:${ha2}`);
    if (!sameText(p('response').toLowerCase(), expected)) return { ok: false, stale: false, reason: 'wrong password' };
    if (age > (this.options.nonceLifetimeMs ?? 300_000)) return { ok: false, stale: true, reason: 'the nonce expired' };
    this.remember(nonce, count);
    return { ok: true };
  }

  /** `<issued at>.<random>.<hmac>`, base64url: we can tell ours, and their age, without keeping them. */
  private newNonce(): string {
    const body = `${Math.floor(this.options.now())}.${randomBytes(9).toString('base64url')}`;
    return `${body}.${createHmac('sha256', this.key).update(body).digest('base64url').slice(0, 22)}`;
  }

  private nonceAge(nonce: string): number | undefined {
    const at = nonce.lastIndexOf('.');
    if (at < 0) return undefined;
    const body = nonce.slice(0, at);
    const mac = createHmac('sha256', this.key).update(body).digest('base64url').slice(0, 22);
    if (!sameText(nonce.slice(at + 1), mac)) return undefined;
    const issued = Number(body.slice(0, body.indexOf('.')));
    return Number.isFinite(issued) ? this.options.now() - issued : undefined;
  }

  private remember(nonce: string, count: number): void {
    this.counts.delete(nonce);
    this.counts.set(nonce, count);
    // Bounded: the oldest nonces are forgotten (a client then gets a fresh challenge).
    while (this.counts.size > MAX_TRACKED_NONCES) this.counts.delete(this.counts.keys().next().value!);
  }
}
