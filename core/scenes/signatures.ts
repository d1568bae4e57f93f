/** Frame signatures for the hash and histogram detectors (PySceneDetect's `detect-hash` and `detect-hist`). */

const HASH_SIZE = 16;
const LOWPASS = 2;
const SIDE = HASH_SIZE * LOWPASS;

/**
 * Area-average a gray image down to side × side with fractional pixel weights at cell borders (OpenCV's
 * INTER_AREA, which PySceneDetect's hash uses): separable, rows first.
 */
function shrink(gray: Uint8Array, width: number, height: number, side: number): Float64Array {
  const cols = areaWeights(width, side);
  const rows = areaWeights(height, side);
  const tmp = new Float64Array(height * side);
  for (let y = 0; y < height; y++) {
    const line = y * width;
    for (const { out, src, w } of cols) tmp[y * side + out]! += gray[line + src]! * w;
  }
  const out = new Float64Array(side * side);
  for (const { out: oy, src: sy, w } of rows) for (let x = 0; x < side; x++) out[oy * side + x]! += tmp[sy * side + x]! * w;
  return out;
}

/** For each source index, its share of each output cell it overlaps (weights of one cell sum to 1). */
function areaWeights(n: number, side: number): Array<{ out: number; src: number; w: number }> {
  const scale = n / side;
  const list: Array<{ out: number; src: number; w: number }> = [];
  for (let o = 0; o < side; o++) {
    const a = o * scale;
    const b = (o + 1) * scale;
    for (let src = Math.floor(a); src < Math.min(n, Math.ceil(b)); src++) {
      const overlap = Math.min(b, src + 1) - Math.max(a, src);
      if (overlap > 1e-12) list.push({ out: o, src, w: overlap / scale });
    }
  }
  return list;
}

/** Orthonormal DCT-II basis (OpenCV's cv2.dct): the k = 0 row is scaled by √(1/N), the others by √(2/N). */
const cosTable = (() => {
  const t = new Float64Array(SIDE * SIDE);
  for (let k = 0; k < SIDE; k++) {
    const norm = Math.sqrt((k === 0 ? 1 : 2) / SIDE);
    for (let n = 0; n < SIDE; n++) t[k * SIDE + n] = norm * Math.cos((Math.PI * (2 * n + 1) * k) / (2 * SIDE));
  }
  return t;
})();

/**
 * Perceptual hash (PySceneDetect's HashDetector, size 16, lowpass 2): the gray frame area-shrunk to 32×32, its
 * orthonormal 2-D DCT, the 16×16 lowest frequencies compared with their median → 256 bits. (PySceneDetect
 * also divides the image by its maximum first: a positive scale, which changes no bit.)
 */
export function perceptualHash(gray: Uint8Array, width: number, height: number): Uint8Array {
  const img = shrink(gray, width, height, SIDE);
  // Rows then columns, keeping only the low frequencies.
  const rows = new Float64Array(SIDE * HASH_SIZE);
  for (let y = 0; y < SIDE; y++)
    for (let k = 0; k < HASH_SIZE; k++) {
      let s = 0;
      for (let n = 0; n < SIDE; n++) s += img[y * SIDE + n]! * cosTable[k * SIDE + n]!;
      rows[y * HASH_SIZE + k] = s;
    }
  const dct = new Float64Array(HASH_SIZE * HASH_SIZE);
  for (let k = 0; k < HASH_SIZE; k++)
    for (let x = 0; x < HASH_SIZE; x++) {
      let s = 0;
      for (let n = 0; n < SIDE; n++) s += rows[n * HASH_SIZE + x]! * cosTable[k * SIDE + n]!;
      dct[k * HASH_SIZE + x] = s;
    }
  const sorted = Float64Array.from(dct).sort();
  const median = (sorted[dct.length / 2 - 1]! + sorted[dct.length / 2]!) / 2;
  const bits = new Uint8Array(dct.length);
  for (let i = 0; i < dct.length; i++) bits[i] = dct[i]! > median ? 1 : 0;
  return bits;
}

/** Share of differing bits, 0–1. */
export function hammingFraction(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) d++;
  return d / a.length;
}

/** 256-bin histogram of the luma plane. */
export function lumaHistogram(gray: Uint8Array): Float64Array {
  const h = new Float64Array(256);
  for (let i = 0; i < gray.length; i++) h[gray[i]!]!++;
  return h;
}

/** 1 − Pearson correlation of two histograms (OpenCV's HISTCMP_CORREL), 0 = identical. */
export function histogramDistance(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    num += x * y;
    da += x * x;
    db += y * y;
  }
  const den = Math.sqrt(da * db);
  const corr = den > 0 ? num / den : da === db ? 1 : 0;
  return 1 - corr;
}
