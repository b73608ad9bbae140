// Findings from the caller's fault options, each call through Kamailio from
// `callscope call` to `callscope listen` (both over UDP on the lab's captured
// ports, T1 = 50 ms): named live in the JSON reports (the diagnostics model of
// the live stream), then named again from the lab's tshark capture of the
// same call. Each test says on which leg (caller <-> proxy, proxy <-> callee)
// the finding shows.
import { afterEach, describe, expect, it } from 'vitest';
import {
  analyzeCodes, callFrom, capturedCall, codesOf, findingOf, listenOn, liveAndCaptured, reportOf, reportedCall, startCli,
} from './diagnostics-live-helpers.js';

const cleanups: Array<() => void> = [];
afterEach(({ task }) => {
  // Keep the lab's files (capture, logs) when a test failed.
  const failed = task.result?.state === 'fail';
  for (const cleanup of cleanups.splice(0)) if (!failed) cleanup();
});

describe('a clean call, live and from the capture', () => {
  it('reliable 183 + PRACK, 200, ACK, BYE through the proxy: no findings in either live report nor in the capture', async () => {
    const run = await liveAndCaptured('live-clean', async (lab) => {
      const callee = await listenOn(lab, '--early-media', '--answer-after', '0.2');
      const caller = await callFrom(lab, `farend-${callee.port}`, '--duration', '0.3');
      return { caller, callee: await callee.result };
    });
    cleanups.push(run.cleanup);
    const { caller, callee } = run.live;
    expect(caller.code).toBe(0);
    expect(callee.code).toBe(0);
    const live = reportedCall(caller);
    expect(live.messages.map((m) => m.startLine.split(' ')[0]))
      .toEqual(expect.arrayContaining(['INVITE', 'PRACK', 'ACK', 'BYE']));
    expect(live.findings).toEqual([]);
    expect(reportedCall(callee).findings).toEqual([]);
    const captured = capturedCall(run.capture, live.callId);

    expect(await analyzeCodes(run.dir, captured.callId)).toEqual(codesOf(captured));
    expect(captured.findings).toEqual([]);
    // Both legs are in the capture: an INVITE, a PRACK and a BYE transaction on each.
    expect(captured.transactions.map((t) => t.method).sort()).toEqual(['BYE', 'BYE', 'INVITE', 'INVITE', 'PRACK', 'PRACK']);
    expect(run.capture.messages.filter((m) => m.parseError)).toEqual([]);
  });
});

