import { describe, expect, it } from 'vitest';
import { InviteServerTransaction } from '../../../src/transaction/invite-server-transaction.js';
import { NonInviteServerTransaction } from '../../../src/transaction/non-invite-server-transaction.js';
import type { ServerTransactionFailure } from '../../../src/transaction/server-transaction.js';
import { request, respond, setup, states } from './harness.js';

function inviteServer(options: { reliable?: boolean } = {}) {
  const env = setup(options);
  const invite = request('INVITE');
  const tx = new InviteServerTransaction(env.context, env.channel, { id: 'tx1', key: 'k', method: 'INVITE', callId: invite.callId }, invite);
  const failures: Array<ServerTransactionFailure & { at: number }> = [];
  tx.onFailure((f) => failures.push({ ...f, at: env.clock.now() }));
  tx.start();
  return { ...env, invite, tx, failures };
}

describe('INVITE server transaction (RFC 3261 §17.2.1, RFC 6026)', () => {
  it('sends 100 Trying without a To tag after 200 ms when the TU is silent', () => {
    const { clock, channel } = inviteServer();
    clock.advance(199);
    expect(channel.sent).toHaveLength(0);
    clock.advance(1);
    expect(channel.lines()).toEqual(['200 SIP/2.0 100 Trying']);
    const trying = channel.sent[0]!.message;
    expect(trying.to.tag).toBeUndefined();
  });

  it('sends no 100 Trying when the TU answers within 200 ms, and repeats the last provisional on a retransmitted INVITE', () => {
    const { clock, channel, tx, invite } = inviteServer();
    clock.advance(50);
    tx.respond(respond(invite, 180));
    clock.advance(1000);
    tx.receiveRequest(invite);
    expect(channel.lines()).toEqual(['50 SIP/2.0 180 Ringing', '1050 SIP/2.0 180 Ringing']);
  });

  it('answers a retransmitted INVITE with 100 Trying at once when nothing was sent yet', () => {
    const { clock, channel, tx, invite } = inviteServer();
    clock.advance(100);
    tx.receiveRequest(invite);
    clock.advance(500);
    expect(channel.lines()).toEqual(['100 SIP/2.0 100 Trying']);
  });

  it('retransmits a non-2xx final with Timer G (T1 doubling to T2) until Timer H, then reports the missing ACK', () => {
    const { clock, channel, tx, invite, failures, events } = inviteServer();
    tx.respond(respond(invite, 486));
    clock.advance(40_000);
    expect(channel.sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]);
    expect(failures).toEqual([{ kind: 'timeout', at: 32_000 }]);
    expect(states(events)).toEqual(['0 Proceeding->Completed', '32000 Completed->Terminated']);
  });

  it('resends the final on a retransmitted INVITE; an ACK stops Timer G and Confirmed lasts Timer I (T4)', () => {
    const { clock, channel, tx, invite, failures, events } = inviteServer();
    tx.respond(respond(invite, 603));
    clock.advance(700);
    tx.receiveRequest(invite);
    clock.advance(100);
    tx.receiveRequest(request('ACK', { toTag: 'a6c85cf' }));
    expect(tx.state).toBe('Confirmed');
    clock.advance(4999);
    expect(tx.state).toBe('Confirmed');
    clock.advance(1);
    expect(channel.sent.map((s) => s.at)).toEqual([0, 500, 700]);
    expect(failures).toEqual([]);
    expect(states(events)).toEqual(['0 Proceeding->Completed', '800 Completed->Confirmed', '5800 Confirmed->Terminated']);
  });

  it('on a 2xx enters Accepted: absorbs INVITE retransmissions, sends the TU\'s 2xx retransmissions, ends on Timer L', () => {
    const { clock, channel, tx, invite, events } = inviteServer();
    const ok = respond(invite, 200);
    tx.respond(ok);
    expect(tx.state).toBe('Accepted');
    clock.advance(500);
    tx.receiveRequest(invite);
    tx.respond(ok);
    expect(channel.lines()).toEqual(['0 SIP/2.0 200 OK', '500 SIP/2.0 200 OK']);
    clock.advance(31_500);
    expect(states(events)).toEqual(['0 Proceeding->Accepted', '32000 Accepted->Terminated']);
  });

  it('reports the TU\'s own 2xx retransmissions as retransmissions (respond with retransmission: true)', () => {
    const { clock, channel, tx, invite, events } = inviteServer();
    const ok = respond(invite, 200);
    tx.respond(ok);
    clock.advance(500);
    tx.respond(ok, { retransmission: true });
    expect(channel.lines()).toEqual(['0 SIP/2.0 200 OK', '500 SIP/2.0 200 OK']);
    expect(events.filter((e) => e.type === 'retransmission-sent').map((e) => e.at)).toEqual([500]);
  });

  it('over a reliable transport never retransmits, and Confirmed ends at once (Timer I = 0)', () => {
    const { clock, channel, tx, invite } = inviteServer({ reliable: true });
    tx.respond(respond(invite, 486));
    clock.advance(10_000);
    expect(channel.sent).toHaveLength(1);
    tx.receiveRequest(request('ACK', { toTag: 'a6c85cf' }));
    expect(tx.state).toBe('Terminated');
  });

  it('over a reliable transport still reports a missing ACK at Timer H', () => {
    const { clock, tx, invite, failures } = inviteServer({ reliable: true });
    tx.respond(respond(invite, 486));
    clock.advance(32_000);
    expect(failures).toEqual([{ kind: 'timeout', at: 32_000 }]);
  });

  it('discards a second final response', () => {
    const { channel, tx, invite } = inviteServer();
    tx.respond(respond(invite, 486));
    tx.respond(respond(invite, 200));
    expect(channel.lines()).toEqual(['0 SIP/2.0 486 Busy Here']);
  });

  it('refuses a response that answers another request', () => {
    const { tx } = inviteServer();
    expect(() => tx.respond(respond(request('BYE'), 200))).toThrow(/does not answer/);
  });
});

function nonInviteServer(options: { reliable?: boolean } = {}) {
  const env = setup(options);
  const bye = request('BYE', { toTag: 'a6c85cf' });
  const tx = new NonInviteServerTransaction(env.context, env.channel, { id: 'tx1', key: 'k', method: 'BYE', callId: bye.callId }, bye);
  return { ...env, bye, tx };
}

describe('non-INVITE server transaction (RFC 3261 §17.2.2)', () => {
  it('discards retransmissions in Trying, repeats the provisional in Proceeding and the final in Completed, ends on Timer J', () => {
    const { clock, channel, tx, bye, events } = nonInviteServer();
    tx.receiveRequest(bye);
    expect(channel.sent).toHaveLength(0);
    tx.respond(respond(bye, 100));
    clock.advance(500);
    tx.receiveRequest(bye);
    tx.respond(respond(bye, 200));
    clock.advance(1000);
    tx.receiveRequest(bye);
    tx.respond(respond(bye, 500));
    expect(channel.lines()).toEqual(['0 SIP/2.0 100 Trying', '500 SIP/2.0 100 Trying', '500 SIP/2.0 200 OK', '1500 SIP/2.0 200 OK']);
    clock.advance(32_000);
    expect(states(events)).toEqual(['0 Trying->Proceeding', '500 Proceeding->Completed', '32500 Completed->Terminated']);
  });

  it('over a reliable transport ends at once after the final (Timer J = 0)', () => {
    const { tx, bye } = nonInviteServer({ reliable: true });
    tx.respond(respond(bye, 200));
    expect(tx.state).toBe('Terminated');
  });
});
