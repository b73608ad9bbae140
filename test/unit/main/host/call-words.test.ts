// How a call ended, in words a user reads, with the SIP status where there is one.
import { describe, expect, it } from 'vitest';
import { endOfCall, reasonHeaderText } from '../../../../main/host/calls/call-words.js';
import type { CallEnded } from '../../../../src/ua/call/types.js';

const ended = (cause: CallEnded['cause'], status?: number, reason = 'detail'): CallEnded => ({ cause, reason, at: 0, ...(status === undefined ? {} : { status }) });
const outgoing = { direction: 'outgoing' as const, answered: false };
const incoming = { direction: 'incoming' as const, answered: false };

describe('call end words', () => {
  it.each([
    [ended('rejected', 486), outgoing, 'busy', 'Busy (486 Busy Here)'],
    [ended('rejected', 603), outgoing, 'declined', 'Declined (603 Decline)'],
    [ended('rejected', 403), outgoing, 'rejected', 'Rejected by the network: 403 Forbidden'],
    [ended('rejected', 404), outgoing, 'rejected', 'No such number or user (404 Not Found)'],
    [ended('rejected', 503), outgoing, 'unreachable', 'The network could not complete the call: 503 Service Unavailable'],
    [ended('no-answer'), outgoing, 'no-answer', 'No answer'],
    [ended('timeout'), outgoing, 'request-timeout', 'No response from the network (the INVITE timed out, as a 408)'],
    [ended('transport-error', 503, 'the INVITE could not be sent: WebSocket closed'), outgoing, 'network-error', 'Network error: WebSocket closed'],
    [ended('hangup-remote', undefined), { direction: 'outgoing' as const, answered: true }, 'hangup-remote', 'The other side hung up'],
    [ended('cancelled', 487), incoming, 'missed', 'Missed call (the caller hung up)'],
    [ended('cancelled', 487), outgoing, 'cancelled', 'Cancelled'],
    [ended('rejected', 486), incoming, 'busy', 'You declined: busy (486 Busy Here)'],
    [ended('transferred'), { direction: 'outgoing' as const, answered: true }, 'transferred', 'Transferred'],
  ])('%j %j -> %s', (end, context, cause, words) => {
    expect(endOfCall(end, context)).toMatchObject({ cause, words, ...(end.status === undefined ? {} : { status: end.status }) });
  });

  it('the host\'s own reasons come first: the phone window closed, the media failed', () => {
    expect(endOfCall(ended('hangup-local', 200), { ...outgoing, host: 'window-closed' })).toMatchObject({ cause: 'window-closed', words: 'Ended: the phone window closed' });
    expect(endOfCall(ended('rejected', 488, 'no codec'), { ...incoming, host: 'media-failure' })).toMatchObject({ cause: 'media-failure', words: expect.stringMatching(/audio could not be set up/) });
  });

  it('a call another call replaced (RFC 3891), and the peer\'s Reason header in words', () => {
    expect(endOfCall(ended('replaced'), { direction: 'incoming', answered: true })).toMatchObject({ cause: 'replaced', words: 'Replaced by another call (a transfer)' });
    expect(reasonHeaderText({ protocol: 'SIP', cause: 486, text: 'Busy Here' })).toBe('SIP 486 (Busy Here)');
    expect(reasonHeaderText({ protocol: 'Q.850', cause: 16 })).toBe('Q.850 cause 16');
    expect(endOfCall(ended('hangup-remote'), { direction: 'outgoing', answered: true, reasonHeader: 'Q.850 cause 16' }).reasonHeader).toBe('Q.850 cause 16');
  });

  it('keeps the stack\'s sentence as the detail', () => {
    expect(endOfCall(ended('no-ack', 200, 'no ACK within 64·T1 (RFC 3261 §13.3.1.4)'), incoming).detail).toContain('RFC 3261 §13.3.1.4');
  });
});
