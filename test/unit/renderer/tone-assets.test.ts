// The committed ringtone and ringback are what scripts/make-tones.js makes (run it after
// changing the tones).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript build script, without types
import { tones } from '../../../scripts/make-tones.js';

describe('tone assets', () => {
  it.each(['ringtone.wav', 'ringback.wav'])('assets/%s is up to date', (name) => {
    const made = (tones() as Record<string, Buffer>)[name]!;
    const committed = readFileSync(new URL(`../../../assets/${name}`, import.meta.url));
    expect(committed.subarray(0, 4).toString()).toBe('RIFF');
    expect(Buffer.compare(committed, made)).toBe(0);
  });
});
