// Which connection reaches which client. A WebSocket client's Contact names a random
// `.invalid` host (RFC 7118 §5.2) that nothing resolves: the only way back to it is the
// connection it opened. So the line remembers, for every Contact it sees in a REGISTER
// or a dialog-forming request, the flow it arrived on (RFC 5626 §5.3: the edge proxy
// forwards "over the flow that received the REGISTER"), and routes each request it
// sends by its Request-URI's host: in-dialog requests go to the peer's Contact, the
// callback to a registered Contact. A flow that closes is forgotten.
import type { SipRequest, Uri } from '../message/index.js';
import type { RequestTarget } from '../transaction/transaction-layer.js';
import type { InboundMessage, Transport } from '../transport/transport.js';
import type { WebSocketServerTransport } from '../transport/ws-server-transport.js';

/** The key a Contact URI is routed by: its host and port, lower case. */
export function contactKey(uri: Uri): string | undefined {
  if (!('host' in uri)) return undefined;
  return `${uri.host.toLowerCase()}:${uri.port ?? ''}`;
}

const MAX_CONTACTS = 10_000;

export class FlowRouter {
  private readonly flowsByContact = new Map<string, string>();

  /** `sender`: the transport the endpoint sends through (the server itself, or a wrapper of it). */
  constructor(private readonly transport: WebSocketServerTransport, private readonly sender: Transport = transport) {
    transport.on('state', (change) => {
      if ((change.state === 'closed' || change.state === 'failed') && change.flowId !== undefined) this.forgetFlow(change.flowId);
    });
  }

  /** Remembers the flow the Contact of `request` is reachable over. */
  learn(request: SipRequest, inbound: InboundMessage): void {
    if (inbound.flowId === undefined) return;
    for (const contact of request.contacts) {
      const key = contactKey(contact.uri);
      if (key === undefined) continue;
      this.flowsByContact.delete(key);
      this.flowsByContact.set(key, inbound.flowId);
    }
    while (this.flowsByContact.size > MAX_CONTACTS) this.flowsByContact.delete(this.flowsByContact.keys().next().value!);
  }

  /** The open flow that reaches `uri`, if any. */
  flowFor(uri: Uri): string | undefined {
    const key = contactKey(uri);
    const flowId = key === undefined ? undefined : this.flowsByContact.get(key);
    return flowId !== undefined && this.transport.remoteOf(flowId) !== undefined ? flowId : undefined;
  }

  /** The endpoint's route: over the flow the Request-URI's Contact came on, else the stack's own rules. */
  route(request: SipRequest): RequestTarget | undefined {
    const flowId = this.flowFor(request.requestUri);
    const remote = flowId === undefined ? undefined : this.transport.remoteOf(flowId);
    return flowId === undefined || remote === undefined ? undefined : { transport: this.sender, destination: remote, flowId };
  }

  private forgetFlow(flowId: string): void {
    for (const [key, flow] of this.flowsByContact) if (flow === flowId) this.flowsByContact.delete(key);
  }
}
