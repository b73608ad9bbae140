// HTTP Digest for SIP (RFC 3261 §22, RFC 7616 as applied to SIP by RFC 8760):
// MD5 and SHA-256, qop=auth (and none, for RFC 2069 servers), nonce counting,
// stale=true. Credentials are never logged: nothing here writes anything.
import { createHash, randomBytes } from 'node:crypto';
import type { AuthValue } from '../../message/index.js';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque?: string;
  readonly algorithm: DigestAlgorithm;
  /** `auth` when the server offered it; undefined for an RFC 2069 challenge without qop. */
  readonly qop?: 'auth';
  /** RFC 7616 §3.3: "stale=true" — the nonce expired but the credentials were right. */
  readonly stale: boolean;
}

export interface DigestCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * Reads a WWW-Authenticate / Proxy-Authenticate value. Returns a reason
 * string when the challenge cannot be answered (another scheme, an unknown
 * algorithm, only qop=auth-int).
 */
export function readDigestChallenge(value: AuthValue): DigestChallenge | string {
  if (value.scheme.toLowerCase() !== 'digest') return `authentication scheme ${value.scheme} is not supported (only Digest)`;
  const param = (name: string) => value.params.get(name)?.value;
  const realm = param('realm');
  const nonce = param('nonce');
  if (realm === undefined || nonce === undefined) return 'the Digest challenge has no realm or no nonce';
  const algorithmText = (param('algorithm') ?? 'MD5').toUpperCase();
  if (algorithmText !== 'MD5' && algorithmText !== 'SHA-256') return `digest algorithm ${algorithmText} is not supported (MD5, SHA-256)`;
  const qops = param('qop')?.split(',').map((q) => q.trim().toLowerCase());
  if (qops && !qops.includes('auth')) return `the server offers qop=${qops.join(',')}; only qop=auth is supported`;
  const opaque = param('opaque');
  return {
    realm, nonce, algorithm: algorithmText, stale: param('stale')?.toLowerCase() === 'true',
    ...(qops ? { qop: 'auth' as const } : {}),
    ...(opaque === undefined ? {} : { opaque }),
  };
}

/** The parts of the request that the response is computed over. */
export interface DigestRequest {
  readonly method: string;
  /** The Request-URI as written (the `uri` parameter, RFC 3261 §22.4). */
  readonly uri: string;
}

export interface DigestAnswerOptions {
  /** nc: how many times this nonce was used, including this one (RFC 7616 §3.4). */
  readonly nonceCount: number;
  /** Client nonce; random when omitted (tests pin it). */
  readonly cnonce?: string;
}

function hash(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm === 'SHA-256' ? 'sha256' : 'md5').update(text, 'utf8').digest('hex');
}

function quoted(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * The Authorization / Proxy-Authorization value answering `challenge`.
 * RFC 7616 §3.4.1: response = H(H(A1) ":" nonce ":" nc ":" cnonce ":" qop ":" H(A2)),
 * A1 = username ":" realm ":" password, A2 = method ":" uri; without qop
 * (RFC 2069): H(H(A1) ":" nonce ":" H(A2)).
 */
export function digestAuthorization(challenge: DigestChallenge, credentials: DigestCredentials,
  request: DigestRequest, options: DigestAnswerOptions): string {
  const ha1 = hash(challenge.algorithm, `${credentials.username}:${challenge.realm}:${credentials.password}`);
  const ha2 = hash(challenge.algorithm, `${request.method}:${request.uri}`);
  const parts = [
    `Digest username=${quoted(credentials.username)}`, `realm=${quoted(challenge.realm)}`,
    `nonce=${quoted(challenge.nonce)}`, `uri=${quoted(request.uri)}`,
  ];
  let response: string;
  if (challenge.qop === 'auth') {
    const nc = options.nonceCount.toString(16).padStart(8, '0');
    const cnonce = options.cnonce ?? randomBytes(8).toString('hex');
    response = hash(challenge.algorithm, `${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${ha2}`);
    parts.push(`response=${quoted(response)}`, `algorithm=${challenge.algorithm}`, 'qop=auth', `nc=${nc}`, `cnonce=${quoted(cnonce)}`);
  } else {
    response = hash(challenge.algorithm, `${ha1}:${challenge.nonce}:${ha2}`);
    parts.push(`response=${quoted(response)}`, `algorithm=${challenge.algorithm}`);
  }
  if (challenge.opaque !== undefined) parts.push(`opaque=${quoted(challenge.opaque)}`);
  return parts.join(', ');
}
