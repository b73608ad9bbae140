// DTMF by SIP INFO: one INFO per tone with an application/dtmf-relay body,
// in order, each after the previous one's 200 and the tone's duration plus
// the gap; the dtmf Info Package when the peer lists it in Recv-Info;
// anything but 0-9 * # A-D refused before a single INFO leaves; received
// INFO dtmf-relay and application/dtmf as `dtmf` events. And
// offersTelephoneEvent, for choosing RFC 4733 or INFO.
import { describe, expect, it } from 'vitest';
import { dtmfOfBody } from '../../../src/ua/mid-call/dtmf.js';
import { offersTelephoneEvent } from '../../../src/ua/sdp/telephone-event.js';
import { sendTimes } from './call-harness.js';
import { collect, connected } from './mid-call-harness.js';

describe('sendDtmf by INFO', () => {
  it('"1*#" becomes three legacy INFOs, Signal and Duration in application/dtmf-relay, spaced by duration + gap; the peer hears three dtmf events', async () => {
    const c = await connected();
    const heard = collect(c.incoming, 'dtmf');
    const sending = c.call.sendDtmf('1*#', { method: 'info', durationMs: 100, gapMs: 40 });
    await c.advance(500);
    expect(await sending).toEqual({ ok: true, sent: 3 });
    const infos = c.alice.requests('INFO');
    expect(infos.map((i) => i.bodyText)).toEqual(['Signal=1\r\nDuration=100\r\n', 'Signal=*\r\nDuration=100\r\n', 'Signal=#\r\nDuration=100\r\n']);
    for (const info of infos) {
      expect(info.contentType?.essence).toBe('application/dtmf-relay');
      expect(info.getHeader('Info-Package')).toBeUndefined();
    }
    // Each INFO after the previous one's 200 (1 ms each way) and 100 + 40 ms.
    const times = sendTimes(c.alice, /^INFO /);
    expect(times[1]! - times[0]!).toBe(142);
    expect(times[2]! - times[1]!).toBe(142);
    expect(heard.map((e) => [e.tone, e.durationMs, e.via])).toEqual([['1', 100, 'info'], ['*', 100, 'info'], ['#', 100, 'info']]);
  });

  it('refuses tones other than 0-9 * # A-D before sending anything: a typed line break cannot reach a header or body', async () => {
    const c = await connected();
    for (const bad of ['12x', '1\r\nSignal=9', '5 ', '']) {
      const outcome = await c.call.sendDtmf(bad, { method: 'info' });
      expect(outcome).toMatchObject({ ok: false, sent: 0 });
    }
    expect(await c.call.sendDtmf('1', { method: 'info', durationMs: 10 })).toMatchObject({ ok: false, sent: 0 });
    await c.advance(50);
    expect(c.alice.requests('INFO')).toEqual([]);
    // a-d are taken as A-D.
    const lower = c.call.sendDtmf('d', { method: 'info' });
    await c.advance(50);
    expect(await lower).toEqual({ ok: true, sent: 1 });
    expect(c.alice.requests('INFO')[0]!.bodyText).toBe('Signal=D\r\nDuration=160\r\n');
  });

  it('uses the dtmf Info Package when the peer lists it in Recv-Info', async () => {
    const c = await connected({ bob: { infoPackages: ['dtmf'] } });
    const heard = collect(c.incoming, 'dtmf');
    const sending = c.call.sendDtmf('7', { method: 'info' });
    await c.advance(50);
    expect(await sending).toEqual({ ok: true, sent: 1 });
    const [info] = c.alice.requests('INFO');
    expect(info!.getHeader('Info-Package')!.value).toBe('dtmf');
    expect(heard.map((e) => e.tone)).toEqual(['7']);
  });

  it('a tone the peer refuses stops the string: the outcome says how many went', async () => {
    const c = await connected();
    c.incoming.handleInDialog('INFO', (request, transaction) => {
      c.bob.endpoint.reply(transaction, request.bodyText.includes('Signal=2') ? 415 : 200);
    });
    const sending = c.call.sendDtmf('123', { method: 'info' });
    await c.advance(1000);
    expect(await sending).toMatchObject({ ok: false, sent: 1, status: 415 });
    expect(c.alice.requests('INFO')).toHaveLength(2);
  });

  it('receives application/dtmf (the tone alone) and dtmf-relay with an event number; another body is only an info event', async () => {
    const c = await connected();
    const heard = collect(c.call, 'dtmf');
    const infos = collect(c.call, 'info');
    const dialog = c.incoming.dialog;
    const send = (body: string, contentType: string) => {
      const built = dialog.createRequest('INFO', { via: c.bob.endpoint.via(), body, contentType });
      if (!built.ok) throw new Error(built.error.message);
      return new Promise<number>((resolve) => {
        c.bob.endpoint.send(built.value, { onResponse: (r) => resolve(r.status), onTimeout: () => resolve(0), onTransportError: () => resolve(0) });
      });
    };
    const statuses = [send('9', 'application/dtmf'), send('Signal=11\r\nDuration=250\r\n', 'application/dtmf-relay'), send('hello', 'text/plain')];
    await c.advance(20);
    expect(await Promise.all(statuses)).toEqual([200, 200, 200]);
    expect(heard.map((e) => [e.tone, e.durationMs])).toEqual([['9', undefined], ['#', 250]]);
    expect(infos).toHaveLength(3);
  });

  it('reads the bodies leniently, and finds no tone in a hook flash or a bad signal', () => {
    expect(dtmfOfBody('application/dtmf-relay', 'Signal= 5\nDuration= 200')).toEqual({ tone: '5', durationMs: 200 });
    expect(dtmfOfBody('application/dtmf-relay', 'signal=a\r\n')).toEqual({ tone: 'A' });
    expect(dtmfOfBody('application/dtmf-relay', 'Signal=16\r\nDuration=100\r\n')).toBeUndefined();
    expect(dtmfOfBody('application/dtmf-relay', 'Signal=Z\r\n')).toBeUndefined();
    expect(dtmfOfBody('application/dtmf', '#')).toEqual({ tone: '#' });
  });
});

describe('offersTelephoneEvent (RFC 4733)', () => {
  const audio = (formats: string, extra: string, port = 49170) =>
    `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP ${formats}\r\na=rtpmap:0 PCMU/8000\r\n${extra}`;
  it('true for a telephone-event payload of an active audio stream, false otherwise', () => {
    expect(offersTelephoneEvent(audio('0 101', 'a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n'))).toBe(true);
    expect(offersTelephoneEvent(audio('0', ''))).toBe(false);
    // Mapped but not among the stream's formats, or on a disabled stream.
    expect(offersTelephoneEvent(audio('0', 'a=rtpmap:101 telephone-event/8000\r\n'))).toBe(false);
    expect(offersTelephoneEvent(audio('0 101', 'a=rtpmap:101 telephone-event/8000\r\n', 0))).toBe(false);
    expect(offersTelephoneEvent(`${audio('0', '')}m=video 5000 RTP/AVP 101\r\na=rtpmap:101 telephone-event/8000\r\n`)).toBe(false);
  });
});
