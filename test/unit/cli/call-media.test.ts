// The media options of `call` and `listen` (defaults by server, errors as
// one sentence with their exit code), the recording file per call, the
// printed media section, and the loader's sentence when WebRTC cannot load.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMediaOptions, recordingPath } from '../../../src/cli/call-media.js';
import { mediaLines, mediaSection } from '../../../src/cli/media-report.js';
import { WavWriter } from '../../../src/media/audio/wav.js';
import type { MediaMeasurement } from '../../../src/media/measure/measurements.js';
import { loadWrtc } from '../../../src/media/webrtc/wrtc.js';
import { runCli } from '../../support/cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'callscope-cli-media-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const options = (...pairs: Array<[string, string | true]>) => new Map<string, string | true>(pairs);

describe('media options', () => {
  it('default to WebRTC over ws/wss, plain RTP otherwise, and expect audio when media is on', () => {
    expect(parseMediaOptions(options(['--server', 'wss://sbc.example.com']))).toEqual({ kind: 'webrtc', play: { kind: 'tone' }, expectAudio: true });
    expect(parseMediaOptions(options(['--server', 'sip:10.0.0.1;transport=tcp']))).toEqual({ kind: 'rtp', play: { kind: 'tone' }, expectAudio: true });
    expect(parseMediaOptions(options(['--server', 'sip:10.0.0.1'], ['--no-expect-audio', true]))).toMatchObject({ kind: 'rtp', expectAudio: false });
    expect(parseMediaOptions(options(['--server', 'wss://x'], ['--media', 'none']))).toEqual({ kind: 'none', expectAudio: false });
    // A fixed --sdp session is signalling only, as before media existed.
    expect(parseMediaOptions(options(['--server', 'wss://x'], ['--sdp', 'offer.sdp']))).toEqual({ kind: 'none', expectAudio: false });
  });

  it('--play takes tone or a WAV file, --echo sends back what arrives, --record checks it can write', () => {
    const wav = join(dir, 'a.wav');
    const writer = new WavWriter(wav, 8000);
    writer.write(new Int16Array(800).fill(1000));
    writer.close();
    expect(parseMediaOptions(options(['--server', 'sip:h'], ['--play', wav], ['--record', join(dir, 'r.wav')]))).toEqual({
      kind: 'rtp', play: { kind: 'wav', path: wav, loop: true }, record: join(dir, 'r.wav'), expectAudio: true,
    });
    expect(parseMediaOptions(options(['--server', 'sip:h'], ['--echo', true]))).toMatchObject({ play: { kind: 'echo' } });
  });

  it('say what is wrong in one sentence, with exit code 2', () => {
    writeFileSync(join(dir, 'text.wav'), 'not audio');
    const cases: Array<[Array<[string, string | true]>, RegExp]> = [
      [[['--media', 'sip']], /^--media needs none, rtp or webrtc, not 'sip'$/],
      [[['--expect-audio', true], ['--no-expect-audio', true]], /contradict/],
      [[['--media', 'rtp'], ['--sdp', 'x.sdp']], /--sdp gives a fixed session for signalling only: it goes with --media none, not --media rtp/],
      [[['--echo', true], ['--play', 'tone']], /--echo and --play both say what to send/],
      [[['--play', join(dir, 'text.wav')]], /^--play .*text\.wav: not a WAV file/],
      [[['--play', join(dir, 'none.wav')]], /^--play cannot read .*none\.wav: ENOENT$/],
      [[['--record', join(dir, 'no-such-dir', 'r.wav')]], /^--record .*: cannot write there \(ENOENT\)$/],
      [[['--media', 'none'], ['--record', 'r.wav']], /--record needs media: it does not go with --media none/],
    ];
    for (const [pairs, message] of cases) {
      const result = parseMediaOptions(options(['--server', 'sip:h'], ...pairs));
      expect(result, JSON.stringify(pairs)).toMatchObject({ code: 2, error: expect.stringMatching(message) });
    }
  });

  it('records call N > 1 of a listener to FILE-N.wav', () => {
    expect(recordingPath('calls.wav', 1)).toBe('calls.wav');
    expect(recordingPath('calls.wav', 2)).toBe('calls-2.wav');
    expect(recordingPath('out/Calls.WAV', 3)).toBe('out/Calls-3.WAV');
    expect(recordingPath('calls', 2)).toBe('calls-2.wav');
  });

  it('are in --help of both commands', async () => {
    expect((await runCli('call', '--help')).stdout).toMatch(/--media KIND {10}none, rtp or webrtc/);
    const listen = (await runCli('listen', '--help')).stdout;
    expect(listen).toMatch(/--echo {16}send back what arrives/);
    expect(listen).toMatch(/\(call N > 1: FILE-N\.wav\)/);
  });
});

