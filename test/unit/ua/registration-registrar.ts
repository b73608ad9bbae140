// A scripted registrar for the Registration tests: a TransactionLayer on the
// far end of memory transports that checks digest answers on its own (with
// node:crypto, not Callscope's digest code), tracks nonce counts, expires
// nonces (stale=true), keeps bindings, answers 423 below Min-Expires, and can
// be told to answer anything else (403, 503, silence).
import { createHash } from 'node:crypto';
import { buildResponseTo } from '../../../src/message/index.js';
import type { ContactSpec, HeaderSpec, SipRequest, SipResponse } from '../../../src/message/index.js';
import { TransactionLayer } from '../../../src/transaction/transaction-layer.js';
import type { ServerTransaction } from '../../../src/transaction/transaction-layer.js';
import type { Transport } from '../../../src/transport/transport.js';
import type { FakeClock } from '../../../src/util/fake-clock.js';

export const REALM = 'callscope.test';
export const PASSWORD = 'alice-unit-secret';

export type Scripted = { status: number; reason?: string; headers?: HeaderSpec[] } | 'drop' | undefined;

export interface RegistrarOptions {
  algorithm?: 'MD5' | 'SHA-256';
  /** Below this (but above 0): 423 with Min-Expires. */
  minExpires?: number;
  /** Grants at most this. */
  maxExpires?: number;
  /** A nonce older than this is stale (401 stale=true). */
  nonceLifetimeMs?: number;
  /** Say the granted expiry only in the Expires header, not per Contact. */
  expiresHeaderOnly?: boolean;
  /** Answer `Require: outbound` to a REGISTER with reg-id. */
  outbound?: boolean;
}

interface Binding {
  uri: string;
  expiresAt: number;
  instance?: string;
  regId?: number;
}

const H = (algorithm: string, text: string) => createHash(algorithm === 'SHA-256' ? 'sha256' : 'md5').update(text).digest('hex');

export class ScriptedRegistrar {
  readonly requests: SipRequest[] = [];
  /** Clock time at which each request arrived. */
  readonly arrivals: number[] = [];
  readonly responses: SipResponse[] = [];
  readonly bindings = new Map<string, Binding>();
  /** Answers instead of the registrar logic while it returns something. */
  script: (request: SipRequest, index: number) => Scripted = () => undefined;
  readonly layer: TransactionLayer;
  private readonly nonces = new Map<string, { issuedAt: number; lastNc: number }>();
  private nonceCounter = 0;

  constructor(private readonly clock: FakeClock, transport: Transport, readonly options: RegistrarOptions = {}) {
    this.layer = new TransactionLayer({
      clock,
      user: { onRequest: (request, tx) => this.receive(request, tx), onAck: () => undefined, onStrayResponse: () => undefined },
    });
    this.layer.attach(transport);
  }

  /** Another transport (a reconnected flow) to answer on. */
  attach(transport: Transport): void {
    this.layer.attach(transport);
  }

  /** Forgets every nonce (as a restarted registrar does). */
  forgetNonces(): void {
    this.nonces.clear();
  }

  get registers(): SipRequest[] {
    return this.requests.filter((r) => r.method === 'REGISTER');
  }

  private reply(tx: ServerTransaction, status: number, extra: { reason?: string; headers?: HeaderSpec[]; contact?: ContactSpec[]; expires?: number; require?: string[] } = {}): void {
    const built = buildResponseTo(tx.request, { status, ...extra });
    if (!built.ok) throw new Error(built.error.message);
    this.responses.push(built.value);
    tx.respond(built.value);
  }

  private challenge(tx: ServerTransaction, stale = false): void {
    const nonce = `n${++this.nonceCounter}x${this.clock.now()}`;
    this.nonces.set(nonce, { issuedAt: this.clock.now(), lastNc: 0 });
    const algorithm = this.options.algorithm ?? 'MD5';
    this.reply(tx, 401, {
      headers: [{
        name: 'WWW-Authenticate',
        value: `Digest realm="${REALM}", nonce="${nonce}", qop="auth", algorithm=${algorithm}${stale ? ', stale=true' : ''}, opaque="op1"`,
      }],
    });
  }

