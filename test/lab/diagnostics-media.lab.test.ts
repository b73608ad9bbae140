// The RTP of lab calls (SIPp's rtp_stream both ways) in the lab's own capture: each
// stream is found, matched to its call by the SDPs, counted without loss, and a
// healthy call has no media finding, early media included; `callscope analyze`
// (streaming) gives each call the same media and findings as importTrace.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CallModel, TraceModel } from '../../src/diagnostics/model-types.js';
import { captureIo } from '../support/cli-run.js';
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

/** Each call's media and finding codes as `callscope analyze FILE --json -` writes them, and as importTrace's model has them. */
async function analyzeAgrees(dir: string, model: TraceModel): Promise<void> {
  const { io, out } = captureIo();
  expect(await main(['analyze', join(dir, 'sip.pcapng'), '--json', '-'], io)).toBe(0);
  type CallRecord = { type: string; callId: string; media?: unknown; findings: Array<{ code: string }> };
  const records = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as CallRecord).filter((r) => r.type === 'call');
  const view = (calls: ReadonlyArray<{ callId: string; media?: unknown; findings: ReadonlyArray<{ code: string }> }>) => calls
    .map((c) => ({ callId: c.callId, media: c.media === undefined ? undefined : JSON.parse(JSON.stringify(c.media)) as unknown, codes: c.findings.map((f) => f.code) }))
    .sort((a, b) => a.callId.localeCompare(b.callId));
  expect(view(records)).toEqual(view(model.calls));
  expect(records.some((r) => r.media !== undefined)).toBe(true);
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
    await analyzeAgrees(run.dir, run.model);
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
    await analyzeAgrees(run.dir, run.model);
  });
});
