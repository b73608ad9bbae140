// Findings on calls with real stacks (baresip, linphonec, SIPp, Callscope's CLI and a
// WebRTC-style WebSocket client) through the lab's Kamailio and rtpengine, read from
// the lab's own tshark capture with both legs: clean calls name nothing, faulty ones
// exactly their findings. The same calls made the fixtures of test/fixtures/real-stacks/.
import { afterEach, describe, expect, it } from 'vitest';
import type { CallModel, TraceModel } from '../../src/diagnostics/model-types.js';
import { captureCall, type CaptureOptions } from './diagnostics-capture.js';
import type { Lab } from './lab.js';
import * as calls from './real-stack-calls.js';

const cleanups: Array<() => void> = [];
afterEach(({ task }) => {
  const failed = task.result?.state === 'fail';
  for (const cleanup of cleanups.splice(0)) if (!failed) cleanup();
});

/** The call with an INVITE through this lab's proxy (other labs on the machine may use nearby ports). */
function inviteCall(model: TraceModel, proxyPorts: readonly number[]): CallModel {
  const found = model.calls.filter((c) => c.transactions.some((t) => t.method === 'INVITE')
    && c.messages.some((i) => proxyPorts.includes(model.messages[i]!.dst?.port ?? 0)));
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** Runs one call in a lab of its own (rtpengine on) and returns its INVITE call and what the CLI said. */
async function run(name: string, call: (lab: Lab) => Promise<calls.RealStackCall>, options: CaptureOptions = {}) {
  let cli: calls.RealStackCall['cli'];
  let proxyPorts: number[] = [];
  const captured = await captureCall(name, async (lab) => {
    proxyPorts = [lab.proxy.ports.udp, lab.proxy.ports.ws];
    cli = (await call(lab)).cli;
  }, { rtpengine: true, ...options });
  cleanups.push(captured.cleanup);
  const model = inviteCall(captured.model, proxyPorts);
  expect(model.messages.map((i) => captured.model.messages[i]!).filter((m) => m.parseError)).toEqual([]);
  return { call: model, codes: model.findings.map((f) => f.code), cli };
}

const outcomeOf = (stdout: string | undefined) => (JSON.parse(stdout ?? '{}') as { outcome?: string }).outcome;

describe('real stacks: clean calls name nothing', () => {
  it('SIPp to baresip with RTP both ways: no finding, and both streams in the model (RFC 3550 counters)', async () => {
    const { call, codes } = await run('real-sipp-baresip', calls.sippCallsBaresip, { captureMedia: true });
    expect(codes).toEqual([]);
    const streams = call.media!.streams;
    expect(streams.map((s) => s.way).sort()).toEqual(['to-callee', 'to-caller']);
    for (const s of streams) {
      expect(s).toMatchObject({ codec: 'PCMU/8000', silentPackets: 0 });
      expect(s.packets).toBeGreaterThan(100);
      expect(s.lost!).toBeLessThanOrEqual(s.expected! * 0.02);
    }
  });

  it('a WebRTC-style client over WS to baresip over UDP (double Record-Route, aliased .invalid Contact)', async () => {
    expect((await run('real-webrtc-baresip', calls.webrtcClientCallsBaresip)).codes).toEqual([]);
  });

  it('baresip over UDP to a Callscope callee over WS, with hold and resume from the caller', async () => {
    expect((await run('real-baresip-ws-callee', calls.baresipCallsWebSocketCallee)).codes).toEqual([]);
  });

  it('linphonec over UDP to a Callscope callee over WS: reliable 180, PRACK through both Record-Routes', async () => {
    expect((await run('real-linphone-ws-callee', calls.linphoneCallsWebSocketCallee)).codes).toEqual([]);
  });
});

describe('real stacks: faulty calls name exactly their findings', () => {
  it('baresip answers early without ever sending early RTP: early-media-without-rtp (no unreliable-early-media: SIPp did not offer 100rel)', async () => {
    const { codes } = await run('real-baresip-early', calls.sippCallsBaresipEarly, { captureMedia: true });
    expect(codes).toEqual(['early-media-without-rtp']);
  });

  it('Callscope sends no RTP to baresip: one-way-audio, towards the callee', async () => {
    const { call, codes } = await run('real-one-way', calls.silentCliCallsBaresip, { captureMedia: true });
    expect(codes).toEqual(['one-way-audio']);
    expect(call.findings[0]!.explanation).toMatch(/but towards the callee: no RTP at all .* the caller sent nothing/);
  });

  it('Callscope offers 100rel, baresip (none) sends early media in an unreliable 183: unreliable-early-media', async () => {
    expect((await run('real-unreliable-early', calls.cliCallsBaresipEarly)).codes).toEqual(['unreliable-early-media']);
  });

  it('linphonec with 100rel off ignores Require: 100rel: require-ignored, in the capture and in the CLI\'s outcome', async () => {
    const { codes, cli } = await run('real-require-ignored', calls.cliRequires100relOfLinphone);
    expect(codes).toEqual(['require-ignored']);
    expect(outcomeOf(cli?.stdout)).toBe('answered and ended cleanly, but with error findings: require-ignored');
  });

  it('a far end answers the PRACK with 481: prack-failed, in the capture and in the CLI\'s outcome', async () => {
    const { codes, cli } = await run('real-prack-failed', calls.cliCallsPrackError);
    expect(codes).toEqual(['prack-failed']);
    expect(cli?.code).toBe(0);
    expect(outcomeOf(cli?.stdout)).toBe('answered and ended cleanly, but with error findings: prack-failed');
  });

  it('linphonec\'s reliable 180 has no Contact and is never retransmitted: missing-prack (warning)', async () => {
    const { call, codes } = await run('real-180-no-contact', calls.cliCallsLinphoneReliable180);
    expect(codes).toEqual(['missing-prack']);
    expect(call.findings[0]!.severity).toBe('warning');
  });
});