describe('the media section of a report', () => {
  const level = { seconds: 2, audibleSeconds: 1.9, meanDbov: -15.3, peakDbov: -15.1, energy: 0.05, firstAudibleAt: 1240 };
  const measured: MediaMeasurement = {
    kind: 'webrtc', negotiated: true, codec: 'PCMU/8000', direction: 'sendrecv', sending: 'tone 440 Hz at -15 dBov',
    sent: { packets: 100, bytes: 16000, firstPacketAt: 1230, level },
    received: { packets: 99, bytes: 15840, lost: 1, jitterMs: 0.5, firstPacketAt: 1200, level, beforeAnswer: { packets: 20, audibleSeconds: 0.38 } },
    transport: {
      iceState: 'connected', iceConnectedAt: 1180, dtlsState: 'connected', dtlsConnectedAt: 1190, dtlsRole: 'server',
      localSetup: 'actpass', remoteSetup: 'active', localCandidates: 8, remoteCandidates: 1, selectedPair: '127.0.0.1:5000/udp/host -> 127.0.0.1:30000/udp/host',
    },
    recording: { path: 'r.wav', seconds: 2 },
    problems: [],
  };

  it('gives times from the call\'s start, the verdicts, and whether audio was two-way', () => {
    const section = mediaSection(measured, { startedAt: 1000, earlyMediaAt: 1150, answeredAt: 1600 });
    expect(section).toMatchObject({
      sent: { firstPacketMs: 230 }, received: { firstPacketMs: 200, beforeAnswer: { packets: 20 }, level: { firstAudibleMs: 240 } },
      transport: { iceConnectedMs: 180, dtlsConnectedMs: 190, dtlsRole: 'server' }, audio: 'two-way',
    });
    expect(mediaLines(section)).toEqual([
      'media (webrtc, PCMU/8000), ICE connected at 180 ms, DTLS connected at 190 ms as server (a=setup:actpass, peer active)',
      '  pair      127.0.0.1:5000/udp/host -> 127.0.0.1:30000/udp/host',
      '  sent      100 packets, 16.0 kB, first at 230 ms, -15.3 dBov: tone 440 Hz at -15 dBov',
      '  received  99 packets, 15.8 kB, 1 lost, jitter 0.5 ms, first at 200 ms, 20 before the answer, -15.3 dBov, audible 1.9 s',
      '  recorded  r.wav (2.0 s)',
      '  audio     two-way audio: sent 100 packets (-15.3 dBov), received 99 (-15.3 dBov, 1 lost, jitter 0.5 ms); the peer sent no RTCP about our stream',
    ]);
    const oneWay = mediaSection({ ...measured, received: { ...measured.received, packets: 0 } }, { startedAt: 1000 });
    expect(oneWay.audio).toBe('one-way audio: we sent 100 packets, received none');
    expect(mediaLines(oneWay).at(-1)).toBe('  error     one-way audio: we sent 100 packets, received none');
  });
});

describe('loading @roamhq/wrtc', () => {
  it('a missing native binary is one sentence, not a crash', () => {
    const missing = loadWrtc(() => { throw new Error('Could not find wrtc binary on any of the paths: ../build-linux-x64/wrtc.node,...'); });
    expect(missing).toEqual({ ok: false, error: expect.stringMatching(/^WebRTC media is not available here: @roamhq\/wrtc cannot be loaded \(no native binary for \S+ \(the optional package @roamhq\/wrtc-\S+ is not installed\); it ships binaries/) });
    expect((missing as { error: string }).error).not.toMatch(/\n/);
    const notInstalled = loadWrtc(() => { throw Object.assign(new Error("Cannot find module '@roamhq/wrtc'"), { code: 'MODULE_NOT_FOUND' }); });
    expect(notInstalled).toMatchObject({ ok: false, error: expect.stringMatching(/\(the package @roamhq\/wrtc is not installed;/) });
  });
});
