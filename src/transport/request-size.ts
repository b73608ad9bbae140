// RFC 3261 §18.1.1: "If a request is within 200 bytes of the path MTU, or if
// it is larger than 1300 bytes and the path MTU is unknown, the request MUST
// be sent using an RFC 2914 congestion controlled transport protocol, such as
// TCP. If this causes a change in the transport protocol from the one
// indicated in the top Via, the value in the top Via MUST be changed."
//
// The decision is made before the request is sent (its top Via names the
// transport), so it is a pure function of the request's size.
//
// When no congestion-controlled transport is configured towards the
// destination, Callscope still sends over UDP (IP fragments it) rather than
// fail the request, and says so in `note` for the diagnostics stream; the
// only hard limit is the largest UDP payload, which UdpTransport.send rejects
// with a TransportError.
import type { TransportProtocol } from './transport.js';

/** "larger than 1300 bytes and the path MTU is unknown". */
export const UDP_SIZE_THRESHOLD_UNKNOWN_MTU = 1300;
/** "within 200 bytes of the path MTU". */
export const PATH_MTU_MARGIN = 200;
/** Largest UDP payload over IPv4: 65,535 - 20 (IP header) - 8 (UDP header). */
export const MAX_UDP_PAYLOAD = 65_507;

export interface RequestSizeOptions {
  /** Path MTU towards the destination, when known. */
  readonly pathMtu?: number;
  /** A congestion-controlled transport (TCP, TLS) configured towards the same destination, if any. */
  readonly alternative?: TransportProtocol;
}

export type RequestTransportChoice =
  | { readonly protocol: 'UDP'; readonly decision: 'fits-udp'; readonly limit: number }
  | { readonly protocol: TransportProtocol; readonly decision: 'switched'; readonly limit: number; readonly note: string }
  | { readonly protocol: 'UDP'; readonly decision: 'oversize-udp'; readonly limit: number; readonly note: string };

/** The largest request that may go over UDP under §18.1.1. */
export function udpRequestLimit(pathMtu?: number): number {
  return pathMtu === undefined ? UDP_SIZE_THRESHOLD_UNKNOWN_MTU : pathMtu - PATH_MTU_MARGIN;
}

/** Which transport a request of `sizeBytes` bytes, meant for UDP, must use. */
export function chooseRequestTransport(sizeBytes: number, options: RequestSizeOptions = {}): RequestTransportChoice {
  const limit = udpRequestLimit(options.pathMtu);
  if (sizeBytes <= limit) return { protocol: 'UDP', decision: 'fits-udp', limit };
  const why = options.pathMtu === undefined
    ? `the request is ${sizeBytes} bytes, larger than 1300 bytes with an unknown path MTU`
    : `the request is ${sizeBytes} bytes, within 200 bytes of the path MTU (${options.pathMtu})`;
  if (options.alternative !== undefined && options.alternative !== 'UDP') {
    return {
      protocol: options.alternative, decision: 'switched', limit,
      note: `${why}: sent over ${options.alternative} instead of UDP (RFC 3261 §18.1.1); the top Via says ${options.alternative}`,
    };
  }
  return {
    protocol: 'UDP', decision: 'oversize-udp', limit,
    note: `${why}: RFC 3261 §18.1.1 asks for a congestion-controlled transport, but none is configured, so it goes over UDP and may be fragmented`,
  };
}
