// Findings that need a far end (or a proxy) misbehaving rather than a fault
// of Callscope's own: a late 487 that Callscope, having given up on the
// INVITE per §9.1, no longer ACKs (missing-ack-non2xx); an INVITE to a proxy
// that is down (no-provisional); and glare between two SIPp endpoints
// (Callscope's re-INVITE is not there yet, so that one is read from the
// capture only). Live where a Callscope user agent is on the leg that shows
// the finding, then from the lab's tshark capture.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveRecorder } from '../../src/diagnostics/live-recorder.js';
import { UserAgent } from '../../src/ua/user-agent.js';
import {
  analyzeCodes, LIVE_T1, callFrom, capturedCall, codesOf, findingOf, liveAndCaptured, reportedCall,
} from './diagnostics-live-helpers.js';

const cleanups: Array<() => void> = [];
afterEach(({ task }) => {
  const failed = task.result?.state === 'fail';
  for (const cleanup of cleanups.splice(0)) if (!failed) cleanup();
});

describe('a far end or a proxy at fault', () => {
  it('missing-ack-non2xx: the far end sends its 487 after Callscope gave up (64·T1 after its CANCEL); the proxy retransmits it unACKed', async () => {
    const run = await liveAndCaptured('live-missing-ack-non2xx', async (lab) => {
      const farEnd = await lab.startUas('uas-slow-487', { pauseMs: 4500, timeoutS: 20 });
      const recorder = new LiveRecorder();
      const started = await UserAgent.start({
        server: `sip:127.0.0.1:${lab.proxy.ports.udp}`, localHost: '127.0.0.1', localPort: lab.allocatePeerPort(), t1: LIVE_T1,
      });
      if (!started.ok) throw new Error(started.error);
      const ua = started.value;
      recorder.attach(ua.diagnostics);
      try {
        const call = ua.agent.call(ua.target(`farend-${farEnd.port}`), { ringTimeoutMs: 300 });
        const end = await call.ended;
        // The late 487 and at least two of the proxy's retransmissions of it (its T1 is 500 ms).
        const deadline = Date.now() + 12_000;
        const late = () => recorder.model().messages.filter((m) => m.direction === 'received' && m.startLine.startsWith('SIP/2.0 487')).length;
        while (late() < 3 && Date.now() < deadline) await sleep(100);
        const model = recorder.model();
        return { end, call: model.calls.find((c) => c.callId === call.callId)!, farEnd: await farEnd.result };
      } finally {
        await ua.close();
      }
    });
    cleanups.push(run.cleanup);
    expect(run.live.end.reason).toMatch(/CANCEL sent, but no final response within 64·T1/);
    expect(run.live.farEnd.explanation).toBe('');
    const live = run.live.call;
    expect(codesOf(live)).toEqual(['missing-ack-non2xx']);
    expect(findingOf(live, 'missing-ack-non2xx').explanation).toMatch(/^The 487 final response .* was retransmitted [2-9] time/);

    const captured = capturedCall(run.capture, live.callId);


    expect(await analyzeCodes(run.dir, captured.callId)).toEqual(codesOf(captured));
    expect(codesOf(captured)).toEqual(['missing-ack-non2xx']);
    // Only on the caller's leg: the proxy ACKed the far end's 487 itself.
    expect(captured.findings).toHaveLength(1);
  }, 40_000);

  it('no-provisional: the proxy is down; Callscope\'s INVITE is retransmitted (T1 doubling) until Timer B', async () => {
    const run = await liveAndCaptured('live-no-provisional', async (lab) => {
      await lab.stopProxy();
      const caller = await callFrom(lab, 'farend-1');
      return { caller };
    });
    cleanups.push(run.cleanup);
    expect(run.live.caller.code).toBe(1);
    expect(run.live.caller.stderr).toMatch(/no response to the INVITE \(Timer B, 64·T1\)/);
    const live = reportedCall(run.live.caller);
    expect(codesOf(live)).toEqual(['no-provisional']);
    expect(findingOf(live, 'no-provisional').explanation).toMatch(/got no response at all; Timer B fired/);

    const captured = capturedCall(run.capture, live.callId);


    expect(await analyzeCodes(run.dir, captured.callId)).toEqual(codesOf(captured));
    expect(codesOf(captured)).toEqual(['no-provisional']);
    const invites = findingOf(captured, 'no-provisional').messages.map((i) => run.capture.messages[i]!);
    expect(invites.filter((m) => m.retransmission).length).toBeGreaterThanOrEqual(5);
  });
});

describe('glare between two SIPp endpoints (from the capture only)', () => {
  for (const [pauseMs, respected] of [[2500, true], [500, false]] as const) {
    it(`a re-INVITE refused with 491, retried after ${pauseMs / 1000} s by the Call-ID's owner: back-off ${respected ? '' : 'not '}respected`, async () => {
      const run = await liveAndCaptured(`live-glare-${pauseMs}`, async (lab) => {
        const callee = await lab.startUas('uas-glare-491');
        const caller = await lab.startUac('uac-glare-retry', `farend-${callee.port}`, { pauseMs });
        return { caller: await caller.result, callee: await callee.result };
      });
      cleanups.push(run.cleanup);
      expect(run.live.caller.explanation).toBe('');
      expect(run.live.callee.explanation).toBe('');
      const captured = capturedCall(run.capture);

      expect(await analyzeCodes(run.dir, captured.callId)).toEqual(codesOf(captured));
      expect(codesOf(captured)).toEqual(['glare']);
      const f = findingOf(captured, 'glare');
      expect(f.severity).toBe(respected ? 'info' : 'warning');
      expect(f.explanation).toMatch(respected ? /which respects the §14\.1 back-off/ : /which does not respect the §14\.1 back-off/);
      // Both legs show the 491: one finding.
      expect(captured.findings.filter((x) => x.code === 'glare')).toHaveLength(1);
    });
  }
});
