#!/usr/bin/env node
// Writes the tray icons into assets/tray/ from the app icon (assets/icon.png, rendered from
// assets/icon.svg), one per registration state, at 16 px and 32 px (@2x, which Electron's
// nativeImage picks on HiDPI screens):
//   tray-registered.png  the icon with a green dot     every account registered
//   tray-partial.png     the icon with an amber dot    some registered, some failed
//   tray-offline.png     the icon in grey, grey dot    none registered
// Deterministic: the pixels depend only on icon.png, and a unit test checks the committed
// files hold the pixels this script makes.
//
//   node scripts/make-tray-icons.js      rewrite assets/tray/*.png
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, inflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const TRAY_STATES = {
  registered: { dot: [47, 168, 79], grey: false },
  partial: { dot: [240, 163, 10], grey: false },
  offline: { dot: [139, 144, 153], grey: true },
};
export const TRAY_SIZES = { '': 16, '@2x': 32 };

// ---------------------------------------------------------------------------------------
// PNG: 8-bit RGBA, not interlaced (what icon.png is and what is written).

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

/** { width, height, rgba } of an 8-bit RGBA PNG. */
export function decodePng(file) {
  if (!file.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  const data = [];
  while (offset < file.length) {
    const length = file.readUInt32BE(offset);
    const type = file.toString('latin1', offset + 4, offset + 8);
    const body = file.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || body[9] !== 6 || body[12] !== 0) throw new Error('only 8-bit RGBA, non-interlaced PNGs are read');
    } else if (type === 'IDAT') {
      data.push(body);
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * 4;
  const rgba = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x += 1) {
      const a = x >= 4 ? rgba[y * stride + x - 4] : 0;
      const b = y > 0 ? rgba[(y - 1) * stride + x] : 0;
      const c = x >= 4 && y > 0 ? rgba[(y - 1) * stride + x - 4] : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      rgba[y * stride + x] = (line[x] + predictor) & 0xff;
    }
  }
  return { width, height, rgba };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, body) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

export function encodePng({ width, height, rgba }) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y += 1) rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// ---------------------------------------------------------------------------------------
// Drawing

/** Box-filter `image` down to size x size, averaging in premultiplied alpha. */
function downscale(image, size) {
  const out = Buffer.alloc(size * size * 4);
  const scale = image.width / size;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = Math.floor(y * scale); sy < Math.floor((y + 1) * scale); sy += 1) {
        for (let sx = Math.floor(x * scale); sx < Math.floor((x + 1) * scale); sx += 1) {
          const i = (sy * image.width + sx) * 4;
          const alpha = image.rgba[i + 3];
          r += image.rgba[i] * alpha;
          g += image.rgba[i + 1] * alpha;
          b += image.rgba[i + 2] * alpha;
          a += alpha;
        }
      }
      const o = (y * size + x) * 4;
      const count = Math.floor(scale) * Math.floor(scale);
      if (a > 0) out.set([Math.round(r / a), Math.round(g / a), Math.round(b / a), Math.round(a / count)], o);
    }
  }
  return out;
}

/** Share of the pixel (x, y) inside the circle, by 4 x 4 samples. */
function coverage(x, y, cx, cy, radius) {
  let inside = 0;
  for (let i = 0; i < 4; i += 1) {
    for (let j = 0; j < 4; j += 1) {
      const dx = x + (i + 0.5) / 4 - cx;
      const dy = y + (j + 0.5) / 4 - cy;
      if (dx * dx + dy * dy <= radius * radius) inside += 1;
    }
  }
  return inside / 16;
}

/** Paint `color` with `share` opacity over pixel `o` (source-over). */
function blend(rgba, o, color, share) {
  if (share <= 0) return;
  const under = rgba[o + 3] / 255;
  const alpha = share + under * (1 - share);
  for (let k = 0; k < 3; k += 1) rgba[o + k] = Math.round((color[k] * share + rgba[o + k] * under * (1 - share)) / alpha);
  rgba[o + 3] = Math.round(alpha * 255);
}

function trayIcon(base, size, state) {
  const rgba = downscale(base, size);
  if (state.grey) {
    for (let o = 0; o < rgba.length; o += 4) {
      const luma = Math.round(0.299 * rgba[o] + 0.587 * rgba[o + 1] + 0.114 * rgba[o + 2]);
      const faded = Math.round(luma * 0.7 + 255 * 0.3);
      rgba.set([faded, faded, faded], o);
    }
  }
  // The dot sits in the bottom-right corner with a white ring that parts it from the icon.
  const unit = size / 16;
  const cx = 12 * unit;
  const cy = 12 * unit;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const o = (y * size + x) * 4;
      blend(rgba, o, [255, 255, 255], coverage(x, y, cx, cy, 4.25 * unit));
      blend(rgba, o, state.dot, coverage(x, y, cx, cy, 3.25 * unit));
    }
  }
  return { width: size, height: size, rgba };
}

/** Every tray icon, by file name: { width, height, rgba }. */
export function trayIcons(iconPng = readFileSync(join(root, 'assets/icon.png'))) {
  const base = decodePng(iconPng);
  const icons = {};
  for (const [name, state] of Object.entries(TRAY_STATES)) {
    for (const [suffix, size] of Object.entries(TRAY_SIZES)) icons[`tray-${name}${suffix}.png`] = trayIcon(base, size, state);
  }
  return icons;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = join(root, 'assets/tray');
  mkdirSync(dir, { recursive: true });
  for (const [name, image] of Object.entries(trayIcons())) {
    writeFileSync(join(dir, name), encodePng(image));
    console.log(`wrote assets/tray/${name}`);
  }
}
