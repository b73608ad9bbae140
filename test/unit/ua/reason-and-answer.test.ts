// The end of a call with a Reason header (RFC 3326) both ways: the peer's
// BYE, CANCEL or final response surfaces it in CallEnded.reasonHeader; our
// hangup() and reject() can carry one; reject() takes any 3xx-6xx and
// refuses a phrase or Reason that could break a header line. Auto-answer
// requests (Call-Info answer-after, Alert-Info alert-autoanswer) read into
// IncomingCall.autoAnswerAfterSeconds.
import { describe, expect, it } from 'vitest';
import type { IncomingCall } from '../../../src/ua/call/incoming-call.js';
import { setup } from './call-harness.js';
import { connected } from './mid-call-harness.js';

/** Alice calls Bob, who does nothing yet. */
async function ringing(headers: { name: string; value: string }[] = []) {
  const h = setup();
  let incoming: IncomingCall | undefined;
  h.bob.agent().onIncomingCall((c) => { incoming = c; void c.ring(); });
  const call = h.alice.agent().call('sip:bob@127.0.0.1:5070', { headers });
  await h.advance(20);
  if (!incoming) throw new Error('no incoming call');
  return { ...h, call, incoming };
}

describe('Reason header (RFC 3326) at the end of a call', () => {
  it('hangup with a Reason: the BYE carries it, the peer\'s CallEnded shows it', async () => {
    const c = await connected();
    c.call.hangup({ reasonHeader: { protocol: 'Q.850', cause: 16, text: 'Normal call clearing' } });
    await c.advance(20);
    expect(c.alice.requests('BYE')[0]!.getHeader('Reason')!.value).toBe('Q.850;cause=16;text="Normal call clearing"');
    expect(await c.incoming.ended).toMatchObject({ cause: 'hangup-remote', reasonHeader: { protocol: 'Q.850', cause: 16, text: 'Normal call clearing' } });
    expect((await c.call.ended).reasonHeader).toBeUndefined();
  });

  it('a CANCEL with "SIP;cause=200;text=\\"Call completed elsewhere\\"" reaches the callee\'s CallEnded', async () => {
    const r = await ringing();
    r.call.hangup({ reasonHeader: { protocol: 'SIP', cause: 200, text: 'Call completed elsewhere' } });
    await r.advance(20);
    expect(r.alice.requests('CANCEL')[0]!.getHeader('Reason')!.value).toBe('SIP;cause=200;text="Call completed elsewhere"');
    expect(await r.incoming.ended).toMatchObject({ cause: 'cancelled', reasonHeader: { protocol: 'SIP', cause: 200, text: 'Call completed elsewhere' } });
  });

  it('reject with any 3xx-6xx, a phrase and a Reason: the caller sees status and Reason', async () => {
    const r = await ringing();
    r.incoming.reject(600, 'Busy Everywhere', { reasonHeader: { protocol: 'Q.850', cause: 17 } });
    await r.advance(20);
    expect(r.bob.responses(600)[0]!.getHeader('Reason')!.value).toBe('Q.850;cause=17');
    expect(await r.call.ended).toMatchObject({ cause: 'rejected', status: 600, reason: '600 Busy Everywhere', reasonHeader: { protocol: 'Q.850', cause: 17 } });
  });

  it('refuses what cannot be sent: a status outside 3xx-6xx, a line break in the phrase or the text, a cause out of range', async () => {
    const r = await ringing();
    expect(() => r.incoming.reject(200)).toThrow(RangeError);
    expect(() => r.incoming.reject(486, 'Busy\r\nX-Injected: 1')).toThrow(RangeError);
    expect(() => r.incoming.reject(486, undefined, { reasonHeader: { protocol: 'SIP', cause: 486, text: 'a\r\nb' } })).toThrow(RangeError);
    expect(() => r.incoming.reject(486, undefined, { reasonHeader: { protocol: 'Q.850', cause: 300 } })).toThrow(RangeError);
    expect(() => r.incoming.reject(486, undefined, { reasonHeader: { protocol: 'X' as 'SIP', cause: 486 } })).toThrow(RangeError);
    await r.advance(10);
    expect(r.incoming.isEnded).toBe(false);
    r.incoming.reject(486);
    await r.advance(10);
    expect(await r.call.ended).toMatchObject({ status: 486 });
  });
});

describe('auto-answer requests on an incoming INVITE', () => {
  it('Call-Info answer-after, Alert-Info alert-autoanswer (with or without delay), or none', async () => {
    const cases: [{ name: string; value: string }[], number | undefined][] = [
      [[{ name: 'Call-Info', value: '<sip:pbx.example.com>;answer-after=5' }], 5],
      [[{ name: 'Call-Info', value: '<http://www.example.com/alice/photo.jpg>;purpose=icon, <sip:pbx>;answer-after=0' }], 0],
      [[{ name: 'Alert-Info', value: '<http://127.0.0.1/ring>;info=alert-autoanswer' }], 0],
      [[{ name: 'Alert-Info', value: '<http://127.0.0.1/ring>;info=alert-autoanswer;delay=3' }], 3],
      [[{ name: 'Call-Info', value: '<http://www.example.com/alice/>;purpose=info' }], undefined],
      [[], undefined],
    ];
    for (const [headers, expected] of cases) {
      const r = await ringing(headers);
      expect(r.incoming.autoAnswerAfterSeconds, JSON.stringify(headers)).toBe(expected);
    }
  });
});
