// The RTP of lab calls (SIPp's rtp_stream both ways) in the lab's own capture: each
// stream is found, matched to its call by the SDPs, counted without loss, and a
// healthy call has no media finding, early media included.
import { afterEach, describe, expect, it } from 'vitest';
import type { CallModel, TraceModel } from '../../src/diagnostics/model-types.js';
import { captureCall } from './diagnostics-capture.js';

const cleanups: Array<() => void> = [];
afterEach(({ task }) => {
  const failed = task.result?.state === 'fail';
  for (const cleanup of cleanups.splice(0)) if (!failed) cleanup();
});

/** The call with an INVITE whose messages went through this lab's proxy. */
function inviteCall(model: TraceModel, proxyPort: number): CallModel {
  const found = model.calls.filter((c) => c.transactions.some((t) => t.method === 'INVITE')
    && c.messages.some((i) => model.messages[i]!.dst?.port === proxyPort));
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('RTP in lab captures', () => {
  it('SIPp to SIPp through Kamailio, RTP both ways for 4 s: two clean streams and no finding', async () => {
    let proxyPort = 0;
    const run = await captureCall('media-plain', async (lab) => {
      proxyPort = lab.proxy.ports.udp;
      const callee = await lab.startUas('uas-ringing-answer');
      const caller = await lab.startUac('uac-basic', `farend-${callee.port}`, { pauseMs: 4000 });
      expect((await caller.result).explanation).toBe('');
      expect((await callee.result).explanation).toBe('');
    }, { captureMedia: true });
    cleanups.push(run.cleanup);
    const call = inviteCall(run.model, proxyPort);
    expect(call.findings).toEqual([]);
    const streams = call.media!.streams;
    expect(streams.map((s) => s.way).sort()).toEqual(['to-callee', 'to-caller']);
    for (const s of streams) {
      expect(s).toMatchObject({ kind: 'audio', codec: 'PCMU/8000', payloadType: 0, outOfOrder: 0, silentPackets: 0 });
      expect(s.packets).toBeGreaterThan(100);
      // Loopback loses nothing; a capture on a loaded machine may drop a packet or two.
      expect(s.lost!).toBeLessThanOrEqual(s.expected! * 0.02);
    }
  });

  it('reliable 183 with early media (RTP after the PRACK), then the answer: no finding, and the early RTP is before the 200', async () => {
    let proxyPort = 0;
    const run = await captureCall('media-early', async (lab) => {
      proxyPort = lab.proxy.ports.udp;
      const callee = await lab.startUas('uas-reliable-183');
      const caller = await lab.startUac('uac-100rel', `farend-${callee.port}`, { pauseMs: 3500 });
      expect((await caller.result).explanation).toBe('');
      expect((await callee.result).explanation).toBe('');
    }, { captureMedia: true });
    cleanups.push(run.cleanup);
    const call = inviteCall(run.model, proxyPort);
    expect(call.findings).toEqual([]);
    const answer = run.model.messages.find((m) => m.startLine.startsWith('SIP/2.0 200') && m.sip?.cseq.method === 'INVITE')!;
    const toCaller = call.media!.streams.find((s) => s.way === 'to-caller')!;
    expect(toCaller.firstAt!).toBeLessThan(answer.at);
  });
});
