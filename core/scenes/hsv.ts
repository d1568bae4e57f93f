/**
 * Per-frame HSV for the content score, from packed RGB (rgb24). HSV follows OpenCV's 8-bit convention (H 0–179,
 * S and V 0–255), as PySceneDetect's content score is defined on it. One Uint32 per pixel, H | S << 8 | V << 16:
 * one load of the previous frame's pixel and one store instead of three of each.
 */
export type HsvFrame = Uint32Array;

export function allocHsv(pixels: number): HsvFrame {
  return new Uint32Array(pixels);
}

export const hueOf = (p: number): number => p & 255;
export const satOf = (p: number): number => (p >> 8) & 255;
export const valOf = (p: number): number => p >>> 16;

/** The V plane of a frame (for the edge term). */
export function valuePlane(hsv: HsvFrame, out: Uint8Array): void {
  for (let i = 0; i < hsv.length; i++) out[i] = hsv[i]! >>> 16;
}

const INV = (() => {
  const t = new Float64Array(256);
  for (let i = 1; i < 256; i++) t[i] = 1 / i;
  return t;
})();

/**
 * OpenCV's 8-bit HSV without arithmetic or branches per pixel. Every quantity but V depends only on the two
 * channel differences a = r − g and c = g − b (b − r = −a − c): which channel is the maximum (ties R before G
 * before B, OpenCV's order), d = max − min, the hue H = round(60·sector + 30·numerator / d) mod 180 (half-degrees;
 * numerator g − b, b − r or r − g by sector; H = 0 where d = 0) and the maximum's offset from R. So
 * DIFF[(a + 255) · 512 + c + 255] holds H | d << 8 | (V − r) << 16, and SAT[V << 8 | d] = round(255·d / V).
 * 1 MiB + 64 KiB, built once, on first use. On real footage the maximum channel changes from pixel to pixel, and the three-way
 * branch that picked it was mispredicted often enough to cost about half of the pass. (The test checks every
 * 24-bit colour against the float formula.)
 */
let tables: { SAT: Uint8Array; DIFF: Uint32Array } | undefined;
// Built on first use, not at import (~40 ms): every `framewise` process imports this module, few detect scenes.
// In shared memory, so each detection's worker thread takes this thread's tables instead of building its own.
export function hsvTables(): { SAT: Uint8Array; DIFF: Uint32Array } {
  if (tables) return tables;
  const SAT = new Uint8Array(new SharedArrayBuffer(256 * 256));
  for (let v = 1; v < 256; v++) for (let d = 0; d <= v; d++) SAT[(v << 8) | d] = (255 * d * INV[v]! + 0.5) | 0;
  const DIFF = new Uint32Array(new SharedArrayBuffer(511 * 512 * Uint32Array.BYTES_PER_ELEMENT));
  for (let a = -255; a <= 255; a++) {
    for (let c = -255; c <= 255; c++) {
      // Only the differences matter: take r = 0, so g = −a and b = −a − c.
      const g = -a;
      const b = -a - c;
      // (Plain assignments: destructuring a fresh array per entry made building the table take ~0.2 CPU-s.)
      let v = b;
      let m = Math.min(0, g);
      let h0 = 120;
      let num = -g;
      if (0 >= g && 0 >= b) {
        v = 0;
        m = Math.min(g, b);
        h0 = 0;
        num = g - b;
      } else if (g >= b) {
        v = g;
        m = Math.min(0, b);
        h0 = 60;
        num = b;
      }
      const d = v - m;
      if (d > 255) continue; // no 8-bit colour has these differences
      let hue = 0;
      if (d > 0) {
        let h = h0 + num * (30 * INV[d]!);
        if (h < 0) h += 180;
        const q = (h + 0.5) | 0;
        hue = q >= 180 ? q - 180 : q;
      }
      DIFF[(a + 255) * 512 + c + 255] = hue | (d << 8) | (v << 16);
    }
  }
  tables = { SAT, DIFF };
  return tables;
}

/** Use tables another thread built with `hsvTables()` (shared memory: not copied). */
export function adoptHsvTables(t: { SAT: Uint8Array; DIFF: Uint32Array }): void {
  tables ??= t;
}

/**
 * Packed RGB frames kept in 4-byte-aligned buffers, this frame's and the previous one's, so that 4 pixels (12 bytes)
 * compare as 3 words. Written by hand: no library converts to OpenCV's 8-bit HSV, let alone incrementally.
 */
export class RgbHistory {
  private bytes: [Uint8Array, Uint8Array];
  private words: [Uint32Array, Uint32Array];
  private turn = 0;
  constructor(readonly pixels: number) {
    const a = new ArrayBuffer(Math.ceil((pixels * 3) / 4) * 4);
    const b = new ArrayBuffer(a.byteLength);
    // Both start black (all zero), which is also what a zeroed HsvFrame holds: HSV(0, 0, 0) = 0.
    this.bytes = [new Uint8Array(a), new Uint8Array(b)];
    this.words = [new Uint32Array(a), new Uint32Array(b)];
  }
  /** Copy `rgb` in as the current frame; the one before becomes the previous. */
  push(rgb: Uint8Array): void {
    this.turn ^= 1;
    this.bytes[this.turn]!.set(rgb.subarray(0, this.pixels * 3));
  }
  get cur(): Uint8Array {
    return this.bytes[this.turn]!;
  }
  get curWords(): Uint32Array {
    return this.words[this.turn]!;
  }
  get prevWords(): Uint32Array {
    return this.words[this.turn ^ 1]!;
  }
}

