// The test line's registrar (RFC 3261 §10.3, RFC 5626 §6): REGISTER needs digest
// credentials (401 with a challenge otherwise); bindings per address of record, with
// the flow each came over; expiry granted between Min-Expires and an hour; `*` with
// Expires: 0 removes them all. A flow that registered is trusted to place calls without
// a challenge; its bindings end when it closes.
import type { ContactSpec, SipRequest, Uri } from '../message/index.js';
import { formatUri } from '../message/index.js';
import type { ServerTransaction } from '../transaction/transaction-layer.js';
import type { InboundMessage } from '../transport/transport.js';
import type { WebSocketServerTransport } from '../transport/ws-server-transport.js';
import type { SipEndpoint } from '../ua/core/endpoint.js';
import type { DigestGuard } from './digest-guard.js';

export interface Binding {
  readonly aor: string;
  readonly contact: string;
  readonly flowId?: string;
  readonly instance?: string;
  readonly regId?: number;
  /** Clock ms. */
  readonly expiresAt: number;
}

export interface RegistrarOptions {
  readonly endpoint: SipEndpoint;
  readonly guard: DigestGuard;
  readonly transport: WebSocketServerTransport;
  /** Shortest binding granted, s (423 below it, RFC 3261 §10.3 step 7); default 60. */
  readonly minExpiresS?: number;
  /** Longest binding granted, s; default 3600. */
  readonly maxExpiresS?: number;
  /** A REGISTER with good credentials arrived (the line learns its Contact's flow). */
  readonly onAuthenticated?: (request: SipRequest, inbound: InboundMessage) => void;
}

const DEFAULT_EXPIRES_S = 3600;
const MAX_BINDINGS_PER_AOR = 8;

/** An address of record from a URI: scheme, user and host (§10.3 step 5: "canonicalized"), lower-case host. */
export function addressOfRecord(uri: Uri): string | undefined {
  if (!('host' in uri) || (uri.scheme !== 'sip' && uri.scheme !== 'sips')) return undefined;
  return `sip:${uri.user ?? ''}@${uri.host.toLowerCase()}`;
}

export class Registrar {
  private readonly bindings = new Map<string, Binding[]>();
  private readonly trustedFlows = new Set<string>();

  constructor(private readonly options: RegistrarOptions) {
    options.transport.on('state', (change) => {
      if ((change.state !== 'closed' && change.state !== 'failed') || change.flowId === undefined) return;
      this.trustedFlows.delete(change.flowId);
      for (const [aor, list] of this.bindings) this.setBindings(aor, list.filter((b) => b.flowId !== change.flowId));
    });
  }

  /** Flows over which a REGISTER with good credentials arrived. */
  isTrusted(flowId: string | undefined): boolean {
    return flowId !== undefined && this.trustedFlows.has(flowId);
  }

  /** The live bindings of an address of record (`sip:user@host`), newest first. */
  bindingsOf(aor: string): Binding[] {
    const now = this.options.endpoint.clock.now();
    const live = (this.bindings.get(aor.toLowerCase()) ?? []).filter((b) => b.expiresAt > now);
    this.setBindings(aor.toLowerCase(), live);
    return [...live].reverse();
  }

  get size(): number {
    return [...this.bindings.values()].reduce((n, list) => n + list.length, 0);
  }

  handle(request: SipRequest, transaction: ServerTransaction, inbound: InboundMessage): void {
    const { endpoint, guard } = this.options;
    const verdict = guard.verify(request);
    if (!verdict.ok) {
      // §22.1: "the server ... MUST respond with a 401 (Unauthorized)" carrying a challenge.
      endpoint.reply(transaction, 401, { headers: guard.challenges(verdict.stale).map((value) => ({ name: 'WWW-Authenticate', value })) });
      return;
    }
    const aor = addressOfRecord(request.to.uri);
    if (aor === undefined) {
      endpoint.reply(transaction, 404, { reason: 'Not Found (the To of a REGISTER must be a sip: address of record)' });
      return;
    }
    if (inbound.flowId !== undefined) this.trustedFlows.add(inbound.flowId);
    this.options.onAuthenticated?.(request, inbound);
    const key = aor.toLowerCase();
    const minS = this.options.minExpiresS ?? 60;
    const maxS = this.options.maxExpiresS ?? 3600;
    const now = endpoint.clock.now();
    const star = request.getHeader('Contact')?.value.trim() === '*';
    if (star) {
      // §10.3 step 6: "*" is allowed only with Expires: 0, and removes every binding.
      if (request.expires !== 0) {
        endpoint.reply(transaction, 400, { reason: 'Bad Request (Contact: * needs Expires: 0)' });
        return;
      }
      this.setBindings(key, []);
      endpoint.reply(transaction, 200);
      return;
    }
    let list = (this.bindings.get(key) ?? []).filter((b) => b.expiresAt > now);
    for (const contact of request.contacts) {
      const uri = formatUri(contact.uri);
      const asked = contact.expires ?? request.expires ?? DEFAULT_EXPIRES_S;
      // §10.3 step 7: too brief an interval gets 423 with Min-Expires.
      if (asked > 0 && asked < minS) {
        endpoint.reply(transaction, 423, { headers: [{ name: 'Min-Expires', value: String(minS) }] });
        return;
      }
      // RFC 5626 §6: a binding with +sip.instance and reg-id replaces the one with the same pair.
      list = list.filter((b) => (contact.instance !== undefined && contact.regId !== undefined)
        ? !(b.instance === contact.instance && b.regId === contact.regId) : b.contact !== uri);
      if (asked === 0) continue;
      list.push({
        aor: key, contact: uri, expiresAt: now + Math.min(asked, maxS) * 1000,
        ...(inbound.flowId === undefined ? {} : { flowId: inbound.flowId }),
        ...(contact.instance === undefined ? {} : { instance: contact.instance }),
        ...(contact.regId === undefined ? {} : { regId: contact.regId }),
      });
    }
    this.setBindings(key, list.slice(-MAX_BINDINGS_PER_AOR));
    // §10.3 step 8: the 200 lists every current binding, each with its expires.
    const contacts: ContactSpec[] = this.bindingsOf(key).map((b) => ({
      uri: b.contact, expires: Math.max(0, Math.round((b.expiresAt - now) / 1000)),
      ...(b.instance === undefined ? {} : { instance: b.instance }),
      ...(b.regId === undefined ? {} : { regId: b.regId }),
    }));
    const outbound = request.contacts.some((c) => c.regId !== undefined);
    // RFC 5626 §6: a registrar that keeps the flow "MUST include the 'outbound' option tag in a Require header".
    endpoint.reply(transaction, 200, { ...(contacts.length > 0 ? { contact: contacts } : {}), ...(outbound ? { require: ['outbound'] } : {}) });
  }

  private setBindings(key: string, list: Binding[]): void {
    if (list.length === 0) this.bindings.delete(key);
    else this.bindings.set(key, list);
  }
}
