// The audio building blocks: G.711 both ways, WAV read/write, resampling,
// the level meter, sources and the echo buffer.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rmsDbov } from '../../../src/media/audio/audio-frame.js';
import { EchoBuffer } from '../../../src/media/audio/echo-buffer.js';
import { decodeG711, encodeG711, linearToALaw, linearToMuLaw } from '../../../src/media/audio/g711.js';
import { LevelMeter } from '../../../src/media/audio/level-meter.js';
import { Resampler, resampleAll } from '../../../src/media/audio/resampler.js';
import { ToneSource, WavSource, createSource } from '../../../src/media/audio/sources.js';
import { WavWriter, parseWav, wavHeader } from '../../../src/media/audio/wav.js';

const dir = mkdtempSync(join(tmpdir(), 'callscope-audio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tone(rate: number, seconds: number, hz = 440, amplitude = 8000): Int16Array {
  return Int16Array.from({ length: Math.round(rate * seconds) }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate)));
}

describe('G.711', () => {
  it('µ-law and A-law keep a sample within the law\'s quantisation step', () => {
    for (const law of ['PCMU', 'PCMA'] as const) {
      for (let s = -32768; s <= 32767; s += 97) {
        const [back] = decodeG711(law, encodeG711(law, Int16Array.of(s)));
        // Logarithmic quantisation: the step grows with the magnitude (at most 1/16 of it), and the loudest code clips.
        const clipped = Math.max(0, Math.abs(s) - (law === 'PCMU' ? 32124 : 32256));
        expect(Math.abs(back! - s), `${law} ${s} -> ${back}`).toBeLessThanOrEqual(Math.abs(s) / 16 + 16 + clipped);
      }
    }
  });

  it('matches the reference values of G.711', () => {
    // Digital silence, and the full-scale codes.
    expect(linearToMuLaw(0)).toBe(0xff);
    expect(linearToALaw(0)).toBe(0xd5);
    expect(linearToMuLaw(32767)).toBe(0x80);
    expect(linearToMuLaw(-32768)).toBe(0x00);
    expect(linearToALaw(32767)).toBe(0xaa);
    expect(linearToALaw(-32768)).toBe(0x2a);
    expect(decodeG711('PCMU', Uint8Array.of(0xff, 0x7f))).toEqual(Int16Array.of(0, 0));
    expect(decodeG711('PCMA', Uint8Array.of(0xd5, 0x55))).toEqual(Int16Array.of(8, -8));
  });

  it('a tone keeps its level through µ-law (within 0.2 dB)', () => {
    const samples = tone(8000, 1);
    const back = decodeG711('PCMU', encodeG711('PCMU', samples));
    expect(rmsDbov(back)).toBeCloseTo(rmsDbov(samples), 0);
    expect(Math.abs(rmsDbov(back) - rmsDbov(samples))).toBeLessThan(0.2);
  });
});

describe('WAV', () => {
  it('writes a file it (and any WAV reader) can read back: header sizes filled in on close', () => {
    const path = join(dir, 'out.wav');
    const writer = new WavWriter(path, 8000);
    const samples = tone(8000, 0.75);
    for (let i = 0; i < samples.length; i += 160) writer.write(samples.subarray(i, i + 160));
    writer.close();
    const data = readFileSync(path);
    expect(data.length).toBe(44 + samples.length * 2);
    expect(data.readUInt32LE(4)).toBe(36 + samples.length * 2);
    expect(data.readUInt32LE(40)).toBe(samples.length * 2);
    const parsed = parseWav(data);
    expect(parsed).toEqual({ sampleRate: 8000, samples });
  });

  it('reads 8-bit, 24-bit, float, stereo and µ-law files as mono 16-bit', () => {
    const make = (format: number, channels: number, bits: number, body: Uint8Array) => {
      const header = wavHeader(16000, body.length);
      const view = new DataView(header.buffer);
      view.setUint16(20, format, true);
      view.setUint16(22, channels, true);
      view.setUint16(34, bits, true);
      return new Uint8Array([...header, ...body]);
    };
    expect(parseWav(make(1, 1, 8, Uint8Array.of(128, 255, 0)))).toEqual({ sampleRate: 16000, samples: Int16Array.of(0, 32512, -32768) });
    const float = new Float32Array([0.5, -0.25]);
    expect(parseWav(make(3, 1, 32, new Uint8Array(float.buffer)))).toEqual({ sampleRate: 16000, samples: Int16Array.of(16384, -8192) });
    expect(parseWav(make(1, 2, 16, new Uint8Array(Int16Array.of(1000, 3000, -2000, -4000).buffer)))).toEqual({ sampleRate: 16000, samples: Int16Array.of(2000, -3000) });
    expect(parseWav(make(1, 1, 24, Uint8Array.of(0, 0, 0x40, 0, 0, 0xc0)))).toEqual({ sampleRate: 16000, samples: Int16Array.of(16384, -16384) });
    expect(parseWav(make(7, 1, 8, Uint8Array.of(0xff, 0x80)))).toEqual({ sampleRate: 16000, samples: Int16Array.of(0, 32124) });
  });

  it('says in one sentence why a file cannot be used', () => {
    expect(parseWav(new TextEncoder().encode('hello world, not a wav'))).toBe('not a WAV file (no RIFF/WAVE header)');
    const header = wavHeader(8000, 0);
    new DataView(header.buffer).setUint16(20, 2, true); // ADPCM
    expect(parseWav(header)).toMatch(/encoding \(format 2\) is not supported/);
    writeFileSync(join(dir, 'bad.wav'), 'nope');
    expect(WavSource.load(join(dir, 'bad.wav'))).toMatch(/bad\.wav: not a WAV file/);
    expect(WavSource.load(join(dir, 'missing.wav'))).toMatch(/cannot read .*missing\.wav: ENOENT/);
  });
});

