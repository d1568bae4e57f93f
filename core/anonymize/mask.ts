import { encodePng } from '../util/png.js';
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
  // (grey, alpha) pairs; grey is 0 (black).
  const pixels = new Uint8Array(h * w * 2);
  for (let y = 0; y < h; y++) {
    const src = (y0 + y) * width + x0;
    for (let x = 0; x < w; x++) pixels[(y * w + x) * 2 + 1] = alpha[src + x] ?? 0;
  }
  return { rect, png: encodePng({ width: w, height: h, data: pixels }, 2), opaquePixels: opaque };
}
