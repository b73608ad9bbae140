// The transaction layer of a user agent: it owns the transports' inbound
// messages, matches them to transactions (RFC 3261 §17.1.3, §17.2.3), creates
// server transactions for new requests, and hands the rest to its user (the
// UA core). Every message in or out, and everything the transactions do, is
// reported on the diagnostics stream.
import { parseMessage } from '../message/index.js';
import type { SipMessage, SipParseError, SipRequest, SipResponse } from '../message/index.js';
import { DiagnosticsStream, type Peer } from '../trace/events.js';
import { formatAddress } from '../transport/address.js';
import { chooseRequestTransport } from '../transport/request-size.js';
import { responseDestination } from '../transport/response-destination.js';
import { TransportError } from '../transport/transport.js';
import type { InboundMessage, Transport, TransportAddress } from '../transport/transport.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { ClientTransactionUser } from './client-transaction.js';
import { InviteClientTransaction } from './invite-client-transaction.js';
import { InviteServerTransaction } from './invite-server-transaction.js';
import { responseToMalformedRequest } from './malformed-request-response.js';
import { withReceivedParams, withTopViaTransport } from './top-via.js';
import { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import { DEFAULT_TIMERS, validateTimerSettings, type TimerSettings } from './timers.js';
import { clientKey, clientKeyOfResponse, serverKey } from './transaction-key.js';
import type { MessageChannel, TransactionContext } from './transaction.js';

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

/** What the transaction layer hands up to the UA core. */
export interface TransactionUser {
  /**
   * A new request (any method but ACK) and the server transaction created for
   * it; the core answers through `transaction.respond()`. For CANCEL, use
   * `TransactionLayer.inviteForCancel()` to find the INVITE it cancels (§9.2).
   */
  onRequest(request: SipRequest, transaction: ServerTransaction, inbound: InboundMessage): void;
  /** An ACK that belongs to no INVITE server transaction: the ACK for a 2xx (§13.3.1.4, RFC 6026 §8.7). */
  onAck(ack: SipRequest, inbound: InboundMessage): void;
  /**
   * A response that matched no client transaction, e.g. a 2xx retransmission
   * after Timer M (§18.1.2: "the response MUST be passed to the core").
   */
  onStrayResponse(response: SipResponse, inbound: InboundMessage): void;
}

/** Where a request goes: a transport, and an address (or a flow) on it. */
export interface RequestTarget {
  readonly transport: Transport;
  readonly destination: TransportAddress;
  readonly flowId?: string;
}

export interface TransactionLayerOptions {
  readonly user: TransactionUser;
  readonly clock?: Clock;
  readonly diagnostics?: DiagnosticsStream;
  readonly timers?: Partial<TimerSettings>;
}

function peerOf(address: TransportAddress): Peer {
  return { transport: address.protocol, address: address.host, port: address.port };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class TransactionLayer {
  readonly diagnostics: DiagnosticsStream;
  readonly clock: Clock;
  private readonly context: TransactionContext;
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly channels = new WeakMap<ClientTransaction | ServerTransaction, { transport: Transport; channel: MessageChannel }>();
  private readonly unsubscribers: Array<() => void> = [];
  private nextId = 1;

  constructor(private readonly options: TransactionLayerOptions) {
    this.clock = options.clock ?? systemClock;
    this.diagnostics = options.diagnostics ?? new DiagnosticsStream();
    const timers = validateTimerSettings({ ...DEFAULT_TIMERS, ...options.timers });
    this.context = { clock: this.clock, diagnostics: this.diagnostics, timers };
  }

  get timers(): TimerSettings {
    return this.context.timers;
  }

  /** Live transactions (client + server); returns to 0 when all have terminated. */
  get size(): number {
    return this.clients.size + this.servers.size;
  }

  /** Starts receiving from a transport, and reporting its state changes. */
  attach(transport: Transport): () => void {
    const offs = [
      transport.on('message', (inbound) => this.receive(transport, inbound)),
      transport.on('state', (change) => {
        this.diagnostics.emit({
          type: 'transport-state', at: this.clock.now(), transport: transport.protocol, target: change.target,
          state: change.state,
          ...(change.reason === undefined ? {} : { detail: change.reason }),
          ...(change.retryInMs === undefined ? {} : { retryInMs: change.retryInMs }),
        });
        if (change.state === 'failed' || change.state === 'closed') this.failFlow(transport, change.flowId, change.target, change.reason);
      }),
      transport.on('malformed', (raw, source, reason) => this.diagnostics.emit({
        type: 'message-malformed', at: this.clock.now(), peer: peerOf(source), raw, reason,
      })),
    ];
    const detach = () => offs.forEach((off) => off());
    this.unsubscribers.push(detach);
    return detach;
  }

  /**
   * Sends a request in a new client transaction (INVITE or non-INVITE; never
   * ACK, see `sendAck`). `callTag` groups the transaction with its call in
   * diagnostics. `congestionControlled` is a TCP/TLS route to the same place:
   * a request too large for UDP goes there instead (RFC 3261 §18.1.1).
   */
  sendRequest(request: SipRequest, target: RequestTarget, user: ClientTransactionUser,
    options: { callTag?: string; congestionControlled?: RequestTarget } = {}): ClientTransaction {
    if (request.method === 'ACK') throw new Error('an ACK is not sent in a transaction; use sendAck()');
    const branch = request.topVia.branch;
    if (branch === undefined) throw new Error('a request sent by a transaction needs a branch in its top Via (§8.1.1.7)');
    const key = clientKey(branch, request.method);
    if (this.clients.has(key)) throw new Error(`a client transaction with branch ${branch} for ${request.method} already exists`);
    const id = `tx${this.nextId++}`;
    let note: string | undefined;
    if (target.transport.protocol === 'UDP') {
      const alternative = options.congestionControlled;
      const choice = chooseRequestTransport(request.toBytes().length, alternative ? { alternative: alternative.transport.protocol } : {});
      if (choice.decision !== 'fits-udp') note = choice.note;
      if (choice.decision === 'switched' && alternative) {
        request = withTopViaTransport(request, alternative.transport);
        target = alternative;
      }
    }
    const identity = {
      id, key, method: request.method, callId: request.callId,
      ...(options.callTag === undefined ? {} : { callTag: options.callTag }),
    };
    const channel = this.channel(target);
    const transaction = request.method === 'INVITE'
      ? new InviteClientTransaction(this.context, channel, identity, request, user)
      : new NonInviteClientTransaction(this.context, channel, identity, request, user);
    this.clients.set(key, transaction);
    this.channels.set(transaction, { transport: target.transport, channel });
    transaction.onTerminated(() => this.clients.delete(key));
    if (note !== undefined) {
      this.diagnostics.emit({ type: 'transport-choice', at: this.clock.now(), transactionId: id, transport: target.transport.protocol, note });
    }
    transaction.start();
    return transaction;
  }

  /** Sends an ACK for a 2xx, which the UA core owns (§13.2.2.4): no transaction, just the transport. */
  sendAck(ack: SipRequest, target: RequestTarget): Promise<void> {
    return this.sendStateless(ack, target);
  }

  /** Sends a message outside any transaction; reports it, and rejects with a TransportError on failure. */
  sendStateless(message: SipMessage, target: RequestTarget): Promise<void> {
    return this.channel(target).send(message, undefined);
  }

  /**
   * §9.2: the INVITE server transaction a CANCEL refers to ("the same
   * branch and sent-by as the INVITE", or the RFC 2543 rules), if it exists.
   */
  inviteForCancel(cancel: SipRequest): InviteServerTransaction | undefined {
    const tx = this.servers.get(serverKey(cancel, 'invite-of-cancel'));
    return tx instanceof InviteServerTransaction ? tx : undefined;
  }

  /**
   * RFC 3261 §18.4 / RFC 5626: a connection has failed or closed. Every live
   * transaction whose messages travel on it is told at once.
   */
  private failFlow(transport: Transport, flowId: string | undefined, target: string, reason: string | undefined): void {
    if (!transport.reliable) return;
    const error = new TransportError(`connection ${target} ${reason ? `failed: ${reason}` : 'closed'}`);
    for (const tx of [...this.clients.values(), ...this.servers.values()]) {
      const route = this.channels.get(tx);
      if (route?.transport === transport && route.channel.carriedBy?.(flowId, target)) tx.flowFailed(error);
    }
  }

  /** Stops listening to every attached transport. Transactions still running keep their timers. */
  detachAll(): void {
    for (const detach of this.unsubscribers.splice(0)) detach();
  }

  /** Handles one inbound message from a transport. Public so that tests and trace replays can feed bytes in. */
  receive(transport: Transport, inbound: InboundMessage): void {
    this.diagnostics.emit({ type: 'message-received', at: this.clock.now(), peer: peerOf(inbound.source), raw: inbound.data });
    const parsed = parseMessage(inbound.data);
    if (!parsed.ok) {
      this.rejectMalformed(transport, inbound, parsed.error);
      return;
    }
    const message = parsed.value;
    if (message.kind === 'response') this.receiveResponse(message, inbound);
    else this.receiveRequest(transport, withReceivedParams(message, inbound.source), inbound);
  }

  private receiveResponse(response: SipResponse, inbound: InboundMessage): void {
    const key = clientKeyOfResponse(response);
    const transaction = key === undefined ? undefined : this.clients.get(key);
    if (!transaction) {
      this.options.user.onStrayResponse(response, inbound);
      return;
    }
    // §18.1.2: "If the value [of sent-by in the top Via] does not correspond to
    // the value placed in the request, the response MUST be silently discarded."
    const sent = transaction.request.topVia;
    const got = response.topVia;
    if (sent.host.toLowerCase() !== got.host.toLowerCase() || sent.port !== got.port) {
      this.diagnostics.emit({
        type: 'message-malformed', at: this.clock.now(), peer: peerOf(inbound.source), raw: inbound.data,
        reason: `response discarded: top Via sent-by ${got.host}${got.port ? `:${got.port}` : ''} is not the ${sent.host}${sent.port ? `:${sent.port}` : ''} of the request (§18.1.2)`,
      });
      return;
    }
    transaction.receiveResponse(response);
  }

  private receiveRequest(transport: Transport, request: SipRequest, inbound: InboundMessage): void {
    const key = serverKey(request);
    const existing = this.servers.get(key);
    if (request.method === 'ACK') {
      // §17.2.3: the ACK matches the INVITE server transaction whose non-2xx it acknowledges.
      if (existing instanceof InviteServerTransaction && existing.acknowledgesFinalResponse(request)) existing.receiveRequest(request);
      else this.options.user.onAck(request, inbound);
      return;
    }
    if (existing) {
      existing.receiveRequest(request);
      return;
    }
    const route = responseDestination(request.topVia, inbound.source, inbound.flowId);
    const channel = this.channel({ transport, destination: route.destination, ...(route.flowId === undefined ? {} : { flowId: route.flowId }) });
    const identity = { id: `tx${this.nextId++}`, key, method: request.method, callId: request.callId };
    const transaction = request.method === 'INVITE'
      ? new InviteServerTransaction(this.context, channel, identity, request)
      : new NonInviteServerTransaction(this.context, channel, identity, request);
    this.servers.set(key, transaction);
    this.channels.set(transaction, { transport, channel });
    transaction.onTerminated(() => this.servers.delete(key));
    if (transaction instanceof InviteServerTransaction) transaction.start();
    this.options.user.onRequest(request, transaction, inbound);
  }

  /**
   * A message that failed to parse: a request is answered with the status the
   * parser chose (400 with a reason naming the problem, 505, ...) when enough
   * of it survives to address a response; a response is discarded (§18.1.2).
   */
  private rejectMalformed(transport: Transport, inbound: InboundMessage, error: SipParseError): void {
    const response = responseToMalformedRequest(inbound.data, error);
    this.diagnostics.emit({
      type: 'message-malformed', at: this.clock.now(), peer: peerOf(inbound.source), raw: inbound.data, reason: error.message,
      ...(response ? { answeredWith: response.status } : {}),
    });
    if (!response) return;
    const route = responseDestination(response.topVia, inbound.source, inbound.flowId);
    this.sendStateless(response, { transport, destination: route.destination, ...(route.flowId === undefined ? {} : { flowId: route.flowId }) })
      .catch(() => undefined);
  }

  private channel(target: RequestTarget): MessageChannel {
    const { transport, destination, flowId } = target;
    const { diagnostics, clock } = this;
    const destinationText = formatAddress(destination);
    return {
      transport: transport.protocol,
      reliable: transport.reliable,
      // A named flow is matched by id; otherwise the transport chose the
      // connection: the one to this destination, or (WebSocket) its only one.
      carriedBy: (failedFlow, failedTarget) => (flowId !== undefined
        ? failedFlow === flowId
        : transport.protocol === 'WS' || transport.protocol === 'WSS' || failedTarget === destinationText),
      async send(message: SipMessage, transactionId: string | undefined): Promise<void> {
        const raw = message.toBytes();
        const tagged = transactionId === undefined ? {} : { transactionId };
        // Reported as it is handed to the transport, so the stream stays in
        // the order things happened; a failure follows as a transport-error.
        diagnostics.emit({ type: 'message-sent', at: clock.now(), peer: peerOf(destination), raw, ...tagged });
        try {
          await transport.send(raw, destination, flowId === undefined ? undefined : { flowId });
        } catch (error) {
          const transportError = error instanceof TransportError ? error
            : new TransportError(errorMessage(error), destination, { cause: error });
          diagnostics.emit({
            type: 'transport-error', at: clock.now(), transport: transport.protocol, peer: peerOf(destination),
            reason: transportError.message, ...tagged,
          });
          throw transportError;
        }
      },
    };
  }
}
