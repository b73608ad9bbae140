// An incoming INVITE's offer (RFC 3264 §6): the answer has exactly the offered
// m= lines, a stream we cannot take is refused with port 0, and when no
// stream can be taken — or the body is no session description at all — the
// INVITE gets 488 Not Acceptable Here with a Warning (RFC 3261 §21.4.26,
// §20.43), never a 200 with a session nobody offered. A body of another type
// gets 415 with Accept (§8.2.3). A refused INVITE is reported to the agent's
// refusal listeners; it never becomes a call.
import { describe, expect, it } from 'vitest';
import { buildRequest, randomToken } from '../../../src/message/index.js';
import type { SipResponse } from '../../../src/message/index.js';
import type { RefusedCall } from '../../../src/ua/call/call-agent.js';
import type { IncomingCall } from '../../../src/ua/call/incoming-call.js';
import { setup, type Side } from './call-harness.js';

const AUDIO = 'm=audio 49170 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n';
const VIDEO = 'm=video 51372 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n';

function session(media: string): string {
  return `v=0\r\no=alice 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n${media}`;
}

/** Sends an INVITE with this body from Alice's endpoint; resolves with the final response Bob sent. */
async function invite(body: string, contentType: string) {
  const { alice, bob, advance } = setup();
  const calls: IncomingCall[] = [];
  const refused: RefusedCall[] = [];
  const agent = bob.agent({ reliableProvisionals: 'off' });
  agent.onIncomingCall((call) => {
    calls.push(call);
    void call.answer();
  });
  agent.onRefusedCall((refusal) => refused.push(refusal));
  const built = buildRequest({
    method: 'INVITE', uri: 'sip:bob@127.0.0.1:5070', cseq: 1,
    via: [{ ...alice.endpoint.via() }],
    from: { uri: 'sip:alice@callscope.test', tag: randomToken() }, to: { uri: 'sip:bob@callscope.test' },
    callId: `${randomToken()}@test`, contact: [{ uri: 'sip:alice@127.0.0.1:5060' }], body, contentType,
  });
  if (!built.ok) throw new Error(built.error.message);
  const nothing = () => undefined;
  alice.endpoint.send(built.value, { onResponse: nothing, onTimeout: nothing, onTransportError: nothing });
  await advance(200);
  const final = finalOf(bob);
  return { final, calls, refused };
}

function finalOf(side: Side): SipResponse | undefined {
  return side.wire.map((w) => w.message).find((m): m is SipResponse => m.kind === 'response' && m.status >= 200 && m.cseq.method === 'INVITE');
}

describe('an incoming offer', () => {
  it('audio and video offered: the audio stream is answered, the video refused with port 0 (same m= lines, same order)', async () => {
    const { final, calls } = await invite(session(AUDIO + VIDEO), 'application/sdp');
    expect(final?.status).toBe(200);
    expect(calls).toHaveLength(1);
    const lines = final!.bodyText.split('\r\n').filter((l) => l.startsWith('m='));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^m=audio [1-9]\d* RTP\/AVP 0 101$/);
    expect(lines[1]).toMatch(/^m=video 0 RTP\/AVP 96$/);
  });

  it.each([
    ['only video', session(VIDEO), /304|305/],
    ['audio with no codec in common', session('m=audio 49170 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n'), /305/],
    ['no m= line', session(''), /399/],
    ['a body that is no session description', 'hello, I am not SDP', /399/],
  ])('%s: 488 Not Acceptable Here with a Warning, and no call', async (_name, body, warning) => {
    const { final, calls, refused } = await invite(body, 'application/sdp');
    expect(final?.status).toBe(488);
    expect(final?.getHeader('Warning')?.value).toMatch(warning);
    expect(calls).toHaveLength(0);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ status: 488 });
  });

  it('a body of another type: 415 Unsupported Media Type with Accept: application/sdp', async () => {
    const { final, calls } = await invite('just text', 'text/plain');
    expect(final?.status).toBe(415);
    expect(final?.getHeader('Accept')?.value).toMatch(/application\/sdp/);
    expect(calls).toHaveLength(0);
  });

  it('--100rel required and a caller without 100rel: 421, reported as a refused call', async () => {
    const { alice, bob, advance } = setup();
    const refused: RefusedCall[] = [];
    const agent = bob.agent({ reliableProvisionals: 'required' });
    agent.onIncomingCall(() => { throw new Error('no call expected'); });
    agent.onRefusedCall((refusal) => refused.push(refusal));
    alice.agent({ reliableProvisionals: 'off' }).call('sip:bob@127.0.0.1:5070');
    await advance(100);
    expect(finalOf(bob)?.status).toBe(421);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ status: 421, reason: expect.stringMatching(/100rel/) });
    expect(refused[0]!.invite.method).toBe('INVITE');
  });
});
