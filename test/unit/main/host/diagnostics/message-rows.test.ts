// A message as a ladder row and as text: the one-line SDP summary, the message pane's
// text (at most 256 KiB, invalid UTF-8 as U+FFFD, never a cut character), and a
// malformed message's parse error through the store.
import { afterAll, describe, expect, it } from 'vitest';
import { MESSAGE_TEXT_MAX_BYTES, messageText } from '../../../../../main/host/diagnostics/message-summary.js';
import { summarizeSdp } from '../../../../../main/host/diagnostics/sdp-summary.js';
import { FakeClock } from '../../../../../src/util/fake-clock.js';
import { removeTempDirs, storeOn, tempDir } from './store-harness.js';
import { requestText, SyntheticWire } from './synthetic-wire.js';

afterAll(removeTempDirs);

const encode = (s: string) => new TextEncoder().encode(s);

function withSdp(sdp: string, contentType = 'Content-Type: application/sdp'): Uint8Array {
  return encode(`SIP/2.0 200 OK\r\nCall-ID: x\r\n${contentType}\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`);
}

describe('SDP summary', () => {
  it('codec, direction and media address per m= line', () => {
    expect(summarizeSdp(withSdp('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n')))
      .toBe('PCMU/8000 sendrecv 127.0.0.1:40000');
    expect(summarizeSdp(withSdp('v=0\r\nc=IN IP6 2001:db8::1\r\na=sendonly\r\nm=audio 5004 RTP/AVP 8\r\nm=video 0 RTP/AVP 96\r\n', 'c: Application/SDP')))
      .toBe('PCMA/8000 sendonly [2001:db8::1]:5004; video rejected');
    expect(summarizeSdp(withSdp('v=0\nc=IN IP4 10.0.0.1\nm=audio 9 UDP/TLS/RTP/SAVPF 111\na=rtpmap:111 opus/48000/2\nm=video 9 UDP/TLS/RTP/SAVPF 96\nc=IN IP4 10.0.0.2\na=rtpmap:96 VP8/90000\na=recvonly\n')))
      .toBe('opus/48000/2 sendrecv 10.0.0.1:9; video VP8/90000 recvonly 10.0.0.2:9');
  });

  it('nothing for a message without SDP', () => {
    expect(summarizeSdp(encode('OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n'))).toBeUndefined();
    expect(summarizeSdp(withSdp('m=audio 1 RTP/AVP 0\r\n', 'Content-Type: text/plain'))).toBeUndefined();
  });
});

describe('message text', () => {
  it('invalid UTF-8 shows as U+FFFD', () => {
    const raw = Uint8Array.from([...encode('INFO sip:a@b SIP/2.0\r\nSubject: caf'), 0xe9, ...encode('\r\n\r\n')]);
    expect(messageText(3, raw).text).toBe('INFO sip:a@b SIP/2.0\r\nSubject: caf\uFFFD\r\n\r\n');
  });

  it('at most 256 KiB, cut between characters, marked truncated', () => {
    const head = 'MESSAGE sip:a@b SIP/2.0\r\n\r\n';
    const body = 'é'.repeat(MESSAGE_TEXT_MAX_BYTES);
    const text = messageText(0, encode(head + body));
    expect(text.truncated).toBe(true);
    expect(Buffer.byteLength(text.text)).toBeLessThanOrEqual(MESSAGE_TEXT_MAX_BYTES);
    expect(text.text).not.toContain('\uFFFD');
    expect(text.text.endsWith('é')).toBe(true);
  });

  it('through the store: a malformed message of a call keeps its parse error; an unknown index is not found', async () => {
    const clock = new FakeClock();
    const { store } = storeOn(clock, tempDir());
    const wire = new SyntheticWire(clock);
    store.attachAccount('acc', wire.stream);
    store.callStarted({ id: 'm', callTag: 't', sipCallId: 'broken-call', accountId: 'acc', title: '→ m', startedAt: 0 });
    const raw = encode(requestText('broken-call', 1).replace('CSeq: 1 OPTIONS', 'CSeq: one OPTIONS'));
    const peer = { transport: 'UDP', address: '192.0.2.20', port: 5060 };
    wire.stream.emit({ type: 'message-received', at: 0, peer, raw });
    wire.stream.emit({ type: 'message-malformed', at: 0, peer, raw, reason: 'CSeq: the sequence number is not a number', answeredWith: 400 });
    const { snapshot } = await store.subscribe('live:m', 1, () => undefined);
    expect(snapshot.messages).toHaveLength(1);
    expect(snapshot.messages[0]).toMatchObject({ startLine: 'OPTIONS sip:bob@example.com SIP/2.0', parseError: 'CSeq: the sequence number is not a number' });
    expect(await store.getMessage('live:m', 0)).toMatchObject({ index: 0, truncated: false, parseError: 'CSeq: the sequence number is not a number' });
    await expect(store.getMessage('live:m', 1)).rejects.toMatchObject({ kind: 'not-found' });
    await expect(store.getMessage('recent:nothing', 0)).rejects.toMatchObject({ kind: 'not-found' });
    expect(store.stats().malformed.count).toBe(0);
    await store.close();
  });
});
