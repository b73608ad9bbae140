// One ready-to-use user agent for an account: the connection to its server,
// the endpoint with its timers, the authenticator, the call agent, an
// optional registration, and the diagnostics stream they all write. The CLI
// builds its `call` and `listen` on it; so can the desktop host.
import { parseUri } from '../message/index.js';
import type { Result } from '../message/index.js';
import { Authenticator } from './auth/authenticator.js';
import { CallAgent } from './call/call-agent.js';
import { SipEndpoint } from './core/endpoint.js';
import type { CallFaults } from './call/faults.js';
import type { SessionTimerOptions } from './mid-call/session-timer.js';
import type { ReliableProvisionalPolicy } from './call/incoming-call.js';
import type { Registration } from './registration/registration.js';
import { connectToServer, type ServerConnection } from './connection/server-connection.js';
import { StaticSdpHandler } from './sdp/static-sdp.js';
import type { SdpHandler } from './sdp/sdp-handler.js';
import type { DiagnosticsStream } from '../trace/events.js';
import type { Clock } from '../util/clock.js';

export interface UserAgentOptions {
  /** `wss://...`, `ws://...`, `sip:host[:port];transport=udp|tcp|tls`, `sips:...`. */
  readonly server: string;
  /** Account user: From user and, unless `authUser`, the digest user name. */
  readonly user?: string;
  readonly authUser?: string;
  readonly password?: string;
  /** From URI (default `sip:<user>@<server host>`). */
  readonly from?: string;
  readonly displayName?: string;
  readonly caFile?: string;
  /** Accept a server certificate that cannot be verified (lab servers only). */
  readonly insecure?: boolean;
  /** T1 in ms; T2 and T4 scale with it (8·T1, 10·T1) when set. */
  readonly t1?: number;
  readonly reliableProvisionals?: ReliableProvisionalPolicy;
  /** A session description to offer and answer with (default: PCMU over RTP/AVP). */
  readonly sdp?: string;
  /** The media of each call (default: a StaticSdpHandler with `sdp`, signalling only). */
  readonly createSdpHandler?: () => SdpHandler;
  /** UDP: local address and port to bind (to be reachable as a far end). */
  readonly localHost?: string;
  readonly localPort?: number;
  /** Register the From URI with the server (REGISTER with digest). */
  readonly register?: boolean;
  /** The stack's clock (default: the system clock). */
  readonly clock?: Clock;
  /** The stream to report on (default: a new one); pass one to record from the first message. */
  readonly diagnostics?: DiagnosticsStream;
  /** Deliberate protocol faults for every call (see faults.ts); none by default. */
  readonly faults?: CallFaults;
  /** Session timers (RFC 4028): our Min-SE, and the Session-Expires our calls ask for. */
  readonly sessionTimer?: SessionTimerOptions;
  /** Info Packages our calls take (RFC 6086 Recv-Info). */
  readonly infoPackages?: readonly string[];
  /** REFER (RFC 3515): `accept` (default) or `decline`. */
  readonly transfers?: 'accept' | 'decline';
  /**
   * An outbound proxy as a preloaded route (RFC 3261 §8.1.2), e.g.
   * `sip:proxy.example.com;lr`: every request outside a dialog (INVITE,
   * REGISTER) carries `Route: <that URI;lr>`. The requests still go to
   * `server`; the route tells it (and the proxies after it) where they pass.
   */
  readonly outboundProxy?: string;
}

export class UserAgent {
  private constructor(
    readonly connection: ServerConnection,
    readonly endpoint: SipEndpoint,
    readonly agent: CallAgent,
    readonly from: string,
    readonly registration: Registration | undefined,
  ) {}

