// `callscope call` and `listen` with media, against the lab: WebRTC over WSS
// through Kamailio and rtpengine to a SIPp far end that plays a tone (before
// the answer, in a reliable 183, and after), Callscope calling Callscope that
// echoes, a far end that sends nothing (one-way audio, exit 1), and the plain
// RTP engine's statistics against SIPp's RTP stream.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WavWriter, parseWav } from '../../src/media/audio/wav.js';
import type { MediaSection } from '../../src/cli/media-report.js';
import { toneShare } from '../support/goertzel.js';
import { startCli, type CliRun } from '../support/cli-run.js';
import { useLab } from './vitest-lab.js';

const lab = useLab({ name: 'media-cli', auth: false });
const dir = mkdtempSync(join(tmpdir(), 'callscope-media-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  outcome: string;
  calls: Array<{ timings: Record<string, number>; media?: MediaSection }>;
}

function wss(): string[] {
  return ['--server', lab().proxy.wssUrl, '--ca', lab().proxy.caFile, '--t1', '50'];
}

function call(...argv: string[]): Promise<CliRun> {
  return startCli('call', '--ring-timeout', '15', ...argv).result;
}

function mediaOf(run: CliRun): MediaSection {
  const media = (JSON.parse(run.stdout) as Report).calls[0]!.media;
  if (!media) throw new Error(`no media in the report: ${run.stderr}`);
  return media;
}

/** The tone SIPp plays: 440 Hz, amplitude 8000 (test/lab/tone.ts), i.e. an RMS level of -15.3 dBov. */
const FAR_END_DBOV = 20 * Math.log10(8000 / Math.SQRT2 / 32767);

describe('callscope call --media webrtc through Kamailio and rtpengine', () => {
  it('hears the far end\'s tone in the reliable 183 before the answer and after it; records it (exit 0)', async () => {
    const farEnd = await lab().startUas('uas-reliable-183');
    const record = join(dir, 'far-end.wav');
    const run = await call(...wss(), '--media', 'webrtc', '--duration', '1', '--record', record, '--json', '-', lab().farEndUri(farEnd.port));
    expect(run.stderr).toMatch(/^ *\d+ ms {2}early media \(reliable 18x\)$/m);
    expect(run.code).toBe(0);
    expect((await farEnd.result).explanation).toBe('');
    const media = mediaOf(run);
    expect(media).toMatchObject({ kind: 'webrtc', codec: 'PCMU/8000', audio: 'two-way', verdicts: [{ code: 'two-way-audio', severity: 'ok' }] });
    // rtpengine is the DTLS client towards WebRTC peers (the lab's kamailio.cfg), so we are the server.
    expect(media.transport).toMatchObject({ iceState: 'connected', dtlsState: 'connected', dtlsRole: 'server', localSetup: 'actpass', remoteSetup: 'active' });
    const answeredMs = (JSON.parse(run.stdout) as Report).calls[0]!.timings.answeredMs!;
    expect(media.received.firstPacketMs!).toBeLessThan(answeredMs);
    // SIPp waits 500 ms between the PRACK's 200 and the INVITE's: some 25 packets of 20 ms.
    expect(media.received.beforeAnswer!.packets).toBeGreaterThan(5);
    expect(media.received.beforeAnswer!.audibleSeconds).toBeGreaterThan(0.1);
    expect(media.received.packets - media.received.beforeAnswer!.packets).toBeGreaterThan(25);
    expect(media.received.lost).toBe(0);
    expect(Math.abs(media.received.level.meanDbov! - FAR_END_DBOV)).toBeLessThan(1);
    expect(media.sent.packets).toBeGreaterThan(25);
    const wav = parseWav(readFileSync(record)) as { sampleRate: number; samples: Int16Array };
    expect(wav.sampleRate).toBe(48000);
    expect(wav.samples.length / 48000).toBeGreaterThan(1);
    // The last half second: by then the far end's tone plays whatever ICE and DTLS took.
    expect(toneShare(wav.samples.subarray(wav.samples.length - 24000), 48000, 440)).toBeGreaterThan(0.8);
    console.info(`webrtc -> SIPp: ${media.received.beforeAnswer!.packets} packets before the answer at ${answeredMs} ms, `
      + `${media.received.packets} in all, ${media.received.level.meanDbov} dBov, ICE at ${media.transport!.iceConnectedMs} ms, DTLS at ${media.transport!.dtlsConnectedMs} ms`);
  });

  it('a far end that sends nothing: "one-way audio" with the numbers, exit 1 with the reason in one line', async () => {
    const farEnd = await lab().startUas('uas-answer-silent');
    const run = await call(...wss(), '--media', 'webrtc', '--duration', '1', '--json', '-', lab().farEndUri(farEnd.port));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\ncallscope call: one-way audio: we sent \d+ packets, received none\n$/);
    const media = mediaOf(run);
    expect(media.verdicts[0]).toMatchObject({ code: 'one-way-audio', flowing: 'outbound-only' });
    expect(media.sent.packets).toBeGreaterThan(25);
    expect(media.received.packets).toBe(0);
    expect((await farEnd.result).explanation).toBe('');
  });
});