  /** undefined when the credentials are right; else what to answer. */
  private checkCredentials(request: SipRequest): 'challenge' | 'stale' | undefined {
    const credentials = request.authorization[0];
    if (!credentials) return 'challenge';
    const p = (name: string) => credentials.params.get(name)?.value ?? '';
    const algorithm = this.options.algorithm ?? 'MD5';
    const nonce = this.nonces.get(p('nonce'));
    if (!nonce || p('realm') !== REALM || p('uri') !== request.requestUriText || p('algorithm') !== algorithm || p('opaque') !== 'op1') return 'challenge';
    const nc = parseInt(p('nc'), 16);
    const ha1 = H(algorithm, `${p('username')}:${REALM}:${PASSWORD}`);
    const ha2 = H(algorithm, `REGISTER:${p('uri')}`);
    const expected = H(algorithm, `${ha1}:${p('nonce')}:${p('nc')}:${p('cnonce')}:auth:${ha2}`);
    if (p('username') !== 'alice' || p('qop') !== 'auth' || p('response') !== expected) return 'challenge';
    // RFC 7616 §3.4: a replayed or decreasing nonce count is refused.
    if (!(nc > nonce.lastNc)) return 'challenge';
    nonce.lastNc = nc;
    if (this.options.nonceLifetimeMs !== undefined && this.clock.now() - nonce.issuedAt > this.options.nonceLifetimeMs) return 'stale';
    return undefined;
  }

  private receive(request: SipRequest, tx: ServerTransaction): void {
    this.requests.push(request);
    this.arrivals.push(this.clock.now());
    const scripted = this.script(request, this.requests.length - 1);
    if (scripted === 'drop') return;
    if (scripted) {
      this.reply(tx, scripted.status, { ...(scripted.reason ? { reason: scripted.reason } : {}), ...(scripted.headers ? { headers: scripted.headers } : {}) });
      return;
    }
    if (request.method !== 'REGISTER') {
      this.reply(tx, 405);
      return;
    }
    const verdict = this.checkCredentials(request);
    if (verdict !== undefined) {
      this.challenge(tx, verdict === 'stale');
      return;
    }
    const now = this.clock.now();
    for (const contact of request.contacts) {
      const asked = contact.expires ?? request.expires ?? 3600;
      if (asked > 0 && this.options.minExpires !== undefined && asked < this.options.minExpires) {
        this.reply(tx, 423, { headers: [{ name: 'Min-Expires', value: String(this.options.minExpires) }] });
        return;
      }
    }
    for (const contact of request.contacts) {
      const asked = contact.expires ?? request.expires ?? 3600;
      const uri = contactKey(contact.uri);
      if (asked === 0) {
        this.bindings.delete(uri);
        continue;
      }
      const granted = Math.min(asked, this.options.maxExpires ?? asked);
      this.bindings.set(uri, {
        uri, expiresAt: now + granted * 1000,
        ...(contact.instance === undefined ? {} : { instance: contact.instance }),
        ...(contact.regId === undefined ? {} : { regId: contact.regId }),
      });
    }
    const live = [...this.bindings.values()].filter((b) => b.expiresAt > now);
    const headerOnly = this.options.expiresHeaderOnly === true;
    const first = live[0];
    this.reply(tx, 200, {
      contact: live.map((b) => ({
        uri: b.uri,
        ...(headerOnly ? {} : { expires: Math.round((b.expiresAt - now) / 1000) }),
        ...(b.instance === undefined ? {} : { instance: b.instance }),
        ...(b.regId === undefined ? {} : { regId: b.regId }),
      })),
      ...(headerOnly && first ? { expires: Math.round((first.expiresAt - now) / 1000) } : {}),
      ...(this.options.outbound && request.contacts.some((c) => c.regId !== undefined) ? { require: ['outbound'] } : {}),
    });
  }
}

function contactKey(uri: SipRequest['contacts'][number]['uri']): string {
  if (!('host' in uri)) return JSON.stringify(uri);
  const transport = uri.params.get('transport');
  return `sip:${uri.user ? `${uri.user}@` : ''}${uri.host}${uri.port === undefined ? '' : `:${uri.port}`}${transport ? `;transport=${transport}` : ''}`;
}
