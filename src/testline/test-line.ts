// The built-in test line: a small SIP-over-WebSocket service on Callscope's own stack
// and media engine. It listens on one address (loopback by default) and one secret path,
// registers clients with digest credentials, and answers calls to the numbers of its
// directory (directory.ts) as numbers.ts scripts them: services that work, and classic
// failures reproduced on purpose, each producing one finding in the caller's panel.
import { randomBytes } from 'node:crypto';
import { DEFAULT_UAS_OPTIONS, formatUri, type SipRequest } from '../message/index.js';
import { MediaEngine, type MediaEngineOptions } from '../media/media-engine.js';
import type { DiagnosticsStream } from '../trace/events.js';
import type { InviteServerTransaction } from '../transaction/invite-server-transaction.js';
import type { InboundMessage } from '../transport/transport.js';
import { hostForUri } from '../transport/address.js';
import { WebSocketServerTransport } from '../transport/ws-server-transport.js';
import { CallAgent } from '../ua/call/call-agent.js';
import type { IncomingCall } from '../ua/call/incoming-call.js';
import type { OutgoingCall } from '../ua/call/outgoing-call.js';
import { SipEndpoint } from '../ua/core/endpoint.js';
import { systemClock, type Clock } from '../util/clock.js';
import { callBack } from './callback.js';
import { DigestGuard } from './digest-guard.js';
import { TEST_LINE_DIRECTORY, findNumber, numberList, type TestLineNumber, type TestLineNumberName } from './directory.js';
import { FlowRouter } from './flow-router.js';
import { LineMedia } from './line-media.js';
import { DEFAULT_TIMING, dialledUser, faultsOf, playNumber, type LineTiming } from './numbers.js';
import { Registrar } from './registrar.js';
import { SilentNumberFilter } from './silent-filter.js';

export interface TestLineOptions {
  /** Address to listen on (default 127.0.0.1: loopback only). */
  readonly host?: string;
  /** Port (default 0: any free one). */
  readonly port?: number;
  /** The secret path clients connect on (default a random one, per start). */
  readonly path?: string;
  /** Digest credentials to register (and call) with; the password is random per start by default. */
  readonly user?: string;
  readonly password?: string;
  readonly realm?: string;
  /** Origins a WebSocket upgrade may come from (default: any; the path and the digest keep others out). */
  readonly origins?: 'any' | 'none' | readonly string[];
  /** The address plain-RTP media is received on and advertised (default: the listen host, or 127.0.0.1 for a wildcard). */
  readonly mediaAddress?: string;
  readonly media?: Omit<MediaEngineOptions, 'now'>;
  /** T1, ms (T2 = 8·T1, T4 = 10·T1); tests shrink it. */
  readonly t1?: number;
  readonly timing?: Partial<LineTiming>;
  readonly clock?: Clock;
  /** The stream the line's own stack writes (default: a new one). */
  readonly diagnostics?: DiagnosticsStream;
  /** Told of each call the line takes, when it ends (for a log). */
  readonly onCallEnded?: (summary: TestLineCallSummary) => void;
}

export interface TestLineCallSummary {
  readonly number: TestLineNumberName;
  readonly from: string;
  readonly direction: 'incoming' | 'callback';
  readonly cause: string;
  readonly reason: string;
}

export interface TestLineCredentials {
  readonly user: string;
  readonly password: string;
  readonly realm: string;
}

/** What the line takes (Allow, §20.5): a UA core and a registrar. */
const LINE_METHODS = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'PRACK', 'UPDATE', 'INFO', 'REGISTER'];

/** `/sip/<random>`: a path nobody can guess. */
function secretPath(): string {
  return `/sip/${randomBytes(18).toString('base64url')}`;
}

export class TestLine {
  readonly directory: readonly TestLineNumber[] = TEST_LINE_DIRECTORY;
  private readonly calls = new Set<IncomingCall | OutgoingCall>();
  private readonly transactions = new WeakMap<SipRequest, InviteServerTransaction>();
  private closed = false;

