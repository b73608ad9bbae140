// Where a response goes (RFC 3261 §18.2.2 with RFC 3581 rport), and what a
// server adds to the top Via of a request it received (§18.2.1, RFC 3581 §4).
// Pure functions: the transaction layer calls them with the parsed top Via.
import type { Via } from '../message/types.js';
import { bareHost, normalizeIp } from './address.js';
import { isReliable } from './transport.js';
import type { TransportAddress, TransportProtocol } from './transport.js';

/** The parts of a Via these rules read. */
export type ViaForRouting = Pick<Via, 'host' | 'port' | 'received' | 'rport' | 'maddr' | 'ttl'>;

/** Which sentence of §18.2.2 / RFC 3581 chose the destination. */
export type ResponseRule = 'connection' | 'maddr' | 'rport' | 'received' | 'sent-by';

export interface ResponseRoute {
  readonly rule: ResponseRule;
  /**
   * Reliable transports: the connection the request came in on. "the response
   * MUST be sent using the existing connection to the source of the original
   * request ... if that connection is still open" (§18.2.2).
   */
  readonly flowId?: string;
  /**
   * Where to send it; for `connection`, where to open a new connection if that
   * one has closed: "the IP address in the received parameter, if present,
   * using the port in the sent-by value, or the default port for that transport".
   */
  readonly destination: TransportAddress;
  /** For `maddr` with a multicast address: "the TTL indicated in the ttl parameter, or ... 1". */
  readonly ttl?: number;
}

/** Default SIP port per transport (RFC 3261 §19.1.2; RFC 7118 §5 for WS/WSS). */
export function defaultPort(protocol: TransportProtocol): number {
  switch (protocol) {
    case 'TLS': return 5061;
    case 'WS': return 80;
    case 'WSS': return 443;
    case 'UDP':
    case 'TCP': return 5060;
  }
}

function sameHost(viaHost: string, sourceIp: string): boolean {
  return normalizeIp(bareHost(viaHost)).toLowerCase() === sourceIp.toLowerCase();
}

/**
 * The parameters a server adds to the top Via of a request it received.
 * §18.2.1: "If the host portion of the sent-by parameter contains a domain
 * name, or if it contains an IP address that differs from the packet source
 * address, the server MUST add a received parameter". RFC 3581 §4: with an
 * empty `rport`, "the server MUST insert a received parameter containing the
 * source IP address ... even if it is identical to the value of the sent-by
 * component" and set rport to "the source port of the request".
 */
export function viaReceivedParams(topVia: ViaForRouting, source: TransportAddress): { received?: string; rport?: number } {
  const ip = normalizeIp(bareHost(source.host));
  const out: { received?: string; rport?: number } = {};
  if (topVia.rport !== undefined) {
    out.received = ip;
    out.rport = topVia.rport === true ? source.port : topVia.rport;
  } else if (!sameHost(topVia.host, ip)) {
    out.received = ip;
  }
  return out;
}

/**
 * Where to send a response to a request whose top Via is `topVia` and which
 * arrived from `source` (on flow `flowId` for connection-oriented transports).
 * `topVia` may be the Via as received or with received/rport already added.
 */
export function responseDestination(topVia: ViaForRouting, source: TransportAddress, flowId?: string): ResponseRoute {
  const protocol = source.protocol;
  const sentByPort = topVia.port ?? defaultPort(protocol);
  const added = viaReceivedParams(topVia, source);
  const received = topVia.received ?? added.received;
  if (isReliable(protocol)) {
    // §18.2.2: "If the sent-protocol is a reliable transport protocol such as
    // TCP or SCTP, or TLS over those, the response MUST be sent using the
    // existing connection to the source of the original request".
    const destination = { protocol, host: received ?? bareHost(topVia.host), port: sentByPort };
    return flowId === undefined
      ? { rule: received === undefined ? 'sent-by' : 'received', destination }
      : { rule: 'connection', flowId, destination };
  }
  if (topVia.maddr !== undefined) {
    // "if the Via header field value contains a maddr parameter, the response
    // MUST be forwarded to the address listed there, using the port indicated
    // in sent-by, or port 5060 if none is present. If the address is a
    // multicast address, the response SHOULD be sent using the TTL indicated
    // in the ttl parameter, or with a TTL of 1".
    const host = bareHost(topVia.maddr);
    const route = { rule: 'maddr' as const, destination: { protocol, host, port: topVia.port ?? 5060 } };
    return isMulticast(host) ? { ...route, ttl: topVia.ttl ?? 1 } : route;
  }
  if (topVia.rport !== undefined) {
    // RFC 3581 §4: "the response MUST be sent to the IP address listed in the
    // received parameter, and the port in the rport parameter".
    return { rule: 'rport', destination: { protocol, host: received ?? source.host, port: added.rport ?? source.port } };
  }
  if (received !== undefined) {
    // "if the top Via has a received parameter, the response MUST be sent to
    // the address in the received parameter, using the port indicated in the
    // sent-by value, or using port 5060 if none is specified explicitly".
    return { rule: 'received', destination: { protocol, host: received, port: topVia.port ?? 5060 } };
  }
  // "Otherwise, if it is not receiver-tagged, the response MUST be sent to the
  // address indicated by the sent-by value" (RFC 3263 §5 resolves a name).
  return { rule: 'sent-by', destination: { protocol, host: bareHost(topVia.host), port: topVia.port ?? 5060 } };
}

function isMulticast(host: string): boolean {
  const first = /^(\d{1,3})\./.exec(host);
  if (first) return Number(first[1]) >= 224 && Number(first[1]) <= 239;
  return /^ff[0-9a-f]{2}:/i.test(host);
}