describe('caller faults', () => {
  it('--drop-ack: missing-ack on both legs; the callee\'s BYE at 64·T1 is its teardown, not bye-before-ack', async () => {
    const run = await liveAndCaptured('live-drop-ack', async (lab) => {
      const callee = await listenOn(lab, '--answer-after', '0.1');
      const caller = await callFrom(lab, `farend-${callee.port}`, '--drop-ack', '--duration', '10');
      return { caller, callee: await callee.result, proxy: lab.proxy.ports.udp, calleePort: callee.port };
    });
    cleanups.push(run.cleanup);
    const { caller, callee } = run.live;
    expect(reportOf(caller).faults).toEqual(['--drop-ack']);
    // The callee gave up on the ACK after 64·T1 and hung up; the caller saw a remote hang-up.
    expect(reportedCall(callee).outcome).toBe('no-ack');
    expect(reportedCall(caller).outcome).toBe('hangup-remote');
    const live = reportedCall(caller);
    expect(live.messages.filter((m) => m.direction === 'sent' && m.startLine.startsWith('ACK '))).toEqual([]);
    expect(codesOf(live)).toEqual(['missing-ack']);
    expect(codesOf(reportedCall(callee))).toEqual(['missing-ack']);
    expect(findingOf(reportedCall(callee), 'missing-ack').explanation).toMatch(/hung up with BYE 3\.\d+ s after the first 2xx \(64·T1 = 3\.2 s\)/);

    const captured = capturedCall(run.capture, live.callId);


    expect(await analyzeCodes(run.dir, captured.callId)).toEqual(codesOf(captured));
    expect(codesOf(captured)).toEqual(['missing-ack']);
    // The callee's 200 and its retransmissions, on the callee's leg and relayed on the caller's.
    const oks = findingOf(captured, 'missing-ack').messages.map((i) => run.capture.messages[i]!).filter((m) => m.startLine.startsWith('SIP/2.0 200'));
    expect(new Set(oks.map((m) => `${m.src!.port}->${m.dst!.port}`)).size).toBe(2);
    expect(oks.filter((m) => m.retransmission && m.src!.port === run.live.calleePort).length).toBeGreaterThanOrEqual(5);
    expect(run.capture.messages.some((m) => m.startLine.startsWith('ACK '))).toBe(false);
  });

  it('--no-prack: missing-prack on both legs; the callee gives up with 504 at 64·T1', async () => {
    const run = await liveAndCaptured('live-no-prack', async (lab) => {
      const callee = await listenOn(lab, '--early-media', '--answer-after', '0.1');
      const caller = await callFrom(lab, `farend-${callee.port}`, '--no-prack', '--duration', '0.3');
      return { caller, callee: await callee.result, calleePort: callee.port };
    });
    cleanups.push(run.cleanup);
    const { caller, callee } = run.live;
    expect(caller.code).toBe(1);
    expect(reportOf(caller).reason ?? '').toMatch(/504/);
    const live = reportedCall(caller);
    expect(live.messages.some((m) => m.startLine.startsWith('INVITE ') && m.direction === 'sent')).toBe(true);
    expect(live.messages.filter((m) => m.startLine.startsWith('PRACK '))).toEqual([]);
    expect(codesOf(live)).toEqual(['missing-prack']);
    expect(codesOf(reportedCall(callee))).toEqual(['missing-prack']);

    const captured = capturedCall(run.capture, live.callId);


    expect(await analyzeCodes(run.dir, captured.callId)).toEqual(codesOf(captured));
    expect(codesOf(captured)).toEqual(['missing-prack']);
    const repeats = findingOf(captured, 'missing-prack').messages.map((i) => run.capture.messages[i]!)
      .filter((m) => m.startLine.startsWith('SIP/2.0 183') && m.retransmission);
    // Retransmitted by the callee (T1 = 50 ms) and relayed by the proxy: both legs.
    expect(repeats.filter((m) => m.src!.port === run.live.calleePort).length).toBeGreaterThanOrEqual(5);
    expect(new Set(repeats.map((m) => m.dst!.port)).size).toBe(2);
  });

  it('--bad-ack-cseq: ack-cseq-mismatch on both legs (the proxy relays the ACK); the callee does not take it: missing-ack too', async () => {
    const run = await liveAndCaptured('live-bad-ack-cseq', async (lab) => {
      const callee = await listenOn(lab, '--answer-after', '0.1');
      const caller = await callFrom(lab, `farend-${callee.port}`, '--bad-ack-cseq', '--duration', '1');
      return { caller, callee: await callee.result };
    });
    cleanups.push(run.cleanup);
    const live = reportedCall(run.live.caller);
    expect(codesOf(live)).toEqual(['ack-cseq-mismatch', 'missing-ack']);
    expect(findingOf(live, 'ack-cseq-mismatch').explanation).toMatch(/its CSeq number 2 is not the INVITE's 1/);
    // The callee got that ACK, could not match it to its 200 and kept retransmitting: both in its live view.
    expect(codesOf(reportedCall(run.live.callee))).toEqual(['ack-cseq-mismatch', 'missing-ack']);

    const captured = capturedCall(run.capture, live.callId);


    expect(await analyzeCodes(run.dir, captured.callId)).toEqual(codesOf(captured));
    expect(codesOf(captured)).toEqual(['ack-cseq-mismatch', 'missing-ack']);
    // The caller ACKs (wrongly) every 200 it gets; each ACK shows on both legs.
    const acks = findingOf(captured, 'ack-cseq-mismatch').messages.map((i) => run.capture.messages[i]!).filter((m) => m.startLine.startsWith('ACK '));
    expect(new Set(acks.map((m) => `${m.src!.port}->${m.dst!.port}`)).size).toBe(2);
  });

  it('--cancel-early: cancel-before-provisional on the caller\'s leg only (downstream, the proxy cancels in order or not at all)', async () => {
    const run = await liveAndCaptured('live-cancel-early', async (lab) => {
      const callee = await listenOn(lab, '--answer-after', '10', '--timeout', '3');
      // Over TCP the INVITE and the CANCEL sent in the same tick leave in one write, so the capture
      // too sees the CANCEL before Kamailio's 100 Trying. Over UDP they are two datagrams, and on a
      // busy machine the 100 sometimes came first: then the CANCEL is legal on the wire although
      // the caller sent it blind.
      const caller = await startCli('call', '--server', `sip:127.0.0.1:${lab.proxy.ports.tcp};transport=tcp`, '--json', '-',
        '--cancel-early', `farend-${callee.port}`).result;
      return { caller, callee: await callee.result, proxy: lab.proxy.ports.tcp };
    });
    cleanups.push(run.cleanup);
    expect(run.live.caller.code).toBe(1);
    expect(reportOf(run.live.caller).reason).toMatch(/cancelled at once \(fault --cancel-early\)/);
    const live = reportedCall(run.live.caller);
    expect(codesOf(live)).toEqual(['cancel-before-provisional']);
    // Kamailio either cancels the INVITE before relaying it (the callee never sees it), or
    // relays it and CANCELs downstream after the callee's 180, as §9.1 wants: no finding there.
    const calleeCalls = reportOf(run.live.callee).calls;
    expect(calleeCalls.flatMap((c) => c.findings)).toEqual([]);

    const captured = capturedCall(run.capture, live.callId);


    expect(await analyzeCodes(run.dir, captured.callId)).toEqual(codesOf(captured));
    expect(codesOf(captured)).toEqual(['cancel-before-provisional']);
    const cancels = findingOf(captured, 'cancel-before-provisional').messages.map((i) => run.capture.messages[i]!).filter((m) => m.startLine.startsWith('CANCEL'));
    expect(cancels.map((m) => m.dst!.port)).toEqual([run.live.proxy]);
    expect(captured.findings).toHaveLength(1);
    expect(captured.transactions.filter((t) => t.method === 'INVITE')).toHaveLength(calleeCalls.length + 1);
  });

  it('--cancel-late: cancel-after-final on the caller\'s leg: the answered call is "hung up" with CANCEL, then BYE', async () => {
    const run = await liveAndCaptured('live-cancel-late', async (lab) => {
      const callee = await listenOn(lab, '--answer-after', '0.1');
      const caller = await callFrom(lab, `farend-${callee.port}`, '--cancel-late', '--duration', '0.5');
      return { caller, callee: await callee.result, proxy: lab.proxy.ports.udp };
    });
    cleanups.push(run.cleanup);
    expect(run.live.caller.code).toBe(0);
    const live = reportedCall(run.live.caller);
    expect(live.messages.filter((m) => m.direction === 'sent').map((m) => m.startLine.split(' ')[0])).toEqual(['INVITE', 'PRACK', 'ACK', 'CANCEL', 'BYE']);
    expect(codesOf(live)).toEqual(['cancel-after-final']);
    expect(findingOf(live, 'cancel-after-final').explanation).toMatch(/should have sent BYE/);

    const captured = capturedCall(run.capture, live.callId);


    expect(await analyzeCodes(run.dir, captured.callId)).toEqual(codesOf(captured));
    expect(codesOf(captured)).toEqual(['cancel-after-final']);
    const cancels = findingOf(captured, 'cancel-after-final').messages.map((i) => run.capture.messages[i]!).filter((m) => m.startLine.startsWith('CANCEL'));
    expect(cancels.map((m) => m.dst!.port)).toEqual([run.live.proxy]);
  });

  it('--wrong-route-set: route-set-mismatch for the ACK and BYE that bypass the record-routing proxy', async () => {
    const run = await liveAndCaptured('live-wrong-route-set', async (lab) => {
      const callee = await listenOn(lab, '--answer-after', '0.1');
      const caller = await callFrom(lab, `farend-${callee.port}`, '--wrong-route-set', '--duration', '0.5');
      return { caller, callee: await callee.result, calleePort: callee.port };
    });
    cleanups.push(run.cleanup);
    const live = reportedCall(run.live.caller);
    expect(codesOf(live)).toEqual(['route-set-mismatch']);
    expect(live.findings.filter((f) => f.code === 'route-set-mismatch').map((f) => f.explanation.split(' ')[1])).toEqual(['ACK', 'BYE']);
    // Over UDP they went straight to the callee's Contact, which took them.
    expect(run.live.callee.code).toBe(0);

    const captured = capturedCall(run.capture, live.callId);


    expect(await analyzeCodes(run.dir, captured.callId)).toEqual(codesOf(captured));
    expect(codesOf(captured)).toEqual(['route-set-mismatch']);
    const bypassing = captured.findings.filter((f) => f.code === 'route-set-mismatch')
      .map((f) => run.capture.messages[f.messages[f.messages.length - 1]!]!);
    expect(bypassing.map((m) => `${m.startLine.split(' ')[0]} -> ${m.dst!.port}`)).toEqual([`ACK -> ${run.live.calleePort}`, `BYE -> ${run.live.calleePort}`]);
  });

  it('--auth-retries 3 with a wrong password for lab account alice: auth-loop, four 407s on the caller\'s leg', async () => {
    const run = await liveAndCaptured('live-auth-loop', async (lab) => {
      const caller = await callFrom(lab, `farend-${lab.allocatePeerPort()}`, '--user', 'alice', '--password', 'not-alice-s-password', '--auth-retries', '3');
      return { caller };
    }, { auth: true });
    cleanups.push(run.cleanup);
    expect(run.live.caller.code).toBe(1);
    expect(run.live.caller.stderr).toMatch(/407 .*credentials refused 3 time\(s\)/);
    const live = reportedCall(run.live.caller);
    expect(live.messages.filter((m) => m.direction === 'sent' && m.startLine.startsWith('INVITE '))).toHaveLength(4);
    expect(codesOf(live)).toEqual(['auth-loop']);
    expect(findingOf(live, 'auth-loop').explanation).toMatch(/challenged 4 times/);

    const captured = capturedCall(run.capture, live.callId);


    expect(await analyzeCodes(run.dir, captured.callId)).toEqual(codesOf(captured));
    expect(codesOf(captured)).toEqual(['auth-loop']);
    expect(findingOf(captured, 'auth-loop').messages).toHaveLength(4);
  });
});
