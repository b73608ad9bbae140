// What each number of the directory does with a call it takes: which protocol faults
// its call carries (ua/call/faults.ts), what its media pretends, and the steps from the
// INVITE to the answer (or the refusal). directory.ts says the same in words.
import type { SipRequest } from '../message/index.js';
import type { InviteServerTransaction } from '../transaction/invite-server-transaction.js';
import type { IncomingCall } from '../ua/call/incoming-call.js';
import type { CallFaults } from '../ua/call/faults.js';
import type { SipEndpoint } from '../ua/core/endpoint.js';
import type { Clock } from '../util/clock.js';
import { ChimeSource } from './chime.js';
import type { TestLineNumberName } from './directory.js';
import type { LineMedia } from './line-media.js';

export interface LineTiming {
  /** The longest the line waits for its chime to play as early media before it answers anyway (media that never starts), ms. */
  readonly chimeWaitMs: number;
  /** `slow`: the wait before 180 Ringing, ms (above the 5 s post-dial-delay threshold). */
  readonly slowDelayMs: number;
  /** How long the lines that ring before answering ring, ms. */
  readonly ringBeforeAnswerMs: number;
  /** `ring`: when it gives up with 480, ms. */
  readonly ringForMs: number;
  /** `callback`: from the line's BYE to its INVITE, ms. */
  readonly callbackDelayMs: number;
  /** `callback`: how long its call rings before it cancels, ms. */
  readonly callbackRingMs: number;
  /** The longest an answered call lasts before the line hangs up, ms. */
  readonly maxCallMs: number;
}

export const DEFAULT_TIMING: LineTiming = {
  chimeWaitMs: 8000, slowDelayMs: 7000, ringBeforeAnswerMs: 1000, ringForMs: 180_000,
  callbackDelayMs: 3000, callbackRingMs: 60_000, maxCallMs: 600_000,
};

/** A private address for bad-contact's Contact (RFC 1918): unreachable from anywhere else. */
export const UNROUTABLE_CONTACT_HOST = '10.0.0.7';

/** The protocol faults a number's calls carry. */
export function faultsOf(number: TestLineNumberName, timing: LineTiming): CallFaults | undefined {
  switch (number) {
    case 'slow': return { postDialDelayMs: timing.slowDelayMs };
    case 'no-ack': return { ignoreAck: true };
    case 'no-prack': return { ignorePrack: true };
    case 'trying-tag': return { tryingToTag: true };
    case 'bad-contact': return { privateContact: UNROUTABLE_CONTACT_HOST };
    default: return undefined;
  }
}

export interface NumberContext {
  readonly clock: Clock;
  readonly timing: LineTiming;
  readonly media: LineMedia;
  readonly endpoint: SipEndpoint;
  /** The INVITE's server transaction (forked answers on it for a second fork). */
  readonly transaction: InviteServerTransaction;
  /** `callback`: call the caller of `call` back after the delay. */
  readonly callBack: (call: IncomingCall) => void;
}

/** Runs `number`'s script on a call the line took. A step that fails ends the call with 488 and why. */
export function playNumber(number: TestLineNumberName, call: IncomingCall, ctx: NumberContext): void {
  const refuse = (error: unknown) => {
    if (!call.isEnded) call.reject(488, `Not Acceptable Here (${error instanceof Error ? error.message : String(error)})`);
  };
  const later = (ms: number, action: () => Promise<void> | void) => {
    const timer = ctx.clock.setTimer(ms, () => {
      if (!call.isEnded) void Promise.resolve(action()).catch(refuse);
    });
    void call.ended.then(() => timer.cancel());
  };
  const ringThenAnswer = async () => {
    await call.ring();
    later(ctx.timing.ringBeforeAnswerMs, () => call.answer());
  };
  const run = async (): Promise<void> => {
    switch (number) {
      case 'echo':
        return chimeThenAnswer(call, ctx);
      case 'ring':
        await call.ring();
        later(ctx.timing.ringForMs, () => call.reject(480, 'Temporarily Unavailable (nobody answers the ring line)'));
        return;
      case 'busy':
        call.reject(486);
        return;
      case 'slow':
        // The fault holds the 180 back by slowDelayMs; ring() resolves once it is sent.
        return ringThenAnswer();
      case 'forked':
        sendOtherFork(call, ctx);
        return chimeThenAnswer(call, ctx);
      case 'callback':
        return answerThenCallBack(call, ctx, later);
      case 'no-ack':
        await call.answer();
        return;
      case 'no-prack':
        // The reliable 183 is retransmitted until 64·T1; answer() waits for its PRACK, which never counts: 504.
        ctx.media.play(new ChimeSource());
        await call.earlyMedia();
        await call.answer();
        return;
      case 'trying-tag':
      case 'bad-contact':
        return ringThenAnswer();
      case 'one-way':
        ctx.media.trick = 'send-nothing';
        return ringThenAnswer();
      case 'no-dtls':
        ctx.media.trick = 'dtls-role-clash';
        return ringThenAnswer();
      case 'silent':
        // Dropped below the transaction layer (silent-filter.ts); never taken.
        return;
    }
  };
  void run().catch(refuse);
}

/** Early media: a reliable 183 with the chime; the 200 once the chime has played (or chimeWaitMs passed). */
async function chimeThenAnswer(call: IncomingCall, ctx: NumberContext): Promise<void> {
  const chime = new ChimeSource();
  ctx.media.play(chime);
  await call.earlyMedia();
  await waitUntil(ctx.clock, () => chime.finished || call.isEnded, ctx.timing.chimeWaitMs);
  await call.answer();
}

/** Answers, plays the chime, hangs up, and has the line call the caller back. */
async function answerThenCallBack(call: IncomingCall, ctx: NumberContext, later: (ms: number, action: () => void) => void): Promise<void> {
  const chime = new ChimeSource();
  ctx.media.play(chime);
  call.on('ended', (e) => {
    // Answered and then hung up by either side: call back. Refused or cancelled: not.
    if (e.cause === 'hangup-local' || e.cause === 'hangup-remote') ctx.callBack(call);
  });
  await call.answer();
  await waitUntil(ctx.clock, () => chime.finished || call.isEnded, ctx.timing.chimeWaitMs);
  later(0, () => call.hangup());
}

/**
 * A second fork, as a forking proxy relays it (RFC 3261 §16.7, §12.1.2): a 180 with its
 * own To tag and Contact on the same INVITE transaction. It is sent unreliably (no SDP,
 * RFC 3262 §3 leaves that to the UAS) so that no PRACK has to reach it; it never answers.
 */
function sendOtherFork(call: IncomingCall, ctx: NumberContext): void {
  const built = ctx.endpoint.response(call.invite, 180, {
    toTag: ctx.endpoint.newTag(), contact: [{ uri: ctx.endpoint.contact('forked-2') }],
  });
  if (built.ok) ctx.transaction.respond(built.value);
}

/** Resolves when `done()` holds (checked every 50 ms) or after `limitMs`. */
function waitUntil(clock: Clock, done: () => boolean, limitMs: number): Promise<void> {
  const deadline = clock.now() + limitMs;
  return new Promise((resolve) => {
    const check = () => {
      if (done() || clock.now() >= deadline) resolve();
      else clock.setTimer(50, check);
    };
    check();
  });
}

/** The number dialled: the Request-URI's user part. */
export function dialledUser(invite: SipRequest): string | undefined {
  const uri = invite.requestUri;
  return 'user' in uri ? uri.user : undefined;
}