  private constructor(
    private readonly transport: WebSocketServerTransport,
    readonly endpoint: SipEndpoint,
    private readonly agent: CallAgent,
    private readonly registrar: Registrar,
    private readonly guard: DigestGuard,
    private readonly router: FlowRouter,
    private readonly engine: MediaEngine,
    readonly credentials: TestLineCredentials,
    private readonly timing: LineTiming,
    private readonly options: TestLineOptions,
  ) {}

  /** Listens and starts taking registrations and calls; a port in use is one sentence. */
  static async start(options: TestLineOptions = {}): Promise<TestLine> {
    const clock = options.clock ?? systemClock;
    const host = options.host ?? '127.0.0.1';
    const transport = await WebSocketServerTransport.listen({
      host, port: options.port ?? 0, path: options.path ?? secretPath(), clock,
      ...(options.origins === undefined ? {} : { origins: options.origins }),
    });
    const sender = new SilentNumberFilter(transport, new Set<string>(['silent']));
    const router = new FlowRouter(transport, sender);
    const t1 = options.t1;
    const endpoint = new SipEndpoint({
      transport: sender, outboundProxy: transport.listenAddress, clock, product: 'Callscope test line',
      route: (request) => router.route(request),
      // A registrar too (RFC 3261 §10.3): REGISTER is one of its methods.
      capabilities: { allowedMethods: [...DEFAULT_UAS_OPTIONS.allowedMethods, 'REGISTER'] },
      allow: [...LINE_METHODS],
      ...(options.diagnostics ? { diagnostics: options.diagnostics } : {}),
      ...(t1 === undefined ? {} : { timers: { t1, t2: 8 * t1, t4: 10 * t1 } }),
    });
    const credentials: TestLineCredentials = {
      user: options.user ?? 'phone', password: options.password ?? randomBytes(18).toString('base64url'),
      realm: options.realm ?? 'callscope-test-line',
    };
    const guard = new DigestGuard({ ...credentials, now: () => clock.now() });
    const registrar = new Registrar({ endpoint, guard, transport, onAuthenticated: (request, inbound) => router.learn(request, inbound) });
    endpoint.handle('REGISTER', (request, transaction, inbound) => registrar.handle(request, transaction, inbound));
    const mediaAddress = options.mediaAddress ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
    const engine = new MediaEngine({ ...options.media, now: () => clock.now(), rtp: { address: mediaAddress, ...options.media?.rtp } });
    const timing = { ...DEFAULT_TIMING, ...options.timing };
    const late: { line?: TestLine } = {};
    const agent = new CallAgent({
      endpoint, identity: { uri: `sip:callback@${hostForUri(transport.listenAddress.host)}`, displayName: 'Callscope test line' },
      contactUser: 'testline', reliableProvisionals: 'supported',
      createSdpHandler: () => new LineMedia(engine),
      screenInvite: (invite, transaction, inbound) => late.line!.screen(invite, transaction, inbound),
      faultsFor: (invite) => {
        const number = findNumber(dialledUser(invite));
        return number ? faultsOf(number.number, timing) : undefined;
      },
    });
    const line = new TestLine(transport, endpoint, agent, registrar, guard, router, engine, credentials, timing, options);
    late.line = line;
    agent.onIncomingCall((call) => line.take(call));
    return line;
  }

  /** ws://127.0.0.1:PORT/sip/<secret>: the server URL to configure in a SIP client. */
  get url(): string {
    return this.transport.url;
  }

  /** The SIP domain of its addresses (the listen host). */
  get domain(): string {
    return hostForUri(this.transport.listenAddress.host);
  }

  /** Bindings held now. */
  get registrations(): number {
    return this.registrar.size;
  }

  /** Calls up now (taken or placed). */
  get activeCalls(): number {
    return [...this.calls].filter((c) => !c.isEnded).length;
  }

