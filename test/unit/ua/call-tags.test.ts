// Every transaction of a call carries its call tag on the diagnostics stream,
// on both sides: the caller's from creation, the callee's (created before the
// call existed) through transaction-tagged.
import { describe, expect, it } from 'vitest';
import { LiveRecorder } from '../../../src/diagnostics/live-recorder.js';
import type { IncomingCall } from '../../../src/ua/call/incoming-call.js';
import { setup } from './call-harness.js';

describe('call tags on the diagnostics stream', () => {
  it('tags the callee\'s INVITE, PRACK and BYE server transactions with its call', async () => {
    const { alice, bob, advance } = setup();
    const recorder = new LiveRecorder();
    recorder.attach(bob.endpoint.diagnostics);
    let incoming: IncomingCall | undefined;
    bob.agent().onIncomingCall((call) => {
      incoming = call;
      void call.earlyMedia().then(() => call.answer());
    });
    const call = alice.agent().call('sip:bob@127.0.0.1:5070');
    await advance(2000, 5);
    await call.hangup();
    await advance(2000, 5);
    const transactions = recorder.model().calls.flatMap((c) => c.transactions);
    const servers = transactions.filter((t) => t.role === 'server').map((t) => `${t.method} ${t.callTag ?? 'untagged'}`);
    expect(servers.sort()).toEqual([`BYE ${incoming!.callTag}`, `INVITE ${incoming!.callTag}`, `PRACK ${incoming!.callTag}`]);
  });
});
