// Findings from the callee's fault options (and --private-contact), each call
// through Kamailio from `callscope call` to `callscope listen` (both over UDP
// on the lab's captured ports, T1 = 50 ms): named live in the JSON reports,
// then again from the lab's tshark capture of the same call. Each test says
// on which leg the finding shows, and so which live view can name it.
import { afterEach, describe, expect, it } from 'vitest';
import {
  analyzeCodes, callFrom, capturedCall, codesOf, findingOf, listenOn, liveAndCaptured, reportOf, reportedCall,
} from './diagnostics-live-helpers.js';

const cleanups: Array<() => void> = [];
afterEach(({ task }) => {
  const failed = task.result?.state === 'fail';
  for (const cleanup of cleanups.splice(0)) if (!failed) cleanup();
});

describe('callee faults', () => {
  it('--unreliable-early-media: 183 with SDP and no 100rel to a caller that supports it; both live views, both legs (one finding)', async () => {
    const run = await liveAndCaptured('live-unreliable-early-media', async (lab) => {
      const callee = await listenOn(lab, '--unreliable-early-media', '--answer-after', '0.2');
      const caller = await callFrom(lab, `farend-${callee.port}`, '--duration', '0.3');
      return { caller, callee: await callee.result };
    });
    cleanups.push(run.cleanup);
    expect(reportOf(run.live.callee).faults).toEqual(['--unreliable-early-media']);
    expect(run.live.caller.stdout + run.live.caller.stderr).toMatch(/early media \(unreliable 18x\)/);
    const live = reportedCall(run.live.caller);
    expect(codesOf(live)).toEqual(['unreliable-early-media']);
    expect(codesOf(reportedCall(run.live.callee))).toEqual(['unreliable-early-media']);

    const captured = capturedCall(run.capture, live.callId);


    expect(await analyzeCodes(run.dir, captured.callId)).toEqual(codesOf(captured));
    expect(codesOf(captured)).toEqual(['unreliable-early-media']);
    expect(findingOf(captured, 'unreliable-early-media').messages).toHaveLength(2);
  });

  it('--trying-to-tag: only the callee\'s leg and live view show it; the proxy absorbs the 100 and sends its own', async () => {
    const run = await liveAndCaptured('live-trying-to-tag', async (lab) => {
      const callee = await listenOn(lab, '--trying-to-tag', '--answer-after', '0.1');
      const caller = await callFrom(lab, `farend-${callee.port}`, '--duration', '0.3');
      return { caller, callee: await callee.result, calleePort: callee.port };
    });
    cleanups.push(run.cleanup);
    expect(run.live.callee.code).toBe(0);
    const calleeView = reportedCall(run.live.callee);
    expect(codesOf(calleeView)).toEqual(['trying-with-to-tag']);
    // The caller got Kamailio's own 100 (no To tag): nothing to see from there.
    const live = reportedCall(run.live.caller);
    expect(codesOf(live)).toEqual([]);

    const captured = capturedCall(run.capture, live.callId);


    expect(await analyzeCodes(run.dir, captured.callId)).toEqual(codesOf(captured));
    expect(codesOf(captured)).toEqual(['trying-with-to-tag']);
    const [trying] = findingOf(captured, 'trying-with-to-tag').messages.map((i) => run.capture.messages[i]!);
    expect(trying!.src!.port).toBe(run.live.calleePort);
  });

  it('--bye-before-ack: the callee\'s live view and its leg show it; the caller only sees a BYE after its ACK', async () => {
    const run = await liveAndCaptured('live-bye-before-ack', async (lab) => {
      const callee = await listenOn(lab, '--bye-before-ack', '--answer-after', '0.1');
      const caller = await callFrom(lab, `farend-${callee.port}`, '--duration', '5');
      return { caller, callee: await callee.result, calleePort: callee.port };
    });
    cleanups.push(run.cleanup);
    const calleeView = reportedCall(run.live.callee);
    expect(calleeView.outcome).toBe('hangup-local');
    expect(codesOf(calleeView)).toEqual(['bye-before-ack']);
    const live = reportedCall(run.live.caller);
    expect(live.outcome).toBe('hangup-remote');
    expect(codesOf(live)).toEqual([]);

    const captured = capturedCall(run.capture, live.callId);


    expect(await analyzeCodes(run.dir, captured.callId)).toEqual(codesOf(captured));
    expect(codesOf(captured)).toEqual(['bye-before-ack']);
    const [ok, bye] = findingOf(captured, 'bye-before-ack').messages.map((i) => run.capture.messages[i]!);
    expect([ok!.startLine, bye!.startLine.split(' ')[0]]).toEqual(['SIP/2.0 200 OK', 'BYE']);
    expect(bye!.src!.port).toBe(run.live.calleePort);
  });

  it('--rseq-gap: 180 (RSeq n) PRACKed, 183 (RSeq n+2) not; rseq-violation and missing-prack in both live views and both legs', async () => {
    const run = await liveAndCaptured('live-rseq-gap', async (lab) => {
      const callee = await listenOn(lab, '--rseq-gap', '--answer-after', '0.1');
      const caller = await callFrom(lab, `farend-${callee.port}`, '--duration', '0.3');
      return { caller, callee: await callee.result };
    });
    cleanups.push(run.cleanup);
    // The caller must not PRACK an RSeq that skips one (RFC 3262 §4): the callee gives up with 504.
    expect(reportOf(run.live.caller).reason).toMatch(/504/);
    const live = reportedCall(run.live.caller);
    expect(live.messages.filter((m) => m.direction === 'sent' && m.startLine.startsWith('PRACK '))).toHaveLength(1);
    expect(codesOf(live)).toEqual(['missing-prack', 'rseq-violation']);
    expect(findingOf(live, 'rseq-violation').explanation).toMatch(/expected \d+/);
    expect(codesOf(reportedCall(run.live.callee))).toEqual(['missing-prack', 'rseq-violation']);

    const captured = capturedCall(run.capture, live.callId);


    expect(await analyzeCodes(run.dir, captured.callId)).toEqual(codesOf(captured));
    expect(codesOf(captured)).toEqual(['missing-prack', 'rseq-violation']);
    expect(findingOf(captured, 'rseq-violation').messages.length).toBeGreaterThanOrEqual(4);
  });

  it('--post-dial-delay 5.5: the callee rings 5.5 s after the INVITE (its transaction sent 100 at 200 ms); both live views, the capture', async () => {
    const run = await liveAndCaptured('live-post-dial-delay', async (lab) => {
      const callee = await listenOn(lab, '--post-dial-delay', '5.5', '--answer-after', '0');
      const caller = await callFrom(lab, `farend-${callee.port}`, '--duration', '0.2');
      return { caller, callee: await callee.result };
    });
    cleanups.push(run.cleanup);
    expect(run.live.caller.code).toBe(0);
    const live = reportedCall(run.live.caller);
    expect(codesOf(live)).toEqual(['post-dial-delay']);
    expect(findingOf(live, 'post-dial-delay').explanation).toMatch(/^5\.\d+ s passed between the first INVITE and the first 180/);
    expect(codesOf(reportedCall(run.live.callee))).toEqual(['post-dial-delay']);

    const captured = capturedCall(run.capture, live.callId);


    expect(await analyzeCodes(run.dir, captured.callId)).toEqual(codesOf(captured));
    expect(codesOf(captured)).toEqual(['post-dial-delay']);
  }, 30_000);
});

