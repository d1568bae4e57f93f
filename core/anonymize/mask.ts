import { deflateSync } from 'node:zlib';
import { insideRegion } from './plan.js';
import type { AnonymizationPlan, Rect } from './types.js';

/**
 * The static mask of a plan as one image: opaque black where the frame is hidden (outside the endoscope
 * region, filled text boxes), transparent elsewhere. Rendered once, overlaid on every frame by ffmpeg
 * (`overlay` of a single image is far cheaper than per-pixel expressions and handles any shape).
 */
export interface MaskImage {
  /** Placement of the image in the frame (even-aligned). */
  rect: Rect;
  /** PNG bytes (grey + alpha). */
  png: Buffer;
  /** Opaque pixels in the image. */
  opaquePixels: number;
}

/** Alpha per pixel of the full frame: 255 = hidden. Exported for tests. */
export function maskAlpha(plan: AnonymizationPlan): Uint8Array {
  const { width, height } = plan.input;
  const alpha = new Uint8Array(width * height);
  const region = plan.masks.region;
  if (region) {
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let x = 0; x < width; x++) if (!insideRegion(region, x, y)) alpha[row + x] = 255;
    }
  }
  if (plan.masks.style === 'fill') {
    for (const b of plan.masks.boxes) {
      for (let y = b.y; y < b.y + b.height; y++) alpha.fill(255, y * width + b.x, y * width + b.x + b.width);
    }
  }
  return alpha;
}

/** Build the mask image, or null when nothing is hidden by a static mask. */
export function buildMaskImage(plan: AnonymizationPlan): MaskImage | null {
  const { width, height } = plan.input;
  const alpha = maskAlpha(plan);
  let x0 = width,
    y0 = height,
    x1 = -1,
    y1 = -1,
    opaque = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (alpha[row + x]) {
        opaque++;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (!opaque) return null;
  // Even offsets and sizes keep chroma planes aligned in yuv420 overlays (the rectangle only grows).
  x0 -= x0 % 2;
  y0 -= y0 % 2;
  let w = x1 + 1 - x0;
  let h = y1 + 1 - y0;
  if (w % 2 && x0 + w < width) w++;
  if (h % 2 && y0 + h < height) h++;
  const rect = { x: x0, y: y0, width: w, height: h };
  // PNG scanlines: filter byte 0, then (grey, alpha) pairs. Grey is 0 (black).
  const raw = Buffer.alloc(h * (1 + w * 2));
  for (let y = 0; y < h; y++) {
    const off = y * (1 + w * 2);
    const src = (y0 + y) * width + x0;
    for (let x = 0; x < w; x++) raw[off + 1 + x * 2 + 1] = alpha[src + x] ?? 0;
  }
  return { rect, png: encodePng(w, h, 4, raw), opaquePixels: opaque };
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** Minimal PNG encoder (8-bit, given colour type, pre-filtered scanlines). */
export function encodePng(width: number, height: number, colorType: 0 | 2 | 4 | 6, scanlines: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(scanlines, { level: 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
