/** Frame signatures for the hash and histogram detectors (PySceneDetect's `detect-hash` and `detect-hist`). */

const HASH_SIZE = 16;
const LOWPASS = 2;
const SIDE = HASH_SIZE * LOWPASS;

/** Area-average a gray image down to side × side. */
function shrink(gray: Uint8Array, width: number, height: number, side: number): Float64Array {
  const out = new Float64Array(side * side);
  const count = new Float64Array(side * side);
  for (let y = 0; y < height; y++) {
    const oy = Math.min(side - 1, Math.floor((y * side) / height));
    for (let x = 0; x < width; x++) {
      const o = oy * side + Math.min(side - 1, Math.floor((x * side) / width));
      out[o]! += gray[y * width + x]!;
      count[o]!++;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = count[i] ? out[i]! / count[i]! : 0;
  return out;
}

const cosTable = (() => {
  const t = new Float64Array(SIDE * SIDE);
  for (let k = 0; k < SIDE; k++) for (let n = 0; n < SIDE; n++) t[k * SIDE + n] = Math.cos((Math.PI * (2 * n + 1) * k) / (2 * SIDE));
  return t;
})();

/**
 * Perceptual hash: the gray frame shrunk to 32×32, its 2-D DCT, the 16×16 lowest frequencies compared with
 * their median → 256 bits.
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
