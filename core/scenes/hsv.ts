/**
 * Per-frame image planes the detectors work on, from packed RGB (rgb24). HSV follows OpenCV's 8-bit
 * convention (H 0–179, S and V 0–255), as PySceneDetect's content score is defined on it.
 */
export interface Planes {
  hue: Uint8Array;
  sat: Uint8Array;
  lum: Uint8Array;
}

export function allocPlanes(pixels: number): Planes {
  return { hue: new Uint8Array(pixels), sat: new Uint8Array(pixels), lum: new Uint8Array(pixels) };
}

const INV = (() => {
  const t = new Float64Array(256);
  for (let i = 1; i < 256; i++) t[i] = 1 / i;
  return t;
})();

/**
 * OpenCV's 8-bit HSV without arithmetic per pixel. With v the max channel and d = max − min:
 * S = round(255·d / v), H = round(60·sector + 30·numerator / d) mod 180 (half-degrees), where the sector is the
 * max channel (0 R, 1 G, 2 B; ties R before G before B) and the numerator the difference of the other two in
 * OpenCV's order (g − b, b − r, r − g); H = 0 where d = 0. SAT[v << 8 | d] and
 * HUE[(sector · 512 + 256 + numerator) << 8 | d] hold those bytes (HUE's d = 0 entries stay 0). 64 KiB + 384 KiB,
 * built once. (The test checks every 24-bit colour against the float formula.)
 */
const SAT = new Uint8Array(256 * 256);
const HUE = new Uint8Array(3 * 512 * 256);
for (let v = 1; v < 256; v++) for (let d = 0; d <= v; d++) SAT[(v << 8) | d] = (255 * d * INV[v]! + 0.5) | 0;
for (let sector = 0; sector < 3; sector++) {
  for (let num = -255; num <= 255; num++) {
    for (let d = 1; d < 256; d++) {
      let h = 60 * sector + num * (30 * INV[d]!);
      if (h < 0) h += 180;
      const q = (h + 0.5) | 0;
      HUE[((sector * 512 + 256 + num) << 8) | d] = q >= 180 ? q - 180 : q;
    }
  }
}

/**
 * One pass per frame for the content score: converts `rgb` into HSV planes `cur` and returns the mean |Δ| of
 * each plane against `prev` — one pass over memory, table reads instead of float arithmetic per pixel.
 */
export function hsvStep(rgb: Uint8Array, cur: Planes, prev: Planes): { hue: number; sat: number; lum: number } {
  const ch = cur.hue;
  const cs = cur.sat;
  const cl = cur.lum;
  const ph = prev.hue;
  const ps = prev.sat;
  const pl = prev.lum;
  const n = ch.length;
  let sh = 0;
  let ss = 0;
  let sl = 0;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    const r = rgb[j]!;
    const g = rgb[j + 1]!;
    const b = rgb[j + 2]!;
    let v: number;
    let m: number;
    let key: number;
    // Ties pick the sector R before G before B.
    if (r >= g && r >= b) {
      v = r;
      m = g < b ? g : b;
      key = (256 + g - b) << 8;
    } else if (g >= b) {
      v = g;
      m = r < b ? r : b;
      key = (512 + 256 + b - r) << 8;
    } else {
      v = b;
      m = r < g ? r : g;
      key = (1024 + 256 + r - g) << 8;
    }
    const d = v - m;
    const sat = SAT[(v << 8) | d]!;
    const hue = HUE[key | d]!;
    let x = hue - ph[i]!;
    sh += x < 0 ? -x : x;
    x = sat - ps[i]!;
    ss += x < 0 ? -x : x;
    x = v - pl[i]!;
    sl += x < 0 ? -x : x;
    ch[i] = hue;
    cs[i] = sat;
    cl[i] = v;
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
