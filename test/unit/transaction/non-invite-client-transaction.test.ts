import { describe, expect, it } from 'vitest';
import type { SipResponse } from '../../../src/message/index.js';
import { NonInviteClientTransaction } from '../../../src/transaction/non-invite-client-transaction.js';
import { request, respond, setup, states } from './harness.js';

function start(options: { reliable?: boolean } = {}) {
  const env = setup(options);
  const options_ = request('OPTIONS');
  const passedUp: SipResponse[] = [];
  const outcome: string[] = [];
  const tx = new NonInviteClientTransaction(env.context, env.channel,
    { id: 'tx1', key: 'k', method: 'OPTIONS', callId: options_.callId }, options_, {
      onResponse: (r) => passedUp.push(r),
      onTimeout: () => outcome.push(`timeout@${env.clock.now()}`),
      onTransportError: (e) => outcome.push(`transport:${e.message}`),
    });
  tx.start();
  return { ...env, request: options_, tx, passedUp, outcome };
}

describe('non-INVITE client transaction (RFC 3261 §17.1.2)', () => {
  it('over UDP retransmits with Timer E doubling up to T2, and times out with Timer F at 64*T1', () => {
    const { clock, channel, tx, outcome } = start();
    clock.advance(40_000);
    // T1=500, T2=4000: intervals 500, 1000, 2000, 4000, 4000, ...
    expect(channel.sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]);
    expect(tx.state).toBe('Terminated');
    expect(outcome).toEqual(['timeout@32000']);
  });

  it('in Proceeding retransmits every T2, and Timer F still applies', () => {
    const { clock, channel, tx, request: req, passedUp, outcome } = start();
    clock.advance(600);
    tx.receiveResponse(respond(req, 100));
    expect(tx.state).toBe('Proceeding');
    clock.advance(40_000);
    expect(channel.sent.map((s) => s.at)).toEqual([0, 500, 1500, 5500, 9500, 13_500, 17_500, 21_500, 25_500, 29_500]);
    expect(passedUp.map((r) => r.status)).toEqual([100]);
    expect(outcome).toEqual(['timeout@32000']);
  });

  it('passes a final response up once, absorbs its retransmissions, and waits Timer K (T4) in Completed', () => {
    const { clock, channel, tx, request: req, passedUp, events } = start();
    clock.advance(200);
    const ok = respond(req, 200);
    tx.receiveResponse(ok);
    tx.receiveResponse(ok);
    clock.advance(4999);
    expect(tx.state).toBe('Completed');
    clock.advance(1);
    expect(passedUp.map((r) => r.status)).toEqual([200]);
    expect(channel.sent).toHaveLength(1);
    expect(states(events)).toEqual(['200 Trying->Completed', '5200 Completed->Terminated']);
    expect(events.filter((e) => e.type === 'retransmission-absorbed')).toHaveLength(1);
  });

  it('over a reliable transport never retransmits and ends at once on a final (Timer K = 0)', () => {
    const { clock, channel, tx, request: req } = start({ reliable: true });
    clock.advance(20_000);
    expect(channel.sent).toHaveLength(1);
    tx.receiveResponse(respond(req, 404));
    expect(tx.state).toBe('Terminated');
    expect(clock.pendingTimers).toBe(0);
  });
});
