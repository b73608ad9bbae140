// SIP over TCP (RFC 3261 §18): node:net sockets behind StreamTransport.
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { formatAddress } from './address.js';
import { describeSocketError } from './socket-errors.js';
import { StreamTransport } from './stream-transport.js';
import type { StreamServer, StreamSocketFactory, StreamTransportOptions } from './stream-transport.js';

export type TcpTransportOptions = StreamTransportOptions<StreamServer>;
export type TcpTransport = StreamTransport<StreamServer>;

/** Opens one TCP connection; resolves on connect, rejects with a readable reason. */
export function dialTcp(target: StreamServer, signal: AbortSignal): Promise<Socket> {
  const name = formatAddress({ protocol: 'TCP', ...target });
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error(`could not connect to ${name}: aborted`));
      return;
    }
    const socket = connect({ host: target.host, port: target.port });
    const onAbort = () => {
      socket.destroy();
      reject(new Error(`could not connect to ${name}: ${signal.reason instanceof Error ? signal.reason.message : 'aborted'}`));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(socket); // the 'error' listener below stays until the connection takes over
    });
    socket.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(new Error(describeSocketError(error, `could not connect to ${name}`), { cause: error }));
    });
  });
}

export const tcpSocketFactory: StreamSocketFactory<StreamServer> = {
  protocol: 'TCP',
  dial: (target, _server, signal) => dialTcp(target, signal),
  createServer: (onSocket) => createServer(onSocket),
};

/**
 * A TCP transport: listens when `listen` is given, and opens (and reuses) a
 * connection per destination. With `servers`, call `connect()` (after
 * attaching listeners) to start the client flow; it reports through `state`.
 */
export function createTcpTransport(options: TcpTransportOptions = {}): Promise<TcpTransport> {
  return new StreamTransport(tcpSocketFactory, options).bind();
}
