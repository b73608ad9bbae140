import { describe, expect, it } from 'vitest';
import type { SipResponse } from '../../../src/message/index.js';
import { InviteClientTransaction } from '../../../src/transaction/invite-client-transaction.js';
import type { TransportError } from '../../../src/transport/transport.js';
import { request, respond, setup, states, timerEvents } from './harness.js';

function start(options: { reliable?: boolean } = {}) {
  const env = setup(options);
  const invite = request('INVITE');
  const passedUp: SipResponse[] = [];
  const outcome: string[] = [];
  const tx = new InviteClientTransaction(env.context, env.channel,
    { id: 'tx1', key: 'k', method: 'INVITE', callId: invite.callId }, invite, {
      onResponse: (r) => passedUp.push(r),
      onTimeout: () => outcome.push(`timeout@${env.clock.now()}`),
      onTransportError: (e: TransportError) => outcome.push(`transport:${e.message}`),
    });
  tx.start();
  return { ...env, invite, tx, passedUp, outcome };
}

describe('INVITE client transaction (RFC 3261 §17.1.1, RFC 6026)', () => {
  it('over UDP retransmits at T1, 2T1, 4T1... (Timer A) and gives up at 64*T1 (Timer B)', () => {
    const { clock, channel, tx, outcome } = start();
    clock.advance(40_000);
    expect(channel.sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 15_500, 31_500]);
    expect(tx.state).toBe('Terminated');
    expect(outcome).toEqual(['timeout@32000']);
  });

  it('stops retransmitting on a provisional, and Timer B no longer applies (Proceeding)', () => {
    const { clock, channel, tx, invite, passedUp, outcome, events } = start();
    clock.advance(700);
    tx.receiveResponse(respond(invite, 180));
    clock.advance(60_000);
    expect(channel.sent).toHaveLength(2);
    expect(tx.state).toBe('Proceeding');
    expect(passedUp.map((r) => r.status)).toEqual([180]);
    expect(outcome).toEqual([]);
    expect(timerEvents(events)).toEqual([
      '0 started A 500', '0 started B 32000', '500 fired A 500', '500 started A 1000',
      '700 cancelled A 1000', '700 cancelled B 32000',
    ]);
  });

  it('ACKs a non-2xx final hop by hop (§17.1.1.3), re-ACKs its retransmissions without passing them up, ends on Timer D', () => {
    const { clock, channel, tx, invite, passedUp, events } = start();
    tx.receiveResponse(respond(invite, 100));
    clock.advance(100);
    const busy = respond(invite, 486);
    tx.receiveResponse(busy);
    const ack = channel.sent[1]!.message;
    expect(ack.kind === 'request' && ack.method).toBe('ACK');
    if (ack.kind !== 'request') return;
    expect(ack.requestUriText).toBe(invite.requestUriText);
    expect(ack.via).toHaveLength(1);
    expect(ack.topVia.branch).toBe(invite.topVia.branch);
    expect(ack.cseq).toEqual({ seq: invite.cseq.seq, method: 'ACK' });
    expect(ack.to.tag).toBe('a6c85cf');
    expect(ack.from.tag).toBe(invite.from.tag);
    expect(ack.callId).toBe(invite.callId);
    expect(ack.routes.map((r) => r.uri)).toEqual(invite.routes.map((r) => r.uri));

    clock.advance(1000);
    tx.receiveResponse(busy);
    expect(channel.lines()).toEqual(['0 INVITE sip:bob@biloxi.example.com SIP/2.0',
      '100 ACK sip:bob@biloxi.example.com SIP/2.0', '1100 ACK sip:bob@biloxi.example.com SIP/2.0']);
    expect(passedUp.map((r) => r.status)).toEqual([100, 486]);
    expect(events.some((e) => e.type === 'retransmission-absorbed')).toBe(true);
    clock.advance(30_999);
    expect(tx.state).toBe('Completed');
    clock.advance(1);
    expect(states(events)).toEqual(['0 Calling->Proceeding', '100 Proceeding->Completed', '32100 Completed->Terminated']);
  });

  it('enters Accepted on a 2xx, passes every 2xx retransmission up, never ACKs a 2xx itself, ends on Timer M', () => {
    const { clock, channel, tx, invite, passedUp, events } = start();
    clock.advance(200);
    const ok = respond(invite, 200);
    tx.receiveResponse(ok);
    expect(tx.state).toBe('Accepted');
    clock.advance(500);
    tx.receiveResponse(ok);
    tx.receiveResponse(respond(invite, 486));
    expect(passedUp.map((r) => r.status)).toEqual([200, 200]);
    expect(channel.sent).toHaveLength(1);
    clock.advance(32_000);
    expect(states(events).at(-1)).toBe('32200 Accepted->Terminated');
  });

  it('over a reliable transport sends once, and Completed ends at once (Timer D = 0)', () => {
    const { clock, channel, tx, invite, events } = start({ reliable: true });
    clock.advance(10_000);
    tx.receiveResponse(respond(invite, 503));
    expect(channel.sent.map((s) => s.message.startLine.split(' ')[0])).toEqual(['INVITE', 'ACK']);
    expect(tx.state).toBe('Terminated');
    expect(timerEvents(events).filter((t) => / A | D /.test(t))).toEqual([]);
  });

  it('over a reliable transport still times out with Timer B', () => {
    const { clock, channel, tx, outcome } = start({ reliable: true });
    clock.advance(32_000);
    expect(channel.sent).toHaveLength(1);
    expect(tx.state).toBe('Terminated');
    expect(outcome).toEqual(['timeout@32000']);
  });

  it('reports a transport error to its user and terminates (§17.1.4)', async () => {
    const env = setup();
    env.channel.failSends = true;
    const invite = request('INVITE');
    const outcome: string[] = [];
    const tx = new InviteClientTransaction(env.context, env.channel,
      { id: 'tx1', key: 'k', method: 'INVITE', callId: invite.callId }, invite, {
        onResponse: () => outcome.push('response'), onTimeout: () => outcome.push('timeout'),
        onTransportError: (e) => outcome.push(`transport: ${e.message}`),
      });
    tx.start();
    await Promise.resolve();
    await Promise.resolve();
    expect(outcome).toEqual(['transport: connection refused']);
    expect(tx.state).toBe('Terminated');
    expect(env.clock.pendingTimers).toBe(0);
  });

  it('can be abandoned after a CANCEL got no final response (§9.1), and tagged with a call', () => {
    const { clock, tx, invite, events } = start();
    tx.receiveResponse(respond(invite, 180));
    tx.tagCall('call-1');
    tx.abandon('CANCEL sent, no final response within 64·T1');
    expect(tx.state).toBe('Terminated');
    expect(clock.pendingTimers).toBe(0);
    expect(events.find((e) => e.type === 'transaction-tagged')).toMatchObject({ transactionId: 'tx1', callTag: 'call-1' });
    expect(states(events).at(-1)).toBe('0 Proceeding->Terminated');
  });
});