describe('resampling', () => {
  it('keeps a tone\'s level and length from 48 kHz to 8 kHz and back, chunk by chunk', () => {
    const input = tone(48000, 1);
    const down = new Resampler(48000, 8000);
    const parts: Int16Array[] = [];
    for (let i = 0; i < input.length; i += 480) parts.push(down.process(input.subarray(i, i + 480)));
    const out = Int16Array.from(parts.flatMap((p) => [...p]));
    expect(Math.abs(out.length - 8000)).toBeLessThanOrEqual(1);
    expect(Math.abs(rmsDbov(out.subarray(100)) - rmsDbov(input))).toBeLessThan(0.5);
    const up = resampleAll(out, 8000, 48000);
    expect(Math.abs(up.length - 48000)).toBeLessThanOrEqual(6);
    expect(Math.abs(rmsDbov(up.subarray(600)) - rmsDbov(input))).toBeLessThan(0.5);
  });
});

describe('the level meter', () => {
  it('measures audible time, mean and peak level in dBov, and energy as webrtc-stats does', () => {
    let t = 0;
    const meter = new LevelMeter(() => t);
    const silence = new Int16Array(160);
    for (let i = 0; i < 50; i++) meter.add(silence, 8000);
    t = 1000;
    const loud = tone(8000, 0.02, 400, 8000);
    for (let i = 0; i < 50; i++) meter.add(loud, 8000);
    const level = meter.snapshot();
    expect(level.seconds).toBe(2);
    expect(level.audibleSeconds).toBe(1);
    expect(level.meanDbov).toBeCloseTo(-15.3, 0);
    expect(level.peakDbov).toBeCloseTo(-15.3, 0);
    expect(level.firstAudibleAt).toBe(1000);
    // (5657 / 32767)² × 1 s
    expect(level.energy).toBeCloseTo(0.0298, 3);
  });
});

describe('sources and the echo buffer', () => {
  it('a tone has the level it was asked for, at any rate', () => {
    const source = new ToneSource(1000, -20);
    for (const rate of [8000, 48000]) {
      const out = new Int16Array(rate / 10);
      source.read(out, rate);
      expect(rmsDbov(out)).toBeCloseTo(-20, 0);
    }
  });

  it('a WAV file plays once as an announcement (then silence), or loops', () => {
    const path = join(dir, 'short.wav');
    const writer = new WavWriter(path, 16000);
    writer.write(tone(16000, 0.05));
    writer.close();
    const once = createSource({ kind: 'wav', path, loop: false }, () => { throw new Error('no echo'); }) as WavSource;
    const out = new Int16Array(800);
    once.read(out, 8000);
    expect(once.finished).toBe(true);
    expect(rmsDbov(out.subarray(0, 400))).toBeGreaterThan(-20);
    expect([...out.subarray(401)].every((s) => s === 0)).toBe(true);
    const looped = createSource({ kind: 'wav', path }, () => { throw new Error('no echo'); }) as WavSource;
    looped.read(out, 8000);
    expect(looped.finished).toBe(false);
    expect(rmsDbov(out.subarray(400))).toBeGreaterThan(-20);
    expect(looped.description).toMatch(/short\.wav \(0\.1 s, looped\)/);
  });

  it('the echo gives back what came in, at the sender\'s rate, and drops the oldest beyond its bound', () => {
    const echo = new EchoBuffer(8000, 100);
    echo.write(Int16Array.of(1, 2, 3), 8000);
    const out = new Int16Array(5);
    echo.read(out, 8000);
    expect([...out]).toEqual([1, 2, 3, 0, 0]);
    for (let i = 0; i < 10; i++) echo.write(new Int16Array(160).fill(i), 8000);
    const held = new Int16Array(2000);
    echo.read(held, 8000);
    // 100 ms at 8 kHz is 800 samples: the first chunks went.
    expect(held.indexOf(0)).toBeGreaterThan(0);
    expect(held[0]).toBeGreaterThan(3);
    echo.write(tone(48000, 0.02), 48000);
    const converted = new Int16Array(160);
    echo.read(converted, 8000);
    expect(rmsDbov(converted)).toBeGreaterThan(-20);
  });
});
