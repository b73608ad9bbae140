// Incoming calls to Callscope through the lab's Kamailio: SIPp callers over
// UDP reach a Callscope UA on a UDP port as `farend-<port>`; a second
// Callscope UA calls one registered over WSS. Retransmission intervals are
// read from SIPp's own trace (T1 = 50 ms, T2 = 400 ms), with the tolerances
// of transaction-timers.lab.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { Registration, newInstanceId } from '../../src/ua/registration/registration.js';
import type { IncomingCall } from '../../src/ua/call/incoming-call.js';
import { type LabUa, T1, T2, udpUa, within, withinTolerance, wssUa } from './calls-lab-helpers.js';
import { intervals, parseSippTrace } from './sipp-trace.js';
import { useLab } from './vitest-lab.js';

const lab = useLab({ name: 'calls-incoming' });
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A Callscope UA on UDP that hands each incoming call to `onCall`. */
async function callee(onCall: (call: IncomingCall) => void): Promise<LabUa & { port: number; calls: IncomingCall[] }> {
  const ua = await udpUa(lab());
  closers.push(() => ua.close());
  const calls: IncomingCall[] = [];
  ua.agent.onIncomingCall((call) => {
    calls.push(call);
    onCall(call);
  });
  return { ...ua, calls };
}

function firstCall(ua: { calls: IncomingCall[] }): Promise<IncomingCall> {
  return within((async () => {
    while (ua.calls.length === 0) await new Promise((r) => setTimeout(r, 10));
    return ua.calls[0]!;
  })(), 'the incoming call');
}

describe('incoming calls through Kamailio', () => {
  it('a caller that withholds its ACK: the 2xx is retransmitted from T1 doubling to T2, and BYE comes at 64·T1', async () => {
    const ua = await callee((call) => void call.answer());
    const caller = await lab().startUac('uac-withhold-ack', `farend-${ua.port}`, { extraArgs: ['-nr'], timeoutS: 15 });
    const call = await firstCall(ua);
    const end = await within(call.ended, 'the end of the call');
    expect(end).toMatchObject({ cause: 'no-ack', status: 200, byeStatus: 200 });
    expect(end.reason).toContain('RFC 3261 §13.3.1.4');
    expect((await caller.result).explanation).toBe('');

    // Measured at the caller, through the proxy: every 200 OK it got, then the BYE.
    const trace = parseSippTrace(caller.messageLog()).filter((e) => e.direction === 'received');
    const oks = trace.filter((e) => e.startLine.startsWith('SIP/2.0 200'));
    const bye = trace.find((e) => e.startLine.startsWith('BYE '))!;
    // Ideal: 0, 50, 150, 350, 750, 1150, ..., 3150 (11 sends); a late timer can push the last past 64·T1.
    expect(oks.length).toBeGreaterThanOrEqual(10);
    expect(oks.length).toBeLessThanOrEqual(11);
    intervals(oks).forEach((gap, i) => {
      const expected = Math.min(T1 * 2 ** i, T2);
      expect(withinTolerance(gap, expected), `2xx retransmission ${i + 1}: ${gap.toFixed(1)} ms, expected ${expected} ms`).toBe(true);
    });
    const byeAfter = bye.at - oks[0]!.at;
    expect(withinTolerance(byeAfter, 64 * T1), `BYE ${byeAfter.toFixed(1)} ms after the first 200, expected ${64 * T1} ms`).toBe(true);
    // Callscope reported its own retransmissions on the diagnostics stream.
    expect(ua.events.filter((e) => e.type === 'retransmission-sent' && e.startLine.startsWith('SIP/2.0 200')).length).toBe(oks.length - 1);
  });

  it('a caller that requires 100rel gets a reliable 183 with SDP, PRACKs it, and only then gets the 200', async () => {
    const ua = await callee((call) => {
      void call.earlyMedia();
      void call.answer();
    });
    const caller = await lab().startUac('uac-100rel', `farend-${ua.port}`, { keys: { require100rel: 'Require: 100rel' }, pauseMs: 200 });
    const call = await firstCall(ua);
    expect(call.reliable).toBe(true);
    expect(await within(call.ended, 'the end of the call')).toMatchObject({ cause: 'hangup-remote', status: 200 });
    expect((await caller.result).explanation).toBe('');
    const progress = ua.responses(183, 'sent')[0]!;
    expect(progress.require).toEqual(['100rel']);
    expect(progress.rseq).toBeDefined();
    const [prack] = ua.requests('PRACK', 'received');
    expect(prack!.rack).toEqual({ rseq: progress.rseq, cseq: call.invite.cseq.seq, method: 'INVITE' });
    // Order on the wire: 183, then 200 (PRACK), then 200 (INVITE).
    const sent = ua.wire.filter((w) => w.direction === 'sent' && w.message.kind === 'response' && w.message.status > 100)
      .map((w) => w.message.kind === 'response' && `${w.message.status} ${w.message.cseq.method}`);
    expect(sent.slice(0, 3)).toEqual(['183 INVITE', '200 PRACK', '200 INVITE']);
  });

  it('a caller that CANCELs while it rings gets 200 (CANCEL) and 487 (INVITE)', async () => {
    const ua = await callee((call) => void call.ring());
    const caller = await lab().startUac('uac-cancel-ringing', `farend-${ua.port}`);
    const call = await firstCall(ua);
    expect(await within(call.ended, 'the end of the call')).toMatchObject({ cause: 'cancelled', status: 487 });
    expect((await caller.result).explanation).toBe('');
    expect(ua.responses(487, 'sent')).toHaveLength(1);
  });

  it('a caller with an unknown Require gets 420 with Unsupported, and no call is offered', async () => {
    const ua = await callee(() => undefined);
    const caller = await lab().startUac('uac-unknown-require', `farend-${ua.port}`);
    expect((await caller.result).explanation).toBe('');
    const [refusal] = ua.responses(420, 'sent');
    expect(refusal!.unsupported).toEqual(['x-callscope-unknown']);
    expect(ua.calls).toEqual([]);
  });
});

