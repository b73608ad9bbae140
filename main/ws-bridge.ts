// Browser mode's app API transport: a WebSocket endpoint on the loopback HTTP server.
// An upgrade is accepted only with the run's token and from the page's own origin; every
// message is validated (zod) before it reaches the host.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import {
  BRIDGE_MAX_MESSAGE_BYTES,
  BRIDGE_PATH,
  BRIDGE_SUBPROTOCOL,
  BRIDGE_TOKEN_PREFIX,
  bridgeRequestSchema,
} from './contract/bridge-protocol.js';
import type { BridgeServerMessage } from './contract/bridge-protocol.js';
import type { Host } from './host/host.js';
import { tokensEqual } from './web-security.js';

export interface BridgeOptions {
  readonly server: Server;
  readonly host: Host;
  readonly token: string;
  /** Host header values accepted (checked per request: the port is known after listen). */
  readonly allowedHosts: () => readonly string[];
  readonly allowedOrigins: () => readonly string[];
  readonly log: (message: string) => void;
  /** Refused upgrades are logged once, then as a count at most once per this many ms (default 60 000). */
  readonly refusalLogIntervalMs?: number;
}

export interface Bridge {
  readonly clientCount: () => number;
  close(): Promise<void>;
}

/** Why an upgrade is refused, or undefined when it is acceptable. */
export function checkUpgrade(
  request: IncomingMessage,
  options: Pick<BridgeOptions, 'token' | 'allowedHosts' | 'allowedOrigins'>,
): { status: number; reason: string } | undefined {
  const url = new URL(request.url ?? '/', 'http://placeholder');
  if (url.pathname !== BRIDGE_PATH) return { status: 404, reason: 'no such endpoint' };
  if (!options.allowedHosts().includes(request.headers.host ?? '')) return { status: 421, reason: 'unexpected Host header' };
  if (!options.allowedOrigins().includes(request.headers.origin ?? '')) return { status: 403, reason: 'foreign or missing Origin' };
  const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((value) => value.trim());
  if (!offered.includes(BRIDGE_SUBPROTOCOL)) return { status: 400, reason: `subprotocol ${BRIDGE_SUBPROTOCOL} not offered` };
  const token = offered.find((value) => value.startsWith(BRIDGE_TOKEN_PREFIX))?.slice(BRIDGE_TOKEN_PREFIX.length);
  if (!tokensEqual(options.token, token)) return { status: 401, reason: 'missing or wrong token' };
  return undefined;
}

/**
 * A log for events anyone on the machine can cause (refused upgrades): the first is
 * logged at once, the rest are counted and summed up at most once per interval, so a
 * local process hammering the port cannot fill the log.
 */
export function throttledLog(log: (message: string) => void, intervalMs: number, now: () => number = Date.now): (message: string) => void {
  let windowStart = -Infinity;
  let suppressed = 0;
  return (message) => {
    const at = now();
    if (at - windowStart < intervalMs) {
      suppressed++;
      return;
    }
    log(suppressed > 0 ? `${message} (and ${suppressed} more not logged in the last ${Math.round((at - windowStart) / 1000)} s)` : message);
    windowStart = at;
    suppressed = 0;
  };
}

export function attachBridge(options: BridgeOptions): Bridge {
  const logRefusal = throttledLog(options.log, options.refusalLogIntervalMs ?? 60_000);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: BRIDGE_MAX_MESSAGE_BYTES,
    handleProtocols: (protocols) => (protocols.has(BRIDGE_SUBPROTOCOL) ? BRIDGE_SUBPROTOCOL : false),
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const refusal = checkUpgrade(request, options);
    if (refusal !== undefined) {
      logRefusal(`callscope: refused a bridge connection (${refusal.reason})`);
      socket.end(`HTTP/1.1 ${refusal.status} ${refusal.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (client) => serve(client));
  };
  options.server.on('upgrade', onUpgrade);

  const serve = (client: WebSocket): void => {
    const send = (message: BridgeServerMessage): void => {
      if (client.readyState === client.OPEN) client.send(JSON.stringify(message));
    };
    // One host session per connection: events meant for this page (media requests, its
    // diagnostics subscriptions) reach only it; closing the connection closes the session.
    const session = options.host.openSession((event) => send({ kind: 'event', event }));
    client.on('close', () => session.close());
    client.on('error', (error) => options.log(`callscope: bridge client error: ${error.message}`));
    client.on('message', (data, isBinary) => {
      if (isBinary) return send({ kind: 'protocol-error', message: 'binary messages are not part of the protocol' });
      let json: unknown;
      try {
        json = JSON.parse(data.toString());
      } catch {
        return send({ kind: 'protocol-error', message: 'message is not JSON' });
      }
      const parsed = bridgeRequestSchema.safeParse(json);
      if (!parsed.success) {
        return send({ kind: 'protocol-error', message: `malformed request: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`).join('; ')}` });
      }
      const { id, operation, payload } = parsed.data;
      void session.invoke(operation, payload).then((result) => send({ kind: 'response', id, result }));
    });
  };

  return {
    clientCount: () => wss.clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        options.server.off('upgrade', onUpgrade);
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
