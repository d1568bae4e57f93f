import { deflateSync } from 'node:zlib';

/** A decoded frame: packed RGB, 3 bytes per pixel, row-major. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** An 8-bit single-channel image. */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Axis-aligned box in pixels of the frame it was found in (x, y = top-left). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function clampBox(b: Box, width: number, height: number): Box {
  const x = Math.max(0, Math.min(width, Math.floor(b.x)));
  const y = Math.max(0, Math.min(height, Math.floor(b.y)));
  const x2 = Math.max(x, Math.min(width, Math.ceil(b.x + b.width)));
  const y2 = Math.max(y, Math.min(height, Math.ceil(b.y + b.height)));
  return { x, y, width: x2 - x, height: y2 - y };
}

export function boxArea(b: Box): number {
  return Math.max(0, b.width) * Math.max(0, b.height);
}

export function intersection(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

export function iou(a: Box, b: Box): number {
  const i = intersection(a, b);
  const u = boxArea(a) + boxArea(b) - i;
  return u > 0 ? i / u : 0;
}

/** Fraction of `inner` that lies inside `outer`. */
export function coverage(inner: Box, outer: Box): number {
  const a = boxArea(inner);
  return a > 0 ? intersection(inner, outer) / a : 0;
}

export function scaleBox(b: Box, sx: number, sy: number): Box {
  return { x: b.x * sx, y: b.y * sy, width: b.width * sx, height: b.height * sy };
}

export function roundBox(b: Box): Box {
  return { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) };
}

/** One channel of a region (0 = R, 1 = G, 2 = B), optionally inverted. */
export function channelCrop(img: RgbImage, box: Box, channel: 0 | 1 | 2, invert: boolean): GrayImage {
  const b = clampBox(box, img.width, img.height);
  const out = new Uint8Array(b.width * b.height);
  for (let y = 0; y < b.height; y++) {
    let src = ((b.y + y) * img.width + b.x) * 3 + channel;
    let dst = y * b.width;
    for (let x = 0; x < b.width; x++, src += 3, dst++) {
      const v = img.data[src]!;
      out[dst] = invert ? 255 - v : v;
    }
  }
  return { width: b.width, height: b.height, data: out };
}

/** Bilinear resize of a gray image. */
export function resizeGray(img: GrayImage, width: number, height: number): GrayImage {
  const out = new Uint8Array(width * height);
  const sx = img.width / width;
  const sy = img.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(img.height - 1, Math.floor(fy));
    const y1 = Math.min(img.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.max(0, (x + 0.5) * sx - 0.5);
      const x0 = Math.min(img.width - 1, Math.floor(fx));
      const x1 = Math.min(img.width - 1, x0 + 1);
      const wx = fx - x0;
      const a = img.data[y0 * img.width + x0]!;
      const b = img.data[y0 * img.width + x1]!;
      const c = img.data[y1 * img.width + x0]!;
      const d = img.data[y1 * img.width + x1]!;
      out[y * width + x] = Math.round((a * (1 - wx) + b * wx) * (1 - wy) + (c * (1 - wx) + d * wx) * wy);
    }
  }
  return { width, height, data: out };
}

/** Add a border of `pad` pixels filled with `value`. */
export function padGray(img: GrayImage, pad: number, value: number): GrayImage {
  const w = img.width + 2 * pad;
  const h = img.height + 2 * pad;
  const out = new Uint8Array(w * h).fill(value);
  for (let y = 0; y < img.height; y++) out.set(img.data.subarray(y * img.width, (y + 1) * img.width), (y + pad) * w + pad);
  return { width: w, height: h, data: out };
}

/** Stretch contrast so the darkest 1 % maps to 0 and the brightest 1 % to 255. */
export function normalizeContrast(img: GrayImage): GrayImage {
  const hist = new Uint32Array(256);
  for (const v of img.data) hist[v]!++;
  const n = img.data.length;
  let lo = 0;
  let hi = 255;
  for (let acc = 0; lo < 255 && (acc += hist[lo]!) < n * 0.01; lo++);
  for (let acc = 0; hi > 0 && (acc += hist[hi]!) < n * 0.01; hi--);
  if (hi - lo < 8) return img;
  const out = new Uint8Array(n);
  const k = 255 / (hi - lo);
  for (let i = 0; i < n; i++) out[i] = Math.max(0, Math.min(255, Math.round((img.data[i]! - lo) * k)));
  return { width: img.width, height: img.height, data: out };
}

// --- PNG encoding (grayscale or RGB, 8 bit), for crops handed to the recogniser and shown to reviewers ---

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), Buffer.from(data)]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

export function encodePng(img: { width: number; height: number; data: Uint8Array }, channels: 1 | 3): Buffer {
  const { width, height, data } = img;
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0;
    raw.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 1 ? 0 : 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** An RGB crop (for showing reviewers where a field was read). */
export function rgbCrop(img: RgbImage, box: Box): RgbImage {
  const b = clampBox(box, img.width, img.height);
  const out = new Uint8Array(b.width * b.height * 3);
  for (let y = 0; y < b.height; y++) {
    const src = ((b.y + y) * img.width + b.x) * 3;
    out.set(img.data.subarray(src, src + b.width * 3), y * b.width * 3);
  }
  return { width: b.width, height: b.height, data: out };
}
