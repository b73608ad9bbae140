// The connection to a SIP server: parse what the user typed (server-spec.ts),
// create the matching transport, bind or connect it, and wait until it can
// carry a request — or say why not, in words a user can act on (refused,
// certificate not trusted, subprotocol refused, timed out). A list of
// servers is an ordered failover list for the transport's client flow
// (RFC 5626 §4.4-4.5; all of one protocol). What comes back is what a
// SipEndpoint needs: a transport and the outbound proxy (RFC 3261 §8.1.2).
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Result } from '../../message/index.js';
import type { RandomSource } from '../../transport/backoff.js';
import type { ClientFlowOptions } from '../../transport/client-flow.js';
import { describeSocketError } from '../../transport/socket-errors.js';
import type { Transport, TransportAddress, TransportStateChange } from '../../transport/transport.js';
import { systemClock } from '../../util/clock.js';
import type { Clock } from '../../util/clock.js';
import { parseServerSpec, type ServerSpec } from './server-spec.js';

export { isLoopbackHost, parseServerSpec } from './server-spec.js';
export type { ServerSpec, ServerSpecOptions } from './server-spec.js';

/** One server with its own trust settings (TLS and WSS only). */
export interface ServerEntry {
  /** As typed: `wss://...`, `sip:host;transport=tcp`, `sips:host`. */
  readonly server: string;
  /** PEM CA file trusted for this server, in addition to the system's CAs. */
  readonly caFile?: string;
  /** Connect even if this server's certificate cannot be verified (lab servers). Explicit, never a default. */
  readonly acceptInvalidCertificate?: boolean;
  /** Name to verify in the certificate, when it differs from the host. */
  readonly serverName?: string;
}

export interface ServerConnectionOptions {
  /** Trust for servers that do not set their own `caFile`. */
  readonly caFile?: string;
  /** For servers that do not set their own: accept an unverifiable certificate. */
  readonly acceptInvalidCertificate?: boolean;
  /** Allow plain `ws://` to a host that is not loopback. */
  readonly allowPlainWebSocket?: boolean;
  /** Give up one connection attempt after this long, ms (default 10 000). */
  readonly connectTimeoutMs?: number;
  /** Keep-alive and reconnect backoff of the flow (connection-oriented transports). */
  readonly flow?: Omit<ClientFlowOptions, 'connectTimeoutMs'>;
  /** UDP: local IP to bind (default: the address the system routes to the server from). */
  readonly localHost?: string;
  /** UDP: local port (default 0, any free port). */
  readonly localPort?: number;
  readonly clock?: Clock;
  readonly random?: RandomSource;
}

export type ServerConnectionFailureKind =
  | 'invalid-server' | 'refused' | 'untrusted-certificate' | 'subprotocol' | 'timeout' | 'unreachable' | 'failed';

export interface ServerConnectionFailure {
  readonly kind: ServerConnectionFailureKind;
  /** One or more sentences, one per server tried. */
  readonly reason: string;
}

export interface ServerConnection {
  readonly transport: Transport;
  /** Where requests outside a dialog go (the first server; the flow decides which one is in use). */
  readonly outboundProxy: TransportAddress;
  readonly servers: readonly ServerSpec[];
  /** The current connection (RFC 5626 flow) id; undefined on UDP and while disconnected. */
  readonly flowId: string | undefined;
  /** The transport's latest state change (connection-oriented transports). */
  readonly lastState: TransportStateChange | undefined;
  close(): Promise<void>;
}

export type ServerConnectionResult = Result<ServerConnection, ServerConnectionFailure>;

type ServerInput = string | ServerEntry;

/**
 * Parses, creates and connects. Resolves once the transport can carry a
 * request (UDP: bound; others: the first `connected`), or with a failure when
 * the input is not a server or every server of the first round failed; the
 * transport is closed then, so nothing keeps retrying behind the caller's back.
 */
