// The timing breakdown (from the host's call view, or read from the messages; "not measured"
// when the data does not carry a step) and the media chart's series.
import { describe, expect, it } from 'vitest';
import type { CallView } from '../../../../main/contract/calls.js';
import { mediaSeries, mediaTotals } from '../../../../renderer/diagnostics/model/media-series.js';
import { stepsFromMessages, timingBreakdown } from '../../../../renderer/diagnostics/model/timings.js';
import { echoCall, media } from './fixtures.js';

const call = echoCall();
const methodOf = (id: string) => call.transactions.find((t) => t.id === id)?.method;

describe('timings', () => {
  it('reads the SIP steps from the messages, from the first INVITE', () => {
    const steps = stepsFromMessages(call.messages, methodOf);
    expect(steps.invite).toEqual({ at: 0, message: 0 });
    expect(steps.provisional).toEqual({ at: 10, message: 1 });
    expect(steps['early-media']).toEqual({ at: 100, message: 2 });
    expect(steps.answer).toEqual({ at: 1100, message: 5 });
  });

  it('does not take a PRACK\'s 200 for the answer', () => {
    const steps = stepsFromMessages(call.messages.filter((m) => m.index !== 5), methodOf);
    expect(steps.answer).toBeUndefined();
  });

  it('uses the host\'s timings when it has the call, and says what is not measured', () => {
    const view = { startedAt: 10_000, timings: { inviteSent: 40, firstProvisional: 60, earlyMedia: 150, answered: 1200 } } as unknown as CallView;
    const breakdown = timingBreakdown({
      messages: call.messages, methodOf, call: view,
      media: [media(10_500, { iceState: 'checking' }), media(10_700, { dtlsState: 'connected', outPackets: 5 }), media(10_900, { inPackets: 3, outPackets: 20 })],
    });
    const at = Object.fromEntries(breakdown.steps.map((s) => [s.id, s.at]));
    expect(breakdown.origin).toBe('dial');
    expect(at).toEqual({ dial: 0, invite: 40, provisional: 60, 'early-media': 150, answer: 1200, ice: 700, dtls: 700, 'audio-in': 900, 'audio-out': 700 });
    expect(breakdown.steps.find((s) => s.id === 'provisional')?.sincePrevious).toBe(20);
    // A timeline: ICE and DTLS came before the answer, so they are listed before it, never with a negative delta.
    expect(breakdown.steps.map((s) => s.id)).toEqual(['dial', 'invite', 'provisional', 'early-media', 'ice', 'dtls', 'audio-out', 'audio-in', 'answer']);
    expect(breakdown.steps.every((s) => (s.sincePrevious ?? 0) >= 0)).toBe(true);
    expect(breakdown.steps.find((s) => s.id === 'answer')?.sincePrevious).toBe(300);
  });

  it('leaves media steps unmeasured without summaries, and never mixes bases in a delta', () => {
    const breakdown = timingBreakdown({ messages: call.messages, methodOf, media: [media(5_300, { inPackets: 1, iceState: 'checking' })], startedAt: 5_000 });
    const byId = Object.fromEntries(breakdown.steps.map((s) => [s.id, s]));
    expect(breakdown.origin).toBe('first INVITE');
    expect(byId.dial!.at).toBeUndefined();
    expect(byId.answer).toMatchObject({ at: 1100, from: 'messages', base: 'first INVITE', message: 5 });
    expect(byId.dtls).toMatchObject({ from: 'none' });
    expect(byId['audio-in']).toMatchObject({ at: 300, base: 'dial' });
    expect(byId['audio-in']!.sincePrevious).toBeUndefined();
  });
});

describe('media series', () => {
  const summaries = [media(2000, { inPackets: 100, outPackets: 100, lost: 0, jitter: 3 }), media(1000, { inPackets: 50, outPackets: 50, lost: 0, jitter: 2 }), media(3000, { inPackets: 140, outPackets: 150, lost: 10, jitter: 9, audioLevel: 0.5 } as never)];
  it('turns cumulative counters into rates per second, sorted by time', () => {
    const s = mediaSeries(summaries);
    expect(s.t).toEqual([0, 1, 2]);
    expect(s.packetsIn).toEqual([null, 50, 40]);
    expect(s.packetsOut).toEqual([null, 50, 50]);
    expect(s.lostPerSecond).toEqual([null, 0, 10]);
    expect(s.jitterMs).toEqual([2, 3, 9]);
  });
  it('restarts a counter that went back instead of drawing a negative rate', () => {
    const s = mediaSeries([media(0, { inPackets: 100 }), media(1000, { inPackets: 10 })]);
    expect(s.packetsIn).toEqual([null, null]);
  });
  it('totals: packets, loss percentage, worst jitter', () => {
    const t = mediaTotals(summaries);
    expect(t).toMatchObject({ samples: 3, durationS: 2, packetsIn: 140, packetsOut: 150, lost: 10, maxJitterMs: 9 });
    expect(t!.lossPercent).toBeCloseTo(6.667, 2);
    expect(mediaTotals([])).toBeUndefined();
  });
});
