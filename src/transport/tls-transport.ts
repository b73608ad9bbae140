// SIP over TLS (RFC 3261 §18, §26.2.1): node:tls sockets behind StreamTransport,
// certificates verified unless a server says otherwise (see tls-trust.ts).
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { formatAddress } from './address.js';
import { describeSocketError } from './socket-errors.js';
import { StreamTransport } from './stream-transport.js';
import type { StreamServer, StreamSocketFactory, StreamTransportOptions } from './stream-transport.js';
import { describeCertificateError, tlsClientOptions } from './tls-trust.js';
import type { TlsTrust } from './tls-trust.js';

/** A TLS server of the client flow, with its own trust settings. */
export interface TlsServer extends StreamServer, TlsTrust {}

export interface TlsListenOptions {
  readonly host: string;
  readonly port: number;
  /** PEM certificate (chain) and key files for incoming connections. */
  readonly certFile: string;
  readonly keyFile: string;
}

export interface TlsTransportOptions extends Omit<StreamTransportOptions<TlsServer>, 'listen'> {
  readonly listen?: TlsListenOptions;
  /** Trust for destinations not in `servers` (system CAs plus this CA file); no accept-invalid here. */
  readonly caFile?: string;
}

export type TlsTransport = StreamTransport<TlsServer>;

/** Opens one TLS connection and verifies it; rejects with a readable reason (see describeCertificateError). */
export function dialTls(target: StreamServer, trust: TlsTrust, signal: AbortSignal): Promise<TLSSocket> {
  const name = formatAddress({ protocol: 'TLS', ...target });
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error(`could not connect to ${name}: aborted`));
      return;
    }
    let socket: TLSSocket;
    try {
      socket = connect({ host: target.host, port: target.port, ...tlsClientOptions(target.host, trust) });
    } catch (error) {
      reject(new Error(`could not connect to ${name}: ${(error as Error).message}`, { cause: error }));
      return;
    }
    const onAbort = () => {
      socket.destroy();
      reject(new Error(`could not connect to ${name}: ${signal.reason instanceof Error ? signal.reason.message : 'aborted'}`));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(socket);
    });
    socket.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      const reason = describeCertificateError(error, trust.serverName ?? target.host) ?? describeSocketError(error, `could not connect to ${name}`);
      reject(new Error(reason, { cause: error }));
    });
  });
}

function tlsSocketFactory(options: TlsTransportOptions): StreamSocketFactory<TlsServer> {
  const listen = options.listen;
  return {
    protocol: 'TLS',
    dial: (target, server, signal) => dialTls(target, server ?? (options.caFile ? { caFile: options.caFile } : {}), signal),
    ...(listen ? {
      createServer: (onSocket) => createServer({ cert: readFileSync(listen.certFile), key: readFileSync(listen.keyFile) }, onSocket),
    } : {}),
  };
}

/**
 * A TLS transport: like the TCP one, plus certificate verification on every
 * outgoing connection. Resolves once listening (when `listen` is given); with
 * `servers`, `connect()` starts the client flow.
 */
export function createTlsTransport(options: TlsTransportOptions = {}): Promise<TlsTransport> {
  const { listen, ...rest } = options;
  return new StreamTransport(tlsSocketFactory(options), { ...rest, ...(listen ? { listen: { host: listen.host, port: listen.port } } : {}) }).bind();
}
