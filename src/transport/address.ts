// Small helpers for TransportAddress values.
import type { TransportAddress, TransportProtocol } from './transport.js';

/** `udp:127.0.0.1:5060`, `tcp:[::1]:5060`: how a transport names a peer in states and errors. */
export function formatAddress(address: TransportAddress): string {
  return `${address.protocol.toLowerCase()}:${hostForUri(address.host)}:${address.port}`;
}

/** IPv6 addresses in brackets, anything else as is. */
export function hostForUri(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Host without IPv6 brackets (the form TransportAddress uses). */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Node reports IPv4 peers of a dual-stack socket as `::ffff:1.2.3.4`;
 * SIP wants `1.2.3.4`.
 */
export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

export function addressOf(protocol: TransportProtocol, host: string, port: number): TransportAddress {
  return { protocol, host: normalizeIp(bareHost(host)), port };
}

export function sameAddress(a: TransportAddress, b: TransportAddress): boolean {
  return a.protocol === b.protocol && a.port === b.port && bareHost(a.host).toLowerCase() === bareHost(b.host).toLowerCase();
}