describe('Callscope to Callscope through Kamailio over WSS', () => {
  it('a registered callee: reliable 183 + PRACK, answer, and the callee hangs up with BYE', async () => {
    const bob = lab().account('bob');
    const calleeUa = await wssUa(lab(), { user: 'bob', password: bob.password });
    const registration = new Registration({
      endpoint: calleeUa.endpoint, aor: 'sip:bob@callscope.lab', credentials: { username: 'bob', password: bob.password },
      instanceId: newInstanceId(),
    });
    closers.push(async () => {
      await registration.stop({ timeoutMs: 2000 });
      await calleeUa.close();
    });
    expect((await within(registration.start(), 'registration')).name).toBe('registered');
    const incoming: IncomingCall[] = [];
    calleeUa.agent.onIncomingCall((call) => {
      incoming.push(call);
      void call.earlyMedia();
      void call.answer();
    });

    const callerUa = await wssUa(lab());
    closers.push(() => callerUa.close());
    const call = callerUa.agent.call('sip:bob@callscope.lab');
    const seen: string[] = [];
    call.on('early-media', () => seen.push('early-media'));
    call.on('answered', () => seen.push('answered'));
    await within(new Promise<void>((resolve) => call.on('answered', () => resolve())), 'the answer');
    const answeredCall = incoming[0]!;
    await within(new Promise<void>((resolve) => {
      if (answeredCall.state === 'confirmed') resolve();
      answeredCall.on('confirmed', () => resolve());
    }), 'the ACK at the callee');
    answeredCall.hangup();
    expect(await within(answeredCall.ended, 'the callee\'s end')).toMatchObject({ cause: 'hangup-local', byeStatus: 200 });
    expect(await within(call.ended, 'the caller\'s end')).toMatchObject({ cause: 'hangup-remote', status: 200 });
    expect(seen).toEqual(['early-media', 'answered']);
    expect(answeredCall.reliable).toBe(true);
    const prack = callerUa.requests('PRACK')[0]!;
    const progress = callerUa.responses(183)[0]!;
    expect(prack.getHeader('RAck')?.value).toBe(`${progress.rseq} ${callerUa.requests('INVITE')[0]!.cseq.seq} INVITE`);
    // The callee's BYE followed the route set: Record-Route of the INVITE, in order.
    const bye = calleeUa.requests('BYE')[0]!;
    expect(bye.routes.length).toBeGreaterThan(0);
    expect(bye.routes.map((r) => r.uri)).toEqual(answeredCall.invite.recordRoutes.map((r) => r.uri));
  });
});
