import { describe, expect, it } from 'vitest';
import { buildRequest } from '../../../src/message/index.js';
import type { SipRequest, SipResponse } from '../../../src/message/index.js';
import { TransactionLayer } from '../../../src/transaction/transaction-layer.js';
import { createMemoryTransportPair } from '../../../src/transport/memory-transport.js';
import { SipEndpoint } from '../../../src/ua/core/endpoint.js';
import { FakeClock } from '../../../src/util/fake-clock.js';

function setup() {
  const clock = new FakeClock();
  const [ta, tb] = createMemoryTransportPair({ protocol: 'UDP', clock, latencyMs: 1 });
  const endpoint = new SipEndpoint({ transport: tb, outboundProxy: ta.address, clock });
  const peer = new TransactionLayer({ clock, user: { onRequest: () => undefined, onAck: () => undefined, onStrayResponse: () => undefined } });
  peer.attach(ta);
  const ask = (method: string, extra: { toTag?: string; require?: string[] } = {}): SipResponse[] => {
    const got: SipResponse[] = [];
    const built = buildRequest({
      method, uri: 'sip:bob@127.0.0.1:5070', cseq: 1,
      via: [{ transport: 'UDP', host: '127.0.0.1', port: 5060, branch: `z9hG4bK${method}${Math.random().toString(36).slice(2)}` }],
      from: { uri: 'sip:alice@127.0.0.1', tag: 'a' }, to: { uri: 'sip:bob@127.0.0.1', ...(extra.toTag ? { tag: extra.toTag } : {}) },
      callId: 'endpoint-test', ...(extra.require ? { require: extra.require } : {}),
      ...(method === 'INVITE' ? { contact: [{ uri: 'sip:alice@127.0.0.1:5060' }] } : {}),
    });
    if (!built.ok) throw new Error(built.error.message);
    peer.sendRequest(built.value, { transport: ta, destination: tb.address }, {
      onResponse: (r) => got.push(r), onTimeout: () => undefined, onTransportError: () => undefined,
    });
    clock.advance(10);
    return got;
  };
  return { clock, endpoint, ask };
}

describe('SipEndpoint (the UA core\'s common ground)', () => {
  it('answers OPTIONS with what it supports (§11.2)', () => {
    const [ok] = setup().ask('OPTIONS');
    expect(ok!.status).toBe(200);
    expect(ok!.allow).toContain('INVITE');
    expect(ok!.supported).toContain('100rel');
    // Only what is implemented: session timers, Replaces (RFC 3891) and the in-dialog methods, but not MESSAGE.
    expect(ok!.supported).toEqual(['100rel', 'outbound', 'replaces', 'timer']);
    expect(ok!.allow).toEqual(['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'PRACK', 'UPDATE', 'INFO', 'REFER', 'NOTIFY', 'SUBSCRIBE']);
    expect(ok!.getHeader('Server')?.value).toBe('Callscope');
  });

  it('answers SUBSCRIBE outside a dialog with 489 (RFC 6665 §4.2.1.1: refer is served only in the REFER\'s dialog)', () => {
    const [bad] = setup().ask('SUBSCRIBE');
    expect(bad!.status).toBe(489);
    expect(bad!.getHeader('Allow-Events')?.value).toBe('refer');
  });

  it('answers an in-dialog request for an unknown dialog with 481 (§12.2.2)', () => {
    expect(setup().ask('BYE', { toTag: 'nope' }).map((r) => r.status)).toEqual([481]);
  });

  it('answers a CANCEL that matches no INVITE with 481 (§9.2)', () => {
    expect(setup().ask('CANCEL').map((r) => r.status)).toEqual([481]);
  });

  it('refuses an unknown Require with 420 and Unsupported (§8.2.2.3)', () => {
    const [bad] = setup().ask('INVITE', { require: ['x-unknown'] });
    expect(bad!.status).toBe(420);
    expect(bad!.unsupported).toEqual(['x-unknown']);
  });

  it('hands out-of-dialog requests to their handler and in-dialog ones to their dialog', () => {
    const { endpoint, ask } = setup();
    const seen: string[] = [];
    endpoint.handle('MESSAGE', (request: SipRequest, tx) => { seen.push(`handler ${request.method}`); endpoint.reply(tx, 200); });
    endpoint.addDialog('endpoint-test|b-tag|a', {
      onRequest: (request, tx) => { seen.push(`dialog ${request.method}`); endpoint.reply(tx, 200); },
      onAck: () => undefined,
    });
    expect(ask('MESSAGE').map((r) => r.status)).toEqual([200]);
    expect(ask('INFO', { toTag: 'b-tag' }).map((r) => r.status)).toEqual([200]);
    expect(seen).toEqual(['handler MESSAGE', 'dialog INFO']);
  });

  it('answers an out-of-dialog method it implements but has no handler for with 405 and Allow', () => {
    const [r] = setup().ask('INFO');
    expect(r!.status).toBe(405);
    expect(r!.allow.length).toBeGreaterThan(0);
  });
});