export async function connectToServer(input: ServerInput | readonly ServerInput[], options: ServerConnectionOptions = {}): Promise<ServerConnectionResult> {
  const entries = (Array.isArray(input) ? input : [input]) as readonly ServerInput[];
  if (entries.length === 0) return failure('invalid-server', 'no server given');
  const specs: Array<{ spec: ServerSpec; entry: ServerEntry }> = [];
  for (const raw of entries) {
    const entry = typeof raw === 'string' ? { server: raw } : raw;
    const parsed = parseServerSpec(entry.server, options);
    if (!parsed.ok) return failure('invalid-server', parsed.error);
    specs.push({ spec: parsed.value, entry });
  }
  const protocols = new Set(specs.map((s) => s.spec.protocol));
  if (protocols.size > 1) {
    return failure('invalid-server', `a failover list must use one transport; got ${[...protocols].join(', ')} (${specs.map((s) => s.spec.display).join(', ')})`);
  }
  const protocol = specs[0]!.spec.protocol;
  if (protocol === 'UDP') {
    if (specs.length > 1) return failure('invalid-server', 'failover between several servers needs TCP, TLS or WebSocket; UDP takes one server');
    return connectUdp(specs[0]!.spec, options);
  }
  const trust = (entry: ServerEntry) => {
    const caFile = entry.caFile ?? options.caFile;
    const accept = entry.acceptInvalidCertificate ?? options.acceptInvalidCertificate;
    return {
      ...(caFile === undefined ? {} : { caFile }),
      ...(accept === undefined ? {} : { acceptInvalidCertificate: accept }),
      ...(entry.serverName === undefined ? {} : { serverName: entry.serverName }),
    };
  };
  const clock = options.clock ?? systemClock;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const flow: ClientFlowOptions = { ...options.flow, connectTimeoutMs };
  const common = { clock, ...(options.random ? { random: options.random } : {}) };
  let transport: Transport & { connect(): unknown };
  let flowId: () => string | undefined;
  let lastState: () => TransportStateChange | undefined;
  try {
    // Each transport is loaded when a server needs it (WebSocket brings the ws package, TLS node:tls).
    if (protocol === 'WS' || protocol === 'WSS') {
      const { WebSocketTransport } = await import('../../transport/ws-transport.js');
      const ws = new WebSocketTransport({ servers: specs.map(({ spec, entry }) => ({ url: spec.url!, ...trust(entry) })), flow, ...common });
      transport = ws;
      flowId = () => ws.link?.flowId;
      lastState = () => ws.flowState;
    } else {
      const servers = specs.map(({ spec, entry }) => ({ host: spec.host, port: spec.port, ...trust(entry) }));
      const stream = protocol === 'TLS'
        ? await (await import('../../transport/tls-transport.js')).createTlsTransport({ servers, flow, connectTimeoutMs, ...common })
        : await (await import('../../transport/tcp-transport.js')).createTcpTransport({ servers: servers.map(({ host, port }) => ({ host, port })), flow, connectTimeoutMs, ...common });
      transport = stream;
      flowId = () => stream.clientFlowLink?.flowId;
      lastState = () => stream.flowState;
    }
  } catch (error) {
    return failure('failed', error instanceof Error ? error.message : String(error));
  }
  const outcome = await firstRound(transport, specs.length, clock, connectTimeoutMs);
  if (!outcome.ok) {
    await transport.close();
    return { ok: false, error: outcome.error };
  }
  const first = specs[0]!.spec;
  return {
    ok: true,
    value: {
      transport,
      outboundProxy: { protocol, host: first.host, port: first.port },
      servers: specs.map((s) => s.spec),
      get flowId() { return flowId(); },
      get lastState() { return lastState(); },
      close: () => transport.close(),
    },
  };
}

/** Waits for `connected`, or for the end of the first round (every server failed once). */
function firstRound(transport: Transport & { connect(): unknown }, servers: number, clock: Clock, connectTimeoutMs: number): Promise<Result<void, ServerConnectionFailure>> {
  return new Promise((resolve) => {
    const reasons: string[] = [];
    const done = (result: Result<void, ServerConnectionFailure>) => {
      off();
      guard.cancel();
      resolve(result);
    };
    const off = transport.on('state', (change) => {
      if (change.state === 'connected') done({ ok: true, value: undefined });
      else if (change.state === 'failed' && change.reason !== undefined) reasons.push(change.reason);
      else if (change.state === 'reconnecting' || change.state === 'closed') {
        done({ ok: false, error: { kind: classify(reasons), reason: reasons.join('; ') || change.reason || 'could not connect' } });
      }
    });
    // The flow times out each attempt itself; this only guards against a transport that never reports.
    const guard = clock.setTimer(servers * connectTimeoutMs + 1000, () => {
      done({ ok: false, error: { kind: 'timeout', reason: reasons.join('; ') || `no connection within ${Math.round((servers * connectTimeoutMs) / 1000)} s` } });
    });
    transport.connect();
  });
}

/** The kind of the last failure, from the transport's reason text. */
function classify(reasons: readonly string[]): ServerConnectionFailureKind {
  const last = reasons.at(-1) ?? '';
  if (/certificate/i.test(last)) return 'untrusted-certificate';
  if (/subprotocol/i.test(last)) return 'subprotocol';
  if (/connection refused|refused the WebSocket upgrade/i.test(last)) return 'refused';
  if (/no connection within|timed out/i.test(last)) return 'timeout';
  if (/unreachable|not found in DNS|DNS lookup/i.test(last)) return 'unreachable';
  return 'failed';
}

async function connectUdp(spec: ServerSpec, options: ServerConnectionOptions): Promise<ServerConnectionResult> {
  // No SRV/NAPTR (RFC 3263): the host's address, looked up once.
  let address: string;
  try {
    address = isIP(spec.host) === 0 ? (await lookup(spec.host)).address : spec.host;
  } catch (error) {
    return failure('unreachable', describeSocketError(error, `cannot reach ${spec.display}`));
  }
  let localHost = options.localHost;
  if (localHost === undefined) {
    try {
      localHost = await localAddressToward(address, spec.port);
    } catch (error) {
      return failure('unreachable', describeSocketError(error, `cannot reach ${spec.display}`));
    }
  }
  try {
    const { createUdpTransport } = await import('../../transport/udp-transport.js');
    const transport = await createUdpTransport({ host: localHost, port: options.localPort ?? 0 });
    return {
      ok: true,
      value: {
        transport, outboundProxy: { protocol: 'UDP', host: address, port: spec.port }, servers: [spec],
        flowId: undefined, lastState: undefined, close: () => transport.close(),
      },
    };
  } catch (error) {
    return failure('failed', error instanceof Error ? error.message : String(error));
  }
}

/**
 * The local IP the system would send from to reach `host` — what Via and
 * Contact must carry (a wildcard bind would put 0.0.0.0 there). A connected
 * UDP socket sends nothing; it only asks the routing table.
 */
export async function localAddressToward(host: string, port: number): Promise<string> {
  const socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(port, host, () => resolve());
    });
    return socket.address().address;
  } finally {
    socket.close();
  }
}

function failure(kind: ServerConnectionFailureKind, reason: string): ServerConnectionResult {
  return { ok: false, error: { kind, reason } };
}
