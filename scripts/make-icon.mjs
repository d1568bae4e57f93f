#!/usr/bin/env node
// Draws the app icon (resources/icon.png, 512×512) in code: an accent rounded square with a white
// screen outline and play triangle, matching the renderer's brand mark. Run once; the PNG is committed.
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const size = Number(process.argv[2] ?? 512);
const out = process.argv[3] ?? path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'resources', 'icon.png');
const S = size / 24; // the brand mark is drawn on a 24-unit grid

function insideRoundRect(x, y, x0, y0, x1, y1, r) {
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= x0 && x <= x1 && y >= y0 && y <= y1;
}
function insideTriangle(x, y, [ax, ay], [bx, by], [cx, cy]) {
  const d = (px, py, qx, qy, rx, ry) => (px - rx) * (qy - ry) - (qx - rx) * (py - ry);
  const d1 = d(x, y, ax, ay, bx, by),
    d2 = d(x, y, bx, by, cx, cy),
    d3 = d(x, y, cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}
function sample(u, v) {
  // u, v in grid units. Returns [r,g,b,a].
  if (!insideRoundRect(u, v, 0.5, 0.5, 23.5, 23.5, 5.5)) return [0, 0, 0, 0];
  const bg = [61, 90, 254, 255];
  const white = [255, 255, 255, 255];
  const outer = insideRoundRect(u, v, 4, 6, 20, 18, 3);
  const inner = insideRoundRect(u, v, 5.6, 7.6, 18.4, 16.4, 1.6);
  if (outer && !inner) return white;
  if (insideTriangle(u, v, [10, 9.2], [10, 14.8], [15, 12])) return white;
  return bg;
}
const ss = 4; // supersampling for smooth edges
const raw = Buffer.alloc(size * (size * 4 + 1));
for (let y = 0; y < size; y++) {
  raw[y * (size * 4 + 1)] = 0;
  for (let x = 0; x < size; x++) {
    let r = 0,
      g = 0,
      b = 0,
      a = 0;
    for (let sy = 0; sy < ss; sy++)
      for (let sx = 0; sx < ss; sx++) {
        const p = sample((x + (sx + 0.5) / ss) / S, (y + (sy + 0.5) / ss) / S);
        r += p[0] * p[3];
        g += p[1] * p[3];
        b += p[2] * p[3];
        a += p[3];
      }
    const o = y * (size * 4 + 1) + 1 + x * 4;
    raw[o] = a ? Math.round(r / a) : 0;
    raw[o + 1] = a ? Math.round(g / a) : 0;
    raw[o + 2] = a ? Math.round(b / a) : 0;
    raw[o + 3] = Math.round(a / (ss * ss));
  }
}
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(size, 0);
ihdr.writeUInt32BE(size, 4);
ihdr[8] = 8;
ihdr[9] = 6;
ihdr[10] = 0;
ihdr[11] = 0;
ihdr[12] = 0;
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(`wrote ${out} (${size}×${size})`);
