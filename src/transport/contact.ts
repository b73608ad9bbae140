// What a user agent puts in its Contact for a given transport: the host and
// port it can be reached at (its Via sent-by), the `transport` URI parameter,
// and RFC 5626 `ob` when it uses an outbound flow.
//
// RFC 7118 §5.2: a WebSocket client's Contact host is its random `.invalid`
// name with `;transport=ws` (the same `ws` value serves WS and WSS). RFC 5626
// `ob` in the Contact URI of a dialog-forming request asks the edge proxy to
// send in-dialog requests back over the same flow, the only way to reach a
// client behind a WebSocket or a NAT.
import { formatUri } from '../message/index.js';
import { hostForUri } from './address.js';
import type { Transport, TransportProtocol } from './transport.js';

export interface ContactAddress {
  readonly host: string;
  readonly port?: number;
  /** URI parameters in order: `transport`, then `ob` (valueless: null). */
  readonly uriParams: ReadonlyMap<string, string | null>;
}

export interface ContactOptions {
  /** Add RFC 5626 `ob` (default: true on WS/WSS, whose clients are reachable only over their flow; false otherwise). */
  readonly outbound?: boolean;
}

/** The `transport` URI parameter for a protocol; UDP is the default and gets none (RFC 3261 §19.1.1). */
export function transportUriParam(protocol: TransportProtocol): string | undefined {
  switch (protocol) {
    case 'UDP': return undefined;
    case 'TCP': return 'tcp';
    case 'TLS': return 'tls';
    case 'WS':
    case 'WSS': return 'ws';
  }
}

/** Host, port and URI parameters for a Contact over `transport`. */
export function contactAddress(transport: Pick<Transport, 'protocol' | 'sentBy'>, options: ContactOptions = {}): ContactAddress {
  const params = new Map<string, string | null>();
  const t = transportUriParam(transport.protocol);
  if (t !== undefined) params.set('transport', t);
  const outbound = options.outbound ?? (transport.protocol === 'WS' || transport.protocol === 'WSS');
  if (outbound) params.set('ob', null);
  const { host, port } = transport.sentBy;
  return { host, ...(port === undefined ? {} : { port }), uriParams: params };
}

/** `sip:alice@df7jal23ls0d.invalid;transport=ws;ob`: the Contact URI for `user` over `transport`. */
export function contactUri(transport: Pick<Transport, 'protocol' | 'sentBy'>, user?: string, options: ContactOptions = {}): string {
  const a = contactAddress(transport, options);
  const host = hostForUri(a.host);
  const hostKind = host.startsWith('[') ? 'ipv6' : /^[0-9.]+$/.test(host) ? 'ipv4' : 'domain';
  return formatUri({
    scheme: 'sip', ...(user === undefined ? {} : { user }), host, hostKind,
    ...(a.port === undefined ? {} : { port: a.port }), params: a.uriParams, headers: [],
  });
}