describe('--private-contact', () => {
  it('a caller advertising 10.0.0.7: unroutable-contact in both live views (the proxy\'s Via received=) and from its own copy in the capture', async () => {
    // Nothing is ever sent to 10.0.0.7: the caller hangs up itself, and responses follow the Via.
    const run = await liveAndCaptured('live-private-contact', async (lab) => {
      const callee = await listenOn(lab, '--answer-after', '0.1');
      const caller = await callFrom(lab, `farend-${callee.port}`, '--private-contact', '10.0.0.7', '--duration', '0.3');
      return { caller, callee: await callee.result };
    });
    cleanups.push(run.cleanup);
    expect(run.live.caller.code).toBe(0);
    const live = reportedCall(run.live.caller);
    expect(codesOf(live)).toEqual(['unroutable-contact']);
    expect(findingOf(live, 'unroutable-contact').explanation)
      .toMatch(/caller's Contact sip:callscope@10\.0\.0\.7:\d+ .* private address \(RFC 1918\); the first proxy saw it come from 127\.0\.0\.1/);
    expect(codesOf(reportedCall(run.live.callee))).toEqual(['unroutable-contact']);

    const captured = capturedCall(run.capture, live.callId);


    expect(await analyzeCodes(run.dir, captured.callId)).toEqual(codesOf(captured));
    expect(codesOf(captured)).toEqual(['unroutable-contact']);
    expect(findingOf(captured, 'unroutable-contact').explanation).toMatch(/its sender sent it from 127\.0\.0\.1/);
    expect(run.capture.messages.some((m) => m.dst?.address === '10.0.0.7')).toBe(false);
  });

  it('a caller advertising 127.0.0.2 where nothing listens: the callee\'s BYE goes there and times out (request-timeout, unroutable-contact)', async () => {
    const run = await liveAndCaptured('live-request-timeout', async (lab) => {
      const callee = await listenOn(lab, '--answer-after', '0.1', '--duration', '0.3');
      const caller = await callFrom(lab, `farend-${callee.port}`, '--private-contact', '127.0.0.2', '--duration', '4');
      return { caller, callee: await callee.result };
    });
    cleanups.push(run.cleanup);
    const calleeView = reportedCall(run.live.callee);
    expect(calleeView.outcome).toBe('hangup-local');
    expect(codesOf(calleeView)).toEqual(['request-timeout', 'unroutable-contact']);
    expect(findingOf(calleeView, 'request-timeout').explanation).toMatch(/^The BYE .* Timer F fired/);
    // The caller never got that BYE; it hung up itself later, when the callee had quit: its own BYE timed out too.
    const callerView = reportedCall(run.live.caller);
    expect(codesOf(callerView)).toEqual(['request-timeout', 'unroutable-contact']);
    expect(findingOf(callerView, 'request-timeout').explanation).toMatch(/^The BYE /);

    const captured = capturedCall(run.capture, calleeView.callId);


    expect(await analyzeCodes(run.dir, captured.callId)).toEqual(codesOf(captured));
    expect(codesOf(captured)).toEqual(['request-timeout', 'unroutable-contact']);
    // The proxy relayed the BYE to 127.0.0.2 and retransmitted it there (its own Timer E), unanswered.
    const lost = captured.findings.filter((f) => f.code === 'request-timeout').flatMap((f) => f.messages).map((i) => run.capture.messages[i]!);
    expect(lost.filter((m) => m.startLine.startsWith('BYE') && m.dst!.address === '127.0.0.2').length).toBeGreaterThanOrEqual(2);
  });
});