/**
 * One pass per frame for the content score: updates `hsv` (the previous frame's HSV) to this frame's in place and
 * returns the mean |Δ| of H, S and V (PySceneDetect's per-channel `_mean_pixel_distance`). Only what changed is
 * converted: a group of 4 pixels whose RGB equals the previous frame's keeps its HSV and adds 0 to every |Δ| sum,
 * so the result is exactly the float definition's (tested) while still pictures, letterbox bars, slides and screen
 * recordings cost one comparison per 4 pixels instead of a conversion each — and nothing is copied for them (an
 * earlier version kept two HSV frames and copied every unchanged pixel across: a third of the pass).
 * `history` must hold this frame (pushed) and the previous one, whose HSV `hsv` holds.
 */
export function hsvStepChanged(history: RgbHistory, hsv: HsvFrame): { hue: number; sat: number; lum: number } {
  const { SAT, DIFF } = hsvTables();
  const rgb = history.cur;
  const w = history.curWords;
  const pw = history.prevWords;
  const n = hsv.length;
  const words = (n >> 2) * 3;
  let sh = 0;
  let ss = 0;
  let sl = 0;
  let k = 0;
  for (;;) {
    while (k < words && w[k] === pw[k] && w[k + 1] === pw[k + 1] && w[k + 2] === pw[k + 2]) k += 3;
    // A changed group of 4 pixels, or the 0–3 pixels after the last whole group (always converted).
    const i0 = k < words ? (k / 3) << 2 : n & ~3;
    const end = k < words ? i0 + 4 : n;
    for (let i = i0, j = i0 * 3; i < end; i++, j += 3) {
      const r = rgb[j]!;
      const gg = rgb[j + 1]!;
      const t = DIFF[(r - gg + 255) * 512 + gg - rgb[j + 2]! + 255]!;
      const hue = t & 255;
      const v = r + (t >>> 16);
      const sat = SAT[(v << 8) | ((t >> 8) & 255)]!;
      const p = hsv[i]!;
      let x = hue - (p & 255);
      sh += (x ^ (x >> 31)) - (x >> 31);
      x = sat - ((p >> 8) & 255);
      ss += (x ^ (x >> 31)) - (x >> 31);
      x = v - (p >>> 16);
      sl += (x ^ (x >> 31)) - (x >> 31);
      hsv[i] = hue | (sat << 8) | (v << 16);
    }
    if (k >= words) break;
    k += 3;
  }
  return { hue: sh / n, sat: ss / n, lum: sl / n };
}

/** Mean absolute difference of two planes (PySceneDetect's `_mean_pixel_distance`). */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d < 0 ? -d : d;
  }
  return sum / a.length;
}

/** Luma (BT.601, as OpenCV's BGR2GRAY and BGR2YUV): one byte per pixel. */
export function rgbToGray(rgb: Uint8Array, out: Uint8Array): void {
  for (let i = 0, j = 0; i < out.length; i++, j += 3) out[i] = (4899 * rgb[j]! + 9617 * rgb[j + 1]! + 1868 * rgb[j + 2]! + 8192) >> 14;
}

/** Mean of every channel byte (ThresholdDetector's frame average). */
export function meanIntensity(rgb: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < rgb.length; i++) sum += rgb[i]!;
  return sum / rgb.length;
}

/**
 * An edge map of the value plane: gradient magnitude (Sobel) above a median-derived threshold, like the
 * Canny thresholds PySceneDetect picks (high = 1.33 × median), dilated by a square kernel sized to the frame.
 * Edge pixels are 255, others 0. (Canny's thinning and hysteresis are left out; the dilation dominates.)
 */
export function edgeMap(lum: Uint8Array, width: number, height: number, out: Uint8Array, scratch: Uint8Array): void {
  const hist = new Uint32Array(256);
  for (let i = 0; i < lum.length; i++) hist[lum[i]!]!++;
  let acc = 0;
  let median = 0;
  for (; median < 256; median++) {
    acc += hist[median]!;
    if (acc * 2 >= lum.length) break;
  }
  const high = Math.min(255, (4 / 3) * median) || 1;
  scratch.fill(0);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const gx = lum[i - width + 1]! + 2 * lum[i + 1]! + lum[i + width + 1]! - lum[i - width - 1]! - 2 * lum[i - 1]! - lum[i + width - 1]!;
      const gy =
        lum[i + width - 1]! + 2 * lum[i + width]! + lum[i + width + 1]! - lum[i - width - 1]! - 2 * lum[i - width]! - lum[i - width + 1]!;
      if (Math.abs(gx) + Math.abs(gy) > high * 4) scratch[i] = 255;
    }
  }
  const k = kernelSize(width, height) >> 1;
  // Separable dilation: rows, then columns.
  out.fill(0);
  const row = new Uint8Array(lum.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (let d = Math.max(0, x - k); d <= Math.min(width - 1, x + k) && !v; d++) v = scratch[y * width + d]!;
      row[y * width + x] = v;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (let d = Math.max(0, y - k); d <= Math.min(height - 1, y + k) && !v; d++) v = row[d * width + x]!;
      out[y * width + x] = v;
    }
  }
}

/** PySceneDetect's dilation kernel estimate: 4 + round(sqrt(w·h)/192), made odd. */
export function kernelSize(width: number, height: number): number {
  const size = 4 + Math.round(Math.sqrt(width * height) / 192);
  return size % 2 === 0 ? size + 1 : size;
}
