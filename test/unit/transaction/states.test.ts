// The machines' figures as data (RFC 3261 Figures 5-8, RFC 6026): a move the
// figure lacks is refused loudly, by the live machines and by the replay of
// imported traces alike.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replayStates, type ReplayRole, type ReplayStep } from '../../../src/diagnostics/transaction-replay.js';
import {
  IllegalTransitionError, INVITE_CLIENT_TRANSITIONS, INVITE_SERVER_TRANSITIONS, NON_INVITE_CLIENT_TRANSITIONS,
  NON_INVITE_SERVER_TRANSITIONS, type NonInviteClientState, type TransitionTable,
} from '../../../src/transaction/states.js';
import { Transaction } from '../../../src/transaction/transaction.js';
import { NonInviteClientTransaction } from '../../../src/transaction/non-invite-client-transaction.js';
import { request, respond, setup } from './harness.js';

/** A machine whose moves a test chooses, to reach the guard directly. */
class ProbeTransaction extends Transaction<NonInviteClientState> {
  constructor(context: ReturnType<typeof setup>['context'], channel: ReturnType<typeof setup>['channel']) {
    super(context, channel, { id: 'probe', key: 'probe', method: 'OPTIONS', callId: 'c' }, 'client', 'non-invite', 'Trying',
      NON_INVITE_CLIENT_TRANSITIONS);
  }
  move(to: NonInviteClientState): void {
    this.transition(to, 'test');
  }
  protected awaitingPeer(): boolean {
    return false;
  }
  protected transportFailed(): void {}
}

describe('transaction figures', () => {
  it('Terminated is final in every machine, and every machine can reach it from every other state', () => {
    const tables: TransitionTable<string>[] = [
      INVITE_CLIENT_TRANSITIONS, NON_INVITE_CLIENT_TRANSITIONS, INVITE_SERVER_TRANSITIONS, NON_INVITE_SERVER_TRANSITIONS,
    ];
    for (const table of tables) {
      expect(table.Terminated).toEqual([]);
      for (const [state, next] of Object.entries(table)) if (state !== 'Terminated') expect(next).toContain('Terminated');
    }
  });

  it('has no way back: Completed never returns to Proceeding, Accepted never to Completed', () => {
    expect(INVITE_CLIENT_TRANSITIONS.Completed).not.toContain('Proceeding');
    expect(INVITE_CLIENT_TRANSITIONS.Accepted).not.toContain('Completed');
    expect(INVITE_SERVER_TRANSITIONS.Accepted).not.toContain('Confirmed');
    expect(NON_INVITE_SERVER_TRANSITIONS.Completed).not.toContain('Proceeding');
  });

  it('a machine refuses a move its figure lacks, with an error that names it, and its state is unchanged', () => {
    const { context, channel, events } = setup();
    const probe = new ProbeTransaction(context, channel);
    probe.move('Completed');
    expect(() => probe.move('Proceeding')).toThrow(IllegalTransitionError);
    expect(() => probe.move('Trying')).toThrow(/illegal non-invite client transaction transition Completed -> Trying \(test\)/);
    expect(probe.state).toBe('Completed');
    const moves = events.filter((e) => e.type === 'transaction-state').map((e) => `${e.from}->${e.to}`);
    expect(moves).toEqual(['Trying->Completed']);
  });

  it('the real machines only move along their figures (a non-INVITE client through a 1xx, a 2xx and Timer K)', () => {
    const { context, channel, clock, events } = setup();
    const tx = new NonInviteClientTransaction(context, channel, { id: 't1', key: 'k', method: 'OPTIONS', callId: 'c' },
      request('OPTIONS'), { onResponse: () => undefined, onTimeout: () => undefined, onTransportError: () => undefined });
    tx.start();
    tx.receiveResponse(respond(request('OPTIONS'), 180));
    tx.receiveResponse(respond(request('OPTIONS'), 200));
    clock.advance(10_000);
    const moves = events.filter((e) => e.type === 'transaction-state').map((e) => [e.from, e.to] as const);
    expect(moves.map(([from, to]) => `${from}->${to}`)).toEqual(['Trying->Proceeding', 'Proceeding->Completed', 'Completed->Terminated']);
    for (const [from, to] of moves) expect(NON_INVITE_CLIENT_TRANSITIONS[from as NonInviteClientState]).toContain(to);
  });

  it('the replay of imported traces only makes moves the figures allow, whatever the messages', () => {
    const step = fc.record({
      at: fc.nat(1000),
      kind: fc.constantFrom<ReplayStep['kind']>('request', 'ack', 'response'),
      status: fc.constantFrom(100, 180, 183, 200, 202, 302, 404, 487, 503),
      retransmission: fc.boolean(),
    });
    fc.assert(fc.property(
      fc.constantFrom('INVITE', 'BYE', 'PRACK'), fc.constantFrom<ReplayRole>('client', 'server', 'observed'),
      fc.constantFrom('UDP', 'TCP', 'WSS'), fc.array(step, { maxLength: 8 }),
      (method, role, transport, steps) => {
        const figure = (method === 'INVITE'
          ? role === 'client' ? INVITE_CLIENT_TRANSITIONS : INVITE_SERVER_TRANSITIONS
          : role === 'client' ? NON_INVITE_CLIENT_TRANSITIONS : NON_INVITE_SERVER_TRANSITIONS) as TransitionTable<string>;
        for (const change of replayStates(method, role, transport, steps)) expect(figure[change.from]).toContain(change.to);
      },
    ), { seed: 10 });
  });
});
