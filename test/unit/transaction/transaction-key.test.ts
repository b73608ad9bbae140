import { describe, expect, it } from 'vitest';
import { clientKeyOfResponse, serverKey } from '../../../src/transaction/transaction-key.js';
import { request, respond } from './harness.js';

describe('transaction matching keys (RFC 3261 §17.1.3, §17.2.3, §9.2)', () => {
  it('a response matches its client transaction by branch and CSeq method', () => {
    const invite = request('INVITE');
    expect(clientKeyOfResponse(respond(invite, 180))).toBe('z9hG4bK776asdhds|INVITE');
    expect(clientKeyOfResponse(respond(request('CANCEL'), 200))).toBe('z9hG4bK776asdhds|CANCEL');
  });

  it('with the magic cookie, an ACK and a CANCEL map to the INVITE\'s server transaction; other methods do not', () => {
    const invite = request('INVITE');
    expect(serverKey(request('ACK', { toTag: 'x' }))).toBe(serverKey(invite));
    expect(serverKey(request('CANCEL'), 'invite-of-cancel')).toBe(serverKey(invite));
    expect(serverKey(request('CANCEL'))).not.toBe(serverKey(invite));
    expect(serverKey(request('INVITE', { branch: 'z9hG4bKother' }))).not.toBe(serverKey(invite));
  });

  it('includes sent-by, so two clients that chose the same branch are not confused', () => {
    expect(serverKey(request('OPTIONS'))).toBe(serverKey(request('OPTIONS')));
    expect(serverKey(request('OPTIONS', { viaHost: 'elsewhere.example.com' }))).not.toBe(serverKey(request('OPTIONS')));
  });

  it('without the cookie (RFC 2543) matches on Request-URI, From tag, Call-ID, CSeq number and top Via; ACK and CANCEL reach the INVITE', () => {
    const old = request('INVITE', { branch: 'oldbranch1' });
    expect(serverKey(old)).toMatch(/^2543\|/);
    expect(serverKey(request('INVITE', { branch: 'oldbranch1' }))).toBe(serverKey(old));
    expect(serverKey(request('ACK', { branch: 'oldbranch1', toTag: 'sent' }))).toBe(serverKey(old));
    expect(serverKey(request('CANCEL', { branch: 'oldbranch1' }), 'invite-of-cancel')).toBe(serverKey(old));
    expect(serverKey(request('INVITE', { branch: 'oldbranch2' }))).not.toBe(serverKey(old));
  });
});