  /** Stops taking calls, hangs up the ones going on, releases the media, closes every connection (1001). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.agent.close();
    const ending = [...this.calls].map((call) => {
      call.hangup();
      return call.ended;
    });
    await Promise.race([Promise.all(ending), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await this.engine.closeAll();
    this.endpoint.close();
    await this.transport.close();
  }

  /** Before a call is made of an INVITE: credentials, a known number, 100rel where one needs it. */
  private screen(invite: SipRequest, transaction: InviteServerTransaction, inbound: InboundMessage): boolean {
    const { endpoint } = this;
    if (!this.registrar.isTrusted(inbound.flowId)) {
      const verdict = this.guard.verify(invite);
      if (!verdict.ok) {
        // §22.1: a UAS that wants credentials answers 401 with a challenge (a flow that registered needs none).
        endpoint.reply(transaction, 401, { headers: this.guard.challenges(verdict.stale).map((value) => ({ name: 'WWW-Authenticate', value })) });
        return false;
      }
    }
    this.router.learn(invite, inbound);
    const number = findNumber(dialledUser(invite));
    if (!number) {
      // §21.4.5 404; §20.43 Warning, code 399 (miscellaneous), says which numbers there are.
      endpoint.reply(transaction, 404, {
        reason: 'Not Found (no such test number)',
        headers: [{ name: 'Warning', value: `399 ${endpoint.transport.sentBy.host} "Numbers: ${numberList()}"` }],
      });
      return false;
    }
    const offers100rel = invite.supported.includes('100rel') || invite.require.includes('100rel');
    if (number.number === 'no-prack' && !offers100rel) {
      // RFC 3262 §4 / RFC 3261 §21.4.15: this number only makes sense with reliable provisionals.
      endpoint.reply(transaction, 421, { require: ['100rel'], reason: 'Extension Required (no-prack needs 100rel)' });
      return false;
    }
    this.transactions.set(invite, transaction);
    return true;
  }

  private take(call: IncomingCall): void {
    const number = findNumber(dialledUser(call.invite))!;
    const media = call.media as LineMedia;
    this.track(call, number.number, 'incoming', media);
    playNumber(number.number, call, {
      clock: this.endpoint.clock, timing: this.timing, media, endpoint: this.endpoint,
      transaction: this.transactions.get(call.invite)!,
      callBack: (answered) => this.scheduleCallback(answered, media),
    });
  }

  /** What every answered call does: media counts from the answer, the echo, a limit on its length. */
  private track(call: IncomingCall | OutgoingCall, number: TestLineNumberName, direction: 'incoming' | 'callback', media: LineMedia): void {
    this.calls.add(call);
    const clock = this.endpoint.clock;
    call.on('answered', () => {
      media.markAnswered();
      // The callback number's first call hangs up after its chime, and the call back
      // switches to the echo after it (callback.ts); every other answered call echoes.
      if (number !== 'callback') media.play({ kind: 'echo' });
      const limit = clock.setTimer(this.timing.maxCallMs, () => call.hangup());
      void call.ended.then(() => limit.cancel());
    });
    void call.ended.then((ended) => {
      this.calls.delete(call);
      const from = direction === 'incoming' ? formatUri((call as IncomingCall).invite.from.uri) : '';
      this.options.onCallEnded?.({ number, from, direction, cause: ended.cause, reason: ended.reason });
    });
  }

  private scheduleCallback(answered: IncomingCall, media: LineMedia): void {
    if (this.closed) return;
    this.endpoint.clock.setTimer(this.timing.callbackDelayMs, () => {
      if (this.closed) return;
      const placed = callBack({
        agent: this.agent, registrar: this.registrar, router: this.router, engine: this.engine,
        invite: answered.invite, kind: media.kind ?? 'webrtc', ringMs: this.timing.callbackRingMs, clock: this.endpoint.clock,
      });
      if (placed) this.track(placed.call, 'callback', 'callback', placed.media);
    });
  }
}
