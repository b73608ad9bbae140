// An outbound proxy as a preloaded route (RFC 3261 §8.1.2): every request
// outside a dialog (INVITE, its CANCEL, REGISTER) carries the configured
// Route with `lr`; requests inside the dialog follow the dialog's own route
// set (§12.2.1.1), which Record-Route made, not the preloaded one.
import { describe, expect, it } from 'vitest';
import { formatUri } from '../../../src/message/index.js';
import { createMemoryTransportPair } from '../../../src/transport/memory-transport.js';
import { SipEndpoint } from '../../../src/ua/core/endpoint.js';
import type { IncomingCall } from '../../../src/ua/call/incoming-call.js';
import { Registration, newInstanceId } from '../../../src/ua/registration/registration.js';
import { setup } from './call-harness.js';

const ROUTE = ['sip:127.0.0.1:5070'];

describe('outbound proxy as a preloaded Route (RFC 3261 §8.1.2)', () => {
  it('the INVITE and its CANCEL carry Route: <sip:proxy;lr>; BYE in the dialog does not', async () => {
    const h = setup({ aliceRoute: ROUTE });
    const calls: IncomingCall[] = [];
    h.bob.agent().onIncomingCall((c) => {
      calls.push(c);
      if (calls.length === 1) void c.answer();
      else void c.ring();
    });
    const answered = h.alice.agent().call('sip:bob@127.0.0.1:5070');
    await h.advance(20);
    answered.hangup();
    const cancelled = h.alice.agent().call('sip:bob@127.0.0.1:5070');
    await h.advance(20);
    cancelled.hangup();
    await h.advance(20);
    const [invite, second] = h.alice.requests('INVITE');
    for (const request of [invite!, second!, h.alice.requests('CANCEL')[0]!]) {
      expect(request.routes.map((r) => formatUri(r.uri))).toEqual(['sip:127.0.0.1:5070;lr']);
      expect(request.getHeader('Route')!.value).toBe('<sip:127.0.0.1:5070;lr>');
    }
    expect(h.alice.requests('BYE')[0]!.routes).toEqual([]);
    expect(h.alice.requests('ACK')[0]!.routes).toEqual([]);
    expect(await answered.ended).toMatchObject({ cause: 'hangup-local', byeStatus: 200 });
    expect(await cancelled.ended).toMatchObject({ cause: 'cancelled' });
  });

  it('REGISTER carries it too; without a route nothing changes', async () => {
    const h = setup({ aliceRoute: ['sip:proxy.example.com:5080;transport=udp;lr'] });
    const registration = new Registration({
      endpoint: h.alice.endpoint, aor: 'sip:alice@callscope.test', credentials: { username: 'alice', password: 'x' }, instanceId: newInstanceId(),
    });
    void registration.start();
    await h.advance(5);
    expect(h.alice.requests('REGISTER')[0]!.getHeader('Route')!.value).toBe('<sip:proxy.example.com:5080;transport=udp;lr>');
    const plain = setup();
    void plain.alice.agent().call('sip:bob@127.0.0.1:5070');
    await plain.advance(5);
    expect(plain.alice.requests('INVITE')[0]!.getHeader('Route')).toBeUndefined();
    void registration.stop({ timeoutMs: 10 });
  });

  it('a route that is not a SIP URI is refused when the endpoint is made', () => {
    const [transport, peer] = createMemoryTransportPair({ protocol: 'UDP' });
    expect(() => new SipEndpoint({ transport, outboundProxy: peer.address, preloadedRoute: ['tel:+123'] })).toThrow(/not a SIP URI/);
    expect(() => new SipEndpoint({ transport, outboundProxy: peer.address, preloadedRoute: ['sip:'] })).toThrow(/not a URI/);
  });
});
