import { clampBox, type Box } from '../util/box.js';

import type { RgbImage } from '../util/rgb-image.js';

export type { RgbImage } from '../util/rgb-image.js';

/** An 8-bit single-channel image. */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export { boxArea, clampBox, coverage, intersection, iou, roundBox, scaleBox, type Box } from '../util/box.js';
export { encodePng } from '../util/png.js';

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

/**
 * Where each output pixel of a bilinear resize along one axis reads (pixel centres aligned): the two source
 * indices and the weight of the second. Computed once per axis so the pixel loops hold no Math calls; shared by
 * the 8-bit resizes here and the detector's float planes (detect.ts).
 */
export interface BilinearTaps {
  i0: Int32Array;
  i1: Int32Array;
  w: Float64Array;
}

export function bilinearTaps(srcLength: number, length: number): BilinearTaps {
  const i0 = new Int32Array(length);
  const i1 = new Int32Array(length);
  const w = new Float64Array(length);
  const s = srcLength / length;
  for (let i = 0; i < length; i++) {
    const f = Math.max(0, (i + 0.5) * s - 0.5);
    const a = Math.min(srcLength - 1, Math.floor(f));
    i0[i] = a;
    i1[i] = Math.min(srcLength - 1, a + 1);
    w[i] = f - a;
  }
  return { i0, i1, w };
}

/** Bilinear resize with pixel centres aligned, for interleaved 8-bit images of `channels` channels (gray 1, RGB 3). */
function resizeBilinear(src: Uint8Array, srcWidth: number, srcHeight: number, channels: number, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * channels);
  const xs = bilinearTaps(srcWidth, width);
  const ys = bilinearTaps(srcHeight, height);
  const x0 = xs.i0.map((v) => v * channels);
  const x1 = xs.i1.map((v) => v * channels);
  let o = 0;
  for (let y = 0; y < height; y++) {
    const r0 = ys.i0[y]! * srcWidth * channels;
    const r1 = ys.i1[y]! * srcWidth * channels;
    const wy = ys.w[y]!;
    for (let x = 0; x < width; x++) {
      const wx = xs.w[x]!;
      const a = r0 + x0[x]!;
      const b = r0 + x1[x]!;
      const c = r1 + x0[x]!;
      const d = r1 + x1[x]!;
      for (let k = 0; k < channels; k++, o++)
        out[o] = Math.round((src[a + k]! * (1 - wx) + src[b + k]! * wx) * (1 - wy) + (src[c + k]! * (1 - wx) + src[d + k]! * wx) * wy);
    }
  }
  return out;
}

/** Bilinear resize of a gray image. */
export function resizeGray(img: GrayImage, width: number, height: number): GrayImage {
  return { width, height, data: resizeBilinear(img.data, img.width, img.height, 1, width, height) };
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

/** `img` resized to width × height, bilinear with pixel centres aligned (as `resizeGray`, three channels). */
export function resizeRgb(img: RgbImage, width: number, height: number): RgbImage {
  return { width, height, data: resizeBilinear(img.data, img.width, img.height, 3, width, height) };
}
