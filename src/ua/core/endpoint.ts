// The UA core's common ground (RFC 3261 §8): one transport, the transaction
// layer on top of it, and what every request and response of the user agent
// needs — Via with a fresh branch, Contact, tags and Call-IDs, the next hop,
// the UAS checks of §8.2, answers to OPTIONS, and the routing of in-dialog
// requests to their dialog (481 when there is none, §12.2.2). Calls and
// registrations are built on top of it.
import { DEFAULT_UAS_OPTIONS, buildResponseTo, checkRequestAsUas, parseUri, randomToken } from '../../message/index.js';
import type {
  BuildResult, NameAddr, SipRequest, SipResponse, TailSpec, UasCheckOptions, Uri, ViaSpec,
} from '../../message/index.js';
import { dialogKeyOfRequest, dialogKeyOfResponse } from '../../dialog/dialog.js';
import type { DiagnosticsStream } from '../../trace/events.js';
import type { ClientTransactionUser } from '../../transaction/client-transaction.js';
import {
  TransactionLayer, type ClientTransaction, type RequestTarget, type ServerTransaction,
} from '../../transaction/transaction-layer.js';
import type { TimerSettings } from '../../transaction/timers.js';
import { bareHost } from '../../transport/address.js';
import { contactUri } from '../../transport/contact.js';
import { defaultPort } from '../../transport/response-destination.js';
import type { InboundMessage, Transport, TransportAddress } from '../../transport/transport.js';
import type { Clock } from '../../util/clock.js';

/** Whoever handles the requests of one dialog (a call). */
export interface DialogUser {
  onRequest(request: SipRequest, transaction: ServerTransaction): void;
  /** The ACK for a 2xx this dialog sent (§13.3.1.4). */
  onAck(ack: SipRequest): void;
  /** A 2xx that matched no transaction any more (a retransmission after Timer M): re-ACK it (§13.2.2.4). */
  onStrayResponse?(response: SipResponse): void;
}

/** Handles an out-of-dialog request of one method (INVITE, MESSAGE, ...). */
export type RequestHandler = (request: SipRequest, transaction: ServerTransaction, inbound: InboundMessage) => void;

export interface EndpointOptions {
  readonly transport: Transport;
  /**
   * Where requests outside a dialog go first: the outbound proxy / registrar
   * (§8.1.2). For a WebSocket transport, the connection decides anyway.
   */
  readonly outboundProxy: TransportAddress;
  /** A TCP/TLS route to the same proxy, for requests too large for UDP (§18.1.1). */
  readonly congestionControlled?: RequestTarget;
  readonly clock?: Clock;
  readonly diagnostics?: DiagnosticsStream;
  readonly timers?: Partial<TimerSettings>;
  /** What this UA supports, for the §8.2 checks and for OPTIONS/Allow/Supported. */
  readonly capabilities?: UasCheckOptions;
  /** User-Agent / Server header value; default `Callscope`. */
  readonly product?: string;
  /** Methods to advertise in Allow; default the ones the UA core implements. */
  readonly allow?: readonly string[];
  /**
   * A server's own next hop for a request, before the rules of targetFor(): a WebSocket
   * server reaches a client only over the connection (flow) the client opened (RFC 7118
   * §5, RFC 5626 §5.3), so it looks the flow up by the Request-URI. Undefined: the rules.
   */
  readonly route?: (request: SipRequest) => RequestTarget | undefined;
  /**
   * A preloaded route (RFC 3261 §8.1.2): URIs of proxies every request
   * outside a dialog must pass, in order, each written as a Route header
   * (`Route: <sip:proxy.example.com;lr>`; `lr` is added when missing: only
   * loose routing is supported). The requests still leave on the transport
   * towards `outboundProxy`; the route set of a dialog comes from its
   * Record-Route (§12.1), not from here. Throws on a URI that does not parse.
   */
  readonly preloadedRoute?: readonly string[];
}

/**
 * The extensions this user agent implements: advertised in Supported and
 * enforced by the §8.2.2.3 check (any other Require gets 420). Extensions
 * join the list as they are built: promising `timer` or `replaces` before
 * they work would mislead the far end.
 */
const IMPLEMENTED_EXTENSIONS = ['100rel', 'outbound', 'replaces', 'timer'];

/**
 * The methods advertised in Allow: those with a handler in the UA core.
 * Other methods the stack knows still reach a call's in-dialog handlers
 * (501 when a call has none) or get 405 outside a dialog.
 */
const IMPLEMENTED_METHODS = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'PRACK', 'UPDATE', 'INFO', 'REFER', 'NOTIFY', 'SUBSCRIBE'];

/** Besides the UAS defaults: DTMF in INFO as `application/dtmf` (mid-call/dtmf.ts). */
const EXTRA_MEDIA_TYPES = ['application/dtmf'];

