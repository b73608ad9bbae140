// The replay of imported transactions names the timers the live machines name: Timer K for
// a client's non-INVITE on a reliable transport, Timer J for a server's, both for an observer.
import { describe, expect, it } from 'vitest';
import { isMessageDriven, replayStates } from '../../../src/diagnostics/transaction-replay.js';

const steps = [
  { at: 0, kind: 'request' as const, retransmission: false },
  { at: 10, kind: 'response' as const, status: 200, retransmission: false },
];

describe('replayed non-INVITE over TCP', () => {
  it.each([
    ['client', 'Completed on a reliable transport (Timer K = 0)'],
    ['server', 'Completed on a reliable transport (Timer J = 0)'],
    ['observed', 'Completed on a reliable transport (Timers J and K = 0)'],
  ] as const)('%s: %s', (role, cause) => {
    const changes = replayStates('BYE', role, 'TCP', steps);
    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual(['Trying->Completed', 'Completed->Terminated']);
    expect(changes[1]!.cause).toBe(cause);
    expect(changes.every(isMessageDriven)).toBe(true);
  });

  it('over UDP the timers are not zero: the replay stops at Completed', () => {
    expect(replayStates('BYE', 'observed', 'UDP', steps).map((c) => c.to)).toEqual(['Completed']);
  });
});
