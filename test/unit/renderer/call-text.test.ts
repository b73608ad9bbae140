// The words of the call card and the tones rule (never ringback with early media).
import { describe, expect, it } from 'vitest';
import type { CallView } from '../../../main/contract/calls.js';
import { callStateText, formatDuration, historyOutcomeText, tonesFor } from '../../../renderer/lib/call-text.js';

function call(patch: Partial<CallView>): CallView {
  return {
    id: 'c1', accountId: 'a1', direction: 'outgoing', peer: { display: 'bob', uri: 'sip:bob@example.com' }, phase: 'dialing',
    hold: { local: false, remote: false }, earlyMedia: false, ringback: false, startedAt: 0, timings: {}, sipCallId: 'x@y', dtmf: 'rfc4733',
    ...patch,
  };
}

describe('call words', () => {
  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(75.9)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
  });

  it('says what each phase means', () => {
    expect(callStateText(call({ phase: 'ringing', ringback: true }), 0)).toMatchObject({ title: 'Ringing', detail: expect.stringContaining('ringback') });
    expect(callStateText(call({ phase: 'early-media', earlyMedia: true }), 0).title).toBe('Early media');
    expect(callStateText(call({ phase: 'answered', answeredAt: 1000 }), 43_000).title).toBe('Connected 0:42');
    expect(callStateText(call({ phase: 'held-by-remote', answeredAt: 0 }), 5000).title).toBe('Held by the other side 0:05');
    expect(callStateText(call({ phase: 'ringing', direction: 'incoming' }), 0)).toMatchObject({ title: 'Incoming call', tone: 'alert' });
  });

  it('ends with the cause in words; failures stand out, a normal hangup does not', () => {
    const busy = call({ phase: 'ended', end: { cause: 'busy', words: 'Busy (486 Busy Here)', status: 486, detail: '' } });
    expect(callStateText(busy, 0)).toEqual({ title: 'Busy (486 Busy Here)', tone: 'failed' });
    const hungUp = call({ phase: 'ended', answeredAt: 0, endedAt: 61_000, end: { cause: 'hangup-remote', words: 'The other side hung up', detail: '' } });
    expect(callStateText(hungUp, 99_000)).toEqual({ title: 'The other side hung up', detail: 'Talked 1:01', tone: 'ended' });
  });

  it('plays ringback only on a 180 without early media, and the ringtone only when no other call is up', () => {
    expect(tonesFor([call({ phase: 'ringing', ringback: true })])).toEqual({ ringback: true, ringtone: false });
    expect(tonesFor([call({ phase: 'early-media', ringback: false, earlyMedia: true })])).toEqual({ ringback: false, ringtone: false });
    expect(tonesFor([call({ phase: 'ringing', ringback: true, earlyMedia: true })]).ringback).toBe(false);
    const incoming = call({ id: 'c2', direction: 'incoming', phase: 'ringing' });
    expect(tonesFor([incoming]).ringtone).toBe(true);
    expect(tonesFor([call({ phase: 'answered' }), incoming]).ringtone).toBe(false);
    expect(tonesFor([call({ phase: 'ended' }), incoming]).ringtone).toBe(true);
  });

  it('names history outcomes', () => {
    expect(historyOutcomeText({ direction: 'incoming', outcome: 'missed' })).toBe('Missed');
    expect(historyOutcomeText({ direction: 'outgoing', outcome: 'answered' })).toBe('Outgoing');
    expect(historyOutcomeText({ direction: 'incoming', outcome: 'rejected' })).toBe('Declined');
  });
});