export class SipEndpoint {
  readonly transactions: TransactionLayer;
  readonly transport: Transport;
  /** What the §8.2 checks accept (methods routed, extensions supported, media types). */
  readonly capabilities: Required<UasCheckOptions>;
  /** Methods advertised in Allow (§20.5). */
  readonly allow: readonly string[];
  readonly product: string;
  /** The Route headers of every request outside a dialog (RFC 3261 §8.1.2); empty without an outbound proxy route. */
  readonly preloadedRoute: readonly NameAddr[];
  private readonly handlers = new Map<string, RequestHandler>();
  private readonly dialogs = new Map<string, DialogUser>();
  private readonly unattach: () => void;

  constructor(private readonly options: EndpointOptions) {
    this.transport = options.transport;
    this.capabilities = {
      ...DEFAULT_UAS_OPTIONS, supportedExtensions: IMPLEMENTED_EXTENSIONS,
      allowedMethods: [...new Set([...DEFAULT_UAS_OPTIONS.allowedMethods, ...IMPLEMENTED_METHODS])],
      supportedMediaTypes: [...DEFAULT_UAS_OPTIONS.supportedMediaTypes, ...EXTRA_MEDIA_TYPES],
      ...options.capabilities,
    };
    this.preloadedRoute = (options.preloadedRoute ?? []).map(looseRoute);
    this.allow = options.allow ?? IMPLEMENTED_METHODS;
    this.product = options.product ?? 'Callscope';
    this.transactions = new TransactionLayer({
      user: {
        onRequest: (request, transaction, inbound) => this.receiveRequest(request, transaction, inbound),
        onAck: (ack) => this.receiveAck(ack),
        onStrayResponse: (response) => this.receiveStrayResponse(response),
      },
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.diagnostics ? { diagnostics: options.diagnostics } : {}),
      ...(options.timers ? { timers: options.timers } : {}),
    });
    this.unattach = this.transactions.attach(options.transport);
  }

  get diagnostics(): DiagnosticsStream {
    return this.transactions.diagnostics;
  }

  get clock(): Clock {
    return this.transactions.clock;
  }

  /** §8.1.1.7: a branch unique in space and time, starting with the magic cookie. */
  newBranch(): string {
    return `z9hG4bK${randomToken(8)}`;
  }

  /** §19.3: tags need at least 32 bits of randomness. */
  newTag(): string {
    return randomToken(6);
  }

  /** §8.1.1.4: a globally unique Call-ID. */
  newCallId(): string {
    return `${randomToken(12)}@callscope`;
  }

  /** The Via of a new request from this UA: our sent-by, a fresh branch, and rport (RFC 3581). */
  via(): ViaSpec {
    const { host, port } = this.transport.sentBy;
    return { transport: this.transport.protocol, host, ...(port === undefined ? {} : { port }), branch: this.newBranch(), rport: true };
  }

  /** Our Contact URI for `user` (RFC 7118 `.invalid` host and `ob` over WebSocket). */
  contact(user?: string): string {
    return contactUri(this.transport, user);
  }

  /** The proxy, for requests outside a dialog. */
  get outboundTarget(): RequestTarget {
    return { transport: this.transport, destination: this.options.outboundProxy };
  }

  /**
   * The next hop of a request (§8.1.2, §12.2.1.1): its first Route if it has
   * one, else its Request-URI. A SIP URI names host, port and transport; no
   * DNS SRV/NAPTR is done (RFC 3263), the host is used as it is. Over
   * WebSocket, every request goes on the one connection, whatever it says.
   */
  targetFor(request: SipRequest): RequestTarget {
    const routed = this.options.route?.(request);
    if (routed) return routed;
    const protocol = this.transport.protocol;
    if (protocol === 'WS' || protocol === 'WSS') return this.outboundTarget;
    const next = request.routes[0]?.uri ?? request.requestUri;
    const address = addressOfUri(next, protocol);
    return address ? { transport: this.transport, destination: address } : this.outboundTarget;
  }

  /** Where a request outside a dialog goes first: a flow the route option names, else the outbound proxy (§8.1.2). */
  firstHopFor(request: SipRequest): RequestTarget {
    return this.options.route?.(request) ?? this.outboundTarget;
  }

  /** Sends a request in a client transaction to its next hop (or to `target`). */
  send(request: SipRequest, user: ClientTransactionUser, options: { target?: RequestTarget; callTag?: string } = {}): ClientTransaction {
    return this.transactions.sendRequest(request, options.target ?? this.targetFor(request), user, {
      ...(options.callTag === undefined ? {} : { callTag: options.callTag }),
      ...(this.options.congestionControlled ? { congestionControlled: this.options.congestionControlled } : {}),
    });
  }

  /** Sends the ACK for a 2xx (the UA core's, §13.2.2.4). */
  sendAck(ack: SipRequest): Promise<void> {
    return this.transactions.sendAck(ack, this.targetFor(ack));
  }

  /** Builds the response to `request` with our Server header (§8.2.6). */
  response(request: SipRequest, status: number, tail: TailSpec & { reason?: string; toTag?: string } = {}): BuildResult<SipResponse> {
    return buildResponseTo(request, {
      status, ...tail,
      headers: [...(tail.headers ?? []), { name: 'Server', value: this.product }],
    });
  }

  /** Answers through `transaction` with a simple response; throws only on a bug (unbuildable response). */
  reply(transaction: ServerTransaction, status: number, tail: TailSpec & { reason?: string; toTag?: string } = {}): SipResponse {
    const built = this.response(transaction.request, status, tail);
    if (!built.ok) throw new Error(`cannot build ${status} for ${transaction.request.method}: ${built.error.message}`);
    transaction.respond(built.value);
    return built.value;
  }

  /** Handles out-of-dialog requests of `method`; returns a function that stops it. */
  handle(method: string, handler: RequestHandler): () => void {
    this.handlers.set(method, handler);
    return () => this.handlers.delete(method);
  }

  /** Routes the requests of the dialog `key` to `user`; returns a function that stops it. */
  addDialog(key: string, user: DialogUser): () => void {
    this.dialogs.set(key, user);
    return () => {
      if (this.dialogs.get(key) === user) this.dialogs.delete(key);
    };
  }

  close(): void {
    this.unattach();
  }

  private receiveRequest(request: SipRequest, transaction: ServerTransaction, inbound: InboundMessage): void {
    // §8.2.1-§8.2.3: method, scheme, Require, Content-Type/-Encoding, Max-Forwards.
    const verdict = checkRequestAsUas(request, this.capabilities);
    if (verdict.action === 'respond') {
      this.reply(transaction, verdict.status, { reason: verdict.reason, headers: [...verdict.headers] });
      return;
    }
    if (verdict.action === 'discard') return;
    // RFC 3891 §3: "if a Replaces header field is present in a request other
    // than INVITE, the UAS MUST reject the request with a 400 (Bad Request) response."
    if (request.method !== 'INVITE' && request.getHeader('Replaces')) {
      this.reply(transaction, 400, { reason: 'Bad Request (Replaces in a request other than INVITE, RFC 3891 §3)' });
      return;
    }
    if (request.method === 'CANCEL') {
      // §9.2: the CANCEL goes to whoever handles the INVITE it cancels.
      const handler = this.handlers.get('CANCEL');
      if (handler && this.transactions.inviteForCancel(request)) handler(request, transaction, inbound);
      else this.reply(transaction, 481, { reason: 'Call/Transaction Does Not Exist' });
      return;
    }
    const key = dialogKeyOfRequest(request);
    if (key !== undefined) {
      const dialog = this.dialogs.get(key);
      // §12.2.2: "If the UAS receives a request with a To tag but no matching dialog, it SHOULD respond 481".
      if (dialog) dialog.onRequest(request, transaction);
      else this.reply(transaction, 481, { reason: 'Call/Transaction Does Not Exist' });
      return;
    }
    const handler = this.handlers.get(request.method);
    if (handler) {
      handler(request, transaction, inbound);
      return;
    }
    if (request.method === 'OPTIONS') {
      // §11.2: the answer lists what we support.
      this.reply(transaction, 200, {
        allow: this.allow, supported: this.capabilities.supportedExtensions,
        headers: [{ name: 'Accept', value: 'application/sdp' }],
      });
      return;
    }
    if (request.method === 'SUBSCRIBE') {
      // RFC 6665 §4.2.1.1: no event package is served outside a dialog (refer lives in the REFER's dialog).
      this.reply(transaction, 489, { reason: 'Bad Event', headers: [{ name: 'Allow-Events', value: 'refer' }] });
      return;
    }
    // §8.2.1: a method we know of but do not take outside a dialog.
    this.reply(transaction, 405, { allow: this.allow });
  }

  private receiveAck(ack: SipRequest): void {
    const key = dialogKeyOfRequest(ack);
    if (key !== undefined) this.dialogs.get(key)?.onAck(ack);
  }

  private receiveStrayResponse(response: SipResponse): void {
    const key = dialogKeyOfResponse(response);
    if (key !== undefined) this.dialogs.get(key)?.onStrayResponse?.(response);
  }
}

/** One preloaded Route (RFC 3261 §8.1.2): `<uri;lr>` for a configured proxy URI. */
function looseRoute(text: string): NameAddr {
  const parsed = parseUri(text.trim().replace(/^<(.*)>$/, '$1'));
  if (!parsed.ok) throw new Error(`outbound proxy route ${JSON.stringify(text)} is not a URI: ${parsed.error.message}`);
  const uri = parsed.value;
  if ((uri.scheme !== 'sip' && uri.scheme !== 'sips') || !('host' in uri)) throw new Error(`outbound proxy route ${JSON.stringify(text)} is not a SIP URI`);
  const params = new Map(uri.params);
  if (!params.has('lr')) params.set('lr', null);
  return { uri: { ...uri, params, headers: [] }, params: new Map() };
}

/** Host, port and transport of a SIP URI, with the transport's default port. */
export function addressOfUri(uri: Uri, protocol: Transport['protocol']): TransportAddress | undefined {
  if ((uri.scheme !== 'sip' && uri.scheme !== 'sips') || !('host' in uri)) return undefined;
  const maddr = uri.params.get('maddr');
  const host = bareHost(maddr ?? uri.host);
  return { protocol, host, port: uri.port ?? defaultPort(protocol) };
}