  /** Connects (and registers when asked); a failure comes back as one sentence. */
  static async start(options: UserAgentOptions): Promise<Result<UserAgent, string>> {
    const connected = await connectToServer(options.server, {
      ...(options.caFile === undefined ? {} : { caFile: options.caFile }),
      ...(options.insecure ? { acceptInvalidCertificate: true } : {}),
      ...(options.localHost === undefined ? {} : { localHost: options.localHost }),
      ...(options.localPort === undefined ? {} : { localPort: options.localPort }),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    if (!connected.ok) return { ok: false, error: `cannot connect to ${options.server}: ${connected.error.reason}` };
    const connection = connected.value;
    const server = connection.servers[0]!;
    const user = options.user ?? 'callscope';
    const from = options.from ?? `sip:${user}@${server.host.includes(':') ? `[${server.host}]` : server.host}`;
    const fromUri = parseUri(from);
    if (!fromUri.ok) {
      await connection.close();
      return { ok: false, error: `--from ${from} is not a SIP URI: ${fromUri.error.message}` };
    }
    const t1 = options.t1;
    let endpoint: SipEndpoint;
    try {
      endpoint = new SipEndpoint({
        transport: connection.transport, outboundProxy: connection.outboundProxy,
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.diagnostics ? { diagnostics: options.diagnostics } : {}),
        ...(t1 === undefined ? {} : { timers: { t1, t2: 8 * t1, t4: 10 * t1 } }),
        ...(options.outboundProxy === undefined ? {} : { preloadedRoute: [options.outboundProxy] }),
      });
    } catch (error) {
      await connection.close();
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    const authenticator = options.password === undefined ? undefined
      : new Authenticator({ username: options.authUser ?? user, password: options.password });
    const contactUser = 'user' in fromUri.value && fromUri.value.user !== undefined ? fromUri.value.user : user;
    const agent = new CallAgent({
      endpoint, identity: { uri: from, ...(options.displayName === undefined ? {} : { displayName: options.displayName }) },
      contactUser,
      ...(authenticator ? { authenticator } : {}),
      ...(options.reliableProvisionals ? { reliableProvisionals: options.reliableProvisionals } : {}),
      createSdpHandler: options.createSdpHandler ?? (() => new StaticSdpHandler(options.sdp === undefined ? {} : { sdp: options.sdp })),
      ...(options.faults ? { faults: options.faults } : {}),
      ...(options.sessionTimer ? { sessionTimer: options.sessionTimer } : {}),
      ...(options.infoPackages ? { infoPackages: options.infoPackages } : {}),
      ...(options.transfers ? { transfers: options.transfers } : {}),
    });
    let registration: Registration | undefined;
    if (options.register) {
      if (!authenticator) {
        agent.close();
        endpoint.close();
        await connection.close();
        return { ok: false, error: '--register needs --password' };
      }
      // Loaded only when asked for: a call that registers nothing starts faster without it.
      const { Registration, newInstanceId } = await import('./registration/registration.js');
      registration = new Registration({
        endpoint, aor: from, authenticator, instanceId: newInstanceId(), contactUser,
        currentFlowId: () => connection.flowId,
      });
      const state = await registration.start();
      if (state.name !== 'registered') {
        await registration.stop({ timeoutMs: 1000 });
        agent.close();
        endpoint.close();
        await connection.close();
        return { ok: false, error: `registration of ${from} failed: ${state.name === 'failed' ? state.reason : state.name}` };
      }
    }
    return { ok: true, value: new UserAgent(connection, endpoint, agent, from, registration) };
  }

  /** Every SIP-level event of this user agent (the endpoint's stream). */
  get diagnostics(): DiagnosticsStream {
    return this.endpoint.diagnostics;
  }

  /** The Request-URI for what a user typed: a SIP URI as is, `user` or `user@host` completed. */
  target(typed: string): string {
    if (/^(sips?|tel):/i.test(typed)) return typed;
    if (typed.includes('@')) return `sip:${typed}`;
    const host = this.connection.servers[0]!.host;
    return `sip:${typed}@${host.includes(':') ? `[${host}]` : host}`;
  }

  /** Unregisters (when registered), stops taking calls, closes the connection. */
  async close(): Promise<void> {
    await this.registration?.stop({ timeoutMs: 2000 });
    this.agent.close();
    this.endpoint.close();
    await this.connection.close();
  }
}
