// Findings reproduced by SIPp scenarios through Kamailio and detected from the
// lab's own tshark capture (an independent recorder of the wire): each test
// runs one call in a lab of its own, imports the capture, and checks which
// findings Callscope names, on which leg, from which messages.
import { afterEach, describe, expect, it } from 'vitest';
import type { CallModel, Finding, TraceModel } from '../../src/diagnostics/model-types.js';
import { runCli } from '../support/cli-run.js';
import { captureCall } from './diagnostics-capture.js';

const cleanups: Array<() => void> = [];
afterEach(({ task }) => {
  // Keep the lab's files (capture, logs) when a test failed.
  const failed = task.result?.state === 'fail';
  for (const cleanup of cleanups.splice(0)) if (!failed) cleanup();
});

/** The call of the trace that has an INVITE (the lab's own OPTIONS pings are other calls). */
function inviteCall(model: TraceModel): CallModel {
  const calls = model.calls.filter((c) => c.transactions.some((t) => t.method === 'INVITE'));
  expect(calls).toHaveLength(1);
  return calls[0]!;
}

function codes(call: CallModel): string[] {
  return call.findings.map((f) => f.code);
}

function finding(call: CallModel, code: string): Finding {
  const f = call.findings.find((x) => x.code === code);
  if (!f) throw new Error(`no ${code} among ${codes(call).join(', ') || 'no findings'}`);
  return f;
}

