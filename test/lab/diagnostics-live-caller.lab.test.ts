// Findings from the caller's fault options, each call through Kamailio from
// `callscope call` to `callscope listen` (both over UDP on the lab's captured
// ports, T1 = 50 ms): named live in the JSON reports (the diagnostics model of
// the live stream), then named again from the lab's tshark capture of the
// same call. Each test says on which leg (caller <-> proxy, proxy <-> callee)
// the finding shows.
import { afterEach, describe, expect, it } from 'vitest';
import {
  callFrom, capturedCall, codesOf, findingOf, listenOn, liveAndCaptured, reportOf, reportedCall,
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
    expect(codesOf(captured)).toEqual(['missing-prack']);
    const repeats = findingOf(captured, 'missing-prack').messages.map((i) => run.capture.messages[i]!)
      .filter((m) => m.startLine.startsWith('SIP/2.0 183') && m.retransmission);
    // Retransmitted by the callee (T1 = 50 ms) and relayed by the proxy: both legs.
    expect(repeats.filter((m) => m.src!.port === run.live.calleePort).length).toBeGreaterThanOrEqual(5);
    expect(new Set(repeats.map((m) => m.dst!.port)).size).toBe(2);
  });
});