describe('Callscope calls Callscope', () => {
  it('listen --media webrtc --echo through Kamailio: the caller hears its own audio back', async () => {
    // A 1 kHz tone, so that what comes back is told from the default 440 Hz tone.
    const tone = join(dir, 'tone-1k.wav');
    const writer = new WavWriter(tone, 16000);
    writer.write(Int16Array.from({ length: 16000 }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * 1000 * i) / 16000))));
    writer.close();
    const listening = startCli('listen', ...wss(), '--user', 'bob', '--password', lab().account('bob').password, '--from', 'sip:bob@callscope.lab', '--register',
      '--media', 'webrtc', '--echo', '--count', '1', '--timeout', '20', '--json', '-');
    const deadline = Date.now() + 10_000;
    let ended: CliRun | undefined;
    void listening.result.then((r) => { ended = r; });
    while (!/listening as /.test(listening.output())) {
      if (ended || Date.now() > deadline) throw new Error(`listen did not start: ${listening.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const record = join(dir, 'echo.wav');
    const run = await call(...wss(), '--media', 'webrtc', '--play', tone, '--record', record, '--duration', '1.5', '--json', '-', 'sip:bob@callscope.lab');
    const listened = await listening.result;
    expect(run.code).toBe(0);
    expect(listened.code).toBe(0);
    const media = mediaOf(run);
    expect(media).toMatchObject({ kind: 'webrtc', codec: 'opus/48000/2', audio: 'two-way' });
    expect(media.sending).toMatch(/tone-1k\.wav/);
    const echo = mediaOf(listened);
    expect(echo).toMatchObject({ sending: 'echo of the received audio', audio: 'two-way' });
    // What came back is our 1 kHz tone, at about its level.
    const wav = parseWav(readFileSync(record)) as { sampleRate: number; samples: Int16Array };
    const tail = wav.samples.subarray(wav.samples.length - 48000 / 2);
    expect(toneShare(tail, 48000, 1000)).toBeGreaterThan(0.8);
    expect(toneShare(tail, 48000, 440)).toBeLessThan(0.05);
    expect(Math.abs(media.received.level.meanDbov! - media.sent.level.meanDbov!)).toBeLessThan(2);
    console.info(`webrtc echo: sent ${media.sent.packets}, received ${media.received.packets} (${media.received.level.meanDbov} dBov; `
      + `sent ${media.sent.level.meanDbov} dBov), first back at ${media.received.firstPacketMs} ms, pair ${media.transport?.selectedPair}`);
  });
});

describe('WebRTC to plain RTP through rtpengine', () => {
  it('call --media webrtc over WSS to listen --media rtp --echo on UDP: rtpengine bridges, the echo comes back', async () => {
    const port = lab().allocatePeerPort();
    const listening = startCli('listen', '--server', `sip:127.0.0.1:${lab().proxy.ports.udp}`, '--local', `127.0.0.1:${port}`, '--t1', '50',
      '--media', 'rtp', '--echo', '--count', '1', '--timeout', '20', '--json', '-');
    const deadline = Date.now() + 10_000;
    while (!/listening as /.test(listening.output())) {
      if (Date.now() > deadline) throw new Error(`listen did not start: ${listening.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const run = await call(...wss(), '--media', 'webrtc', '--duration', '1.5', '--json', '-', `farend-${port}`);
    const listened = await listening.result;
    expect(run.code).toBe(0);
    expect(listened.code).toBe(0);
    const caller = mediaOf(run);
    const echo = mediaOf(listened);
    // rtpengine offers plain RTP to the listener and answers the WebRTC caller with ICE and DTLS-SRTP.
    expect(caller).toMatchObject({ kind: 'webrtc', audio: 'two-way' });
    expect(echo).toMatchObject({ kind: 'rtp', codec: expect.stringMatching(/^PCM[UA]\/8000$/), sending: 'echo of the received audio', audio: 'two-way' });
    expect(Math.abs(caller.received.level.meanDbov! - caller.sent.level.meanDbov!)).toBeLessThan(2);
    console.info(`webrtc -> rtpengine -> rtp echo: caller sent ${caller.sent.packets} (${caller.codec}), the echo end received ${echo.received.packets} `
      + `(jitter ${echo.received.jitterMs} ms, lost ${echo.received.lost}), the caller heard ${caller.received.packets} back at ${caller.received.level.meanDbov} dBov`);
  });
});

describe('callscope call --media rtp', () => {
  it('measures SIPp\'s RTP stream: about 50 packets a second, none lost, low jitter, the tone\'s level', async () => {
    const farEnd = await lab().startUas('uas-reliable-183');
    const run = await call('--server', `sip:127.0.0.1:${lab().proxy.ports.udp}`, '--t1', '50', '--media', 'rtp', '--duration', '1.5',
      '--json', '-', lab().farEndUri(farEnd.port));
    expect(run.code).toBe(0);
    const media = mediaOf(run);
    expect(media).toMatchObject({ kind: 'rtp', codec: 'PCMU/8000', local: expect.stringMatching(/^127\.0\.0\.1:\d+$/), audio: 'two-way' });
    const r = media.received;
    const seconds = (r.lastPacketMs! - r.firstPacketMs!) / 1000;
    // 20 ms packets: 50 a second, the first and the last both counted.
    expect(Math.abs(r.packets - (seconds * 50 + 1))).toBeLessThanOrEqual(3);
    expect(r.lost).toBe(0);
    expect(r.jitterMs!).toBeLessThan(20);
    expect(r.beforeAnswer!.packets).toBeGreaterThan(5);
    expect(Math.abs(r.level.meanDbov! - FAR_END_DBOV)).toBeLessThan(0.5);
    expect(media.sent.bytes).toBe(media.sent.packets * 160);
    expect((await farEnd.result).explanation).toBe('');
    console.info(`rtp <- SIPp: ${r.packets} packets over ${seconds.toFixed(2)} s, ${r.lost} lost, jitter ${r.jitterMs} ms, ${r.level.meanDbov} dBov, ${r.beforeAnswer!.packets} before the answer`);
  });
});