describe('findings from the lab capture', () => {
  it('a clean call (INVITE, 100, 180, 200, ACK, BYE through the proxy) has no findings', async () => {
    const run = await captureCall('diag-clean', async (lab) => {
      const callee = await lab.startUas('uas-ringing-answer');
      const caller = await lab.startUac('uac-basic', `farend-${callee.port}`, { pauseMs: 200 });
      expect((await caller.result).explanation).toBe('');
      expect((await callee.result).explanation).toBe('');
    });
    cleanups.push(run.cleanup);
    const call = inviteCall(run.model);
    expect(call.findings).toEqual([]);
    expect(run.model.messages.filter((m) => m.parseError)).toEqual([]);
    // Two legs: caller <-> proxy and proxy <-> far end, each with its own INVITE and BYE transaction.
    const methods = call.transactions.map((t) => t.method).sort();
    expect(methods).toEqual(['BYE', 'BYE', 'INVITE', 'INVITE']);
    expect(call.transactions.filter((t) => t.method === 'INVITE').map((t) => t.states.map((s) => s.to).join(','))).toEqual(['Accepted', 'Accepted']);
    // The ACK for the 2xx is end to end: no transaction's, on both legs.
    expect(call.unmatched.map((i) => run.model.messages[i]!.startLine.split(' ')[0])).toEqual(['ACK', 'ACK']);
    expect(call.transactions.filter((t) => t.method === 'INVITE').every((t) => t.finalStatus === 200)).toBe(true);
    expect(call.dialogs).toHaveLength(1);
    expect(call.dialogs[0]!.state).toBe('terminated');
    expect(call.dialogs[0]!.recordRoute).toHaveLength(1);
  });

  it('missing-ack: a caller that never ACKs the 200; the far end retransmits it through the proxy', async () => {
    const run = await captureCall('diag-missing-ack', async (lab) => {
      const callee = await lab.startUas('uas-ringing-answer', { timeoutS: 20 });
      const caller = await lab.startUac('uac-no-ack', `farend-${callee.port}`, { pauseMs: 6000, timeoutS: 20 });
      await caller.result;
      await callee.stop();
    });
    cleanups.push(run.cleanup);
    const call = inviteCall(run.model);
    const f = finding(call, 'missing-ack');
    expect(f.severity).toBe('error');
    // The 200s it points at are on both legs, and at least three are retransmissions.
    const oks = f.messages.map((i) => run.model.messages[i]!).filter((m) => m.startLine.startsWith('SIP/2.0 200'));
    expect(oks.filter((m) => m.retransmission).length).toBeGreaterThanOrEqual(3);
    expect(new Set(oks.map((m) => `${m.src!.port}->${m.dst!.port}`)).size).toBe(2);
    expect(run.model.messages.some((m) => m.startLine.startsWith('ACK'))).toBe(false);
  });

  it('missing-ack-non2xx: the caller never ACKs a 486; the proxy retransmits it to the caller', async () => {
    const run = await captureCall('diag-missing-ack-non2xx', async (lab) => {
      const callee = await lab.startUas('uas-busy');
      const caller = await lab.startUac('uac-no-ack', `farend-${callee.port}`, { pauseMs: 3000, timeoutS: 20 });
      await caller.result;
      await callee.result;
    });
    cleanups.push(run.cleanup);
    const call = inviteCall(run.model);
    const f = finding(call, 'missing-ack-non2xx');
    const finals = f.messages.map((i) => run.model.messages[i]!).filter((m) => m.startLine.startsWith('SIP/2.0 486'));
    // Only on the caller's leg: the proxy ACKed the far end's 486 itself (hop by hop).
    expect(new Set(finals.map((m) => m.dst!.port)).size).toBe(1);
    expect(finals.filter((m) => m.retransmission).length).toBeGreaterThanOrEqual(1);
    const farLeg = call.transactions.filter((t) => t.method === 'INVITE').find((t) => t.states.some((s) => s.to === 'Confirmed'));
    expect(farLeg, 'the far end\'s leg is ACKed by the proxy').toBeDefined();
  });

  it('missing-prack: a caller without 100rel ignores the far end\'s reliable 183', async () => {
    const run = await captureCall('diag-missing-prack', async (lab) => {
      const callee = await lab.startUas('uas-reliable-183', { timeoutS: 6 });
      const caller = await lab.startUac('uac-basic', `farend-${callee.port}`, { timeoutS: 6 });
      await Promise.all([caller.result, callee.result]);
    });
    cleanups.push(run.cleanup);
    const call = inviteCall(run.model);
    const f = finding(call, 'missing-prack');
    expect(f.explanation).toMatch(/did not offer 100rel/);
    const provisional = f.messages.map((i) => run.model.messages[i]!).filter((m) => m.startLine.startsWith('SIP/2.0 183'));
    expect(provisional.filter((m) => m.retransmission).length).toBeGreaterThanOrEqual(2);
    expect(run.model.messages.some((m) => m.startLine.startsWith('PRACK'))).toBe(false);
  });

  it('unreliable-early-media: the far end sends 183 with SDP and no 100rel to a caller that offered it (seen on both legs, reported once)', async () => {
    const run = await captureCall('diag-early-media', async (lab) => {
      const callee = await lab.startUas('uas-early-media-unreliable');
      // Callscope's CLI offers 100rel (Supported: 100rel); SIPp's uac-basic does not.
      const caller = await runCli('call', '--server', `sip:127.0.0.1:${lab.proxy.ports.udp};transport=udp`, '--duration', '0.2',
        lab.farEndUri(callee.port));
      expect(caller.code).toBe(0);
      expect((await callee.result).explanation).toBe('');
    });
    cleanups.push(run.cleanup);
    const call = inviteCall(run.model);
    expect(codes(call)).toEqual(['unreliable-early-media']);
    expect(finding(call, 'unreliable-early-media').messages).toHaveLength(2);
  });

  it('no unreliable-early-media to a caller that did not offer 100rel: an unreliable 183 is its only choice then (RFC 3262 §3)', async () => {
    const run = await captureCall('diag-early-media-no-100rel', async (lab) => {
      const callee = await lab.startUas('uas-early-media-unreliable');
      const caller = await lab.startUac('uac-basic', `farend-${callee.port}`, { pauseMs: 200 });
      expect((await caller.result).explanation).toBe('');
      expect((await callee.result).explanation).toBe('');
    });
    cleanups.push(run.cleanup);
    const call = inviteCall(run.model);
    expect(codes(call)).toEqual([]);
    expect(run.model.messages.filter((m) => m.startLine.startsWith('SIP/2.0 183'))).toHaveLength(2);
  });

  it('trying-with-to-tag: only the far end\'s leg shows it (the proxy absorbs a 100)', async () => {
    const run = await captureCall('diag-trying-to-tag', async (lab) => {
      const callee = await lab.startUas('uas-trying-to-tag');
      const caller = await lab.startUac('uac-basic', `farend-${callee.port}`, { pauseMs: 200 });
      expect((await caller.result).explanation).toBe('');
      expect((await callee.result).explanation).toBe('');
      return { callee: String(callee.port) };
    });
    cleanups.push(run.cleanup);
    const call = inviteCall(run.model);
    expect(codes(call)).toEqual(['trying-with-to-tag']);
    const [m] = finding(call, 'trying-with-to-tag').messages.map((i) => run.model.messages[i]!);
    expect(m!.src!.port).toBe(Number(run.extra.callee));
  });

  it('no-provisional: a silent far end; the caller gets the proxy\'s 100, the proxy\'s INVITE gets nothing', async () => {
    const run = await captureCall('diag-no-provisional', async (lab) => {
      const callee = await lab.startUas('uas-no-answer', { pauseMs: 4000 });
      const caller = await lab.startUac('uac-basic', `farend-${callee.port}`, { timeoutS: 4 });
      await caller.result;
      await callee.result;
      return { callee: String(callee.port), proxy: String(lab.proxy.ports.udp) };
    });
    cleanups.push(run.cleanup);
    const call = inviteCall(run.model);
    const f = finding(call, 'no-provisional');
    const invites = f.messages.map((i) => run.model.messages[i]!).filter((m) => m.startLine.startsWith('INVITE'));
    expect(invites.every((m) => m.dst!.port === Number(run.extra.callee) && m.src!.port === Number(run.extra.proxy))).toBe(true);
    expect(invites.filter((m) => m.retransmission).length).toBeGreaterThanOrEqual(2);
    // The caller's leg got a 100 from the proxy at once: no finding there.
    expect(call.findings.filter((x) => x.code === 'no-provisional')).toHaveLength(1);
  });

  it('request-timeout: an OPTIONS the far end never answers; both legs retransmit with no final response', async () => {
    const run = await captureCall('diag-request-timeout', async (lab) => {
      const callee = await lab.startUas('uas-ignore-options', { pauseMs: 4000, timeoutS: 10 });
      const caller = await lab.startUac('uac-options', `farend-${callee.port}`, { timeoutS: 4 });
      await caller.result;
      await callee.result;
      return { callee: String(callee.port) };
    });
    cleanups.push(run.cleanup);
    // (The lab's own readiness pings are OPTIONS too, sent once.)
    const calls = run.model.calls.filter((c) => c.transactions.some((t) => t.method === 'OPTIONS' && t.retransmissions.requests > 0));
    expect(calls).toHaveLength(1);
    const timeouts = calls[0]!.findings.filter((f) => f.code === 'request-timeout');
    // The caller's leg and the proxy's leg to the far end, each retransmitting on its own (Timer E).
    expect(timeouts).toHaveLength(2);
    const legs = timeouts.map((f) => run.model.messages[f.messages[0]!]!.dst!.port);
    expect(legs).toContain(Number(run.extra.callee));
  });
});
