/**
 * Perceptual fingerprints of one frame, computed from a tiny decoded frame (32×32 packed RGB, stretched):
 * - a 64-bit DCT hash (pHash): the luma's 2-D DCT-II, the 8×8 lowest frequencies compared with their median. Scaling, re-encoding, small crops and brightness changes flip only a few bits.
 * - a small histogram: 16 luma bins and 8 bins per colour channel (40 values, each group sums to 1).
 */
export const HASH_SIZE = 32;
export const HISTOGRAM_LENGTH = 16 + 3 * 8;

const N = HASH_SIZE;
/** cos((2x+1)uπ / 2N) for u < 8 (only the low frequencies are needed). */
const COS: Float64Array = (() => {
  const t = new Float64Array(8 * N);
  for (let u = 0; u < 8; u++) for (let x = 0; x < N; x++) t[u * N + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * N));
  return t;
})();

export function lumaOf(rgb: Uint8Array, pixels: number): Float64Array {
  const y = new Float64Array(pixels);
  for (let i = 0; i < pixels; i++) y[i] = 0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!;
  return y;
}

/** The 64-bit pHash of a 32×32 RGB frame, as a bigint (bit 63 = the DC term). */
export function perceptualHash(rgb: Uint8Array): bigint {
  if (rgb.length < N * N * 3) throw new Error(`perceptualHash needs ${N}×${N} RGB pixels`);
  const luma = lumaOf(rgb, N * N);
  // Rows first: rows[y][u] for u < 8, then columns: coeff[v][u].
  const rows = new Float64Array(N * 8);
  for (let y = 0; y < N; y++)
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let x = 0; x < N; x++) s += luma[y * N + x]! * COS[u * N + x]!;
      rows[y * 8 + u] = s;
    }
  const coeffs: number[] = [];
  for (let v = 0; v < 8; v++)
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let y = 0; y < N; y++) s += rows[y * 8 + u]! * COS[v * N + y]!;
      coeffs.push(s);
    }
  // As imagehash's phash: all 64 low-frequency coefficients against their median.
  const median = [...coeffs].sort((a, b) => a - b)[32]!;
  let hash = 0n;
  for (const c of coeffs) hash = (hash << 1n) | (c > median ? 1n : 0n);
  return hash;
}

/** Number of differing bits of two 64-bit hashes. */
export function hammingDistance(a: bigint, b: bigint): number {
  let x = BigInt.asUintN(64, a ^ b);
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return n;
}

export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Hashes as two 32-bit words each (high, low): compact to store, fast to compare. */
export function hashWords(hashes: readonly bigint[]): Uint32Array {
  const w = new Uint32Array(hashes.length * 2);
  hashes.forEach((h, i) => {
    w[2 * i] = Number(BigInt.asUintN(64, h) >> 32n);
    w[2 * i + 1] = Number(BigInt.asUintN(32, h));
  });
  return w;
}

export const wordsToHash = (w: Uint32Array, i: number) => (BigInt(w[2 * i]!) << 32n) | BigInt(w[2 * i + 1]!);

/** 16 luma bins then 8 bins each of R, G, B; every group normalised to sum 1. */
export function colourHistogram(rgb: Uint8Array, pixels: number): Float32Array {
  const h = new Float32Array(HISTOGRAM_LENGTH);
  for (let i = 0; i < pixels; i++) {
    const r = rgb[i * 3]!;
    const g = rgb[i * 3 + 1]!;
    const b = rgb[i * 3 + 2]!;
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    h[Math.min(15, Math.floor(y / 16))]! += 1;
    h[16 + (r >> 5)]! += 1;
    h[24 + (g >> 5)]! += 1;
    h[32 + (b >> 5)]! += 1;
  }
  for (let i = 0; i < HISTOGRAM_LENGTH; i++) h[i] = h[i]! / pixels;
  return h;
}

/** The hash as 64 values of ±1 (so cosine similarity of two hashes = 1 − hamming / 32). */
export function hashVector(hash: bigint, out = new Float32Array(64), offset = 0): Float32Array {
  for (let i = 0; i < 64; i++) out[offset + i] = (hash >> BigInt(63 - i)) & 1n ? 1 : -1;
  return out;
}

export const hashToHex = (h: bigint) => BigInt.asUintN(64, h).toString(16).padStart(16, '0');
export const hashFromHex = (s: string) => BigInt.asUintN(64, BigInt(`0x${s}`));
