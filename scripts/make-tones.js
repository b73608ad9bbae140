#!/usr/bin/env node
// Writes the phone's tones into assets/ as 16-bit mono WAV (8 kHz): ringtone.wav (a warm
// two-tone ring, 2 s on, 4 s off) and ringback.wav (440 + 480 Hz, 2 s on, 4 s off, as
// ITU-T E.180 describes the common ringing tone). Deterministic: rerunning gives the same
// bytes, and a unit test checks the committed files are what this script makes.
//
//   node scripts/make-tones.js           rewrite assets/ringtone.wav and assets/ringback.wav
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RATE = 8000;

function wav(samples) {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(s))), i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** `seconds` of sound: `tone(t)` while on, silence after `onS`, with 10 ms fades. */
function cycle(seconds, onS, tone) {
  const out = [];
  for (let i = 0; i < seconds * RATE; i += 1) {
    const t = i / RATE;
    const fade = Math.min(1, t / 0.01, Math.max(0, (onS - t) / 0.01));
    out.push(t < onS ? tone(t) * fade : 0);
  }
  return out;
}

export function tones() {
  const ringtone = cycle(6, 2, (t) => {
    // Two short rings of 0.4 s in each second, a mix of 480 and 620 Hz.
    const inRing = (t % 1) < 0.4 || ((t % 1) >= 0.5 && (t % 1) < 0.9);
    return inRing ? 6000 * (Math.sin(2 * Math.PI * 480 * t) + Math.sin(2 * Math.PI * 620 * t)) : 0;
  });
  const ringback = cycle(6, 2, (t) => 5000 * (Math.sin(2 * Math.PI * 440 * t) + Math.sin(2 * Math.PI * 480 * t)));
  return { 'ringtone.wav': wav(ringtone), 'ringback.wav': wav(ringback) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const assets = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets');
  for (const [name, bytes] of Object.entries(tones())) {
    writeFileSync(join(assets, name), bytes);
    console.log(`wrote assets/${name} (${bytes.length} bytes)`);
  }
}
