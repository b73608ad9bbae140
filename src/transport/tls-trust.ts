// TLS verification, on by default: the system's CAs plus, per server, an
// optional CA file (PEM). Skipping verification takes an explicit per-server
// `acceptInvalidCertificate: true`; there is no global switch, and
// NODE_TLS_REJECT_UNAUTHORIZED is not consulted (rejectUnauthorized is always
// passed explicitly).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { ConnectionOptions } from 'node:tls';

/** Trust settings of one TLS or WSS server. */
export interface TlsTrust {
  /** PEM file with the CA(s) that sign this server's certificate, trusted in addition to the system's. */
  readonly caFile?: string;
  /** Lab servers only: connect even if the certificate cannot be verified. Never on by default. */
  readonly acceptInvalidCertificate?: boolean;
  /** Name to verify and to send as SNI, when it differs from the host connected to. */
  readonly serverName?: string;
}

/** The node:tls options for a server at `host` with `trust`; reads the CA file now, failing clearly. */
export function tlsClientOptions(host: string, trust: TlsTrust = {}): ConnectionOptions {
  let ca: string[] | undefined;
  if (trust.caFile !== undefined) {
    let pem: string;
    try {
      pem = readFileSync(trust.caFile, 'utf8');
    } catch (error) {
      throw new Error(`cannot read the CA file ${trust.caFile} for ${host}: ${(error as Error).message}`, { cause: error });
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`the CA file ${trust.caFile} for ${host} holds no PEM certificate`);
    // `ca` replaces Node's default list, so the system CAs are added back.
    ca = [...rootCertificates, pem];
  }
  const name = trust.serverName ?? host;
  return {
    ...(ca ? { ca } : {}),
    rejectUnauthorized: trust.acceptInvalidCertificate !== true,
    // SNI carries host names only (RFC 6066 §3), never IP literals; Node
    // verifies the certificate against `servername`, else against the host.
    ...(isIP(name) === 0 ? { servername: name } : {}),
  };
}

const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED', 'INVALID_CA',
]);
const FIX = "add the server's CA file or turn on 'accept invalid certificate' for this server";

/** True for errors raised by certificate verification (as opposed to network errors). */
export function isCertificateError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  return UNTRUSTED.has(code) || code.startsWith('CERT_') || code === 'ERR_TLS_CERT_ALTNAME_INVALID';
}

/**
 * `certificate for 127.0.0.1 is not trusted: self-signed certificate — add
 * the server's CA file or turn on 'accept invalid certificate' for this server`.
 * Returns undefined for errors that are not about the certificate.
 */
export function describeCertificateError(error: unknown, host: string): string | undefined {
  if (!isCertificateError(error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const detail = (error as Error).message;
  if (UNTRUSTED.has(code)) return `certificate for ${host} is not trusted: ${detail} — ${FIX}`;
  if (code === 'CERT_HAS_EXPIRED') return `certificate for ${host} has expired: ${detail} — renew it on the server, or turn on 'accept invalid certificate' for this server`;
  if (code === 'CERT_NOT_YET_VALID') return `certificate for ${host} is not valid yet: ${detail} — check the clocks, or turn on 'accept invalid certificate' for this server`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `certificate does not name ${host}: ${detail} — connect using a name the certificate lists, or turn on 'accept invalid certificate' for this server`;
  return `certificate for ${host} was rejected: ${detail} — ${FIX}`;
}
