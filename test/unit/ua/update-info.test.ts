// UPDATE (RFC 3311) in an early dialog whose offer/answer is done (either
// side), refused before it is (500 + Retry-After), in the confirmed dialog
// (hold without re-INVITE), and UPDATE glare; INFO (RFC 6086) with Info
// Packages: Recv-Info in the INVITE and its 2xx, 200 for a listed package or
// a legacy INFO, 469 with Recv-Info for another, none sent for a package the
// peer did not list.
import { describe, expect, it } from 'vitest';
import type { IncomingCall } from '../../../src/ua/call/incoming-call.js';
import { StaticSdpHandler } from '../../../src/ua/sdp/static-sdp.js';
import { setup } from './call-harness.js';
import { aliceDialog, collect, connected, direction, sendRaw } from './mid-call-harness.js';

async function early(what: 'earlyMedia' | 'ring') {
  const h = setup();
  let incoming: IncomingCall | undefined;
  h.bob.agent({ createSdpHandler: () => new StaticSdpHandler({ port: 50000 }) }).onIncomingCall((c) => {
    incoming = c;
    void c[what]();
  });
  const call = h.alice.agent().call('sip:bob@127.0.0.1:5070', { sdp: new StaticSdpHandler() });
  await h.advance(20);
  return { ...h, call, incoming: incoming! };
}

describe('UPDATE', () => {
  it('in the early dialog after a reliable 183 with the answer: UPDATE offers, its 200 answers, the 2xx to the INVITE has no SDP', async () => {
    const e = await early('earlyMedia');
    expect(e.call.state).toBe('early');
    const bobUpdated = collect(e.incoming, 'session-updated');
    const updating = e.call.update({ hold: true });
    await e.advance(10);
    expect(await updating).toMatchObject({ ok: true, status: 200 });
    const [update] = e.alice.requests('UPDATE');
    const progress = e.bob.responses(183)[0]!;
    expect(update!.to.tag).toBe(progress.to.tag);
    expect(update!.contacts).toHaveLength(1);
    expect(direction(update!.bodyText)).toBe('sendonly');
    const [ok] = e.bob.responses(200, 'UPDATE');
    expect(ok!.contacts).toHaveLength(1);
    expect(direction(ok!.bodyText)).toBe('recvonly');
    expect(bobUpdated.map((u) => [u.method, u.by, u.direction])).toEqual([['UPDATE', 'remote', 'recvonly']]);
    // The callee can UPDATE in the early dialog too.
    const back = e.incoming.update();
    await e.advance(10);
    expect(await back).toMatchObject({ ok: true });
    expect(e.bob.requests('UPDATE')).toHaveLength(1);
    void e.incoming.answer();
    await e.advance(20);
    // RFC 3264: the offer/answer of the INVITE is done; the 2xx carries none.
    expect(e.bob.responses(200, 'INVITE')[0]!.bodyLength).toBe(0);
    expect(e.call.state).toBe('answered');
    expect(e.call.onHold.local).toBe(true);
  });

  it('before the early offer/answer is done: no UPDATE is sent, and one that arrives gets 500 with Retry-After (§5.2)', async () => {
    const e = await early('ring');
    expect(await e.call.update()).toMatchObject({ ok: false });
    expect(e.alice.requests('UPDATE')).toEqual([]);
    const raw = sendRaw(e.alice, aliceDialog(e), 'UPDATE', { body: new StaticSdpHandler().localSdp, contact: 'sip:alice@127.0.0.1:5060' });
    await e.advance(10);
    const refused = await raw.final;
    expect(refused.status).toBe(500);
    expect(Number(refused.getHeader('Retry-After')!.value)).toBeLessThanOrEqual(10);
  });

  it('in the confirmed dialog: hold by UPDATE (no ACK); both UPDATE at once: 491 both ways, then both succeed', async () => {
    const c = await connected();
    const held = collect(c.incoming, 'held');
    const holding = c.call.hold({ method: 'UPDATE' });
    await c.advance(10);
    expect(await holding).toMatchObject({ ok: true });
    expect(direction(c.alice.requests('UPDATE')[0]!.bodyText)).toBe('sendonly');
    expect(direction(c.bob.responses(200, 'UPDATE')[0]!.bodyText)).toBe('recvonly');
    expect(c.alice.requests('ACK')).toHaveLength(1);
    expect(held.map((h) => h.by)).toEqual(['remote']);
    const both = [c.call.update({ hold: false }), c.incoming.update({ hold: true })];
    await c.advance(5000, 5);
    expect(await Promise.all(both)).toMatchObject([{ ok: true }, { ok: true }]);
    expect(c.alice.responses(491, 'UPDATE')).toHaveLength(1);
    expect(c.bob.responses(491, 'UPDATE')).toHaveLength(1);
    expect(c.call.onHold).toEqual({ local: false, remote: true });
  });
});

describe('INFO (RFC 6086)', () => {
  it('Recv-Info in the INVITE and the 2xx; INFO for a listed package gets 200 and reaches the peer', async () => {
    const c = await connected({ alice: { infoPackages: ['dtmf'] }, bob: { infoPackages: ['dtmf'] } });
    expect(c.alice.requests('INVITE')[0]!.getHeader('Recv-Info')!.value).toBe('dtmf');
    expect(c.bob.responses(200, 'INVITE')[0]!.getHeader('Recv-Info')!.value).toBe('dtmf');
    const infos = collect(c.incoming, 'info');
    const sent = c.call.sendInfo({ package: 'dtmf', body: 'Signal=5\r\nDuration=160\r\n', contentType: 'application/dtmf-relay' });
    await c.advance(10);
    expect(await sent).toEqual({ ok: true, status: 200 });
    const [info] = c.alice.requests('INFO');
    expect(info!.getHeader('Info-Package')!.value).toBe('dtmf');
    expect(info!.getHeader('Content-Disposition')!.value).toBe('Info-Package');
    expect(infos).toEqual([{ at: expect.any(Number), package: 'dtmf', contentType: 'application/dtmf-relay', body: 'Signal=5\r\nDuration=160\r\n' }]);
  });

  it('469 Bad Info Package (with Recv-Info) for a package we did not list; 200 for a legacy INFO; none sent for a package the peer did not list', async () => {
    const c = await connected({ alice: { infoPackages: ['dtmf'] } });
    const unknown = sendRaw(c.bob, c.incoming.dialog, 'INFO', { headers: [{ name: 'Info-Package', value: 'x-callscope-other' }] });
    const legacy = sendRaw(c.bob, c.incoming.dialog, 'INFO');
    await c.advance(10);
    const refused = await unknown.final;
    expect(refused.status).toBe(469);
    expect(refused.getHeader('Recv-Info')!.value).toBe('dtmf');
    expect((await legacy.final).status).toBe(200);
    // Bob listed nothing: Alice must not send him any package (§5.2.1).
    expect(await c.call.sendInfo({ package: 'dtmf', body: 'Signal=1\r\n', contentType: 'application/dtmf-relay' }))
      .toMatchObject({ ok: false, reason: expect.stringMatching(/Recv-Info/) });
    expect(c.alice.requests('INFO')).toEqual([]);
    // And Bob, taking no package, refuses Alice's with 469.
    const toBob = sendRaw(c.alice, aliceDialog(c), 'INFO', { headers: [{ name: 'Info-Package', value: 'dtmf' }] });
    await c.advance(10);
    expect((await toBob.final).status).toBe(469);
  });
});
