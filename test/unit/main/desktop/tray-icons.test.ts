// The committed tray icons are what scripts/make-tray-icons.js makes from assets/icon.png
// (run it after changing the icon), one per registration state, at 16 and 32 px.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript build script, without types
import { decodePng, encodePng, trayIcons } from '../../../../scripts/make-tray-icons.js';
import { TRAY_ICONS } from '../../../../main/desktop/tray-state.js';

interface Image {
  readonly width: number;
  readonly height: number;
  readonly rgba: Buffer;
}

const made = trayIcons() as Record<string, Image>;
const names = TRAY_ICONS.flatMap((icon) => [`tray-${icon}.png`, `tray-${icon}@2x.png`]);

describe('tray icons', () => {
  it('exist for every tray state, and nothing else is in assets/tray', () => {
    expect(Object.keys(made).sort()).toEqual([...names].sort());
    expect(readdirSync(new URL('../../../../assets/tray/', import.meta.url)).sort()).toEqual([...names].sort());
  });

  it.each(names)('assets/tray/%s is up to date', (name) => {
    const committed = decodePng(readFileSync(new URL(`../../../../assets/tray/${name}`, import.meta.url))) as Image;
    const expected = made[name]!;
    expect([committed.width, committed.height]).toEqual(name.includes('@2x') ? [32, 32] : [16, 16]);
    expect(Buffer.compare(committed.rgba, expected.rgba)).toBe(0);
  });

  it('tells the states apart by the dot\'s colour', () => {
    const dot = (name: string) => {
      const image = made[name]!;
      const o = (12 * image.width + 12) * 4;
      return [...image.rgba.subarray(o, o + 4)];
    };
    expect(dot('tray-registered.png')).toEqual([47, 168, 79, 255]);
    expect(dot('tray-partial.png')).toEqual([240, 163, 10, 255]);
    expect(dot('tray-offline.png')).toEqual([139, 144, 153, 255]);
  });

  it('writes PNGs it reads back', () => {
    const image = made['tray-partial.png']!;
    expect(decodePng(encodePng(image))).toEqual(image);
  });
});
